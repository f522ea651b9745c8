"""Remote complaints (SVC-1, WO-3): a JS agent accepts the complaint of a ZJ subscriber; the order is
marked for ZJ and the back office sends it to the hub without naming the target; on the home
province the arriving order is linked to its own subscriber (city, customer view)."""

from __future__ import annotations

import uuid

import pytest

from kefu.catalog.models import CategoryNode
from kefu.core.models import AuditEvent, City, OutboxMessage
from kefu.crosslevel import messages, relay
from kefu.crosslevel import services as crosslevel
from kefu.crosslevel.models import CrossLink
from kefu.customers.models import Account, Customer, Subscriber
from kefu.federation.envelope import Message
from kefu.remote import services
from kefu.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

ZJ_NUMBER = "13957100088"


@pytest.fixture
def category(db):
    return CategoryNode.objects.filter(request_type="complaint", version__is_current=True, depth=2).first()


@pytest.fixture
def people(make_staff, answered_call):
    """A JS hotline agent on an answered call from ZJ_NUMBER, a hall member, the back office."""
    agent = make_staff("hotline_agent", "JS")
    answered_call(agent, ZJ_NUMBER)
    return {
        "agent": agent,
        "hall": make_staff("hall_staff", "JS", city="3201"),
        "back": make_staff("back_office", "JS"),
    }


def _complain(people, node, **overrides):
    fields = {"number": ZJ_NUMBER, "home": "ZJ", "verified_by": "calling_number", "category": node.id,
              "title": "浙江营业厅乱收费", "description": "用户在杭州营业厅办理业务被多收费"} | overrides  # fmt: skip
    return services.remote_complaint(actor=people["agent"], **fields)


def test_a_remote_complaint_is_accepted_here_and_marked_for_the_home_province(hub_peers, people, category):
    """SVC-1: the order is the agent's own acceptance (no local subscriber, the caller's number as
    contact), linked to the hub with ZJ as target, audited; sending it needs no target and relays one
    workorder.dispatch that names ZJ."""
    order = _complain(people, category)
    assert (order.state, order.subscriber_id, order.contact_number) == ("accepted", None, ZJ_NUMBER)
    assert "归属 ZJ" in order.description and "本机来电" in order.description
    link = CrossLink.objects.get(order=order)
    assert (link.role, link.peer, link.target) == ("origin", "HUB", "ZJ")
    assert AuditEvent.objects.filter(action="remote.complaint", object_id=str(order.pk)).exists()
    relay.relay_pending()
    assert not OutboxMessage.objects.filter(topic="federation.message").exists()  # not sent before dispatch
    crosslevel.order_send_to_hub(actor=people["back"], number=order.number, target="")
    relay.relay_pending()
    [row] = OutboxMessage.objects.filter(topic="federation.message", destination="HUB")
    assert row.payload["type"] == "workorder.dispatch"
    assert row.payload["payload"]["data"]["target"] == "ZJ"
    assert row.payload["payload"]["order"]["contact_number"] == ZJ_NUMBER


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"number": "139571"}, "number"), ({"home": "JS"}, "home"), ({"home": "XX"}, "home"),
     ({"verified_by": "guess"}, "verified_by"), ({"category": None}, "category")],
)  # fmt: skip
def test_a_bad_remote_complaint_is_refused_and_changes_nothing(hub_peers, people, category, overrides, field):
    """SVC-1: a wrong number, the agent's own province or an unknown one, no identification or no
    category is a 400 naming the field; no order, link or audit row is written."""
    before = WorkOrder.objects.count()
    with pytest.raises(services.DomainError) as refused:
        _complain(people, category, **overrides)
    assert refused.value.status == 400 and field in refused.value.extra["errors"]
    assert WorkOrder.objects.count() == before and not CrossLink.objects.exists()


def test_without_a_hub_the_agent_is_told_and_nothing_is_accepted(settings, people, category):
    """SVC-1: a province with no hub configured cannot take remote complaints: a clear 503."""
    settings.KEFU_PEERS_FILE = ""
    with pytest.raises(Exception) as refused:
        _complain(people, category)
    assert getattr(refused.value, "status", None) == 503
    assert not WorkOrder.objects.exists()


def test_the_api_and_the_panel_accept_a_remote_complaint(hub_peers, people, category, api_client_for, client):
    """SVC-1: POST /api/v1/remote/complaints answers 201 with the order; the 异地用户 panel's complaint
    form accepts one and opens its order page."""
    response = api_client_for(people["hall"]).post(
        "/api/v1/remote/complaints",
        {"number": ZJ_NUMBER, "home": "zj", "verified_by": "id_document", "category": category.id},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["home"] == "ZJ" and response.json()["state"] == "accepted"
    assert response.json()["kind"] == "complaint"
    bad = api_client_for(people["agent"]).post(
        "/api/v1/remote/complaints", {"number": ZJ_NUMBER}, format="json"
    )
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    client.force_login(people["agent"])
    page = client.get("/remote/").content.decode()
    assert 'data-testid="remote-complaint-form"' in page and category.name in page
    # the hub is the province's only peer: every other province is offered as the home province
    assert '<option value="ZJ">' in page and '<option value="JS">' not in page
    answer = client.post("/remote/", {"intent": "complaint", "number": ZJ_NUMBER, "home": "ZJ",
                                      "verified_by": "calling_number", "category": category.id,
                                      "description": "异地投诉"}, follow=True)  # fmt: skip
    order = WorkOrder.objects.filter(contact_number=ZJ_NUMBER).latest("id")
    assert answer.redirect_chain[-1][0] == f"/workorders/{order.number}/"
    assert CrossLink.objects.get(order=order).target == "ZJ"


def test_on_the_home_province_the_order_is_linked_to_its_subscriber(peers_file, settings):
    """SVC-1, WO-3: when the hub brings a complaint about one of this province's own lines, the local
    order belongs to that subscriber and city (so the city team sees it and it shows in the customer
    view); a number that is not ours stays a contact number."""
    city = City.objects.get(code="3205")
    customer = Customer.objects.create(name="异地客户", customer_type="individual", id_type="resident_id",
                                       id_number="320501199001010011", province=city.province, city=city)  # fmt: skip
    account = Account.objects.create(customer=customer, pay_method="prepaid")
    line = Subscriber.objects.create(number="13951200077", customer=customer, account=account, brand="gotone",
                                     network_type="4g", home_province=city.province, home_city=city,
                                     service_password="x")  # fmt: skip
    for origin_number, contact in (("ZJ20261122000007", line.number), ("ZJ20261122000008", "13957100001")):
        body = messages.payload(number=origin_number, action=messages.DISPATCH, node="ZJ", actor="zj1004", comment="异地投诉",
                         data={"target": "JS", "sp_code": ""})  # fmt: skip
        body["order"] = {"number": origin_number, "kind": "complaint", "title": "异地投诉", "origin": "ZJ",
                         "category": "", "contact_number": contact}  # fmt: skip
        crosslevel.apply(Message(id=str(uuid.uuid4()), type=messages.type_of(messages.DISPATCH), sender="HUB", receiver="JS",
                                 payload=body, order=origin_number, seq=1, sender_role="hub"))  # fmt: skip
    ours = CrossLink.objects.select_related("order").get(number="ZJ20261122000007").order
    assert ours.subscriber == line and ours.city.code == "3205"
    other = CrossLink.objects.select_related("order").get(number="ZJ20261122000008").order
    assert other.subscriber_id is None and other.contact_number == "13957100001"
