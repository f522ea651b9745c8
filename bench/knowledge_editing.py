"""Knowledge editing (issue 13): server time of the editor's API calls — save a new version of a
published article, submit, approve (copies the version onto the article and reindexes), the diff
between two versions of a ~2,000-character body, and the editor's list page — with N articles present.

Runs against the database the settings point to (``KEFU_DATABASE_URL`` or the SQLite file under
``KEFU_DATA_DIR``), migrated. Everything is written inside a transaction that is rolled back at the
end; requests go through Django's test client (whole stack), warm, in-process. Prints p50/p95 per
call; never passes or fails on time.

    KEFU_DATA_DIR=var/kb PYTHONPATH=src .venv/bin/kefu migrate
    KEFU_DATA_DIR=var/kb PYTHONPATH=src .venv/bin/python bench/knowledge_editing.py --articles 2000 --rounds 50
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

PARAGRAPH = (
    "本业务按月收取功能费，开通后立即生效，次月起按标准资费收取。客户可通过营业厅、10086热线或短信办理。"
)


class _Rollback(Exception):
    pass


def _line(name: str, times: list[float]) -> str:
    times = sorted(times)
    return f"{name:<28} p50={statistics.median(times):7.2f} ms  p95={times[int(len(times) * 0.95)]:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000, help="published articles present")
    parser.add_argument("--rounds", type=int, default=50, help="timed edit/submit/approve cycles")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client

    from kefu.core.models import Province, Staff
    from kefu.knowledge import services

    random.seed(13)
    body = "".join(f"<p>{i}. {PARAGRAPH}</p>" for i in range(40))
    try:
        with transaction.atomic():
            js = Province.objects.get(code="JS")
            editor = Staff.objects.create(
                job_number="bench-ke", name="编辑", role="knowledge_editor", province=js
            )
            reviewer = Staff.objects.create(
                job_number="bench-sv", name="班长", role="supervisor", province=js
            )
            for n in range(options.articles):
                services.save_article(
                    actor=None, code=f"B{n:06d}", title=f"资费说明 {n}", body=body, status="published"
                )
            writer, approver = Client(), Client()
            writer.force_login(editor)
            approver.force_login(reviewer)
            timings: dict[str, list[float]] = {
                "edit": [],
                "submit": [],
                "approve": [],
                "diff": [],
                "list": [],
            }

            def timed(name, method, *args, **kwargs):
                started = time.perf_counter()
                response = method(*args, **kwargs)
                timings[name].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.content

            api = "/api/v1/knowledge/articles"
            for round_ in range(options.rounds + 5):
                code = f"B{random.randrange(options.articles):06d}"
                new_body = body.replace("10086", f"1008{round_ % 10}", 1 + round_ % 5)
                timed(
                    "edit",
                    writer.patch,
                    f"{api}/{code}/",
                    {"body": new_body},
                    content_type="application/json",
                )
                timed("submit", writer.post, f"{api}/{code}/submit")
                timed("approve", approver.post, f"{api}/{code}/approve")
                timed("diff", writer.get, f"{api}/{code}/diff", {"from": 1, "to": 2})
                timed("list", writer.get, "/desk/knowledge/manage/", {"status": "published"})
                if round_ < 5:  # warm-up
                    for values in timings.values():
                        values.clear()
            print(f"{connection.vendor}: {options.articles} articles, {options.rounds} rounds")
            for name, values in timings.items():
                print(_line(name, values))
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
