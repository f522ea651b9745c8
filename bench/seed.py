"""Benchmark of ``kefu seed`` on PostgreSQL: a fresh database, migrated, then N subscribers with M
months of history. Prints the elapsed seconds of the seed and the rows per table; never fails on time.

    .venv/bin/python bench/seed.py [--subscribers 1000000] [--months 6]
        [--server postgres://postgres@127.0.0.1:5432] [--database kefu_bench_seed] [--keep]

The database is dropped afterwards unless --keep is given.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
KEFU = [sys.executable, "-m", "kefu.cli"]
TABLES = (
    "customers_customer",
    "customers_account",
    "customers_subscriber",
    "customers_subscription",
    "customers_monthlybill",
    "customers_payment",
    "customers_pointsentry",
    "customers_calldetail",
    "customers_usagerecord",
)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="kefu_bench_seed")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    admin_url = f"{args.server}/postgres"
    url = f"{args.server}/{args.database}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "KEFU_DATABASE_URL": url,
        "KEFU_DATA_DIR": str(ROOT / "var" / "bench-seed"),
    }
    try:
        subprocess.run([*KEFU, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
        started = time.monotonic()
        subprocess.run(
            [*KEFU, "seed", "--subscribers", str(args.subscribers), "--months", str(args.months), "-v2"],
            check=True,
            env=env,
            cwd=ROOT,
        )
        elapsed = time.monotonic() - started
        with psycopg.connect(url) as conn:
            counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608
            size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
        print(f"\nkefu seed --subscribers {args.subscribers} --months {args.months}: {elapsed:.1f} s")
        for table, count in counts.items():
            print(f"  {table:<26} {count:>12,}")
        print(f"  total rows                 {sum(counts.values()):>12,}")
        print(f"  database size              {size:>12}")
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
