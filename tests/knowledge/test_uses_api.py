"""The knowledge API of the agent's side: the search's documented shape (interim view) and the use
records the desk's buttons post (SR-1, KB-4), errors as problem+json."""

from __future__ import annotations

import pytest

from kefu.knowledge.models import KnowledgeUse

pytestmark = pytest.mark.django_db


def test_search_answers_the_documented_shape(api_client_for, js_agent, article):
    """KB-1: results carry code, title, snippet, score, business, kind, audience, version and url."""
    response = api_client_for(js_agent).get("/api/v1/knowledge/search", {"q": "彩铃"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"results", "next"}
    hit = body["results"][0]
    assert hit["code"] == "KB-CRBT-1" and hit["version"] == 2
    assert (hit["business"], hit["business_name"], hit["kind"], hit["audience"]) == (
        "crbt",
        "彩铃",
        "usage",
        "both",
    )
    assert hit["url"] == "/desk/knowledge/KB-CRBT-1/"
    assert set(hit) >= {"title", "snippet", "score"}


def test_search_refuses_an_unknown_filter(api_client_for, js_agent):
    """KB-1: an unknown kind or a missing query is 400 validation_failed."""
    client = api_client_for(js_agent)
    for params in ({"q": "彩铃", "kind": "gossip"}, {}):
        response = client.get("/api/v1/knowledge/search", params)
        assert response.status_code == 400
        assert response.json()["code"] == "validation_failed"


def test_wording_use_posted_by_the_copy_button(api_client_for, js_agent, contact, make_wording):
    """KB-4: the copy button records the wording's use with its version."""
    make_wording("W-CRBT-1", version=2)
    response = api_client_for(js_agent).post(
        "/api/v1/knowledge/uses",
        {"contact": contact.pk, "kind": "wording", "wording": "W-CRBT-1"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["wording_version"] == 2
    assert KnowledgeUse.objects.get().wording_version == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"kind": "wording", "wording": "NOPE"}, 404, "unknown_wording"),
        ({"kind": "answered", "article": "NOPE"}, 404, "unknown_article"),
        ({"kind": "sent", "article": "KB-CRBT-1"}, 400, "validation_failed"),
    ],
    ids=["unknown-wording", "unknown-article", "kind-not-posted-here"],
)
def test_use_errors_are_problems_and_change_nothing(
    api_client_for, js_agent, contact, article, body, status, code
):
    """SR-1: bad input is problem+json with a stable code; nothing recorded."""
    response = api_client_for(js_agent).post(
        "/api/v1/knowledge/uses", {"contact": contact.pk, **body}, format="json"
    )
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert not KnowledgeUse.objects.exists()


def test_use_on_a_contact_out_of_scope_is_not_found(api_client_for, zj_agent, contact, article):
    """SR-1: another province's contact: 404, nothing recorded."""
    response = api_client_for(zj_agent).post(
        "/api/v1/knowledge/uses",
        {"contact": contact.pk, "kind": "opened", "article": article.code},
        format="json",
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not KnowledgeUse.objects.exists()
