"""Capability queries, in process (CAP-1..3): the definitions, the catalog the form is built from,
the province's query service and API, and the hub's relay. The hub and platform answers are given by
patching the federation client (the network edge); the real chain runs in ``test_nodes.py``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kefu.capability import definitions as defs
from kefu.capability import services
from kefu.core.models import AuditEvent
from kefu.federation.errors import PeerError

pytestmark = pytest.mark.django_db

# CAP-2, as the seed lists it: (queries, handling actions) per business.
CAP2 = {
    "mobile_video": (["blacklist", "order_history", "on_demand", "handsets"], ["blacklist_activate", "blacklist_block"]),
    "mobile_game": (
        ["basic_info", "blacklist", "consumption", "package_subscriptions", "package_orders", "card_recharges",
         "points_balance"],
        ["blacklist_add", "blacklist_delete"],
    ),
    "wireless_music": (["blacklist_log", "on_demand"], ["blacklist_activate", "blacklist_block"]),
    "mobile_payment": (
        ["account_balance", "bill_payments", "e_vouchers", "orders", "order_detail", "account_history",
         "comm_payment_orders"],
        [],
    ),
    "mobile_reading": (
        ["blacklist", "reading_records", "book_info", "vouchers", "monthly_packages", "on_demand_orders",
         "handset_binding"],
        ["blacklist_activate", "blacklist_block"],
    ),
}  # fmt: skip


def test_definitions_cover_every_cap2_query_and_handling():
    """CAP-2: every query and handling action of the five platforms is defined, nothing more."""
    for code, (queries, handling) in CAP2.items():
        b = defs.business(code)
        assert [q.code for q in b.queries if q.kind == defs.QUERY] == queries
        assert [q.code for q in b.queries if q.kind == defs.HANDLING] == handling
        for q in b.queries:
            assert q.columns, f"{code}/{q.code} has no result columns"


def test_catalog_api_gives_business_query_type_and_conditions(api_client_for, make_staff):
    """CAP-3: the form is built from data — business → query types → each query's conditions."""
    response = api_client_for(make_staff("hotline_agent")).get("/api/v1/capability/catalog")
    assert response.status_code == 200
    catalog = {b["code"]: b for b in response.json()}
    assert set(catalog) == set(CAP2)
    assert catalog["mobile_game"]["name"] == "手机游戏"
    detail = next(q for q in catalog["mobile_payment"]["queries"] if q["code"] == "order_detail")
    assert [(c["name"], c["type"], c["required"]) for c in detail["conditions"]] == [
        ("number", "number", True),
        ("order_no", "text", True),
    ]
    handsets = next(q for q in catalog["mobile_video"]["queries"] if q["code"] == "handsets")
    assert [c["name"] for c in handsets["conditions"]] == ["brand", "model"]


def test_query_goes_to_the_hub_and_is_audited(api_client_for, make_staff, hub_peers, monkeypatch):
    """CAP-1: the province sends one `capability.query` to the hub and shows the platform's answer."""
    sent = []
    answer = {"platform": "PLAT", "business": "mobile_game", "query": "blacklist", "kind": "query",
              "outcome": "ok", "message": "", "columns": [{"key": "number", "label": "手机号码"}],
              "rows": [{"number": "13800000007"}]}  # fmt: skip

    def fake_request(**kwargs):
        sent.append(kwargs)
        return answer

    monkeypatch.setattr(services.client, "request", fake_request)
    agent = make_staff("hotline_agent")
    response = api_client_for(agent).post(
        "/api/v1/capability/queries",
        {"business": "mobile_game", "query": "blacklist", "conditions": {"number": "13800000007"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["rows"] == [{"number": "13800000007"}]
    assert [(s["to"], s["type"]) for s in sent] == [("HUB", "capability.query")]
    assert sent[0]["payload"]["conditions"] == {"number": "13800000007"}
    assert sent[0]["payload"]["province"] == "JS"
    event = AuditEvent.objects.get(action="capability.query")
    assert event.changes["outcome"] == "ok" and event.object_id == "mobile_game/blacklist"


@pytest.mark.parametrize(
    "conditions, field",
    [({}, "number"), ({"number": "12345"}, "number"), ({"number": "13800000007", "date_from": "2026-02-30"}, "date_from"),
     ({"number": "13800000007", "date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to")],
    ids=["missing", "short-number", "bad-date", "backwards-period"],
)  # fmt: skip
def test_bad_conditions_are_refused_before_anything_is_sent(
    conditions, field, api_client_for, make_staff, hub_peers, monkeypatch
):
    """CAP-3: the conditions are checked against the definition; nothing goes to the hub."""
    monkeypatch.setattr(services.client, "request", lambda **kw: pytest.fail("sent"))
    response = api_client_for(make_staff("hotline_agent")).post(
        "/api/v1/capability/queries",
        {"business": "mobile_video", "query": "order_history", "conditions": conditions},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert field in response.json()["errors"]
    assert not AuditEvent.objects.filter(action__startswith="capability.").exists()


def test_unknown_query_and_roles_without_the_right_are_refused(api_client_for, make_staff, hub_peers):
    client = api_client_for(make_staff("hotline_agent"))
    response = client.post("/api/v1/capability/queries", {"business": "mobile_payment", "query": "blacklist_add",
                                                          "conditions": {"number": "13800000007"}}, format="json")  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (400, "validation_failed")
    ivr = api_client_for(make_staff("ivr_system"))
    response = ivr.post("/api/v1/capability/queries", {"business": "mobile_game", "query": "blacklist",
                                                       "conditions": {"number": "13800000007"}}, format="json")  # fmt: skip
    assert response.status_code == 403


@pytest.mark.parametrize(
    "remote_code, status",
    [("peer_timeout", 504), ("peer_unavailable", 503)],
)
def test_a_platform_the_hub_could_not_reach_is_a_clear_message(
    remote_code, status, api_client_for, make_staff, hub_peers, monkeypatch
):
    """CAP-1 reliability: the hub's refusal naming the platform reaches the agent with the same code."""
    detail = "业务平台 手机游戏平台（PLAT） 未在时限内应答，请稍后再试"

    def refused(**kwargs):
        raise PeerError(f"节点 HUB 拒绝了请求：{detail}", code="peer_refused", status=502, peer="HUB",
                        remote_status=status, remote_code=remote_code)  # fmt: skip

    monkeypatch.setattr(services.client, "request", refused)
    response = api_client_for(make_staff("hotline_agent")).post(
        "/api/v1/capability/queries",
        {"business": "mobile_game", "query": "blacklist", "conditions": {"number": "13800000007"}},
        format="json",
    )
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert (response.json()["code"], response.json()["detail"]) == (remote_code, detail)
    assert AuditEvent.objects.get(action="capability.query").changes["outcome"] == remote_code


def test_no_hub_answer_is_a_timeout_message(api_client_for, make_staff, hub_peers, settings):
    """CAP-1: the hub itself does not answer (nothing listens on its port) → 503, never a hang."""
    settings.KEFU_CAPABILITY_TIMEOUT = 1
    response = api_client_for(make_staff("hotline_agent")).post(
        "/api/v1/capability/queries",
        {"business": "mobile_game", "query": "blacklist", "conditions": {"number": "13800000007"}},
        format="json",
    )
    assert response.status_code in (503, 504)
    assert response.json()["code"] in ("peer_unavailable", "peer_timeout")
    assert "HUB" in response.json()["detail"]


def test_hub_relay_sorts_by_business_and_passes_a_shorter_deadline(settings, tmp_path, monkeypatch):
    """CAP-1 step 3: the hub sends the query to the business's platform, before the province's deadline."""
    peers = tmp_path / "peers.toml"
    peers.write_text('[peers.PLAT]\nrole = "platform"\nurl = "http://127.0.0.1:9"\nkey = "plat-and-hub-key-0123456789"\n'
                     '[peers.GAME]\nrole = "platform"\nurl = "http://127.0.0.1:9"\nkey = "game-and-hub-key-0123456789"\n')  # fmt: skip
    settings.KEFU_PEERS_FILE, settings.KEFU_ROLE, settings.KEFU_NODE_CODE = str(peers), "hub", "HUB"
    settings.KEFU_CAPABILITY_PLATFORMS = "mobile_game=GAME"
    sent = []
    monkeypatch.setattr(services.client, "request", lambda **kw: sent.append(kw) or {"rows": []})
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    services.capability_relay(
        payload={"business": "mobile_game", "query": "blacklist"}, sender="JS", deadline=deadline
    )
    services.capability_relay(
        payload={"business": "mobile_video", "query": "blacklist"}, sender="JS", deadline=deadline
    )
    assert [s["to"] for s in sent] == ["GAME", "PLAT"]
    assert sent[0]["type"] == "capability.forward" and sent[0]["payload"]["province"] == "JS"
    assert sent[0]["deadline"] == deadline - timedelta(seconds=settings.KEFU_CAPABILITY_RELAY_MARGIN)


def test_capability_page_renders_the_dynamic_form(client, make_staff):
    client.force_login(make_staff("hotline_agent"))
    response = client.get("/capability/?number=13800000007")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-catalog-url="/api/v1/capability/catalog"' in body and "13800000007" in body
