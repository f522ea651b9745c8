"""KB-1, KB-4: the knowledge editing API under /api/v1/knowledge/ — articles, wording and synonyms with
their workflow; problem+json errors with stable codes; everything in the OpenAPI document."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from kefu.knowledge import workflow
from kefu.knowledge.models import Article, ArticleAttachment, Synonym, Wording

pytestmark = pytest.mark.django_db

API = "/api/v1/knowledge"


@pytest.fixture
def clients(people, api_client_for):
    class Clients:
        editor = api_client_for(people.editor)
        editor2 = api_client_for(people.editor2)
        supervisor = api_client_for(people.supervisor)
        agent = api_client_for(people.agent)

    return Clients


def problem_code(response, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()["code"]


def test_article_lifecycle_over_the_api(clients, music):
    """KB-1: create, edit, submit, approve, edit again (pending), versions, diff and restore."""
    created = clients.editor.post(
        f"{API}/articles/",
        {
            "code": "KB-100",
            "title": "彩铃怎么开通",
            "body": "<p>发送 KTCL 到 10086。</p>",
            "business": "无线音乐",
        },
        format="json",
    )
    # the business is found by its name as well as by its code
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "draft" and created.json()["business"] == music.code
    assert clients.editor.post(f"{API}/articles/KB-100/submit").json()["status"] == "review"
    approved = clients.supervisor.post(f"{API}/articles/KB-100/approve", {"note": "可以"}, format="json")
    assert approved.json()["status"] == "published" and approved.json()["published_version"] == 1
    edited = clients.editor.patch(
        f"{API}/articles/KB-100/", {"body": "<p>拨打 10086 开通。</p>", "note": "改为电话"}, format="json"
    )
    body = edited.json()
    assert (body["status"], body["draft_status"], body["version"]) == ("published", "draft", 2)
    assert "KTCL" in body["body"] and "拨打" in body["draft"]["body"]
    assert clients.agent.get(f"{API}/articles/KB-100/").json()["draft"] is None
    versions = clients.editor.get(f"{API}/articles/KB-100/versions/").json()
    assert [v["number"] for v in versions] == [2, 1] and versions[0]["note"] == "改为电话"
    assert clients.editor.get(f"{API}/articles/KB-100/versions/1/").json()["body"].startswith("<p>发送")
    diff = clients.editor.get(f"{API}/articles/KB-100/diff", {"from": 1, "to": 2}).json()
    assert diff["changed"] == ["body"] and "kb-diff" in diff["html"]
    restored = clients.editor.post(f"{API}/articles/KB-100/restore", {"version": 1}, format="json").json()
    first = clients.editor.get(f"{API}/articles/KB-100/versions/1/").json()
    assert restored["version"] == 3 and restored["draft"]["body"] == first["body"]
    assert restored["body"] == approved.json()["body"]  # readers still see version 1 as approved


def test_api_errors_are_problems_and_change_nothing(clients, people, draft):
    """KB-1: refusals are problem+json with stable codes; none of them writes anything."""
    before = Article.objects.values().get(code=draft.code)
    assert problem_code(
        clients.agent.post(f"{API}/articles/", {"code": "X1", "title": "t", "body": "b"}), 403
    ) == ("not_an_editor")
    assert problem_code(clients.agent.get(f"{API}/articles/{draft.code}/versions/"), 403) == "not_an_editor"
    assert problem_code(clients.agent.get(f"{API}/articles/{draft.code}/"), 404) == "unknown_article"
    assert (
        problem_code(
            clients.editor.post(
                f"{API}/articles/", {"code": draft.code, "title": "t", "body": "b"}, format="json"
            ),
            409,
        )
        == "article_exists"
    )
    assert (
        problem_code(
            clients.editor.post(
                f"{API}/articles/",
                {"code": "X2", "title": "t", "body": "b", "business": "没有这个业务"},
                format="json",
            ),
            400,
        )
        == "unknown_business"
    )
    missing_title = clients.editor.post(f"{API}/articles/", {"code": "X3", "body": "b"}, format="json")
    assert (
        problem_code(missing_title, 400) == "validation_failed" and "title" in missing_title.json()["errors"]
    )
    assert (
        problem_code(clients.editor.post(f"{API}/articles/{draft.code}/approve"), 409) == "invalid_transition"
    )
    assert problem_code(
        clients.editor.get(f"{API}/articles/{draft.code}/diff", {"from": 1, "to": 7}), 404
    ) == ("unknown_version")
    assert problem_code(clients.editor.get(f"{API}/articles/{draft.code}/diff", {"from": "x", "to": 1}), 400)
    assert problem_code(clients.editor.get(f"{API}/articles/NOPE/"), 404) == "unknown_article"
    clients.editor.post(f"{API}/articles/{draft.code}/submit")
    assert problem_code(clients.editor.post(f"{API}/articles/{draft.code}/approve"), 403) == "own_review"
    assert problem_code(
        clients.supervisor.post(f"{API}/articles/{draft.code}/reject", {}, format="json"), 400
    ) == ("validation_failed")
    assert Article.objects.filter(code__in=["X1", "X2", "X3"]).count() == 0
    after = Article.objects.values().get(code=draft.code)
    assert {k: v for k, v in after.items() if k not in ("status", "draft_status", "review_note")} == {
        k: v for k, v in before.items() if k not in ("status", "draft_status", "review_note")
    }


def test_list_filters(clients, people, published):
    """KB-1: the list filters by state and flags; agents see published articles only."""
    import datetime as dt

    from django.utils import timezone

    workflow.article_create(actor=people.editor, code="KB-002", title="漫游资费", body="<p>国际漫游</p>")
    workflow.article_set_meta(
        actor=people.editor, code=published.code, review_by=timezone.localdate() - dt.timedelta(days=3)
    )
    codes = lambda client, **params: [a["code"] for a in client.get(f"{API}/articles/", params).json()]  # noqa: E731
    assert codes(clients.editor) == [published.code, "KB-002"]
    assert codes(clients.editor, draft_status="draft") == ["KB-002"]
    assert codes(clients.editor, q="漫游") == ["KB-002"]
    assert codes(clients.editor, stale="true") == [published.code]
    assert codes(clients.editor, status="published") == [published.code]
    assert codes(clients.agent) == [published.code]
    assert clients.editor.get(f"{API}/articles/", {"stale": "true"}).json()[0]["stale"] is True


@override_settings(KEFU_ATTACHMENT_MAX_BYTES=1024)
def test_attachment_size_limit(clients, draft):
    """KB-1: attachments obey the work orders' size limit: 413 attachment_too_large, nothing stored."""
    big = SimpleUploadedFile("资费表.pdf", b"x" * 2048, content_type="application/pdf")
    response = clients.editor.post(
        f"{API}/articles/{draft.code}/attachments/", {"file": big}, format="multipart"
    )
    assert problem_code(response, 413) == "attachment_too_large"
    assert ArticleAttachment.objects.count() == 0
    small = SimpleUploadedFile("资费表.pdf", b"%PDF-1.4 small", content_type="application/pdf")
    response = clients.editor.post(
        f"{API}/articles/{draft.code}/attachments/", {"file": small}, format="multipart"
    )
    assert response.status_code == 201 and response.json()["name"] == "资费表.pdf"
    assert [a["name"] for a in clients.agent.get(f"{API}/articles/{draft.code}/attachments/").json()] == [
        "资费表.pdf"
    ]


def test_wording_workflow_and_lookup(clients):
    """KB-4: wording is written, reviewed and versioned like articles; the lookup prefers the exact level
    and falls back to the one for every level."""
    for code, level, text in (
        ("W-ALL", "", "您好，网络正在优化。"),
        ("W-GOLD", "gold", "尊敬的金卡客户，网络正在优化。"),
    ):
        created = clients.editor.post(
            f"{API}/wording/",
            {"code": code, "title": "网速慢解释", "text": text, "problem": "net.slow", "level": level},
            format="json",
        )
        assert created.status_code == 201, created.content
    lookup = lambda level: clients.agent.get(f"{API}/wording/lookup", {"problem": "net.slow", "level": level})  # noqa: E731
    assert problem_code(lookup("gold"), 404) == "no_wording"  # nothing published yet
    for code in ("W-ALL", "W-GOLD"):
        clients.editor.post(f"{API}/wording/{code}/submit")
        assert problem_code(clients.editor.post(f"{API}/wording/{code}/approve"), 403) == "own_review"
        assert clients.supervisor.post(f"{API}/wording/{code}/approve").json()["status"] == "published"
    assert lookup("gold").json()["code"] == "W-GOLD"
    assert lookup("silver").json()["code"] == "W-ALL"
    assert clients.agent.get(f"{API}/wording/lookup", {"problem": "net.slow"}).json()["code"] == "W-ALL"
    assert (
        problem_code(clients.agent.get(f"{API}/wording/lookup", {"problem": ""}), 400) == "validation_failed"
    )
    # a new version stays pending: the lookup keeps answering the published text
    clients.editor.patch(f"{API}/wording/W-ALL/", {"text": "您好，基站正在扩容。"}, format="json")
    assert lookup("silver").json()["text"] == "您好，网络正在优化。"
    diff = clients.editor.get(f"{API}/wording/W-ALL/diff", {"from": 1, "to": 2}).json()
    assert diff["changed"] == ["text"]
    clients.editor.post(f"{API}/wording/W-ALL/submit")
    clients.editor2.post(f"{API}/wording/W-ALL/approve")
    assert lookup("silver").json()["text"] == "您好，基站正在扩容。"
    assert Wording.objects.get(code="W-ALL").versions.count() == 2
    assert problem_code(clients.editor.post(f"{API}/wording/W-ALL/approve"), 409) == "invalid_transition"


def test_synonyms_crud(clients):
    """KB-1: synonym groups are kept by knowledge editors; agents read them but cannot write."""
    created = clients.editor.post(
        f"{API}/synonyms/", {"terms": ["网速慢", "上网慢", "网络卡"]}, format="json"
    )
    assert created.status_code == 201 and created.json()["terms"] == ["网速慢", "上网慢", "网络卡"]
    pk = created.json()["id"]
    assert problem_code(
        clients.editor.post(f"{API}/synonyms/", {"terms": ["彩铃", " 彩铃 "]}, format="json"), 400
    )
    assert problem_code(
        clients.agent.post(f"{API}/synonyms/", {"terms": ["a", "b"]}, format="json"), 403
    ) == ("not_an_editor")
    patched = clients.editor.patch(f"{API}/synonyms/{pk}/", {"terms": ["网速慢", "网很卡"]}, format="json")
    assert patched.json()["terms"] == ["网速慢", "网很卡"]
    assert [s["id"] for s in clients.agent.get(f"{API}/synonyms/").json()] == [pk]
    assert clients.editor.delete(f"{API}/synonyms/{pk}/").status_code == 204
    assert Synonym.objects.count() == 0
    assert problem_code(clients.editor.get(f"{API}/synonyms/{pk}/"), 404) == "unknown_synonym"


def test_openapi_lists_the_knowledge_api(clients):
    """KB-1: every knowledge route is in the OpenAPI document under the tag "knowledge"."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/knowledge/")}
    for expected in (
        "/api/v1/knowledge/articles/",
        "/api/v1/knowledge/articles/{code}/approve",
        "/api/v1/knowledge/articles/{code}/diff",
        "/api/v1/knowledge/wording/lookup",
        "/api/v1/knowledge/synonyms/{id}/",
        "/api/v1/knowledge/wording/{code}/versions/{number}/",
    ):
        assert expected in paths
    assert all("knowledge" in op["tags"] for ops in paths.values() for op in ops.values())
