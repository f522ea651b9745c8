"""Benchmark: the knowledge search (issue 13) — import N articles, then time a query mix warm.

Generates N (default 100,000) synthetic, telecom-like articles of about 500 characters (a shared
vocabulary, so that common words such as 话费 match tens of thousands of articles, plus rare words
that match a few dozen), imports them through ``kefu knowledge import`` (prints the seconds), then
runs a mix of queries — common, rare, two-character, one-character, several words, a colloquial
question, ASCII letters, pinyin and initials — through ``kefu.knowledge.search.search`` (first page
of 20, snippets included), warm, and prints p50/p95 per kind and over all. Goals: p95 <= 50 ms,
import <= 120 s. Prints figures; never fails on time.

    flock /tmp/kefu-bench.lock .venv/bin/python bench/knowledge_search.py [--articles 100000] [--rounds 5] [--keep]
    KEFU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_knowledge \\
        flock /tmp/kefu-bench.lock .venv/bin/python bench/knowledge_search.py --database

SQLite uses a fresh ``var/bench-knowledge/`` (its own KEFU_DATA_DIR); ``--database`` uses
KEFU_DATABASE_URL, whose database is dropped and created afresh (it must not be a real one).
``--keep`` reuses an already filled database and skips the import.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 50
IMPORT_GOAL_S = 120

COMMON = ["话费", "流量", "套餐", "办理", "查询", "营业厅", "短信", "手机"]
TOPICS = [
    "彩铃",
    "宽带",
    "漫游",
    "携号转网",
    "积分",
    "停机",
    "复机",
    "补卡",
    "实名",
    "副卡",
    "亲情号",
    "语音信箱",
    "来电提醒",
    "国际长途",
    "家庭网",
    "预存",
    "发票",
    "充值卡",
    "销户",
    "过户",
    "VoLTE",
    "APN",
    "5G",
    "4G",
    "WLAN",
    "SIM卡",
    "PUK码",
    "光猫",
    "机顶盒",
    "宽带续费",
]
VERBS = ["开通", "取消", "变更", "查询", "办理", "退订", "申请", "恢复", "设置", "缴纳"]
OBJECTS = ["业务", "功能", "资费", "套餐", "服务", "权益", "优惠", "流量包", "合约", "账单"]
FILLER = [
    "客户可以通过多种渠道完成操作",
    "请提醒客户核对本人证件信息",
    "具体以当地公司规定为准",
    "如遇系统繁忙请稍后再试",
    "座席应先核实机主身份",
    "费用将在次月账单中体现",
    "办理成功后系统会下发确认短信",
    "不同地市的执行标准略有差异",
    "如有疑问可再次致电咨询",
    "当月办理次月生效",
    "需要提前结清欠费",
    "部分老套餐不支持该操作",
    "网上营业厅和掌上营业厅均可办理",
    "月底最后一天不受理变更",
    "请勿向客户承诺无法兑现的内容",
    "处理时限为两个工作日",
]
RARE = ["量子加密通话", "卫星短信", "鸿雁传书", "冰川流量", "星河套餐", "极光宽带", "云端秘书", "墨子专线"]


def article(rng: random.Random, n: int) -> dict:
    topic = rng.choice(TOPICS)
    title = f"{topic}{rng.choice(VERBS)}{rng.choice(OBJECTS)}说明"
    parts = []
    while sum(len(p) for p in parts) < 480:
        sentence = []
        if rng.random() < 0.35:
            sentence.append(rng.choice(COMMON))
        sentence.append(rng.choice([topic, *rng.sample(TOPICS, 2)]))
        sentence.append(rng.choice(VERBS) + rng.choice(OBJECTS))
        sentence.append(rng.choice(FILLER))
        if rng.random() < 0.002:
            sentence.append(rng.choice(RARE))
        parts.append("，".join(sentence) + "。")
    body = "<p>" + "".join(parts) + "</p>"
    return {
        "code": f"B-{n:06d}",
        "title": title,
        "body": body,
        "kind": rng.choice(["usage", "procedure", "product", "promotion"]),
        "audience": rng.choice(["both", "both", "agent", "customer"]),
        "tags": [topic],
    }


QUERIES = {
    "common": ["话费", "流量", "套餐", "营业厅"],
    "rare": ["卫星短信", "冰川流量", "墨子专线"],
    "2-char": ["彩铃", "漫游", "补卡", "积分", "销户"],
    "1-char": ["卡", "费", "网"],
    "multi-word": ["话费 查询", "流量 套餐 变更", "宽带 续费 发票"],
    "question": ["请问话费怎么查询", "彩铃怎么取消呢", "携号转网需要什么条件吗"],
    "ascii": ["VoLTE", "apn", "5G"],
    "pinyin": ["cailing", "cl", "huafei", "xiehaozhuanwang"],
}


def prepare_database(args) -> None:
    if args.database:
        url = os.environ.get("KEFU_DATABASE_URL", "")
        if not url.startswith("postgres"):
            sys.exit("--database needs KEFU_DATABASE_URL=postgres://…/kefu_bench_knowledge")
        if not args.keep:
            import psycopg

            parsed = urlparse(url)
            name = parsed.path.lstrip("/")
            admin = parsed._replace(path="/postgres").geturl()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
    else:
        os.environ.pop("KEFU_DATABASE_URL", None)
        data = ROOT / "var" / "bench-knowledge"
        if not args.keep and data.exists():
            shutil.rmtree(data)
        data.mkdir(parents=True, exist_ok=True)
        os.environ["KEFU_DATA_DIR"] = str(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", action="store_true", help="PostgreSQL from KEFU_DATABASE_URL")
    parser.add_argument("--keep", action="store_true", help="reuse a filled database; no import")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    prepare_database(args)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kefu.knowledge import search

    print(
        f"database: {connection.vendor}; machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    if not args.keep:
        call_command("migrate", verbosity=0)
        rng = random.Random(args.seed)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
            for n in range(args.articles):
                out.write(json.dumps(article(rng, n), ensure_ascii=False) + "\n")
            path = out.name
        size = Path(path).stat().st_size / 1e6
        started = time.perf_counter()
        call_command("knowledge", "import", path)
        seconds = time.perf_counter() - started
        os.unlink(path)
        print(
            f"import: {args.articles} articles ({size:.0f} MB JSON Lines) in {seconds:.1f} s (goal {IMPORT_GOAL_S} s)"
        )
    every: list[float] = []
    print(f"{'kind':<11} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  first-page hits / total matches")
    for kind, texts in QUERIES.items():
        for text in texts:  # warm: dictionary, caches, pages
            search.search(text)
        times: list[float] = []
        found = []
        for _round in range(args.rounds):
            for text in texts:
                started = time.perf_counter()
                page = search.search(text)
                times.append((time.perf_counter() - started) * 1000)
                found.append(len(page.results))
        every.extend(times)
        print(
            f"{kind:<11} {statistics.median(times):7.1f} {percentile(times, 95):7.1f} {max(times):7.1f}  "
            f"{min(found)}–{max(found)} / {', '.join(f'{t}={matches(t)}' for t in texts)}"
        )
    print(
        f"{'all':<11} {statistics.median(every):7.1f} {percentile(every, 95):7.1f} {max(every):7.1f}  (goal p95 {GOAL_MS} ms)"
    )


def matches(text: str) -> int:
    """How many articles the strict query matches (to show the size of the hit sets)."""
    from django.db import connection

    from kefu.knowledge.search.query import build_query

    parsed = build_query(text)
    if not parsed.groups:
        return 0
    if connection.vendor == "postgresql":
        from kefu.knowledge.search.backends import PostgresBackend

        tsquery = PostgresBackend(connection)._tsquery(parsed.groups, True)
        sql = "SELECT count(*) FROM knowledge_search WHERE document @@ to_tsquery('simple', %s)"
        param = tsquery
    else:
        from kefu.knowledge.search.backends import SQLiteBackend

        sql = "SELECT count(*) FROM knowledge_search_fts WHERE knowledge_search_fts MATCH %s"
        param = SQLiteBackend(connection)._expression(parsed.groups, True, "title body extra")
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        return cursor.fetchone()[0]


def percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
