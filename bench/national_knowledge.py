"""National knowledge from the hub to every province (ORG-2): N articles published at the hub, time
until each is visible in every province.

Starts HUB, JS and ZJ — the hub and the provinces of ``kefu demo --federation`` — as real node
processes (the nodes test harness: each its own database, ``kefu serve`` and ``kefu federation
deliver``; SQLite by default, PostgreSQL with KEFU_DATABASE_URL=postgres://…), signs in as the hub
operator and publishes N national articles of about 500 characters through
``POST /api/v1/knowledge/national/articles`` at a steady rate. Latency of one article = the moment the
province applied it (its row's ``updated_at``, written in the inbox transaction) minus the moment the
hub published it (``published_at``, carried in the message); "every province" takes the later of the
two. Both clocks are this machine's. Prints p50/p95/max; never fails on time.

    .venv/bin/python bench/national_knowledge.py [--articles 200] [--rate 4] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

SPEC = {"HUB": "hub", "JS": "province", "ZJ": "province"}
PREFIX = "BENCH-N-"

TIMES = r"""
from kefu.knowledge.models import Article
value = {code: [published.timestamp(), updated.timestamp()] for code, published, updated in
         Article.objects.filter(code__startswith=%r, status="published").values_list("code", "published_at", "updated_at")}
"""

WORDS = (
    "5G套餐 流量 话费 国际漫游 彩铃 VoLTE 携号转网 宽带 积分 停机 复机 实名认证 副卡 家庭网 "
    "来电显示 语音信箱 呼叫转移 APN 热点 合约机 月租 套外资费 营业厅 网上营业厅 短信营业厅"
).split()


def body(i: int) -> str:
    rng = random.Random(i)
    sentences = []
    while sum(len(s) for s in sentences) < 480:
        a, b, c = rng.sample(WORDS, 3)
        sentences.append(f"{a}办理后，{b}按月计收；如需取消{c}，请发送短信或到营业厅办理。")
    return "".join(f"<p>{s}</p>" for s in sentences)


def cuts(values: list[float]) -> str:
    values = sorted(values)
    if not values:
        return "-"
    q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return f"p50 {q[49] * 1000:5.0f}  p95 {q[94] * 1000:5.0f}  max {values[-1] * 1000:5.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rate", type=float, default=4.0, help="articles published per second (0: at once)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the nodes' data directory")
    args = parser.parse_args()

    import django

    django.setup()
    from tests.capability.harness import call, login
    from tests.federation.nodes import drop_databases, postgres_url, start_federation
    from tests.waits import wait_for

    base = Path(os.environ.get("KEFU_DATA_DIR", ROOT / "var" / "kn")).resolve() / "bench-national"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    print(f"starting {', '.join(SPEC)} under {base} …", flush=True)
    fed = start_federation(base, SPEC, prefix="kn")
    try:
        hub = fed["HUB"]
        token = login(hub, "hub01")
        started = time.perf_counter()

        def publish(i: int) -> None:
            if args.rate:
                time.sleep(max(0.0, started + i / args.rate - time.perf_counter()))
            status, answer = call(
                hub, "POST", "/api/v1/knowledge/national/articles", token=token,
                body={"code": f"{PREFIX}{i:05d}", "title": f"全网知识 {i} {WORDS[i % len(WORDS)]}说明",
                      "body": body(i), "kind": "usage", "publish": True},
            )  # fmt: skip
            if status != 201:
                raise SystemExit(f"publish {i} failed: {status} {answer}")

        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            list(pool.map(publish, range(args.articles)))
        print(f"{args.articles} articles published in {time.perf_counter() - started:.1f} s", flush=True)

        provinces = [code for code, role in SPEC.items() if role == "province"]
        times: dict[str, dict] = {}

        def arrived() -> bool:
            for code in provinces:
                times[code] = fed[code].shell_value(TIMES % PREFIX)
            return all(len(times[code]) == args.articles for code in provinces)

        wait_for(arrived, timeout=600, message="every article in every province", interval=1)
        per_province = {
            code: [updated - published for published, updated in times[code].values()] for code in provinces
        }
        every = [
            max(times[code][article][1] - times[code][article][0] for code in provinces)
            for article in times[provinces[0]]
        ]
        database = "PostgreSQL" if postgres_url() else "SQLite"
        print(f"database: {database}; articles: {args.articles} (~{len(body(0))} characters of HTML each); "
              f"offered rate: {args.rate}/s; provinces: {', '.join(provinces)}")  # fmt: skip
        for code in provinces:
            print(f"hub → {code}: {cuts(per_province[code])}")
        print(f"hub → every province: {cuts(every)}")
        status = {code: fed[code].status() for code in ("HUB",)}
        print("hub's queues afterwards:", json.dumps({c: {"pending": s["pending"], "dead": s["dead"]}
                                                      for c, s in status["HUB"].items()}))  # fmt: skip
    finally:
        fed.stop()
        drop_databases(fed)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
