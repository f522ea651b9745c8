"""The full fault run (WO-3 reliability): 1,000 cross-level orders JS → HUB → SIMS → JS → archive while
the hub and the province are killed (SIGKILL) at random moments and restarted; then every order must be
archived on every node, each action applied exactly once, and no outbox, held or dead-letter list may
hold anything. The suite runs the same with fewer orders (``tests/federation/test_fault.py``,
``KEFU_FAULT_ORDERS``). Exits non-zero if a check fails.

    .venv/bin/python bench/federation_fault.py [--orders 1000] [--seed 7] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from tests.federation import fault, xl
    from tests.federation.nodes import drop_databases

    base = Path(os.environ.get("KEFU_DATA_DIR", ROOT / "var" / "xl")).resolve() / "fault"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    started = time.perf_counter()
    fed = xl.start(base)
    try:
        desks = xl.Desks(fed)
        report = fault.run(fed, desks, n=args.orders, kill=True, seed=args.seed, timeout=3600)
        print(f"{args.orders} orders archived in {report.seconds:.0f} s; kills: {len(report.kills)} "
              f"({report.kills.count('HUB')} HUB, {report.kills.count('JS')} JS); "
              f"API calls refused or failed while a node was down: {report.api_errors}", flush=True)  # fmt: skip
        queues = fault.verify(fed, n=args.orders)
        db = "PostgreSQL" if os.environ.get("KEFU_DATABASE_URL", "").startswith("postgres") else "SQLite"
        print(f"database: {db}; every order archived on JS, HUB and SIMS; events per order 6/5/5 "
              f"(each action applied once); queues: {queues}")  # fmt: skip
        print(f"total {time.perf_counter() - started:.0f} s")
    finally:
        fed.stop()
        drop_databases(fed)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
