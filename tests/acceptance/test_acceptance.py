"""Business acceptance (BA-1, CH-6, AUTH-6): order, change, cancel for an authenticated local subscriber;
every acceptance a contact record with its recording reference; errors change nothing."""

from __future__ import annotations

import pytest
from django.test import override_settings

from kefu.acceptance.models import Acceptance
from kefu.contacts.models import ContactRecord, ServiceRequest
from kefu.core.models import AuditEvent
from kefu.customers.models import Product, Subscription
from kefu.customers.seeding.products import RESTRICTED, RULES
from tests.identity.fixtures import KNOWN, authenticate, change_service_password

pytestmark = pytest.mark.django_db


def _counts():
    return (Subscription.objects.count(), ContactRecord.objects.count(), Acceptance.objects.count(),
            ServiceRequest.objects.count(), Subscription.objects.filter(status="active").count())  # fmt: skip


def _new_vas(line):
    """A VAS the line does not hold and whose rules any mobile line meets."""
    held = set(line.subscriptions.filter(status="active").values_list("product__code", flat=True))
    return (
        Product.objects.filter(kind="vas").exclude(code__in=held | set(RESTRICTED)).order_by("code").first()
    )


def _plans_of(brand):
    return [code for code, rules in RULES.items() if rules.get("brands") == [brand]]


def _post(client, number, **body):
    return client.post(f"/api/v1/subscribers/{number}/subscriptions", body, format="json")


@pytest.fixture
def agent(line, js_agent, api_client_for):
    client = api_client_for(js_agent)
    assert authenticate(client, line.number, password=KNOWN).status_code == 200
    return client


def test_order_vas_by_telephone(line, agent, js_agent):
    """BA-1, CH-6: order a VAS by hotline with a recording reference; a closed contact record with a
    business-handling service request; the subscription visible at once; audited."""
    vas = _new_vas(line)
    response = _post(
        agent, line.number, action="order", product=vas.code, channel="hotline", recording_ref="REC-1"
    )
    assert response.status_code == 201, response.content
    assert vas.code in {row["product_code"] for row in response.json() if row["status"] == "active"}
    assert Subscription.objects.filter(subscriber=line, product=vas, status="active").count() == 1
    acceptance = Acceptance.objects.get(order_number=response["X-Order-Number"])
    contact = acceptance.contact
    assert str(contact.pk) == response["X-Contact-Id"]
    assert contact.recording_ref == "REC-1" and contact.channel == "hotline" and contact.status == "closed"
    assert contact.subscriber == line and contact.staff == js_agent and vas.name in contact.summary
    request = ServiceRequest.objects.get(contact=contact)
    assert request.request_type == "business_handling" and request.reference == acceptance.order_number
    assert AuditEvent.objects.filter(action="acceptance.order", object_id=str(line.pk)).exists()
    listed = agent.get(f"/api/v1/subscribers/{line.number}/subscriptions").json()
    assert any(r["product_code"] == vas.code and r["status"] == "active" for r in listed)


def test_change_plan_ends_old_starts_new(line, agent):
    """BA-1: a plan change ends the old subscription and starts the new one."""
    old = line.subscriptions.get(status="active", product__kind="plan").product
    new = Product.objects.filter(kind="plan", code__in=_plans_of(line.brand)).exclude(pk=old.pk).first()
    response = _post(agent, line.number, action="change", product=new.code, replaces=old.code, channel="hall")
    assert response.status_code == 201, response.content
    ended = Subscription.objects.get(subscriber=line, product=old)
    assert ended.status == "ended" and ended.end_date is not None
    assert Subscription.objects.get(subscriber=line, product=new).status == "active"
    kinds = [r["product_kind"] for r in response.json() if r["status"] == "active"]
    assert kinds.count("plan") == 1


def test_cancel_vas(line, agent):
    """BA-1: cancel a VAS; a plan cannot be cancelled, only changed."""
    vas = _new_vas(line)
    assert _post(agent, line.number, action="order", product=vas.code, channel="hall").status_code == 201
    response = _post(agent, line.number, action="cancel", product=vas.code, channel="hall")
    assert response.status_code == 201
    assert not Subscription.objects.filter(subscriber=line, product=vas, status="active").exists()
    plan = line.subscriptions.get(status="active", product__kind="plan").product
    before = _counts()
    refused = _post(agent, line.number, action="cancel", product=plan.code, channel="hall")
    assert refused.status_code == 422 and refused.json()["code"] == "plan_change_only"
    assert _counts() == before


def test_telephone_acceptance_needs_recording(line, agent):
    """CH-6: by telephone without a recording reference: 422 and nothing changed."""
    before = _counts()
    response = _post(agent, line.number, action="order", product=_new_vas(line).code, channel="hotline")
    assert response.status_code == 422 and response.json()["code"] == "recording_ref_required"
    assert _counts() == before


def test_acceptance_in_the_call_uses_its_contact_and_recording(line, js_agent, api_client_for, answered_call):
    """BA-1, CH-6: inside a call the acceptance lands on the call's contact record and its recording."""
    call = answered_call(js_agent, line.number)
    client = api_client_for(js_agent)
    authenticate(client, line.number, password=KNOWN, call_id=call.call_id)
    response = _post(
        client, line.number, action="order", product=_new_vas(line).code, contact_id=call.contact_id
    )
    assert response.status_code == 201, response.content
    acceptance = Acceptance.objects.get()
    assert acceptance.contact_id == call.contact_id and acceptance.recording_ref == f"REC-{call.call_id}"
    assert ServiceRequest.objects.filter(
        contact_id=call.contact_id, request_type="business_handling"
    ).exists()


def test_needs_full_authentication(line, js_agent, api_client_for, answered_call):
    """BA-1: no grant, or only a calling-number grant: 403 auth_required, nothing changed."""
    client = api_client_for(js_agent)
    vas = _new_vas(line)
    before = _counts()
    assert (
        _post(client, line.number, action="order", product=vas.code, channel="hall").json()["code"]
        == "auth_required"
    )
    call = answered_call(js_agent, line.number)
    assert authenticate(client, line.number, method="calling_number", call_id=call.call_id).status_code == 200
    response = _post(client, line.number, action="order", product=vas.code, contact_id=call.contact_id)
    assert response.status_code == 403 and response.json()["code"] == "auth_required"
    assert _counts()[0] == before[0] and Acceptance.objects.count() == 0


def test_initial_password_blocks_acceptance(line, js_agent, api_client_for):
    """AUTH-6: authenticated with an initial password: 403 password_change_required until changed."""
    type(line).objects.filter(pk=line.pk).update(password_initial=True)
    client = api_client_for(js_agent)
    authenticate(client, line.number, password=KNOWN)
    vas = _new_vas(line)
    before = _counts()
    response = _post(client, line.number, action="order", product=vas.code, channel="hall")
    assert response.status_code == 403 and response.json()["code"] == "password_change_required"
    assert _counts() == before
    assert change_service_password(client, line.number, KNOWN, "604182").json()["result"] == "pass"
    assert _post(client, line.number, action="order", product=vas.code, channel="hall").status_code == 201


def test_roaming_subscriber_is_refused(line, agent):
    """BA-1: a subscriber whose home is not this centre is told to use the home centre."""
    before = _counts()
    with override_settings(KEFU_NODE_CODE="ZJ"):
        response = _post(agent, line.number, action="order", product=_new_vas(line).code, channel="hall")
    assert response.status_code == 422 and response.json()["code"] == "not_local_subscriber"
    assert response.json()["detail"] == "请到归属地营业厅或拨打归属地客服热线办理"
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [({"action": "order", "product": "NOPE"}, 422, "unknown_product"),
     ({"action": "change", "product": "NOPE2"}, 422, "unknown_product"),
     ({"action": "explode", "product": "X"}, 400, "validation_failed")],
)  # fmt: skip
def test_bad_requests_change_nothing(line, agent, body, status, code):
    """Errors are problem+json with a stable code and leave the database unchanged."""
    before = _counts()
    response = _post(agent, line.number, channel="hall", **body)
    assert response.status_code == status and response.json()["code"] == code
    assert _counts() == before


def test_order_twice_conflicts(line, agent):
    vas = _new_vas(line)
    assert _post(agent, line.number, action="order", product=vas.code, channel="hall").status_code == 201
    before = _counts()
    again = _post(agent, line.number, action="order", product=vas.code, channel="hall")
    assert again.status_code == 409 and again.json()["code"] == "already_subscribed"
    assert _counts() == before


def test_out_of_scope_is_404(zj_line, js_agent, api_client_for):
    """SYS-1: a ZJ number is not found for a JS agent."""
    client = api_client_for(js_agent)
    assert client.get(f"/api/v1/subscribers/{zj_line.number}/subscriptions").status_code == 404
    assert _post(client, zj_line.number, action="order", product="X").status_code == 404


def test_products_by_kind(catalog, js_agent, api_client_for):
    client = api_client_for(js_agent)
    every = client.get("/api/v1/products").json()
    plans = client.get("/api/v1/products", {"kind": "plan"}).json()
    assert plans and {p["kind"] for p in plans} == {"plan"} and len(every) > len(plans)
