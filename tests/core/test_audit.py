"""Audit (SYS-2): append-only events with who, when, what, which object and from where."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from kefu.core import audit
from kefu.core.context import RequestContext, current
from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_record_has_who_what_where(make_staff):
    """SYS-2: an event names the actor, action, object, scope and source address."""
    actor = make_staff("back_office", "JS", city="3201")
    token = current.set(RequestContext(source_ip="10.1.2.3", channel="web"))
    try:
        event = audit.record(actor=actor, action="test.write", obj=actor, changes={"name": "x"})
    finally:
        current.reset(token)
    event.refresh_from_db()
    assert event.actor_job_number == actor.job_number
    assert event.action == "test.write"
    assert event.object_type == "core.staff"
    assert event.object_id == str(actor.pk)
    assert event.province.code == "JS"
    assert event.city.code == "3201"
    assert event.source_ip == "10.1.2.3"
    assert event.changes == {"name": "x"}


def test_secrets_never_reach_the_payload(make_staff):
    """SYS-2 / AUTH-4: password-like keys are redacted from audit payloads."""
    actor = make_staff()
    event = audit.record(
        actor=actor, action="test", changes={"password": "s3cret!", "nested": {"otp": "123456"}}
    )
    assert "s3cret!" not in str(event.changes)
    assert "123456" not in str(event.changes)


def test_events_cannot_be_changed_or_deleted_through_the_model(make_staff):
    """SYS-2: the model refuses updates and deletes."""
    event = audit.record(actor=make_staff(), action="test")
    event.action = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_database_refuses_update_and_delete(make_staff):
    """SYS-2: on PostgreSQL even raw SQL cannot change or delete an audit event (database trigger).

    On the embedded SQLite default the model's guard (test above) is the protection; this test then
    checks that the trigger is, as documented, absent.
    """
    event = audit.record(actor=make_staff(), action="test")
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditevent'"
            )
            assert cursor.fetchone()[0] == 0
        return
    for statement in (
        f"UPDATE core_auditevent SET action = 'x' WHERE id = {event.pk}",
        f"DELETE FROM core_auditevent WHERE id = {event.pk}",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.get(pk=event.pk).action == "test"


def test_audit_api_for_administrators_only_and_filterable(make_staff, api_client_for):
    """SYS-2: administrators list audit events with filters; other roles are refused."""
    admin = make_staff("administrator", "JS", is_staff=True)
    agent = make_staff("hotline_agent", "JS")
    audit.record(actor=agent, action="subscriber.reveal", obj=agent)
    audit.record(actor=agent, action="other.thing", obj=agent)
    refused = api_client_for(agent).get("/api/v1/audit-events")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    listed = api_client_for(admin).get(
        "/api/v1/audit-events", {"action": "subscriber.", "actor": agent.job_number}
    )
    assert listed.status_code == 200
    actions = [e["action"] for e in listed.json()["results"]]
    assert actions == ["subscriber.reveal"]
