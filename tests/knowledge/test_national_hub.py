"""ORG-2: the hub writes and publishes national knowledge; every province gets it through the outbox,
in the transaction of the publish; a province never edits national text."""

from __future__ import annotations

import pytest
from django.urls import clear_url_caches

from kefu.core.models import OutboxMessage
from kefu.knowledge.choices import Origin, Status
from kefu.knowledge.models import Article, Wording
from kefu.knowledge.services import ensure_editable, save_article
from kefu.syndication import messages, services

pytestmark = pytest.mark.django_db
BASE = "/api/v1/knowledge/national/articles"


@pytest.fixture
def hub(tmp_path, settings):
    """This process is the hub; its peers: provinces JS and ZJ, and SIMS (which gets no knowledge)."""
    path = tmp_path / "peers.toml"
    path.write_text("".join(
        f'[peers.{code}]\nrole = "{role}"\nurl = "http://127.0.0.1:9"\nkey = "{code.lower()}-and-hub-key-0123456789"\n'
        for code, role in (("JS", "province"), ("ZJ", "province"), ("SIMS", "sims"))
    ))  # fmt: skip
    settings.KEFU_PEERS_FILE, settings.KEFU_ROLE, settings.KEFU_NODE_CODE = str(path), "hub", "HUB"
    settings.KEFU_FEDERATION_DELIVER_ON_COMMIT = False
    settings.ROOT_URLCONF = "kefu.urls.hub"
    clear_url_caches()
    yield path
    clear_url_caches()


@pytest.fixture
def operator(make_staff):
    return make_staff("hub_operator", province=None)


def sent(type: str | None = None) -> list[dict]:
    rows = OutboxMessage.objects.filter(topic="federation.message").order_by("id")
    return [{"to": r.destination, **r.payload} for r in rows if type is None or r.payload["type"] == type]


ARTICLE = {
    "code": "N-VOLTE-01",
    "title": "VoLTE高清通话开通方法",
    "body": "<p>发送 KTVOLTE 到 10086。</p><script>x()</script>",
    "kind": "usage",
    "audience": "both",
    "business": "wireless_music",
    "levels": ["gold"],
    "tags": ["VoLTE"],
}


def test_publishing_at_the_hub_queues_the_article_for_every_province(hub, operator, api_client_for):
    """ORG-2: POST with publish → the article is national and published, and one
    ``knowledge.article.published`` per province peer (not SIMS) is in the outbox with the full content."""
    client = api_client_for(operator)
    answer = client.post(BASE, ARTICLE | {"publish": True}, format="json")
    assert answer.status_code == 201, answer.content
    assert (answer.json()["status"], answer.json()["published_version"]) == ("published", 1)
    article = Article.objects.get(code="N-VOLTE-01")
    assert (article.origin, article.province_id) == (Origin.NATIONAL, None)
    out = sent(messages.ARTICLE_PUBLISHED)
    assert sorted(m["to"] for m in out) == ["JS", "ZJ"]
    payload = out[0]["payload"]
    assert (payload["code"], payload["version"], payload["business"]) == ("N-VOLTE-01", 1, "wireless_music")
    assert payload["levels"] == ["gold"] and payload["tags"] == ["VoLTE"]
    assert "KTVOLTE" in payload["body"] and "<script" not in payload["body"]


def test_a_draft_is_sent_nowhere_until_it_is_published(hub, operator, api_client_for):
    """ORG-2: a draft stays at the hub; the publish action sends it; publishing again is refused."""
    client = api_client_for(operator)
    assert client.post(BASE, ARTICLE, format="json").json()["status"] == "draft"
    assert sent() == []
    answer = client.post(f"{BASE}/N-VOLTE-01/publish", {}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "published"
    assert len(sent(messages.ARTICLE_PUBLISHED)) == 2
    again = client.post(f"{BASE}/N-VOLTE-01/publish", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    assert len(sent()) == 2


def test_a_new_version_of_a_published_article_goes_out_at_once(hub, operator, api_client_for):
    """ORG-2: editing a published national article publishes version 2 to every province."""
    client = api_client_for(operator)
    client.post(BASE, ARTICLE | {"publish": True}, format="json")
    answer = client.patch(f"{BASE}/N-VOLTE-01", {"title": "VoLTE开通（新版）"}, format="json")
    assert answer.status_code == 200 and answer.json()["published_version"] == 2
    versions = [
        (m["to"], m["payload"]["version"], m["payload"]["title"]) for m in sent(messages.ARTICLE_PUBLISHED)
    ]
    assert ("JS", 2, "VoLTE开通（新版）") in versions and ("ZJ", 2, "VoLTE开通（新版）") in versions


def test_retire_then_republish_makes_a_newer_version(hub, operator, api_client_for):
    """ORG-2: retiring sends ``knowledge.article.retired`` with the published version; publishing the
    retired article again is a new version, so provinces take it as newer than the retirement."""
    client = api_client_for(operator)
    client.post(BASE, ARTICLE | {"publish": True}, format="json")
    assert client.post(f"{BASE}/N-VOLTE-01/retire", {"note": "停止推广"}, format="json").status_code == 200
    retired = sent(messages.ARTICLE_RETIRED)
    assert [(m["to"], m["payload"]) for m in retired] == [
        ("JS", {"code": "N-VOLTE-01", "version": 1}),
        ("ZJ", {"code": "N-VOLTE-01", "version": 1}),
    ]
    assert Article.objects.get(code="N-VOLTE-01").status == Status.RETIRED
    again = client.post(f"{BASE}/N-VOLTE-01/publish", {}, format="json")
    assert again.json()["published_version"] == 2
    assert {m["payload"]["version"] for m in sent(messages.ARTICLE_PUBLISHED)} == {1, 2}


def test_a_refused_publish_leaves_no_article_and_no_message(hub, operator, api_client_for):
    """ORG-2: the outbox row commits with the publish or not at all — an unknown business refuses the
    whole write."""
    answer = api_client_for(operator).post(
        BASE, ARTICLE | {"business": "no_such", "publish": True}, format="json"
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "unknown_business")
    assert not Article.objects.filter(code="N-VOLTE-01").exists()
    assert sent() == []


def test_bad_input_is_refused_with_the_field(hub, operator, api_client_for):
    """ORG-2: a missing title or a code that exists changes nothing."""
    client = api_client_for(operator)
    answer = client.post(BASE, {k: v for k, v in ARTICLE.items() if k != "title"}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "validation_failed"
    client.post(BASE, ARTICLE, format="json")
    taken = client.post(BASE, ARTICLE | {"title": "另一篇"}, format="json")
    assert (taken.status_code, taken.json()["code"]) == (409, "article_exists")
    assert Article.objects.get(code="N-VOLTE-01").title == ARTICLE["title"]


def test_only_hub_operators_and_administrators_publish(hub, make_staff, api_client_for):
    """ORG-2: other roles get 403 and nothing is written."""
    agent = make_staff("hotline_agent", province=None)
    answer = api_client_for(agent).post(BASE, ARTICLE | {"publish": True}, format="json")
    assert answer.status_code == 403
    assert not Article.objects.exists() and sent() == []
    admin = make_staff("administrator", province=None)
    assert api_client_for(admin).post(BASE, ARTICLE, format="json").status_code == 201


def test_a_province_node_cannot_publish_national_knowledge(settings, make_staff):
    """ORG-2: the service refuses anywhere but at the hub (409 ``hub_only``); the route does not exist."""
    from kefu.core.errors import DomainError

    settings.KEFU_ROLE = "province"
    with pytest.raises(DomainError) as refused:
        services.national_article_save(
            actor=make_staff("administrator"), code="N-1", create=True, title="t", body="<p>b</p>"
        )
    assert refused.value.code == "hub_only"


def test_national_wording_is_published_to_every_province(hub, operator, api_client_for):
    """KB-4, ORG-2: national wording is written, versioned and sent like articles."""
    client = api_client_for(operator)
    body = {
        "code": "NW-1",
        "title": "停机解释",
        "problem": "suspension",
        "text": "您好，欠费停机后缴费即可开机。",
    }
    answer = client.post("/api/v1/knowledge/national/wording", body | {"publish": True}, format="json")
    assert answer.status_code == 201 and answer.json()["published_version"] == 1
    assert Wording.objects.get(code="NW-1").versions.count() == 1
    assert sorted(m["to"] for m in sent(messages.WORDING_PUBLISHED)) == ["JS", "ZJ"]
    client.post("/api/v1/knowledge/national/wording/NW-1/retire", {}, format="json")
    assert [m["payload"] for m in sent(messages.WORDING_RETIRED)][0] == {"code": "NW-1", "version": 1}


def test_the_hub_page_writes_and_publishes(hub, operator, client):
    """ORG-2: the hub's page creates a national article and publishes it to the provinces."""
    client.force_login(operator)
    page = client.get("/national/")
    assert page.status_code == 200 and "全网知识" in page.content.decode()
    answer = client.post(
        "/national/",
        {"code": "N-PAGE-1", "title": "携号转网办理条件", "body": "<p>在网满120天</p>", "kind": "procedure",
         "audience": "both", "levels": ["gold", "silver"], "tags": "携号转网, 转网", "publish": "1"},
    )  # fmt: skip
    assert answer.status_code == 302
    article = Article.objects.get(code="N-PAGE-1")
    assert (article.status, article.tags, sorted(article.levels)) == (
        "published",
        ["携号转网", "转网"],
        ["gold", "silver"],
    )
    assert len(sent(messages.ARTICLE_PUBLISHED)) == 2
    detail = client.get("/national/N-PAGE-1/")
    assert "在网满120天" in detail.content.decode() and "v1" in detail.content.decode()
    client.post("/national/N-PAGE-1/", {"action": "retire"})
    assert Article.objects.get(code="N-PAGE-1").status == Status.RETIRED


def test_ensure_editable_refuses_national_text_at_a_province(settings, js):
    """ORG-2: at a province national text is read-only (403 ``national_read_only``); local articles and
    the hub are free to edit."""
    from kefu.core.errors import DomainError

    national = save_article(actor=None, code="N-1", title="全网", body="<p>x</p>", origin=Origin.NATIONAL)
    local = save_article(actor=None, code="L-1", title="本省", body="<p>x</p>", province=js)
    settings.KEFU_ROLE = "province"
    with pytest.raises(DomainError) as refused:
        ensure_editable(national, None)
    assert (refused.value.code, refused.value.status) == ("national_read_only", 403)
    ensure_editable(local, None)
    settings.KEFU_ROLE = "hub"
    ensure_editable(national, None)


def test_bulk_publish_is_all_or_nothing(hub, tmp_path):
    """ORG-2: ``kefu national publish FILE`` — a bad file (missing title, unknown business, malformed
    line) publishes nothing and names every bad line; a good one publishes each line to every province,
    a known code as a new version."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"code": "N-B1", "title": "好的", "body": "<p>正文</p>"}\n'
        '{"code": "N-B2", "body": "<p>没有标题</p>"}\n'
        '{"code": "N-B3", "title": "未知业务", "body": "<p>x</p>", "business": "no_such"}\n'
        "{not json\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("national", "publish", str(bad), stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 2", "line 3", "line 4"]
    assert lines[0].startswith("line 2: title:") and lines[1].startswith("line 3: business:")
    assert not Article.objects.exists() and sent() == []

    good = tmp_path / "good.jsonl"
    good.write_text(
        '{"code": "N-B1", "title": "国际漫游", "body": "<p>v1</p>", "kind": "product"}\n'
        '{"code": "N-B2", "title": "携号转网", "body": "<p>v1</p>", "tags": ["转网"]}\n',
        encoding="utf-8",
    )
    out = StringIO()
    call_command("national", "publish", str(good), stdout=out)
    assert "published 2" in out.getvalue()
    call_command("national", "publish", str(good), stdout=out)
    assert Article.objects.get(code="N-B1").published_version == 2
    assert sorted((m["to"], m["payload"]["code"], m["payload"]["version"]) for m in sent())[:2] == [
        ("JS", "N-B1", 1),
        ("JS", "N-B1", 2),
    ]
    assert len(sent(messages.ARTICLE_PUBLISHED)) == 8


def test_the_demo_publishes_its_national_knowledge_once(hub):
    """ORG-2 (demo): `kefu national demo-setup` on the hub publishes the demo's national articles and
    wording to every province; a second run publishes nothing more."""
    from io import StringIO

    from django.core.management import call_command

    from kefu.syndication.demo import ARTICLES, WORDING

    call_command("national", "demo-setup", stdout=StringIO())
    call_command("national", "demo-setup", stdout=StringIO())
    assert Article.objects.filter(origin=Origin.NATIONAL, status=Status.PUBLISHED).count() == len(ARTICLES)
    assert Wording.objects.filter(origin=Origin.NATIONAL).count() == len(WORDING)
    assert len(sent()) == 2 * (len(ARTICLES) + len(WORDING))
    assert {m["to"] for m in sent()} == {"JS", "ZJ"}
