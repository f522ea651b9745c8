"""``kefu seed``: realistic synthetic subscribers with their billing history, fast.

Flow: validate everything first (a bad argument writes nothing), then in one transaction: reserve ids,
generate customers/accounts/subscribers in Python and load them (PostgreSQL: COPY; SQLite: batched
executemany), then generate the bulky history — on PostgreSQL in SQL (``history_sql``), on SQLite in
Python (``history_py``). For large PostgreSQL loads the secondary indexes and foreign keys of the
customers tables are dropped first and recreated afterwards, then the tables are analysed.

Service passwords: hashing a million argon2 hashes is out of the question, so every seeded line gets
the hash of a demo password that follows a public rule — ``demo_service_password(number)``: "24680"
followed by the number's last digit (13912345677 → 246807). Ten hashes per run, computed once.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection, transaction
from django.utils import timezone

from kefu.core.models import City, Province
from kefu.customers.models import Subscriber
from kefu.customers.seeding import history_py, history_sql
from kefu.customers.seeding.people import (
    ACCOUNT_COLUMNS,
    CUSTOMER_COLUMNS,
    SUBSCRIBER_COLUMNS,
    Place,
    generate_rows,
    start_of_month,
)
from kefu.customers.seeding.products import ensure_products

logger = logging.getLogger("kefu.seed")

DEFAULT_PROVINCES = ("JS", "ZJ")
MAX_SUBSCRIBERS = 20_000_000
MAX_MONTHS = 24
CHUNK = 100_000  # subscribers generated and loaded per round (bounds memory)
BULK_THRESHOLD = 200_000  # from this size on, PostgreSQL loads without secondary indexes
CORE_TABLES = ("customers_customer", "customers_account", "customers_subscriber")
HISTORY_TABLES = (
    "customers_subscription",
    "customers_monthlybill",
    "customers_payment",
    "customers_pointsentry",
    "customers_calldetail",
    "customers_usagerecord",
)
ALL_TABLES = CORE_TABLES + HISTORY_TABLES
DEMO_PASSWORD_PREFIX = "24680"


class SeedError(ValueError):
    """A bad seed argument; raised before anything is written."""


@dataclass
class SeedResult:
    subscribers: int
    first_id: int
    last_id: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    samples: list[tuple[str, str]] = field(default_factory=list)  # (number, demo password)


def demo_service_password(number: str) -> str:
    """The service password every seeded line starts with (public: synthetic data only)."""
    return DEMO_PASSWORD_PREFIX + number[-1]


class _SeedArgon2Hasher(Argon2PasswordHasher):
    """argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane): the demo passwords are public anyway,
    and ten hashes at the production cost would take seconds of every demo start. A password set
    through the service is hashed at the production cost."""

    memory_cost = 19456
    parallelism = 1


@cache
def _password_hashes() -> dict[str, str]:
    hasher = _SeedArgon2Hasher()
    return {digit: hasher.encode(DEMO_PASSWORD_PREFIX + digit, hasher.salt()) for digit in "0123456789"}


def resolve_places(province_codes) -> list[Place]:
    """Home locations to spread the seed over; SeedError for an unknown or city-less province."""
    codes = [c.strip().upper() for c in (province_codes or DEFAULT_PROVINCES)]
    provinces = {p.code: p for p in Province.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in provinces]
    if unknown:
        raise SeedError(f"unknown province code(s): {', '.join(unknown)}")
    places = []
    for code in codes:
        province = provinces[code]
        for city in City.objects.filter(province=province).order_by("code"):
            places.append(
                Place(
                    province_id=province.id,
                    province_name=province.name,
                    city_id=city.id,
                    city_code=city.code,
                    city_name=city.name,
                    area_code=city.area_code,
                )
            )
        if not any(p.province_id == province.id for p in places):
            raise SeedError(f"province {code} has no cities in the reference data")
    return places


def validate(*, count, months, province_codes) -> list[Place]:
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        raise SeedError(f"--subscribers must be a positive whole number, not {count!r}")
    if count > MAX_SUBSCRIBERS:
        raise SeedError(f"--subscribers may be at most {MAX_SUBSCRIBERS:,} per run")
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
        raise SeedError(f"--months must be a whole number from 1 to {MAX_MONTHS}, not {months!r}")
    return resolve_places(province_codes)


def seed(
    *, count: int, province_codes=None, months: int = 6, random_seed: int | None = None, progress=None
) -> SeedResult:
    """Add ``count`` subscribers (with customers, accounts and ``months`` months of history)."""
    places = validate(count=count, months=months, province_codes=province_codes)
    say = progress or (lambda message: logger.debug(message))
    rng = random.Random(random_seed)
    started = time.monotonic()
    now = timezone.now().replace(microsecond=0)
    cur = start_of_month(timezone.localdate())
    hashes = _password_hashes()
    postgres = connection.vendor == "postgresql"
    bulk = postgres and count >= BULK_THRESHOLD

    with transaction.atomic():
        products = ensure_products()
        first_id = _reserve_ids(count)
        taken = set(Subscriber.objects.values_list("number", flat=True))
        dropped = _drop_secondary(ALL_TABLES) if bulk else None
        samples: list[tuple[str, str]] = []
        done = 0
        while done < count:
            n = min(CHUNK, count - done)
            lo = first_id + done
            customers, accounts, subscribers = generate_rows(
                rng=rng, count=n, places=places, first_id=lo, taken_numbers=taken,
                password_hashes=hashes, now=now,
            )  # fmt: skip
            if not samples:
                samples = [(row[1], demo_service_password(row[1])) for row in subscribers[:5]]
            if postgres:
                _copy("customers_customer", CUSTOMER_COLUMNS, customers)
                _copy("customers_account", ACCOUNT_COLUMNS, accounts)
                _copy("customers_subscriber", SUBSCRIBER_COLUMNS, subscribers)
            else:
                _insert("customers_customer", CUSTOMER_COLUMNS, customers)
                _insert("customers_account", ACCOUNT_COLUMNS, accounts)
                _insert("customers_subscriber", SUBSCRIBER_COLUMNS, subscribers)
                _python_history(rng, subscribers, accounts, months, cur, now, products)
            done += n
            say(f"subscribers: {done:,}/{count:,} ({time.monotonic() - started:.0f} s)")
        del taken
        last_id = first_id + count - 1
        if postgres:
            _sync_sequences(CORE_TABLES)
            with connection.cursor() as cursor:
                for table, sql in history_sql.statements(
                    lo=first_id, hi=last_id, months=months, cur=cur, now=now, products=products
                ):
                    t0 = time.monotonic()
                    cursor.execute(sql)
                    say(f"{table}: {cursor.rowcount:,} rows ({time.monotonic() - t0:.0f} s)")
        if dropped is not None:
            t0 = time.monotonic()
            _restore_secondary(dropped)
            say(f"indexes and foreign keys rebuilt ({time.monotonic() - t0:.0f} s)")
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(ALL_TABLES))
    rows = _row_counts(first_id, last_id)
    return SeedResult(
        subscribers=count,
        first_id=first_id,
        last_id=last_id,
        seconds=time.monotonic() - started,
        rows=rows,
        samples=samples,
    )


def _reserve_ids(count: int) -> int:
    """The first of ``count`` consecutive ids, shared by the new customers, accounts and subscribers.

    The tables are locked for the transaction so a concurrent writer cannot take ids in the range.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE " + ", ".join(CORE_TABLES) + " IN SHARE ROW EXCLUSIVE MODE")
        highest = 0
        for table in CORE_TABLES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - our table names
            highest = max(highest, cursor.fetchone()[0])
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT last_value FROM {table}_id_seq")  # noqa: S608
                highest = max(highest, cursor.fetchone()[0])
    return highest + 1


def _sync_sequences(tables) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            )


def _copy(table: str, columns, rows) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def _insert(table: str, columns, rows, batch: int = 5000) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, [tuple(map(_sqlite_value, r)) for r in rows[start : start + batch]])


def _python_history(rng, subscribers, accounts, months, cur, now, products) -> None:
    buffers: dict[str, list] = {key: [] for key in history_py.COLUMNS}
    for key, row in history_py.generate(
        rng=rng, subscribers=subscribers, accounts=accounts, months=months, cur=cur, now=now,
        products=products,
    ):  # fmt: skip
        buffers[key].append(row)
    for key, rows in buffers.items():
        table, columns = history_py.COLUMNS[key]
        _insert(table, columns, rows)


def _drop_secondary(tables) -> dict[str, list[str]]:
    """Drop the foreign keys and non-unique indexes of ``tables``; return the DDL that restores them."""
    names = "', '".join(tables)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ('{names}')"""  # noqa: S608
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            f"""SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i WHERE i.indrelid::regclass::text IN ('{names}')
                AND NOT i.indisunique AND NOT i.indisprimary"""  # noqa: S608
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return {
        "indexes": [definition for _name, definition in indexes],
        "foreign_keys": [
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition in foreign_keys
        ],
    }


def _restore_secondary(dropped: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in dropped["indexes"] + dropped["foreign_keys"]:
            cursor.execute(statement)


def _row_counts(first_id: int, last_id: int) -> dict[str, int]:
    """Rows this run added, per table."""
    counts = {}
    with connection.cursor() as cursor:
        for table in ALL_TABLES:
            column = "id" if table in CORE_TABLES else "subscriber_id"
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {column} BETWEEN %s AND %s",  # noqa: S608
                [first_id, last_id],
            )
            counts[table] = cursor.fetchone()[0]
    return counts
