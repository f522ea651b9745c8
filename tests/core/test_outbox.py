"""Outbox housekeeping (architecture: the transactional outbox): rows that have done their work go after
the retention; whatever a reader still needs, dead letters and undelivered messages stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kefu.core import outbox
from kefu.core.models import AuditEvent, OutboxMessage
from kefu.crosslevel import relay
from kefu.tmf.trouble_ticket.models import TroubleTicketListener

pytestmark = pytest.mark.django_db

NOW = timezone.now()
OLD = NOW - timedelta(days=40)
RECENT = NOW - timedelta(days=3)


def _row(topic: str, *, created=OLD, delivered=None, dead=False) -> OutboxMessage:
    return OutboxMessage.objects.create(
        topic=topic, payload={"t": topic}, created_at=created, delivered_at=delivered, dead=dead
    )


@pytest.fixture
def rows():
    return {
        "delivered_old": _row("federation.message", delivered=OLD),
        "delivered_recent": _row("federation.message", delivered=RECENT),
        "pending_federation": _row("federation.message"),
        "dead": _row("tmf621.notification", dead=True),
        "event_old": _row("workorder.dispatched"),
        "event_recent": _row("workorder.received", created=RECENT),
        "notification_old": _row("tmf621.notification", delivered=OLD),
    }


def _left(rows) -> set[str]:
    present = set(OutboxMessage.objects.values_list("id", flat=True))
    return {name for name, row in rows.items() if row.pk in present}


def test_purge_deletes_what_has_done_its_work_and_keeps_the_rest(rows):
    """Operations: delivered rows and undelivered work-order events (no peers: nobody relays them)
    older than the retention go; recent rows, dead letters and pending federation messages stay.
    A second run deletes nothing (idempotent); the purge is audited."""
    dry = outbox.outbox_purge(days=30, now=NOW, dry_run=True)
    assert dry.deleted == 3 and len(rows) == len(_left(rows))
    report = outbox.outbox_purge(days=30, now=NOW, batch=2)  # several batches
    assert report.deleted == 3
    assert _left(rows) == {"delivered_recent", "pending_federation", "dead", "event_recent"}
    assert outbox.outbox_purge(days=30, now=NOW).deleted == 0
    audit = AuditEvent.objects.filter(action="outbox.purge").get()
    assert audit.changes["deleted"] == 3


def test_a_tmf_listener_keeps_the_events_it_has_not_heard(rows):
    """TMF621 hub: work-order events after the slowest listener's cursor are kept, whatever their age."""
    TroubleTicketListener.objects.create(
        callback="https://listener.example/a", cursor=rows["event_old"].pk - 1
    )
    TroubleTicketListener.objects.create(
        callback="https://listener.example/b", cursor=rows["event_recent"].pk
    )
    report = outbox.outbox_purge(days=30, now=NOW)
    assert report.held == {"workorder.": rows["event_old"].pk}
    assert "event_old" in _left(rows)
    assert {"delivered_old", "notification_old"}.isdisjoint(_left(rows))


def test_the_relay_keeps_what_it_has_not_relayed(rows, monkeypatch):
    """WO-3: where peers are configured, work-order events not yet relayed to the hub are kept."""
    monkeypatch.setattr(relay, "_active", lambda: True)
    assert outbox.outbox_purge(days=30, now=NOW).held == {"workorder.": rows["event_old"].pk}
    assert "event_old" in _left(rows)
    relayed = OutboxMessage.objects.filter(pk=rows["event_old"].pk)
    relayed.update(delivered_at=OLD)
    rows["event_recent"].delete()
    assert outbox.outbox_purge(days=30, now=NOW).deleted == 1
    assert "event_old" not in _left(rows)


def test_command_purges_and_refuses_a_retention_under_a_day(rows, capsys):
    """Operations: ``kefu outbox purge`` counts with --dry-run, purges without, refuses --days 0."""
    call_command("outbox", "purge", "--dry-run")
    assert "would delete: 3" in capsys.readouterr().out
    assert len(_left(rows)) == len(rows)
    call_command("outbox", "purge", "--days", "30")
    assert "deleted: 3" in capsys.readouterr().out
    with pytest.raises(CommandError, match="at least one day"):
        call_command("outbox", "purge", "--days", "0")


def test_the_daily_purge_is_on_the_beat_schedule():
    """Operations: the worker's beat runs the purge every day."""
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["core-outbox-purge"]
    assert (entry["task"], entry["schedule"]) == ("core.outbox_purge", 24 * 3600.0)
    from kefu.core import tasks

    assert tasks.outbox_purge.name == "core.outbox_purge"
