"""SVC-1 and Q-1 on the remote-service panel: the stated identification is checked (the calling number
against the agent's own answered call, an ID shown in person only at a hall or by a VIP manager), and
suggestions and the business the rules allow are relayed to the home province like complaints."""

from __future__ import annotations

import pytest

from kefu.catalog.models import CategoryNode
from kefu.core.models import AuditEvent
from kefu.crosslevel.models import CrossLink
from kefu.remote import services
from kefu.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

ZJ_NUMBER = "13957100077"
ANSWER = {"home": "ZJ", "number": ZJ_NUMBER, "what": "bills", "customer": {}, "columns": [], "rows": []}


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(services.client, "request", lambda **kw: calls.append(kw) or ANSWER)
    return calls


def _query(api, verified_by):
    return api.post(
        "/api/v1/remote/queries",
        {"number": ZJ_NUMBER, "home": "ZJ", "what": "bills", "verified_by": verified_by},
        format="json",
    )


def test_calling_number_must_be_the_agents_answered_call(
    hub_peers, make_staff, api_client_for, sent, answered_call
):
    """SVC-1, Q-1: "identified by calling number" with no call, or with a call from another number, is
    403 not_calling_line and nothing goes to the hub; on the agent's call from that number it is sent."""
    agent = make_staff("hotline_agent", "JS")
    api = api_client_for(agent)
    refused = _query(api, "calling_number")
    assert refused.status_code == 403 and refused.json()["code"] == "not_calling_line"
    other_line = answered_call(agent, "13957100066")  # someone else on the line
    assert _query(api, "calling_number").json()["code"] == "not_calling_line"
    # one call at a time per seat (KEFU_CALLS_PER_SEAT): that call ends before the next is answered
    from kefu.telephony import services as telephony

    telephony.cti_event(actor=agent, kind="hangup", call_id=other_line.call_id,
                        calling_number=other_line.calling_number, agent_job_number=agent.job_number)  # fmt: skip
    colleague = make_staff("hotline_agent", "JS")
    answered_call(colleague, ZJ_NUMBER)  # the right number, but a colleague's call
    assert _query(api, "calling_number").json()["code"] == "not_calling_line"
    assert sent == []
    answered_call(agent, ZJ_NUMBER)
    assert _query(api, "calling_number").status_code == 200
    assert len(sent) == 1 and sent[0]["payload"]["verified_by"] == "calling_number"


@pytest.mark.parametrize(
    "role, allowed",
    [("hotline_agent", False), ("back_office", False), ("hall_staff", True), ("vip_manager", True)],
)
def test_id_shown_is_a_hall_and_vip_method(
    role, allowed, hub_peers, make_staff, api_client_for, sent, client
):
    """SVC-1, AUTH-1: "ID shown in person" is accepted from hall staff and VIP managers only (403
    id_shown_not_for_role otherwise, nothing sent), and only their panel offers it."""
    staff = make_staff(role, "JS", city="3201" if role in ("hall_staff", "back_office") else None)
    response = _query(api_client_for(staff), "id_document")
    if allowed:
        assert response.status_code == 200 and len(sent) == 1
    else:
        assert response.status_code == 403 and response.json()["code"] == "id_shown_not_for_role"
        assert sent == []
    client.force_login(staff)
    page = client.get("/remote/").content.decode()
    assert ('value="id_document"' in page) is allowed


@pytest.fixture
def nodes(db):
    current = CategoryNode.objects.filter(version__is_current=True, depth=2)
    return {
        "suggestion": current.filter(request_type="suggestion").first(),
        "cancel": current.filter(request_type="business_handling", path_names__startswith="退订").first(),
        "order": current.filter(request_type="business_handling", path_names__startswith="开通").first(),
    }


@pytest.fixture
def agent_on_call(make_staff, answered_call):
    agent = make_staff("hotline_agent", "JS")
    answered_call(agent, ZJ_NUMBER)
    return agent


def test_remote_suggestion_is_relayed_like_a_complaint(hub_peers, agent_on_call, nodes, api_client_for):
    """SVC-1: a ZJ customer's suggestion accepted at JS is a suggestion order marked for ZJ through the
    hub (cross-level link), audited as remote.suggestion."""
    response = api_client_for(agent_on_call).post(
        "/api/v1/remote/requests",
        {"kind": "suggestion", "number": ZJ_NUMBER, "home": "ZJ", "verified_by": "calling_number",
         "category": nodes["suggestion"].id, "description": "希望增加夜间客服"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get(number=response.json()["number"])
    assert (order.kind, order.subscriber_id, order.contact_number) == ("suggestion", None, ZJ_NUMBER)
    link = CrossLink.objects.get(order=order)
    assert (link.peer, link.target) == ("HUB", "ZJ")
    assert AuditEvent.objects.filter(action="remote.suggestion", object_id=str(order.pk)).exists()


def test_remote_business_only_what_the_rules_allow(hub_peers, agent_on_call, nodes, settings):
    """SVC-1, BA-1: business handling is relayed only for the categories KEFU_REMOTE_BUSINESS allows
    (default 退订): a cancellation is accepted for the home province, a new order is refused with 400
    naming the category and nothing is written."""
    assert settings.KEFU_REMOTE_BUSINESS.startswith("退订")
    fields = {"number": ZJ_NUMBER, "home": "ZJ", "verified_by": "calling_number"}
    order = services.remote_request(
        actor=agent_on_call, kind="business_handling", category=nodes["cancel"].id, **fields
    )
    assert order.kind == "business_handling" and CrossLink.objects.get(order=order).target == "ZJ"
    before = (WorkOrder.objects.count(), CrossLink.objects.count())
    with pytest.raises(services.DomainError) as refused:
        services.remote_request(
            actor=agent_on_call, kind="business_handling", category=nodes["order"].id, **fields
        )
    assert refused.value.status == 400 and "category" in refused.value.extra["errors"]
    assert (WorkOrder.objects.count(), CrossLink.objects.count()) == before


def test_panel_offers_suggestion_and_allowed_business(hub_peers, agent_on_call, nodes, client):
    """SVC-1: the 异地用户 panel has a suggestion form and a business form listing only allowed
    categories; the suggestion form accepts and opens the order."""
    client.force_login(agent_on_call)
    page = client.get("/remote/").content.decode()
    business = page[page.index('data-testid="remote-business-form"') :]
    assert f'value="{nodes["cancel"].id}"' in business
    assert f'value="{nodes["order"].id}"' not in business
    answer = client.post(
        "/remote/",
        {"intent": "suggestion", "number": ZJ_NUMBER, "home": "ZJ", "verified_by": "calling_number",
         "category": nodes["suggestion"].id, "description": "建议"},
        follow=True,
    )  # fmt: skip
    order = WorkOrder.objects.get(kind="suggestion", contact_number=ZJ_NUMBER)
    assert answer.redirect_chain[-1][0] == f"/workorders/{order.number}/"
