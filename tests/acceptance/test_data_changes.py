"""BA-1: customer data changes beyond interests and address — contact details, transfer of ownership
(过户), SIM replacement, suspension and resumption on request — through the billing port, only
with a full authentication grant, recorded like every acceptance (contact record, service request,
acceptance row, audit), personal data masked in what is kept and answered."""

from __future__ import annotations

import pytest

from kefu.acceptance.models import Acceptance
from kefu.contacts.models import ContactRecord, ServiceRequest
from kefu.core.models import AuditEvent
from kefu.customers.models import Customer, Subscriber
from kefu.ports.billing import get_billing
from tests.identity.fixtures import KNOWN, authenticate

pytestmark = pytest.mark.django_db

NEW_ICCID = "89860012345678901234"
NEW_OWNER_ID = "320102199001011234"


def _post(client, number, **body):
    return client.post(f"/api/v1/subscribers/{number}/data-changes", body, format="json")


@pytest.fixture
def agent(line, js_agent, api_client_for):
    client = api_client_for(js_agent)
    assert authenticate(client, line.number, password=KNOWN).status_code == 200
    return client


def _rows():
    return (
        Acceptance.objects.count(),
        ContactRecord.objects.count(),
        ServiceRequest.objects.count(),
        AuditEvent.objects.filter(action__startswith="customers.").count(),
    )


def _recorded(response, line, change):
    """The acceptance, its closed contact record with a business-handling service request, and the
    audit row of the acceptance."""
    assert response.status_code == 201, response.content
    body = response.json()
    acceptance = Acceptance.objects.get(order_number=body["order_number"])
    assert (acceptance.action, acceptance.subscriber_id, acceptance.contact_id) == (
        change,
        line.pk,
        body["contact_id"],
    )
    request = ServiceRequest.objects.get(contact=acceptance.contact)
    assert (request.request_type, request.reference) == ("business_handling", acceptance.order_number)
    assert AuditEvent.objects.filter(action=f"acceptance.{change}", object_id=str(line.pk)).count() == 1
    return acceptance, body


@pytest.mark.parametrize(
    ("change", "body"),
    [
        ("contact_details", {"email": "new@example.com"}),
        (
            "ownership_transfer",
            {"owner_name": "李四", "owner_id_type": "resident_id", "owner_id_number": NEW_OWNER_ID},
        ),
        ("sim_replacement", {"iccid": NEW_ICCID}),
        ("suspend", {"reason": "出国"}),
    ],
)
def test_data_change_needs_a_full_grant_and_changes_nothing_without(
    line, js_agent, api_client_for, change, body
):
    """BA-1: without an authentication grant each data change is refused with auth_required and
    changes nothing: no acceptance, contact record, service request or billing write."""
    fields = ("status", "sim_iccid", "customer_id", "account_id", "service_password", "mailing_address")
    before = _rows()
    line_before = Subscriber.objects.filter(pk=line.pk).values(*fields).get()
    email_before = line.customer.email
    response = _post(api_client_for(js_agent), line.number, change=change, channel="hall", **body)
    assert response.status_code == 403
    assert response.json()["code"] == "auth_required"
    assert _rows() == before
    assert Subscriber.objects.filter(pk=line.pk).values(*fields).get() == line_before
    assert Customer.objects.get(pk=line.customer_id).email == email_before


def test_contact_details_change_through_billing_keeps_what_is_not_given(line, agent):
    """BA-1: a contact-details change sets the given fields, keeps the others, and is audited by
    field name only (no personal data in the trail)."""
    line.mailing_address = "南京市鼓楼区1号"
    line.save(update_fields=["mailing_address"])
    response = _post(
        agent,
        line.number,
        change="contact_details",
        channel="hall",
        email="new@example.com",
        contact_phone="025-12345678",
    )
    acceptance, body = _recorded(response, line, "contact_details")
    line.refresh_from_db()
    assert (line.customer.email, line.customer.contact_phone, line.mailing_address) == (
        "new@example.com",
        "025-12345678",
        "南京市鼓楼区1号",
    )
    assert body["details"] == {"fields": ["contact_phone", "email"]}
    audit = AuditEvent.objects.get(action="customers.customer.set_contact_details")
    assert (
        "new@example.com" not in str(audit.changes) and audit.changes["reference"] == acceptance.order_number
    )


def test_ownership_transfer_moves_the_line_and_voids_the_old_password(line, agent):
    """BA-1: 过户 gives the line to the new owner with an account of their own; the old service
    password stops working (the new owner must set one: AUTH-6); the ID numbers are kept masked."""
    old_customer, old_account = line.customer_id, line.account_id
    response = _post(
        agent,
        line.number,
        change="ownership_transfer",
        channel="hall",
        owner_name="李四",
        owner_id_type="resident_id",
        owner_id_number=NEW_OWNER_ID,
    )
    acceptance, body = _recorded(response, line, "ownership_transfer")
    line.refresh_from_db()
    owner = Customer.objects.get(id_number=NEW_OWNER_ID)
    assert (line.customer_id, line.user_name) == (owner.pk, "李四")
    assert line.customer_id != old_customer and line.account_id != old_account
    assert line.account.customer_id == owner.pk
    assert get_billing().check_service_password(line.number, KNOWN) is False
    assert line.password_initial is True
    assert NEW_OWNER_ID not in str(body) and NEW_OWNER_ID not in str(acceptance.details)
    assert body["details"]["id_number"][1] == owner.masked_id_number


def test_sim_replacement_through_billing(line, agent):
    """BA-1: a SIM replacement puts the line on the new card in billing; the ICCIDs are masked in
    the acceptance; the same card twice is refused (same_sim) and records nothing more."""
    response = _post(agent, line.number, change="sim_replacement", channel="hall", iccid=NEW_ICCID)
    acceptance, _body = _recorded(response, line, "sim_replacement")
    line.refresh_from_db()
    assert line.sim_iccid == NEW_ICCID
    assert NEW_ICCID not in str(acceptance.details)
    before = _rows()
    again = _post(agent, line.number, change="sim_replacement", channel="hall", iccid=NEW_ICCID)
    assert (again.status_code, again.json()["code"]) == (422, "same_sim")
    assert _rows() == before


def test_suspension_and_resumption_on_request_through_billing(line, agent):
    """BA-1: suspension on the customer's request changes the line's state in billing; suspending
    it again is refused (line_state_conflict) without a record; resumption brings it back."""
    suspended = _post(agent, line.number, change="suspend", channel="hall", reason="出国三个月")
    _recorded(suspended, line, "suspend")
    assert get_billing().subscriber(line.number).status == "suspended"
    before = _rows()
    again = _post(agent, line.number, change="suspend", channel="hall", reason="出国")
    assert (again.status_code, again.json()["code"]) == (409, "line_state_conflict")
    assert _rows() == before
    resumed = _post(agent, line.number, change="resume", channel="hall", reason="已回国")
    acceptance, body = _recorded(resumed, line, "resume")
    assert get_billing().subscriber(line.number).status == "active"
    assert body["details"]["status"] == ["suspended", "active"]


def test_by_telephone_a_data_change_needs_a_recording(line, agent):
    """BA-1, CH-6: a data change by telephone needs a recording reference (recording_ref_required)."""
    before = _rows()
    response = _post(agent, line.number, change="suspend", channel="hotline", reason="出国")
    assert (response.status_code, response.json()["code"]) == (422, "recording_ref_required")
    assert _rows() == before
    assert get_billing().subscriber(line.number).status == "active"


def test_a_change_missing_its_fields_is_bad_input(line, agent):
    """BA-1: each change's own fields are required (validation_failed names them)."""
    response = _post(agent, line.number, change="ownership_transfer", channel="hall", owner_name="李四")
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert {"owner_id_type", "owner_id_number"} <= set(problem.get("errors", {}))
