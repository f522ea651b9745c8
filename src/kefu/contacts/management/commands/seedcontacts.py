"""``kefu seedcontacts (--per-subscriber N | --contacts N) [--province CODE] [--days D]``.

Synthetic contact history for benchmarks and demos: closed contacts spread over the existing
subscribers, their last ``D`` days, in plausible channels and request types. On PostgreSQL the rows are
generated inside the database (``INSERT … SELECT`` over ``generate_series`` with ``hashint8``-based
values; from 1,000,000 rows on without the table's secondary indexes and foreign keys, rebuilt at the
end); on SQLite in Python. One transaction: all or nothing. Repeat-contact links (CON-3) are not made
for generated rows.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from kefu.contacts.choices import Channel, ContactStatus, Direction
from kefu.contacts.models import ContactRecord
from kefu.core.choices import RequestType
from kefu.core.models import Province
from kefu.customers.models import Subscriber

TABLE = ContactRecord._meta.db_table
BULK_THRESHOLD = 1_000_000
CHUNK_SUBSCRIBERS = 100_000

# (channel, weight): most contacts come through the hotline and its IVR.
CHANNELS = [
    (Channel.HOTLINE, 50),
    (Channel.IVR, 20),
    (Channel.HALL, 10),
    (Channel.WEB, 6),
    (Channel.IM, 6),
    (Channel.SMS, 4),
    (Channel.OUTBOUND, 3),
    (Channel.EMAIL, 1),
]
REQUEST_SUMMARIES = [
    (RequestType.QUERY, "查询本月话费及余额"),
    (RequestType.QUERY, "查询积分"),
    (RequestType.CONSULTATION, "咨询流量套餐资费"),
    (RequestType.BUSINESS_HANDLING, "办理增值业务变更"),
    (RequestType.COMPLAINT, "反映未订购却被扣费"),
    (RequestType.FAULT_REPORT, "申告宽带无法上网"),
    (RequestType.SUGGESTION, "建议优化营业厅排队"),
]
MAX_DURATION = 900  # seconds


def _weighted_channels() -> list[str]:
    return [str(channel) for channel, weight in CHANNELS for _ in range(weight)]


def _sql_text_array(values) -> str:
    return "ARRAY[" + ",".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]::text[]"


def _whole_number(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise CommandError(f"not a whole number: {value!r}")


class Command(BaseCommand):
    help = (
        "Add synthetic closed contact records to the existing subscribers (for benchmarks and demos): "
        "either N per subscriber or N in total, spread over the last D days."
    )

    def add_arguments(self, parser):
        how_many = parser.add_mutually_exclusive_group(required=True)
        how_many.add_argument("--per-subscriber", type=_whole_number, help="contacts per subscriber")
        how_many.add_argument("--contacts", type=_whole_number, help="contacts in total")
        parser.add_argument("--province", help="only subscribers of this home province (code, e.g. JS)")
        parser.add_argument("--days", type=_whole_number, default=365, help="spread over the last D days")
        parser.add_argument("--random-seed", type=_whole_number, default=0, help="varies the values")

    def handle(self, *args, **options):
        per, total, days = options.get("per_subscriber"), options.get("contacts"), options["days"]
        if per is not None and per <= 0 or total is not None and total <= 0:
            raise CommandError("the number of contacts must be positive")
        if days <= 0:
            raise CommandError("--days must be positive")
        subscribers = Subscriber.objects.all()
        province_id = None
        if options.get("province"):
            province_id = (
                Province.objects.filter(code=options["province"]).values_list("id", flat=True).first()
            )
            if province_id is None:
                raise CommandError(f"unknown province: {options['province']!r}")
            subscribers = subscribers.filter(home_province_id=province_id)
        count = subscribers.count()
        if count == 0:
            raise CommandError("no subscribers to attach contacts to: run `kefu seed` first")
        if total is None:
            total = per * count
        started = time.monotonic()
        if connection.vendor == "postgresql":
            created = self._postgres(subscribers, province_id, count, total, days, options["random_seed"])
        else:
            created = self._python(subscribers, total, days, options["random_seed"])
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"seeded {created:,} contact records over {count:,} subscribers "
                    f"in {time.monotonic() - started:.1f} s"
                )
            )

    # --- SQLite (and small runs anywhere): Python -------------------------------------------------
    def _python(self, subscribers, total, days, salt) -> int:
        rng = random.Random(salt)
        now = timezone.now().replace(microsecond=0)
        channels = _weighted_channels()
        rows = list(subscribers.values_list("id", "number", "home_province_id", "home_city_id"))
        contacts = []
        for i in range(total):
            subscriber_id, number, province_id, city_id = rows[i % len(rows)]
            channel = rng.choice(channels)
            request_type, summary = rng.choice(REQUEST_SUMMARIES)
            start = now - timedelta(seconds=rng.randrange(days * 86400))
            duration = 10 + rng.randrange(MAX_DURATION)
            contacts.append(
                ContactRecord(
                    channel=channel,
                    direction=Direction.OUTBOUND if channel == Channel.OUTBOUND else Direction.INBOUND,
                    subscriber_id=subscriber_id,
                    number=number,
                    province_id=province_id,
                    city_id=city_id,
                    started_at=start,
                    ended_at=start + timedelta(seconds=duration),
                    duration_seconds=duration,
                    status=ContactStatus.CLOSED,
                    request_type=request_type,
                    summary=summary,
                    recording_ref=f"R{subscriber_id}-{i}" if channel == Channel.HOTLINE else "",
                    created_at=start,
                )
            )
        with transaction.atomic():
            ContactRecord.objects.bulk_create(contacts, batch_size=2000)
        return total

    # --- PostgreSQL: generated in the database ----------------------------------------------------
    def _postgres(self, subscribers, province_id, count, total, days, salt) -> int:
        per, extra = divmod(total, count)
        ids = subscribers.order_by("id").values_list("id", flat=True)
        lo, hi = ids.first(), ids.last()
        province_sql = "" if province_id is None else f"AND s.home_province_id = {int(province_id)}"
        bulk = total >= BULK_THRESHOLD
        created = 0
        t0 = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            dropped = self._drop_secondary(cursor) if bulk else None
            if per:
                start = lo
                while start <= hi:
                    end = start + CHUNK_SUBSCRIBERS - 1
                    cursor.execute(
                        self._insert_sql(per, days, salt, f"s.id BETWEEN {start} AND {end} {province_sql}")
                    )
                    created += cursor.rowcount
                    if self.verbosity >= 2:
                        self.stdout.write(f"  {created:,}/{total:,} contacts ({time.monotonic() - t0:.0f} s)")
                    start = end + 1
            if extra:
                cursor.execute(
                    self._insert_sql(
                        1,
                        days,
                        salt + 1,
                        f"s.id IN (SELECT id FROM customers_subscriber s WHERE TRUE {province_sql} "
                        f"ORDER BY id LIMIT {int(extra)})",
                    )
                )
                created += cursor.rowcount
            if dropped is not None:
                if self.verbosity >= 2:
                    self.stdout.write(
                        f"  rebuilding indexes and foreign keys ({time.monotonic() - t0:.0f} s)"
                    )
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for statement in dropped:
                    cursor.execute(statement)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
        return created

    verbosity = 1

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)

    @staticmethod
    def _insert_sql(per: int, days: int, salt: int, where: str) -> str:
        """Values from hashint8 of (subscriber id, loop index, salt): reproducible, no parameters, so
        ``%`` stays the modulo operator. Everything inlined is ours and typed."""
        channels = _sql_text_array(_weighted_channels())
        types = _sql_text_array(t for t, _ in REQUEST_SUMMARIES)
        summaries = _sql_text_array(s for _, s in REQUEST_SUMMARIES)
        n_channels, n_types = len(_weighted_channels()), len(REQUEST_SUMMARIES)

        def h(k: int) -> str:
            return f"(hashint8(s.id * 4096 + g * 64 + {k} + {int(salt) * 7919}) & 2147483647)"

        return f"""
            INSERT INTO {TABLE} (channel, direction, subscriber_id, number, staff_id, province_id, city_id,
                started_at, ended_at, duration_seconds, status, request_type, category_id, summary,
                recording_ref, call_id, external_ref, created_at, held_seconds)
            SELECT v.channel,
                   CASE WHEN v.channel = 'outbound' THEN 'outbound' ELSE 'inbound' END,
                   v.sid, v.number, NULL, v.province_id, v.city_id,
                   v.started_at, v.started_at + make_interval(secs => v.duration), v.duration, 'closed',
                   ({types})[v.r + 1], NULL, ({summaries})[v.r + 1],
                   CASE WHEN v.channel = 'hotline' THEN 'R' || v.sid || '-' || v.g ELSE '' END,
                   '', '', v.started_at, 0
            FROM (
                SELECT s.id AS sid, s.number, s.home_province_id AS province_id, s.home_city_id AS city_id,
                       g,
                       ({channels})[{h(1)} % {n_channels} + 1] AS channel,
                       {h(2)} % {n_types} AS r,
                       10 + {h(3)} % {MAX_DURATION} AS duration,
                       date_trunc('second', now()) - make_interval(secs => {h(4)} % {int(days) * 86400})
                           AS started_at
                FROM customers_subscriber s CROSS JOIN generate_series(1, {int(per)}) AS g
                WHERE {where}
            ) v
        """  # noqa: S608

    @staticmethod
    def _drop_secondary(cursor) -> list[str]:
        """Drop the table's foreign keys and non-unique indexes; return the DDL that restores them."""
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = %s::regclass",
            [TABLE],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisunique AND NOT indisprimary",
            [TABLE],
        )
        indexes = cursor.fetchall()
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        return [definition for _name, definition in indexes] + [
            f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}' for name, definition in foreign_keys
        ]
