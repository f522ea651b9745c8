"""The desk's working queue ranked by customer level and type (TIER-1) at scale (PostgreSQL): on a
database kept by ``workorder_list.py --keep``, the first page (31 rows) of "我的待办" and, for
comparison, of a holder's tab and of "all" (both newest first), read in-process through
``kefu.workorders.queues`` as the bench's JS back-office user. Prints p50/max per queue and the time
PostgreSQL itself spends on the ranked page (``EXPLAIN ANALYZE``); never fails on time.

    .venv/bin/python bench/workorder_list.py --orders 1000000 --requests 5 --keep
    PYTHONPATH=src .venv/bin/python bench/workorder_queue.py [--database kefu_bench_wo_list] [--requests 40]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="kefu_bench_wo_list")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    os.environ["KEFU_DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ.setdefault("KEFU_DATA_DIR", "var/bench-queue")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from kefu.core.models import Staff
    from kefu.workorders import queues
    from kefu.workorders.models import WorkOrder

    user = Staff.objects.get(job_number="BB001")  # the JS back-office user of workorder_common.SETUP
    total = WorkOrder.objects.count()
    print(f"{total:,} orders; first page (31 rows) as {user.job_number}, {args.requests} reads each")
    print(f"  {'queue':<24} {'order':<18} {'p50 ms':>8} {'max ms':>8}  first ranks")
    for queue in ("mine", "department:CENTRE-JS", "all"):
        rows = list(queues.queue_orders(user=user, queue=queue, filters={})[:31])  # warm-up
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            rows = list(queues.queue_orders(user=user, queue=queue, filters={})[:31])
            timings.append((time.perf_counter() - started) * 1000)
        order = "rank, newest" if queues.queue_ordering(queue) == queues.PRIORITY_ORDER else "newest"
        ranks = [o.priority for o in rows[:6]]
        print(f"  {queue:<24} {order:<18} {statistics.median(timings):>8.1f} {max(timings):>8.1f}  {ranks}")
    plan = queues.queue_orders(user=user, queue="mine", filters={}).page(slice(0, 31)).explain(analyze=True)
    executed = re.search(r"Execution Time: ([\d.]+) ms", plan)
    uses = sorted(set(re.findall(r"using (wo_rank_\w+)", plan)))
    print(f"  我的待办 in PostgreSQL: {executed.group(1) if executed else '?'} ms, rank indexes used: {uses}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
