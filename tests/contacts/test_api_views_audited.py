"""SYS-2 on the contacts API: every read of contact records is one ``view`` audit row, committed
before the response leaves, and a read whose row cannot be written is refused (503)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from kefu.contacts import services
from kefu.contacts.choices import Channel
from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_contacts(js_agent, js_subscriber):
    return [
        services.contact_create(
            actor=js_agent,
            data=services.ContactInput(channel=Channel.HOTLINE, subscriber=js_subscriber, summary=f"第{i}次"),
        )
        for i in range(2)
    ]


def _views():
    return AuditEvent.objects.filter(action="view")


def test_contact_list_is_one_view_row_naming_filter_and_numbers(
    js_agent, js_subscriber, two_contacts, api_client_for
):
    """SYS-2: one page of the contact history is one audit row — who, the number searched for, the
    filter, the contacts and numbers shown, from where — and a second page read is a second row."""
    api = api_client_for(js_agent)
    before = _views().count()
    response = api.get("/api/v1/contacts", {"number": js_subscriber.number}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    rows = list(_views().order_by("id"))[before:]
    assert len(rows) == 1
    row = rows[0]
    assert row.actor == js_agent
    assert row.object_type == "contacts.history" and row.object_id == js_subscriber.number
    assert row.changes["sections"] == ["contacts"]
    assert row.changes["filters"] == {"number": js_subscriber.number}
    assert sorted(row.changes["contacts"]) == sorted(c.pk for c in two_contacts)
    assert row.changes["numbers"] == [js_subscriber.number]
    assert row.at is not None and row.source_ip == "10.1.2.3"
    api.get("/api/v1/contacts", {"number": js_subscriber.number})
    assert _views().count() == before + 2


def test_contact_detail_is_one_view_row(js_agent, two_contacts, api_client_for):
    """SYS-2: each read of one contact record is one audit row naming the contact and its number."""
    api = api_client_for(js_agent)
    contact = two_contacts[0]
    before = _views().count()
    assert api.get(f"/api/v1/contacts/{contact.pk}").status_code == 200
    assert api.get(f"/api/v1/contacts/{contact.pk}").status_code == 200
    rows = _views().filter(object_type="contacts.contactrecord", object_id=str(contact.pk))
    assert rows.count() == 2 and _views().count() == before + 2
    row = rows.first()
    assert row.actor == js_agent and row.changes["number"] == contact.number
    assert row.province_id == contact.province_id and row.city_id == contact.city_id


def test_contact_out_of_scope_is_not_audited(zj_agent, two_contacts, api_client_for):
    """SYS-2, SYS-1: a contact outside the reader's scope is a 404 and leaves no view row (nothing shown)."""
    before = _views().count()
    assert api_client_for(zj_agent).get(f"/api/v1/contacts/{two_contacts[0].pk}").status_code == 404
    assert _views().count() == before


def test_contact_reads_refused_when_audit_cannot_be_written(
    js_agent, js_subscriber, two_contacts, api_client_for, monkeypatch
):
    """SYS-2: when the view row cannot be written, list and detail answer 503 audit_unavailable
    (problem+json) and no contact leaves."""
    from kefu.core import compiled

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(compiled, "insert", broken)
    api = api_client_for(js_agent)
    for url in ("/api/v1/contacts", f"/api/v1/contacts/{two_contacts[0].pk}"):
        response = api.get(url, {"number": js_subscriber.number} if url.endswith("contacts") else {})
        assert response.status_code == 503, url
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["code"] == "audit_unavailable"
        assert "第0次" not in response.content.decode()


# --- the other personal-data reads of the API (SYS-2) ------------------------------------------------


def test_subscriber_list_and_detail_are_one_view_row_each(js_agent, js_subscriber, api_client_for):
    """SYS-2: ``GET /api/v1/subscribers/{n}`` (a named person's line) is one view row naming the
    number; one page of ``GET /api/v1/subscribers`` is one row naming the filter and the numbers shown."""
    api = api_client_for(js_agent)
    before = _views().count()
    assert api.get(f"/api/v1/subscribers/{js_subscriber.number}").status_code == 200
    one = _views().order_by("-id").first()
    assert (one.object_type, one.object_id, one.actor) == (
        "customers.subscriber",
        js_subscriber.number,
        js_agent,
    )
    assert one.changes["sections"] == ["header"]
    page = api.get("/api/v1/subscribers", {"number": js_subscriber.number[:7]})
    assert page.status_code == 200
    shown = [row["number"] for row in page.json()["results"]]
    assert js_subscriber.number in shown
    listed = _views().order_by("-id").first()
    assert listed.object_type == "customers.subscriber.list"
    assert listed.changes["filters"] == {"number": js_subscriber.number[:7]}
    assert listed.changes["numbers"] == shown
    assert _views().count() == before + 2


def test_callback_task_list_and_detail_are_one_view_row_each(js_agent, js_subscriber, api_client_for):
    """SYS-2: a callback task names a customer's number and what they asked — the list page is one row
    with the tasks and numbers shown, the detail one row naming the task and its number."""
    task = services.callback_task_create(
        actor=js_agent,
        purpose="order_result",
        summary="告知处理结果",
        number=js_subscriber.number,
        subscriber=js_subscriber,
        reference="WO-1",
        assignee_staff=js_agent,
        province_id=js_subscriber.home_province_id,
        city_id=js_subscriber.home_city_id,
    )
    api = api_client_for(js_agent)
    before = _views().count()
    assert api.get("/api/v1/callback-tasks", {"mine": "1"}).status_code == 200
    listed = _views().order_by("-id").first()
    assert listed.object_type == "contacts.callbacktask.list"
    assert listed.changes["tasks"] == [task.pk] and listed.changes["numbers"] == [js_subscriber.number]
    assert listed.changes["filters"] == {"mine": "1"}
    assert api.get(f"/api/v1/callback-tasks/{task.pk}").status_code == 200
    one = _views().order_by("-id").first()
    assert (one.object_type, one.object_id) == ("contacts.callbacktask", str(task.pk))
    assert one.changes["number"] == js_subscriber.number
    assert _views().count() == before + 2


def test_subscriber_and_callback_reads_refused_when_audit_cannot_be_written(
    js_agent, js_subscriber, api_client_for, monkeypatch
):
    """SYS-2: the subscriber detail and list and the callback task list answer 503 audit_unavailable
    when their view row cannot be written, and the customer's name does not leave."""
    from kefu.core import compiled

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(compiled, "insert", broken)
    api = api_client_for(js_agent)
    for url in (
        f"/api/v1/subscribers/{js_subscriber.number}",
        "/api/v1/subscribers",
        "/api/v1/callback-tasks",
    ):
        response = api.get(url)
        assert response.status_code == 503, url
        assert response.json()["code"] == "audit_unavailable"
        assert js_subscriber.customer.name not in response.content.decode()
