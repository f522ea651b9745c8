"""Benchmark: the first page of one subscriber's contact history (CON-4, CON-5) on PostgreSQL.

``GET /api/v1/contacts?number=<n>`` for random lines, 1,000,000 subscribers with 10 contacts each
(10,000,000 contact records), timed in-process as server time; in the same run the time of one
indexed primary-key lookup and the ratio. Goal: p95 <= 30 ms. See bench/_api_timing.py.

    .venv/bin/python bench/contact_history.py [--samples 500] [--keep]
        [--subscribers 1000000] [--contacts-per-subscriber 10] [--database kefu_bench_customers]

The database is created and filled if empty (about 6 minutes on 2 cores) and dropped afterwards unless
--keep is given. Prints figures; never fails on time.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _api_timing as timing  # noqa: E402

GOAL_MS = 30


def main() -> int:
    args = timing.arguments(__doc__)
    sizes = timing.prepare(args)
    try:

        def check(response):
            body = response.json()
            assert body["results"], "a seeded line has contacts"

        result = timing.run(
            args,
            name="contact history, first page",
            path_of=lambda n: f"/api/v1/contacts?number={n}",
            check=check,
        )
        timing.report(result, sizes, GOAL_MS)
    finally:
        if not args.keep:
            timing.drop(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
