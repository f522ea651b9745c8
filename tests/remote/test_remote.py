"""Remote service (SVC-1), in process: the serving province's query and panel, the hub's relay, the
home province's answer from its billing port. The chain across real nodes is in ``test_nodes.py``."""

from __future__ import annotations

import pytest

from kefu.core.errors import DomainError
from kefu.core.models import AuditEvent
from kefu.federation.errors import PeerError
from kefu.remote import services
from tests.factories import line_with_history

pytestmark = pytest.mark.django_db
ANSWER = {"home": "ZJ", "number": "13957100001", "what": "balance", "customer": {"name": "周某", "brand": "全球通",
          "status": "正常"}, "columns": [{"key": "balance", "label": "余额(元)"}], "rows": [{"balance": "12.50"}]}  # fmt: skip


def test_query_is_sent_to_the_hub_for_the_home_province(
    hub_peers,
    make_staff,
    api_client_for,
    monkeypatch,
    answered_call,
):
    """SVC-1: accepted at JS (the caller identified by the agent's answered call from that number),
    sent to the hub naming the home province; the answer comes back as is."""
    sent = []
    monkeypatch.setattr(services.client, "request", lambda **kw: sent.append(kw) or ANSWER)
    agent = make_staff("hotline_agent")
    answered_call(agent, "13957100001")
    response = api_client_for(agent).post(
        "/api/v1/remote/queries",
        {"number": "13957100001", "home": "ZJ", "what": "balance", "verified_by": "calling_number"},
        format="json",
    )
    assert response.status_code == 200 and response.json() == ANSWER
    assert (sent[0]["to"], sent[0]["type"], sent[0]["payload"]["home"]) == ("HUB", "service.query", "ZJ")
    assert "password" not in str(sent[0]["payload"])
    assert AuditEvent.objects.get(action="remote.query").changes["outcome"] == "ok"


@pytest.mark.parametrize(
    "data, field",
    [({"number": "139", "home": "ZJ", "what": "balance", "verified_by": "id_document"}, "number"),
     ({"number": "13957100001", "home": "JS", "what": "balance", "verified_by": "id_document"}, "home")],
    ids=["short-number", "own-province"],
)  # fmt: skip
def test_invalid_requests_send_nothing(data, field, hub_peers, make_staff, monkeypatch):
    monkeypatch.setattr(services.client, "request", lambda **kw: pytest.fail("sent"))
    with pytest.raises(DomainError) as exc:
        services.remote_query(actor=make_staff("hotline_agent"), **data)
    assert exc.value.code == "validation_failed" and field in exc.value.extra["errors"]


def test_home_province_refusal_reaches_the_agent(hub_peers, make_staff, monkeypatch):
    def refused(**kw):
        raise PeerError("节点 HUB 拒绝了请求：号码 13957100009 不是 ZJ 的用户", code="peer_refused", status=502,
                        peer="HUB", remote_status=422, remote_code="unknown_subscriber")  # fmt: skip

    monkeypatch.setattr(services.client, "request", refused)
    with pytest.raises(DomainError) as exc:
        services.remote_query(actor=make_staff("hall_staff", city="3201"), number="13957100009", home="ZJ",
                              what="bills", verified_by="id_document")  # fmt: skip
    assert (exc.value.code, exc.value.status, exc.value.message) == (
        "unknown_subscriber",
        422,
        "号码 13957100009 不是 ZJ 的用户",
    )


def test_home_province_answers_from_its_billing_port(settings, js):
    """SVC-1: the home province (here JS) answers balance, bills and points of its own subscriber,
    audits who asked from where, and refuses a number that is not its own."""
    number = line_with_history(months=2, home="3201").number
    for what, at_least in (("balance", 1), ("bills", 1), ("points", 1)):
        answer = services.home_answer(
            payload={"number": number, "what": what, "agent": "zj1001", "verified_by": "id_document"},
            serving="ZJ",
        )
        assert answer["home"] == "JS" and len(answer["rows"]) >= at_least
        assert {c["key"] for c in answer["columns"]} <= set(answer["rows"][0])
    event = AuditEvent.objects.filter(action="remote.answer").first()
    assert event.changes["serving"] == "ZJ" and event.province_id == js.pk
    with pytest.raises(DomainError) as exc:
        services.home_answer(
            payload={"number": "13000000000", "what": "balance", "verified_by": "calling_number"},
            serving="ZJ",
        )
    assert exc.value.code == "unknown_subscriber"
    with pytest.raises(DomainError) as exc:  # SVC-1: no identification stated, no answer
        services.home_answer(payload={"number": number, "what": "balance"}, serving="ZJ")
    assert exc.value.code == "validation_failed"


def test_hub_relays_only_to_a_known_province(settings, tmp_path, monkeypatch):
    peers = tmp_path / "peers.toml"
    peers.write_text(
        '[peers.ZJ]\nrole = "province"\nurl = "http://127.0.0.1:9"\nkey = "zj-and-hub-key-0123456789"\n'
    )
    settings.KEFU_PEERS_FILE, settings.KEFU_ROLE, settings.KEFU_NODE_CODE = str(peers), "hub", "HUB"
    sent = []
    monkeypatch.setattr(services.client, "request", lambda **kw: sent.append(kw) or ANSWER)
    assert services.remote_relay(payload={"home": "ZJ", "number": "1"}, sender="JS", deadline=None) == ANSWER
    assert (sent[0]["to"], sent[0]["type"], sent[0]["payload"]["serving"]) == (
        "ZJ",
        "service.home_query",
        "JS",
    )
    with pytest.raises(DomainError) as exc:
        services.remote_relay(payload={"home": "GD"}, sender="JS", deadline=None)
    assert exc.value.code == "unknown_province"


def test_panel_shows_the_answer(client, make_staff, hub_peers, monkeypatch, answered_call):
    """SVC-1: the JS desk's 异地用户 panel shows the home province's answer on the agent's screen."""
    monkeypatch.setattr(services.client, "request", lambda **kw: ANSWER)
    agent = make_staff("hotline_agent")
    answered_call(agent, "13957100001")
    client.force_login(agent)
    assert client.get("/remote/").status_code == 200
    response = client.post("/remote/", {"number": "13957100001", "home": "ZJ", "what": "balance",
                                        "verified_by": "calling_number"})  # fmt: skip
    body = response.content.decode()
    assert 'data-testid="remote-answer"' in body and "12.50" in body and "周某" in body
