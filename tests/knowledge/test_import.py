"""``kefu knowledge import`` and ``reindex`` (issue 13 item 6): all or nothing, every bad line
reported, existing codes get a new version, and the imported articles are searchable."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from kefu.knowledge import search
from kefu.knowledge.models import Article, ArticleVersion

pytestmark = pytest.mark.django_db


def write(tmp_path, lines) -> str:
    path = tmp_path / "articles.jsonl"
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    )
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("knowledge", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_creates_versions_and_indexes(tmp_path):
    """KB-1: a good file creates published articles, resolves a business by an old name, is searchable;
    a second import of a code makes version 2."""
    path = write(
        tmp_path,
        [
            {"code": "I-1", "title": "彩铃开通", "body": "<p>发短信开通彩铃</p>", "business": "crbt"},
            {
                "code": "I-2",
                "title": "微博找回",
                "body": "<p>找回账号</p>",
                "business": "139社区",
                "audience": "agent",
            },
            {"code": "I-3", "title": "草稿", "body": "<p>话费</p>", "status": "draft", "tags": ["话费"]},
        ],
    )
    out, _err = run("import", path)
    assert "imported 3 articles (3 new, 0 new versions, 2 published and indexed)" in out
    i2 = Article.objects.get(code="I-2")
    assert (i2.business.code, i2.audience, i2.status, i2.version) == ("mobile_weibo", "agent", "published", 1)
    assert Article.objects.get(code="I-3").status == "draft"
    assert [h.article.code for h in search.search("彩铃").results] == ["I-1"]
    assert search.search("话费").results == []

    run("import", write(tmp_path, [{"code": "I-1", "title": "彩铃开通（新）", "body": "<p>营业厅办理</p>"}]))
    i1 = Article.objects.get(code="I-1")
    assert (i1.version, i1.published_version, i1.title) == (2, 2, "彩铃开通（新）")
    assert list(ArticleVersion.objects.filter(article=i1).values_list("number", flat=True)) == [2, 1]
    assert [h.article.code for h in search.search("营业厅").results] == ["I-1"]


def test_bad_file_changes_nothing_and_reports_every_bad_line(tmp_path):
    """KB-1: missing title, unknown business, malformed JSON: each reported as 'line N: field: message',
    exit non-zero, nothing written."""
    path = write(
        tmp_path,
        [
            {"code": "B-1", "title": "好的一行", "body": "<p>正文</p>"},
            {"code": "B-2", "body": "<p>没有标题</p>"},
            {"code": "B-3", "title": "未知业务", "body": "<p>正文</p>", "business": "不存在的业务"},
            '{"code": "B-4", "title": "坏行"',
            {"code": "B-5", "title": "未知类别", "body": "<p>正文</p>", "kind": "nope", "levels": ["vip"]},
        ],
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="4 bad line"):
        call_command("knowledge", "import", path, stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert "line 2: title: required" in lines
    assert any(line.startswith("line 3: business: unknown business") for line in lines)
    assert any(line.startswith("line 4: json: malformed") for line in lines)
    assert any(line.startswith("line 5: kind: unknown value") for line in lines)
    assert any(line.startswith("line 5: levels: unknown value") for line in lines)
    assert not any(line.startswith("line 1") for line in lines)
    assert not Article.objects.exists()
    assert not ArticleVersion.objects.exists()


def test_reindex_rebuilds_the_index(tmp_path):
    """KB-1: reindex indexes every published article and search answers as before."""
    run(
        "import",
        write(
            tmp_path,
            [{"code": f"R-{n}", "title": f"漫游资费{n}", "body": "<p>国际漫游</p>"} for n in range(5)],
        ),
    )
    search._backend().clear()
    assert search.search("漫游").results == []
    out, _err = run("reindex")
    assert out.startswith("indexed 5 articles")
    assert len(search.search("漫游").results) == 5
