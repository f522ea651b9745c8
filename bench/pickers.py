"""Pickers by name and pinyin: server time of ``GET /api/v1/pickers/{kind}?q=…`` per kind (issue 12).

Runs against the database the settings point to (``KEFU_DATABASE_URL`` or the SQLite file under
``KEFU_DATA_DIR``), migrated (the reference catalog comes with the migrations). A JS supervisor is
created inside a transaction that is rolled back at the end; requests go through Django's test client
(the whole stack: middleware, session, scope, view, JSON), warm, in-process. Prints p50/p95 per kind;
never passes or fails on time.

    KEFU_DATA_DIR=var/p PYTHONPATH=src .venv/bin/python bench/pickers.py --rounds 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

QUERIES = ["nj", "nanjing", "南京", "cl", "wdg", "wxyy kf", "扣费", "kf", "fwtd", "zzzz"]
KINDS = [
    ("categories", {"request_type": "complaint"}),
    ("categories", {}),
    ("businesses", {}),
    ("cities", {}),
    ("departments", {}),
    ("holders", {}),
]


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rounds", type=int, default=20, help="times each query is asked (after one warm-up)"
    )
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.test import Client

    from kefu.core.models import Province, Staff

    try:
        with transaction.atomic():
            staff = Staff.objects.create(
                job_number="bench-picker",
                name="测试",
                role="supervisor",
                province=Province.objects.get(code="JS"),
            )
            client = Client()
            client.force_login(staff)
            for kind, params in KINDS:
                for query in QUERIES:  # warm: keys cached, categories read once
                    client.get(f"/api/v1/pickers/{kind}", {**params, "q": query})
                times = []
                for _ in range(options.rounds):
                    for query in QUERIES:
                        started = time.perf_counter()
                        response = client.get(f"/api/v1/pickers/{kind}", {**params, "q": query})
                        times.append((time.perf_counter() - started) * 1000)
                        assert response.status_code == 200, response.content
                times.sort()
                rows = len(client.get(f"/api/v1/pickers/{kind}", {**params, "limit": 500}).json())
                print(
                    f"{kind:<12} {str(params):<30} rows(first level)={rows:<4} "
                    f"p50={statistics.median(times):6.2f} ms  p95={times[int(len(times) * 0.95)]:6.2f} ms"
                )
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
