"""GET /api/v1/knowledge/search (KB-1, issue 13 item 6): the answer's shape, paging, scope by who
asks, and problem+json for bad input."""

from __future__ import annotations

import pytest

from kefu.catalog.models import Business
from kefu.knowledge import services
from kefu.knowledge.api import search as search_api

pytestmark = pytest.mark.django_db
URL = "/api/v1/knowledge/search"


@pytest.fixture
def agent_client(make_staff, api_client_for):
    return api_client_for(make_staff("hotline_agent"))


@pytest.fixture
def articles(db):
    crbt = Business.objects.get(code="crbt")
    for code, title, audience in (
        ("A-1", "彩铃开通方法", "both"),
        ("A-2", "彩铃退订说明", "customer"),
        ("A-3", "彩铃投诉处理口径", "agent"),
    ):
        services.save_article(
            actor=None,
            code=code,
            title=title,
            body=f"<p>{title}：<b>彩铃</b>业务</p>",
            business=crbt,
            audience=audience,
            status="published",
        )


def test_search_answers_the_documented_shape(agent_client, articles):
    """KB-1: results carry code, title, snippet with <mark>, score, business, kind, audience, version, url."""
    response = agent_client.get(URL, {"q": "彩铃开通"})
    assert response.status_code == 200
    body = response.json()
    first = body["results"][0]
    assert first["code"] == "A-1"
    assert set(first) == {
        "code",
        "title",
        "snippet",
        "score",
        "business",
        "business_name",
        "kind",
        "audience",
        "version",
        "url",
    }
    assert (first["business"], first["business_name"], first["version"]) == ("crbt", "彩铃", 1)
    assert "<mark>彩铃</mark>" in first["snippet"]
    assert body["next"] is None


def test_staff_see_agent_articles_customers_never(agent_client, articles, monkeypatch):
    """KB-1: staff read agent articles; a reader taken for a customer never gets one."""
    staff = {r["code"] for r in agent_client.get(URL, {"q": "彩铃"}).json()["results"]}
    assert staff == {"A-1", "A-2", "A-3"}
    monkeypatch.setattr(search_api, "reader_is_customer", lambda user: True)
    customer = {r["code"] for r in agent_client.get(URL, {"q": "彩铃"}).json()["results"]}
    assert customer == {"A-1", "A-2"}
    assert agent_client.get(URL, {"q": "彩铃", "audience": "agent"}).json()["results"] == []


def test_reader_is_customer_for_anyone_not_staff(make_staff):
    """KB-1: the decision is one function of who asks."""
    from django.contrib.auth.models import AnonymousUser

    assert search_api.reader_is_customer(make_staff("hotline_agent")) is False
    assert search_api.reader_is_customer(AnonymousUser()) is True


def test_paging_with_next(agent_client, articles):
    """KB-1: ``next`` is the following page; an altered one is 400 bad_cursor."""
    first = agent_client.get(URL, {"q": "彩铃", "limit": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = agent_client.get(URL, {"q": "彩铃", "limit": 2, "cursor": first["next"]}).json()
    assert len(second["results"]) == 1 and second["next"] is None
    codes = {r["code"] for r in first["results"] + second["results"]}
    assert codes == {"A-1", "A-2", "A-3"}
    bad = agent_client.get(URL, {"q": "彩铃", "limit": 2, "cursor": first["next"] + "x"})
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    assert bad.json()["code"] == "bad_cursor"


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {},
        {"q": "彩铃", "kind": "nope"},
        {"q": "彩铃", "audience": "all"},
        {"q": "彩铃", "level": "vip"},
    ],
)
def test_bad_input_is_validation_failed(agent_client, articles, params):
    """KB-1: empty q, unknown kind / audience / level are 400 validation_failed."""
    response = agent_client.get(URL, params)
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"


def test_search_needs_a_signed_in_user(api_client_for):
    """KB-1: the API answers signed-in users only."""
    assert api_client_for(None).get(URL, {"q": "彩铃"}).status_code == 401
