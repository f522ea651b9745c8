"""SYS-2: contact history and contact detail pages and the TMF629 (customer) and TMF683
(partyInteraction) reads each leave exactly one audit row per view — action view, who, the subject,
what was shown, from where — and refuse to show anything when that row cannot be written."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from kefu.contacts import services as contacts
from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PI = "/tmf-api/partyInteraction/v4/partyInteraction"
CUSTOMER = "/tmf-api/customerManagement/v4/customer"


def _contact(actor, line, **fields):
    return contacts.contact_create(
        actor=actor,
        data=contacts.ContactInput(channel="hotline", subscriber=line, summary="话费咨询", **fields),
    )


def _views():
    return AuditEvent.objects.filter(action="view")


@pytest.fixture
def two_contacts(js_agent, js_line):
    return [_contact(js_agent, js_line), _contact(js_agent, js_line)]


def test_contact_pages_leave_one_audit_row_per_view(js_agent, js_line, two_contacts, client):
    """SYS-2: the history page (one row naming the number and the contacts listed), the detail page and
    the print page (one row each, naming the contact record and its number)."""
    client.force_login(js_agent)
    assert client.get(f"/desk/contacts/?number={js_line.number}", REMOTE_ADDR="10.9.8.7").status_code == 200
    history = _views().get()
    assert history.object_type == "contacts.history"
    assert history.object_id == js_line.number
    assert history.actor == js_agent and history.source_ip == "10.9.8.7"
    assert sorted(history.changes["contacts"]) == sorted(c.pk for c in two_contacts)
    assert history.changes["sections"] == ["contacts"]

    contact = two_contacts[0]
    assert client.get(f"/desk/contacts/{contact.pk}/").status_code == 200
    assert client.get(f"/desk/contacts/{contact.pk}/print/").status_code == 200
    rows = list(_views().filter(object_type="contacts.contactrecord").order_by("id"))
    assert [r.object_id for r in rows] == [str(contact.pk)] * 2
    assert [r.changes["sections"][0] for r in rows] == ["contact", "print"]
    assert rows[0].changes["number"] == js_line.number
    assert rows[0].province_id == contact.province_id and rows[0].city_id == contact.city_id
    assert _views().count() == 3


def test_tmf_reads_leave_one_audit_row_per_request(js_agent, js_line, two_contacts, api_client_for):
    """SYS-2: TMF683 list and retrieve, TMF629 list and retrieve: one row each, with the ids shown and
    the subject asked about."""
    api = api_client_for(js_agent)
    listed = api.get(PI, {"relatedParty.id": js_line.number})
    assert listed.status_code == 200
    row = _views().get()
    assert row.object_type == "tmf683.partyinteraction" and row.object_id == js_line.number
    assert sorted(row.changes["ids"]) == sorted(c.pk for c in two_contacts)

    assert api.get(f"{PI}/{two_contacts[0].pk}", {"fields": "status"}).status_code == 200
    one = _views().order_by("-id").first()
    assert one.object_id == str(two_contacts[0].pk) and one.changes["sections"] == ["status"]

    customer_id = js_line.customer_id
    assert api.get(CUSTOMER, {"contactMedium.characteristic.phoneNumber": js_line.number}).status_code == 200
    row = _views().order_by("-id").first()
    assert row.object_type == "tmf629.customer" and row.changes["ids"] == [customer_id]
    assert api.get(f"{CUSTOMER}/{customer_id}").status_code == 200
    row = _views().order_by("-id").first()
    assert row.object_type == "tmf629.customer" and row.object_id == str(customer_id)
    assert _views().count() == 4
    assert set(_views().values_list("actor_id", flat=True)) == {js_agent.pk}


def test_reads_are_refused_when_the_audit_cannot_be_written(
    js_agent, js_line, two_contacts, client, api_client_for, monkeypatch
):
    """SYS-2: with the audit table unwritable every one of these reads answers 503 audit_unavailable
    and shows no contact or customer data."""
    from kefu.core import compiled

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(compiled, "insert", broken)
    client.force_login(js_agent)
    for path in (
        f"/desk/contacts/?number={js_line.number}",
        f"/desk/contacts/{two_contacts[0].pk}/",
        f"/desk/contacts/{two_contacts[0].pk}/print/",
    ):
        page = client.get(path)
        assert page.status_code == 503, path
        assert "话费咨询" not in page.content.decode()
    api = api_client_for(js_agent)
    for path in (PI, f"{PI}/{two_contacts[0].pk}", CUSTOMER, f"{CUSTOMER}/{js_line.customer_id}"):
        response = api.get(path)
        assert response.status_code == 503, path
        assert response.json()["code"] == "audit_unavailable"
        assert js_line.number not in response.content.decode()
