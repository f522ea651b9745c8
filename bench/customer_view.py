"""Benchmark: the unified customer view API (VIEW-1..4) on PostgreSQL.

``GET /api/v1/subscribers/<n>/view`` for random lines, 1,000,000 subscribers with 6 months of history
and 10 contacts each, timed in-process as server time; in the same run the time of one indexed
primary-key lookup, the ratio, and the number of SQL queries per view. Goal: p95 <= 50 ms. See
bench/_api_timing.py.

Since issue 11 every view is audited (SYS-2: one ``view`` row committed before the response) and the
fee sections open only under a grant (Q-1). By default the bench agent holds a valid grant on every
sampled line, so the full view (fees included) is timed; ``--locked`` times it without grants (fee
sections locked). The script checks that each timed view wrote exactly one audit row.

    .venv/bin/python bench/customer_view.py [--samples 500] [--keep] [--locked]
        [--subscribers 1000000] [--contacts-per-subscriber 10] [--database kefu_bench_customers]

The database is created and filled if empty (about 6 minutes on 2 cores) and dropped afterwards unless
--keep is given. Prints figures; never fails on time.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _api_timing as timing  # noqa: E402

GOAL_MS = 50


def grant_all(args) -> int:
    """A valid grant of the bench agent on every line the run will ask for (the same seeded sample);
    earlier bench grants are removed first. Returns the number of grants."""
    from django.utils import timezone

    from kefu.customers.models import Subscriber
    from kefu.identity.models import AuthGrant

    _client, staff = timing.agent_client()
    numbers = timing.random_js_numbers(args.samples + args.warmup, args.random_seed)
    AuthGrant.objects.filter(staff=staff).delete()
    if args.locked:
        return 0
    now = timezone.now()
    ids = Subscriber.objects.filter(number__in=numbers).values_list("pk", flat=True)
    AuthGrant.objects.bulk_create(
        AuthGrant(
            subscriber_id=pk,
            staff=staff,
            method="password",
            scope="full",
            granted_at=now,
            expires_at=now + timedelta(hours=2),
        )  # fmt: skip
        for pk in ids
    )
    return len(ids)


def main() -> int:
    parser_args = sys.argv[1:]
    locked = "--locked" in parser_args
    if locked:
        sys.argv.remove("--locked")
    args = timing.arguments(__doc__)
    args.locked = locked
    sizes = timing.prepare(args)
    try:
        from kefu.core.models import AuditEvent

        granted = grant_all(args)
        print(f"grants for the bench agent: {granted} ({'fees locked' if locked else 'fees open'})")
        opened: list[bool] = []

        def check(response):
            body = response.json()
            assert body["number"], "the view has content"
            opened.append(not body["fees"]["locked"])

        # time the audit write (its INSERT and COMMIT) of each view, in the same run
        import time

        from kefu.core import audit

        written: list[float] = []
        record_view = audit.record_view

        def timed_record_view(**kwargs):
            started = time.perf_counter()
            try:
                return record_view(**kwargs)
            finally:
                written.append(time.perf_counter() - started)

        audit.record_view = timed_record_view
        before = AuditEvent.objects.filter(action="view").count()
        result = timing.run(
            args, name="unified customer view", path_of=lambda n: f"/api/v1/subscribers/{n}/view", check=check
        )
        rows = AuditEvent.objects.filter(action="view").count() - before
        timing.report(result, sizes, GOAL_MS)
        # warm-up, timed and query-counted requests each write one row
        requests = args.warmup + result["samples"] + min(20, result["samples"])
        print(
            f"  audit rows written: {rows} for {requests} views; fees open in {sum(opened)} of {len(opened)}"
        )
        if written:
            ms = [w * 1000 for w in written]
            print(
                f"  audit write (INSERT + COMMIT) p50 {timing.statistics.median(ms):.2f} ms"
                f"  p95 {timing.percentile(ms, 95):.2f} ms"
            )
    finally:
        if not args.keep:
            timing.drop(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
