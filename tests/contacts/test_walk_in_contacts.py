"""SVC-1 + CON-1: hall and VIP staff record contacts and service requests for a customer of another
city of their province once that customer has authenticated at the hall (a valid grant), through the
one rule of ``core.scope.may_serve``; without the grant they are refused as before."""

from __future__ import annotations

import pytest

from kefu.contacts import services
from kefu.contacts.choices import Channel
from kefu.contacts.models import ContactRecord, ServiceRequest
from kefu.core.errors import ScopeError
from kefu.core.models import AuditEvent
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def suzhou(db):
    """A Suzhou line (another city of JS than the Nanjing hall)."""
    return SubscriberFactory(home="3205")


@pytest.fixture
def hall(make_staff):
    return make_staff("hall_staff", "JS", city="3201")


def _authenticate(api, subscriber):
    done = api.post(
        f"/api/v1/subscribers/{subscriber.number}/authenticate",
        {"method": "id_shown", "id_number": subscriber.customer.id_number},
        format="json",
    )
    assert done.status_code == 200, done.content


def test_walk_in_contact_refused_without_grant(hall, suzhou, api_client_for):
    """SVC-1: before the customer authenticates, a Suzhou line is out of reach for Nanjing hall staff:
    the API answers 404 and the service refuses; nothing is written."""
    api = api_client_for(hall)
    response = api.post("/api/v1/contacts", {"channel": "hall", "number": suzhou.number}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_subscriber"
    with pytest.raises(ScopeError):
        services.contact_create(
            actor=hall, data=services.ContactInput(channel=Channel.HALL, subscriber=suzhou)
        )
    assert not ContactRecord.objects.filter(number=suzhou.number).exists()


def test_walk_in_contact_and_request_after_authentication(hall, suzhou, api_client_for):
    """SVC-1, CON-1: after authenticating at the hall, the Suzhou customer's contact is created (in
    Suzhou, the line's home), read, given a service request and closed by the Nanjing hall staff; the
    creation's audit row marks the walk-in."""
    api = api_client_for(hall)
    _authenticate(api, suzhou)
    created = api.post(
        "/api/v1/contacts",
        {"channel": "hall", "number": suzhou.number, "summary": "异地办理"},
        format="json",
    )
    assert created.status_code == 201, created.content
    contact = ContactRecord.objects.get(pk=created.json()["id"])
    assert contact.city.code == "3205" and contact.staff == hall
    event = AuditEvent.objects.get(action="contact.create", object_id=str(contact.pk))
    assert event.changes["walk_in"] is True
    assert api.get(f"/api/v1/contacts/{contact.pk}").status_code == 200
    added = api.post(
        f"/api/v1/contacts/{contact.pk}/requests", {"request_type": "consultation"}, format="json"
    )
    assert added.status_code == 201, added.content
    assert ServiceRequest.objects.filter(contact=contact, request_type="consultation").count() == 1
    assert api.post(f"/api/v1/contacts/{contact.pk}/close", {}, format="json").status_code == 200


def test_walk_in_contact_is_for_hall_and_vip_staff_only(make_staff, suzhou, api_client_for):
    """SVC-1, SYS-1: a Nanjing back-office user reaches no Suzhou contact, and a Zhejiang hall member
    no Jiangsu line, whatever they hold; an existing Suzhou contact stays a 404 for them."""
    suzhou_agent = make_staff("hotline_agent", "JS", city="3205")
    contact = services.contact_create(
        actor=suzhou_agent, data=services.ContactInput(channel=Channel.HOTLINE, subscriber=suzhou)
    )
    for staff in (make_staff("back_office", "JS", city="3201"), make_staff("hall_staff", "ZJ", city="3301")):
        api = api_client_for(staff)
        response = api.post("/api/v1/contacts", {"channel": "hall", "number": suzhou.number}, format="json")
        assert response.status_code == 404
        assert api.get(f"/api/v1/contacts/{contact.pk}").status_code == 404


def test_walk_in_contact_of_another_hall_needs_own_grant(hall, suzhou, make_staff, api_client_for):
    """SVC-1: the grant is the authenticating staff member's own — a second Nanjing hall member who
    did not authenticate the customer cannot open the contact the first one recorded, nor a new one;
    the walk-in contact detail answers 404 to a non-numeric id rather than failing."""
    api = api_client_for(hall)
    _authenticate(api, suzhou)
    created = api.post("/api/v1/contacts", {"channel": "hall", "number": suzhou.number}, format="json")
    assert created.status_code == 201
    other = api_client_for(make_staff("hall_staff", "JS", city="3201"))
    assert other.get(f"/api/v1/contacts/{created.json()['id']}").status_code == 404
    response = other.post("/api/v1/contacts", {"channel": "hall", "number": suzhou.number}, format="json")
    assert response.status_code == 404
    assert other.get("/api/v1/contacts/abc").status_code == 404


def test_walk_in_history_and_desk_pages_after_authentication(
    hall, suzhou, make_staff, api_client_for, client
):
    """SVC-1, CON-4: once the Suzhou customer has authenticated at the Nanjing hall, the hall staff
    member's history search for that number lists the line's earlier Suzhou contacts (API and desk),
    opens one on the desk, and records a new one by the desk form; before that, none of it."""
    suzhou_agent = make_staff("hotline_agent", "JS", city="3205")
    earlier = services.contact_create(
        actor=suzhou_agent,
        data=services.ContactInput(channel=Channel.HOTLINE, subscriber=suzhou, summary="上次来电"),
    )
    api = api_client_for(hall)
    client.force_login(hall)
    assert api.get("/api/v1/contacts", {"number": suzhou.number}).json()["results"] == []
    assert client.get(f"/desk/contacts/{earlier.pk}/").status_code == 404
    client.post("/desk/contacts/new/", {"channel": "hall", "number": suzhou.number, "summary": "未鉴权"})
    assert not ContactRecord.objects.filter(summary="未鉴权").exists()

    _authenticate(api, suzhou)
    listed = api.get("/api/v1/contacts", {"number": suzhou.number}).json()["results"]
    assert [row["id"] for row in listed] == [earlier.pk]
    page = client.get("/desk/contacts/", {"number": suzhou.number}).content.decode()
    assert "上次来电" in page
    assert client.get(f"/desk/contacts/{earlier.pk}/").status_code == 200
    client.post("/desk/contacts/new/", {"channel": "hall", "number": suzhou.number, "summary": "异地到厅"})
    made = ContactRecord.objects.get(summary="异地到厅")
    assert made.staff == hall and made.city.code == "3205"
    # the history widens for that one number only: unfiltered, it is the hall's own city again
    unfiltered = api.get("/api/v1/contacts").json()["results"]
    assert earlier.pk not in {row["id"] for row in unfiltered}
    assert all(row["city"] == "3201" for row in unfiltered)
