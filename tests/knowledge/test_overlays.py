"""ORG-2: a province adds an overlay under a national article, never editing the national text, and sees
when the national version under its overlay changed."""

from __future__ import annotations

import pytest

from kefu.knowledge import selectors
from kefu.knowledge.models import Overlay
from kefu.knowledge.services import save_article
from kefu.syndication import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/knowledge/articles/{code}/overlay"


@pytest.fixture
def national(settings):
    settings.KEFU_ROLE, settings.KEFU_NODE_CODE = "province", "JS"
    services.article_apply(
        {
            "code": "N-OUTLET",
            "version": 1,
            "title": "营业厅办理携号转网",
            "body": "<p>全网规则</p>",
            "kind": "procedure",
        },
        sender="HUB",
    )
    return "N-OUTLET"


@pytest.fixture
def editor(make_staff):
    return make_staff("supervisor", "JS")


def new_national_version(code: str, version: int) -> None:
    services.article_apply(
        {
            "code": code,
            "version": version,
            "title": f"营业厅办理携号转网 v{version}",
            "body": "<p>新规则</p>",
        },
        sender="HUB",
    )


def test_put_writes_a_sanitised_overlay_based_on_the_current_version(national, editor, api_client_for):
    """ORG-2: the overlay body is sanitised, based on the national version of now, and the national
    text stays as it was."""
    client = api_client_for(editor)
    answer = client.put(
        URL.format(code=national),
        {"body": '<p>本省网点：新街口营业厅</p><img src=x onerror="alert(1)"><script>x()</script>'},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert (data["based_on_version"], data["national_version"], data["changed"]) == (1, 1, False)
    assert data["province"] == "JS"
    assert "新街口营业厅" in data["body"] and "<script" not in data["body"] and "onerror" not in data["body"]
    assert client.get(URL.format(code=national)).json()["body"] == data["body"]
    overlay = Overlay.objects.get()
    assert overlay.province.code == "JS" and overlay.body_text == "本省网点：新街口营业厅"
    assert selectors.overlay_text(overlay.article, overlay.province) == "本省网点：新街口营业厅"
    assert overlay.article.body == "<p>全网规则</p>"


def test_a_new_national_version_flags_the_overlay_until_it_is_checked(national, editor, api_client_for):
    """ORG-2: after version 2 arrives the overlay shows as changed (and in the changed list) until the
    province marks it checked."""
    client = api_client_for(editor)
    client.put(URL.format(code=national), {"body": "<p>本省补充</p>"}, format="json")
    new_national_version(national, 2)
    state = client.get(URL.format(code=national)).json()
    assert (state["based_on_version"], state["national_version"], state["changed"]) == (1, 2, True)
    listed = client.get("/api/v1/knowledge/overlays", {"changed": "1"}).json()["results"]
    assert [o["article"] for o in listed] == [national]
    checked = client.post(URL.format(code=national) + "/check").json()
    assert (checked["based_on_version"], checked["changed"]) == (2, False)
    assert client.get("/api/v1/knowledge/overlays", {"changed": "1"}).json()["results"] == []
    assert len(client.get("/api/v1/knowledge/overlays").json()["results"]) == 1


def test_overlay_for_reports_the_change(national, js, zj, editor):
    """ORG-2: the selector answers the overlay and whether the national version moved on."""
    from kefu.knowledge.models import Article

    services.overlay_save(actor=editor, code=national, body="<p>本省</p>")
    article = Article.objects.get(code=national)
    assert selectors.overlay_for(article, js).changed is False
    new_national_version(national, 3)
    article.refresh_from_db()
    state = selectors.overlay_for(article, js)
    assert state.changed is True and state.overlay.based_on_version == 1
    assert selectors.overlay_for(article, zj) is None
    assert selectors.overlay_text(article, zj) == ""


def test_each_province_sees_only_its_own_overlay(national, editor, make_staff, api_client_for):
    """ORG-2: ZJ's reader finds no overlay where JS wrote one."""
    api_client_for(editor).put(URL.format(code=national), {"body": "<p>江苏补充</p>"}, format="json")
    zj_reader = api_client_for(make_staff("hotline_agent", "ZJ"))
    answer = zj_reader.get(URL.format(code=national))
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")


def test_overlays_only_on_national_articles_and_by_editors(national, editor, js, make_staff, api_client_for):
    """ORG-2: a local article takes no overlay (409 ``not_national``); an agent may not write one
    (403 ``not_an_editor``); an empty body is refused (400); nothing is written."""
    save_article(actor=None, code="L-1", title="本省知识", body="<p>x</p>", province=js)
    client = api_client_for(editor)
    local = client.put(URL.format(code="L-1"), {"body": "<p>补充</p>"}, format="json")
    assert (local.status_code, local.json()["code"]) == (409, "not_national")
    agent = api_client_for(make_staff("hotline_agent", "JS"))
    denied = agent.put(URL.format(code=national), {"body": "<p>补充</p>"}, format="json")
    assert (denied.status_code, denied.json()["code"]) == (403, "not_an_editor")
    empty = client.put(URL.format(code=national), {"body": "<script>x()</script>"}, format="json")
    assert (empty.status_code, empty.json()["code"]) == (400, "validation_failed")
    missing = client.put(URL.format(code="NOPE"), {"body": "<p>补充</p>"}, format="json")
    assert (missing.status_code, missing.json()["code"]) == (404, "unknown_article")
    assert not Overlay.objects.exists()


def test_delete_removes_the_overlay(national, editor, api_client_for):
    """ORG-2: DELETE takes the overlay away; a second DELETE finds none (404)."""
    client = api_client_for(editor)
    client.put(URL.format(code=national), {"body": "<p>补充</p>"}, format="json")
    assert client.delete(URL.format(code=national)).status_code == 204
    assert not Overlay.objects.exists()
    assert client.delete(URL.format(code=national)).status_code == 404


def test_the_changed_overlays_page_says_so_and_checks(national, editor, client):
    """ORG-2: the province's page lists overlays whose national version changed, with the notice."""
    services.overlay_save(actor=editor, code=national, body="<p>本省补充</p>")
    new_national_version(national, 2)
    client.force_login(editor)
    page = client.get("/national/overlays/").content.decode()
    assert "全网知识已更新，请核对本省补充" in page and "N-OUTLET" in page
    client.post("/national/overlays/", {"code": national})
    assert "全网知识已更新，请核对本省补充" not in client.get("/national/overlays/").content.decode()


def test_the_overlay_page_shows_national_text_read_only_and_saves_the_overlay(
    national, editor, make_staff, client
):
    """ORG-2: at the province the national article's page shows the national text and the overlay form;
    saving sanitises it; the national text is unchanged; an agent reads the overlay but has no form."""
    client.force_login(editor)
    page = client.get(f"/national/overlays/{national}/").content.decode()
    assert "全网规则" in page and 'data-testid="overlay-body"' in page
    body = "<p>南京新街口营业厅</p><script>x()</script>"
    client.post(f"/national/overlays/{national}/", {"action": "save", "body": body})
    assert Overlay.objects.get().body == "<p>南京新街口营业厅</p>"
    assert f"/national/overlays/{national}/" in client.get("/national/overlays/").content.decode()
    client.force_login(make_staff("hotline_agent", "JS"))
    seen = client.get(f"/national/overlays/{national}/").content.decode()
    assert "南京新街口营业厅" in seen and 'data-testid="overlay-body"' not in seen
    assert "全网规则" in seen
