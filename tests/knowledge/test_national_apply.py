"""ORG-2: a province applies the hub's national knowledge — idempotent, ordered by version whatever
the order of arrival, retirements included; malformed messages change nothing."""

from __future__ import annotations

import pytest

from kefu.core.errors import DomainError
from kefu.federation.envelope import encode, envelope, sign
from kefu.federation.models import InboxMessage
from kefu.federation.services import message_receive
from kefu.knowledge import search
from kefu.knowledge.choices import Origin, Status
from kefu.knowledge.models import Article, ArticleVersion, Wording, WordingVersion
from kefu.knowledge.services import save_article
from kefu.syndication import messages, services

pytestmark = pytest.mark.django_db
HUB_KEY = "hub-and-js-share-this-national-key"


@pytest.fixture
def province(tmp_path, settings):
    """This process is province JS; its only peer is the hub."""
    path = tmp_path / "peers.toml"
    path.write_text(f'[peers.HUB]\nrole = "hub"\nurl = "http://127.0.0.1:9"\nkey = "{HUB_KEY}"\n')
    settings.KEFU_PEERS_FILE, settings.KEFU_ROLE, settings.KEFU_NODE_CODE = str(path), "province", "JS"
    settings.KEFU_FEDERATION_DELIVER_ON_COMMIT = False
    return path


def published(version: int, *, code: str = "N-5G-001", title: str | None = None, **extra) -> dict:
    return {
        "code": code,
        "version": version,
        "title": title or f"5G套餐资费 第{version}版",
        "body": f"<p>全网统一资费说明，第{version}版。</p>",
        "kind": "product",
        "audience": "both",
        "business": "wireless_music",
        "levels": [],
        "tags": ["5G"],
        "valid_from": None,
        "valid_until": None,
        "published_at": "2026-12-06T08:00:00+00:00",
        "note": "",
        **extra,
    }


def test_a_published_national_article_arrives_read_only_and_searchable(province):
    """ORG-2: the article is created as national (no province), published at the hub's version, the
    version kept, the business resolved by code, the body sanitised, and the search finds it."""
    payload = published(3, body='<p>资费<script>alert(1)</script></p><a href="javascript:x()">x</a>')
    result = services.article_apply(payload, sender="HUB")
    article = Article.objects.get(code="N-5G-001")
    assert result["applied"] is True
    assert (article.origin, article.province_id, article.status) == (Origin.NATIONAL, None, Status.PUBLISHED)
    assert (article.version, article.published_version) == (3, 3)
    assert article.business.code == "wireless_music"
    assert "<script" not in article.body and "javascript:" not in article.body
    assert list(article.versions.values_list("number", flat=True)) == [3]
    assert [h.article.code for h in search.search("5G套餐").results] == ["N-5G-001"]


def test_applying_the_same_version_twice_changes_nothing(province):
    """ORG-2: idempotent — the second apply of version 1 writes no second version."""
    services.article_apply(published(1), sender="HUB")
    again = services.article_apply(published(1, title="改过的标题"), sender="HUB")
    assert again["applied"] is False
    article = Article.objects.get(code="N-5G-001")
    assert article.title == "5G套餐资费 第1版"
    assert ArticleVersion.objects.filter(article=article).count() == 1


def test_an_older_version_arriving_late_never_overwrites_a_newer_one(province):
    """ORG-2: version 2 applied before version 1 — the article stays at 2; version 1 joins the history."""
    services.article_apply(published(2), sender="HUB")
    late = services.article_apply(published(1), sender="HUB")
    article = Article.objects.get(code="N-5G-001")
    assert late["applied"] is False
    assert (article.title, article.published_version) == ("5G套餐资费 第2版", 2)
    assert sorted(article.versions.values_list("number", flat=True)) == [1, 2]


def test_retirement_takes_the_article_off_the_air_and_a_later_version_brings_it_back(province):
    """ORG-2: retired at the hub → retired here and out of search; a repeat of the published version
    does not revive it; the hub's re-publication (a new version) does."""
    services.article_apply(published(1), sender="HUB")
    assert services.article_retire_apply({"code": "N-5G-001", "version": 1}, sender="HUB")["applied"]
    assert Article.objects.get(code="N-5G-001").status == Status.RETIRED
    assert search.search("5G套餐").results == []
    services.article_apply(published(1), sender="HUB")
    assert Article.objects.get(code="N-5G-001").status == Status.RETIRED
    assert not services.article_retire_apply({"code": "N-5G-001", "version": 1}, sender="HUB")["applied"]
    services.article_apply(published(2), sender="HUB")
    article = Article.objects.get(code="N-5G-001")
    assert (article.status, article.published_version) == (Status.PUBLISHED, 2)


def test_a_retirement_that_overtakes_its_publication_wins(province):
    """ORG-2: out of order — the retirement of version 1 arrives first; the publication of version 1
    then fills in the text but the article stays retired."""
    services.article_retire_apply({"code": "N-5G-001", "version": 1}, sender="HUB")
    services.article_apply(published(1), sender="HUB")
    article = Article.objects.get(code="N-5G-001")
    assert article.status == Status.RETIRED
    assert (article.title, article.published_version) == ("5G套餐资费 第1版", 1)
    assert article.versions.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"version": 0}, "version"),
        ({"version": "2"}, "version"),
        ({"title": ""}, "title"),
        ({"kind": "gossip"}, "kind"),
        ({"valid_from": "2026-13-01"}, "valid_from"),
        ({"valid_from": "2026-12-01", "valid_until": "2026-11-01"}, "valid_until"),
        ({"levels": "gold"}, "levels"),
    ],
)
def test_a_malformed_message_is_refused_and_writes_nothing(province, change, field):
    """ORG-2: a payload with a bad field is refused (422 ``malformed_knowledge`` naming the field)."""
    with pytest.raises(DomainError) as refused:
        services.article_apply(published(1) | change, sender="HUB")
    assert (refused.value.code, refused.value.status) == ("malformed_knowledge", 422)
    assert refused.value.extra["field"] == field
    assert not Article.objects.filter(code="N-5G-001").exists()


def test_a_local_article_with_the_same_code_is_not_overwritten(province, js):
    """ORG-2: national text never replaces a province's own article; the message is refused."""
    save_article(
        actor=None, code="N-5G-001", title="本省套餐", body="<p>本省</p>", status="published", province=js
    )
    with pytest.raises(DomainError) as refused:
        services.article_apply(published(1), sender="HUB")
    assert refused.value.code == "local_code_taken"
    assert Article.objects.get(code="N-5G-001").title == "本省套餐"


def test_the_message_is_applied_through_the_federation_inbox_once(province):
    """ORG-2: a signed ``knowledge.article.published`` from the hub is applied by the province's handler;
    the same message again is a duplicate."""
    body = envelope(
        type=messages.ARTICLE_PUBLISHED, sender="HUB", receiver="JS", payload=published(1), order="", seq=None
    )
    raw = encode(body)
    status, answer = message_receive(body=raw, sender="HUB", signature=sign(HUB_KEY.encode(), raw))
    assert (status, answer["status"], answer["result"]["version"]) == (200, "applied", 1)
    raw = encode(body)
    status, answer = message_receive(body=raw, sender="HUB", signature=sign(HUB_KEY.encode(), raw))
    assert answer["status"] == "duplicate"
    assert InboxMessage.objects.filter(type=messages.ARTICLE_PUBLISHED).count() == 1
    assert Article.objects.get(code="N-5G-001").versions.count() == 1


def test_a_province_may_not_send_national_knowledge(province, settings, tmp_path):
    """ORG-2: only the hub sends ``knowledge.*``; a province peer gets 403 ``not_allowed``."""
    from kefu.federation.errors import FederationError

    path = tmp_path / "zj.toml"
    path.write_text(
        '[peers.ZJ]\nrole = "province"\nurl = "http://127.0.0.1:9"\nkey = "zj-and-js-key-0123456789"\n'
    )
    settings.KEFU_PEERS_FILE = str(path)
    raw = encode(
        envelope(
            type=messages.ARTICLE_PUBLISHED,
            sender="ZJ",
            receiver="JS",
            payload=published(1),
            order="",
            seq=None,
        )
    )
    with pytest.raises(FederationError) as refused:
        message_receive(body=raw, sender="ZJ", signature=sign(b"zj-and-js-key-0123456789", raw))
    assert refused.value.code == "not_allowed"
    assert not Article.objects.filter(code="N-5G-001").exists()


def wording(version: int, **extra) -> dict:
    return {
        "code": "NW-ROAM",
        "version": version,
        "title": "国际漫游资费解释",
        "problem": "roaming.fee",
        "level": "",
        "channel": "agent",
        "text": f"您好，国际漫游按目的地计费（第{version}版）。",
        "business": "",
        **extra,
    }


def test_national_wording_is_kept_by_version_and_retired(province):
    """KB-4, ORG-2: national wording — newest version wins, every version kept, retirement applied."""
    services.wording_apply(wording(2), sender="HUB")
    services.wording_apply(wording(1), sender="HUB")
    row = Wording.objects.get(code="NW-ROAM")
    assert (row.origin, row.status, row.published_version) == (Origin.NATIONAL, Status.PUBLISHED, 2)
    assert "第2版" in row.text
    assert sorted(WordingVersion.objects.filter(wording=row).values_list("number", flat=True)) == [1, 2]
    services.wording_retire_apply({"code": "NW-ROAM", "version": 2}, sender="HUB")
    assert Wording.objects.get(code="NW-ROAM").status == Status.RETIRED
