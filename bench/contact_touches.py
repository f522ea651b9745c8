"""Benchmark: what CON-1's automatic contact records cost (PostgreSQL).

Two writes that now leave a contact record, timed in-process on random JS lines, each with its SQL
statement count:

* ``notify.services.sms_send`` — the outbox row, its audit row, and (``contacts``' listener on
  ``notify.hooks``) the outbound SMS contact and its audit row;
* a query without a call by hall staff (``queries.services.query_balance`` after an ID-shown
  authentication): the first query of a sitting opens the hall contact and notes a service request,
  the next joins it.

    .venv/bin/python bench/contact_touches.py [--samples 300] [--keep]
        [--subscribers 20000] [--contacts-per-subscriber 2] [--database kefu_bench_contacts]

The database is created and filled if empty and dropped afterwards unless --keep is given. Prints
figures; never fails on time. See bench/_api_timing.py for the harness.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _api_timing as timing  # noqa: E402


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms"


def _timed(call) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries.captured_queries)


def _hall_staff():
    from kefu.core.models import Province, Staff

    staff = Staff.objects.filter(job_number="bench-hall").first()
    if staff is None:
        staff = Staff(
            job_number="bench-hall",
            name="压测营业员",
            role="hall_staff",
            province=Province.objects.get(code="JS"),  # province scope: lines of every JS city
        )
        staff.set_unusable_password()
        staff.save()
    return staff


def main() -> int:
    args = timing.arguments(__doc__)
    args.subscribers = args.subscribers if args.subscribers != 1_000_000 else 20_000
    args.contacts_per_subscriber = min(args.contacts_per_subscriber, 2)
    if args.database == "kefu_bench_customers":
        args.database = "kefu_bench_contacts"
    sizes = timing.prepare(args)
    try:
        from kefu.customers.models import Subscriber
        from kefu.identity import services as identity
        from kefu.notify import services as notify
        from kefu.queries import services as queries

        _, agent = timing.agent_client()
        hall = _hall_staff()
        numbers = timing.random_js_numbers(args.samples, args.random_seed)
        sms, sms_sql = [], set()
        for number in numbers:
            line = Subscriber.objects.get(number=number)
            ms, n = _timed(lambda line=line: notify.sms_send(actor=agent, to=line.number, text="压测通知",
                                                               subscriber=line))  # fmt: skip
            sms.append(ms)
            sms_sql.add(n)
        first, joined, first_sql, joined_sql = [], [], set(), set()
        for number in numbers:
            line = Subscriber.objects.select_related("customer").get(number=number)
            identity.authenticate(actor=hall, number=number, method="id_shown", channel="hall",
                                  id_number=line.customer.id_number)  # fmt: skip
            ms, n = _timed(lambda number=number: queries.query_balance(actor=hall, number=number))
            first.append(ms)
            first_sql.add(n)
            ms, n = _timed(lambda number=number: queries.query_points(actor=hall, number=number))
            joined.append(ms)
            joined_sql.add(n)
        print(f"database: {sizes['subscribers']:,} subscribers, ~{sizes['contacts']:,} contacts; "
              f"{len(numbers)} random JS lines")  # fmt: skip
        print(f"sms_send (outbox + contact):        {_ms(sms)}; SQL statements {sorted(sms_sql)}")
        print(f"query without a call, first:        {_ms(first)}; SQL statements {sorted(first_sql)}")
        print(f"query without a call, same sitting: {_ms(joined)}; SQL statements {sorted(joined_sql)}")
    finally:
        if not args.keep:
            timing.drop(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
