"""SYS-1, ORG-2, KB-1: who sees which knowledge — national articles and wording for everyone, a
province's local ones only for that province's staff (its tariffs are wrong answers elsewhere), and
only that province edits them. One rule (kefu.knowledge.reading.visible_to) for the editor's API and
pages, the agent's pages and the use records."""

from __future__ import annotations

import pytest

from kefu.core.models import Province
from kefu.knowledge import reading, services, workflow
from kefu.knowledge.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_articles(db):
    js, zj = Province.objects.get(code="JS"), Province.objects.get(code="ZJ")
    for code, province in (("JS-1", js), ("ZJ-1", zj), ("QG-1", None)):
        services.save_article(
            actor=None,
            code=code,
            title=f"{code} 彩铃资费",
            body="<p>彩铃每月5元。</p>",
            province=province,
            origin="national" if province is None else "local",
            status="published",
        )
    return {a.code: a for a in Article.objects.all()}


def test_readers_see_national_and_their_own_province(local_articles, make_staff):
    """SYS-1: a JS agent opens national and JS articles; a ZJ article does not exist for them."""
    agent = make_staff("hotline_agent", "JS")
    assert reading.article_for_reader("JS-1", actor=agent) is not None
    assert reading.article_for_reader("QG-1", actor=agent) is not None
    assert reading.article_for_reader("ZJ-1", actor=agent) is None
    assert reading.article_for_reader("ZJ-1", actor=make_staff("hotline_agent", "ZJ")) is not None


def test_editors_of_another_province_get_not_found_and_change_nothing(
    local_articles, make_staff, api_client_for
):
    """SYS-1: a JS editor cannot open, edit, retire or diff a ZJ article: 404 unknown_article, as an
    unknown code, and the article is unchanged; the editor's list leaves it out."""
    editor = make_staff("knowledge_editor", "JS")
    client = api_client_for(editor)
    before = Article.objects.get(code="ZJ-1").version
    for method, path, body in (
        ("get", "/api/v1/knowledge/articles/ZJ-1/", None),
        ("patch", "/api/v1/knowledge/articles/ZJ-1/", {"title": "改"}),
        ("post", "/api/v1/knowledge/articles/ZJ-1/retire", {}),
        ("get", "/api/v1/knowledge/articles/ZJ-1/diff?from=1&to=1", None),
    ):
        response = (
            getattr(client, method)(path, body, format="json") if body is not None else client.get(path)
        )
        assert response.status_code == 404, (path, response.content)
        assert response.json()["code"] == "unknown_article"
    assert Article.objects.get(code="ZJ-1").version == before
    listed = {row["code"] for row in client.get("/api/v1/knowledge/articles/").json()}
    assert {"JS-1", "QG-1"} <= listed and "ZJ-1" not in listed
    with pytest.raises(Exception) as raised:
        workflow.article_retire(actor=editor, code="ZJ-1")
    assert getattr(raised.value, "code", "") == "unknown_article"


def test_the_editor_page_of_another_provinces_article_is_not_found(local_articles, make_staff, client):
    """SYS-1: the editor's page answers a plain 404 for an article out of sight."""
    client.force_login(make_staff("knowledge_editor", "JS"))
    assert client.get("/desk/knowledge/manage/articles/ZJ-1/").status_code == 404
    assert client.get("/desk/knowledge/manage/articles/JS-1/").status_code == 200


def test_search_leaves_out_another_provinces_local_articles(local_articles, make_staff, api_client_for):
    """SYS-1, KB-1: the search a JS agent runs finds national and JS articles, never a ZJ one."""
    found = api_client_for(make_staff("hotline_agent", "JS")).get("/api/v1/knowledge/search", {"q": "彩铃"})
    assert found.status_code == 200, found.content
    assert {row["code"] for row in found.json()["results"]} == {"JS-1", "QG-1"}
    zj = api_client_for(make_staff("hotline_agent", "ZJ")).get("/api/v1/knowledge/search", {"q": "彩铃"})
    assert {row["code"] for row in zj.json()["results"]} == {"ZJ-1", "QG-1"}
