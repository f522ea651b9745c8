"""The role home pages (issue 12 item 4): each province role's home read in-process through
``kefu.desk.homes.home_for`` and rendered with its template, as the demo's staff (js1001 … js1006,
js-admin). Prints p50/max and the number of queries per home; never fails on time.

    KEFU_DATA_DIR=/tmp/<demo dir> PYTHONPATH=src .venv/bin/python bench/homes.py [--requests 30]
    KEFU_DATABASE_URL=postgres://… PYTHONPATH=src .venv/bin/python bench/homes.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

STAFF = ("js1001", "js1002", "js1003", "js1004", "js1005", "js1006", "js-admin")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from kefu.core.models import Staff
    from kefu.desk.homes import home_for

    def read(user) -> str:
        found = home_for(user)
        return render_to_string(
            f"desk/home/{found.kind}.html", {"user": user, "figures": found.figures, **found.blocks}
        )

    print(f"{connection.vendor}; {args.requests} reads per home (selectors and template, no HTTP)")
    print(f"  {'staff':<10} {'home':<11} {'queries':>7} {'p50 ms':>8} {'max ms':>8}")
    for job in STAFF:
        user = Staff.objects.filter(job_number=job).first()
        if user is None:
            continue
        read(user)  # warm-up
        with CaptureQueriesContext(connection) as queries:
            read(user)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            read(user)
            timings.append((time.perf_counter() - started) * 1000)
        kind = home_for(user).kind
        print(
            f"  {job:<10} {kind:<11} {len(queries):>7} {statistics.median(timings):>8.1f} {max(timings):>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
