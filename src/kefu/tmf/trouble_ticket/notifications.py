"""TMF621 event notifications: listeners registered through ``/hub`` receive TroubleTicket events by
POST to their callback (TMF688 notification pattern), delivered through the transactional outbox.

Two steps, both run by :func:`deliver_pending` (the Celery task ``tmf.trouble_ticket_notify``, put on
the beat schedule, or ``kefu tmf_notify`` style callers):

1. **Fan-out** (:func:`fanout`). The work-order engine records every event as an outbox row of topic
   ``workorder.<past tense>`` (it never knows about TMF). For each listener, the rows after its
   ``cursor`` become one outbox row of topic ``tmf621.notification`` per event the listener wants
   (``query`` = ``eventType=A,B``), for the orders inside the listener's scope; the cursor moves on in
   the same transaction. Rows younger than ``KEFU_TMF_NOTIFY_LAG`` seconds wait for the next pass:
   an id is taken before its transaction commits, so a row with a smaller id may still appear.
2. **Delivery** (:func:`deliver`). Due rows are claimed under a lease and POSTed as JSON; a 2xx marks
   them delivered; anything else is retried with exponential back-off
   (``KEFU_TMF_NOTIFY_RETRY_BASE`` × 2^(attempt-1) seconds, capped at ``KEFU_TMF_NOTIFY_RETRY_MAX``)
   and the row goes ``dead`` after ``KEFU_TMF_NOTIFY_MAX_ATTEMPTS`` attempts. Delivery is at least
   once; ``eventId`` lets a listener drop repeats.

Events: ``TroubleTicketCreateEvent`` (accept), ``TroubleTicketStatusChangeEvent`` (the TMF status
changed), ``TroubleTicketResolvedEvent`` (became ``resolved``), ``TroubleTicketInformationRequiredEvent``
(clock paused waiting for the customer), ``TroubleTicketAttributeValueChangeEvent`` (urge, comment,
attachment, SLA warning and escalation, OA link). The ticket in the event is the order as it is at
fan-out time, with ``status`` as it was right after the event.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from datetime import timedelta
from urllib.parse import parse_qs

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from kefu.core import audit
from kefu.core.models import OutboxMessage
from kefu.tmf.trouble_ticket import resources
from kefu.tmf.trouble_ticket.models import TroubleTicketListener
from kefu.workorders.choices import Action, EventAction
from kefu.workorders.models import WorkOrder

logger = logging.getLogger("kefu.tmf.notifications")

TOPIC = "tmf621.notification"
SOURCE_PREFIX = "workorder."
LEASE = timedelta(seconds=60)
CREATE = "TroubleTicketCreateEvent"
STATUS_CHANGE = "TroubleTicketStatusChangeEvent"
RESOLVED = "TroubleTicketResolvedEvent"
INFORMATION_REQUIRED = "TroubleTicketInformationRequiredEvent"
ATTRIBUTE_CHANGE = "TroubleTicketAttributeValueChangeEvent"
EVENT_TYPES = (CREATE, STATUS_CHANGE, RESOLVED, INFORMATION_REQUIRED, ATTRIBUTE_CHANGE)
SILENT = (Action.QUERY,)  # asking for the state changes nothing a listener needs to hear


def _setting(name: str, default):
    return type(default)(getattr(settings, name, default))


def lag() -> timedelta:
    return timedelta(seconds=_setting("KEFU_TMF_NOTIFY_LAG", 5.0))


def max_attempts() -> int:
    return _setting("KEFU_TMF_NOTIFY_MAX_ATTEMPTS", 10)


def backoff(attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: base × 2^(attempt-1), capped (no jitter: one
    listener, one callback; the cap bounds the wait)."""
    base = _setting("KEFU_TMF_NOTIFY_RETRY_BASE", 5.0)
    return min(base * (2 ** max(attempt - 1, 0)), _setting("KEFU_TMF_NOTIFY_RETRY_MAX", 3600.0))


# --- listeners -------------------------------------------------------------------------------------


@transaction.atomic
def listener_register(*, actor, callback: str, query: str = "") -> TroubleTicketListener:
    """Register ``callback`` for the events of the orders ``actor`` may see, from now on."""
    last = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
    listener = TroubleTicketListener.objects.create(
        callback=callback,
        query=query,
        province_id=actor.province_id,
        city_id=actor.city_id,
        created_by=actor,
        cursor=last,
    )
    audit.record(
        actor=actor, action="tmf.hub.register", obj=listener, changes={"callback": callback, "query": query}
    )
    return listener


@transaction.atomic
def listener_unregister(*, actor, listener: TroubleTicketListener) -> None:
    """Remove a listener; its undelivered notifications go dead with the reason."""
    OutboxMessage.objects.filter(
        topic=TOPIC, destination=str(listener.pk), delivered_at__isnull=True, dead=False
    ).update(dead=True, last_error="listener unregistered")
    audit.record(
        actor=actor, action="tmf.hub.unregister", obj=listener, changes={"callback": listener.callback}
    )
    listener.delete()


def wanted_types(listener: TroubleTicketListener) -> set[str]:
    """The event types a listener's ``query`` asks for (``eventType=A,B``); all when none."""
    values = parse_qs(listener.query or "").get("eventType", [])
    chosen = {name.strip() for value in values for name in value.split(",") if name.strip()}
    return chosen & set(EVENT_TYPES) if chosen else set(EVENT_TYPES)


# --- fan-out ---------------------------------------------------------------------------------------


def events_for(payload: dict) -> list[tuple[str, str]]:
    """(event type, TMF status right after) for one work-order outbox payload."""
    event = payload.get("event") or {}
    action = event.get("action", "")
    before_state, after_state = event.get("state_before", ""), event.get("state_after", "")
    data = event.get("data") or {}
    after = resources.status_after(action, before_state, after_state)
    if action == Action.ACCEPT:
        return [(CREATE, after)]
    if action in SILENT:
        return []
    was_paused = action == Action.RESUME or "resumed_seconds" in data
    before = "pending" if was_paused else resources.status_before(action, before_state)
    if action not in (Action.PAUSE, Action.RESUME) and before_state == after_state and not was_paused:
        return [(ATTRIBUTE_CHANGE, after)]
    found = [(STATUS_CHANGE, after)] if after != before else [(ATTRIBUTE_CHANGE, after)]
    if after == "resolved" and before != "resolved":
        found.append((RESOLVED, after))
    if action == Action.PAUSE:
        found.append((INFORMATION_REQUIRED, after))
    return found


def notification(event_type: str, status: str, payload: dict, ticket: dict) -> dict:
    """The body POSTed to a listener (the spec's ``<EventType>`` shape)."""
    event = payload.get("event") or {}
    at = event.get("at")
    ticket = dict(ticket, status=status)
    if event_type in (STATUS_CHANGE, RESOLVED):
        ticket["statusChangeDate"] = at
        if event.get("comment"):
            ticket["statusChangeReason"] = event["comment"]
    return {
        "eventId": f"{payload.get('node', '')}-{payload.get('number')}-{payload.get('seq')}-{event_type}",
        "eventTime": at,
        "eventType": event_type,
        "correlationId": str(payload.get("number")),
        "domain": "troubleTicket",
        "title": str(EventAction.label(event.get("action", ""))),
        "description": event.get("comment", ""),
        "priority": ticket.get("priority", "Low"),
        "timeOcurred": at,
        "event": {"troubleTicket": ticket},
    }


def _orders_of(listener: TroubleTicketListener, numbers) -> dict[str, WorkOrder]:
    queryset = WorkOrder.objects.filter(number__in=numbers)
    if listener.city_id:
        queryset = queryset.filter(city_id=listener.city_id)
    elif listener.province_id:
        queryset = queryset.filter(province_id=listener.province_id)
    return {o.number: o for o in resources.with_related(queryset)}


def _fanout_one(listener_id: int, *, until, batch: int) -> int:
    with transaction.atomic():
        listeners = TroubleTicketListener.objects.filter(pk=listener_id)
        if connection.features.has_select_for_update_skip_locked:
            listeners = listeners.select_for_update(skip_locked=True)
        listener = listeners.first()
        if listener is None:  # gone, or another worker is fanning out for it
            return 0
        rows = list(
            OutboxMessage.objects.filter(
                topic__startswith=SOURCE_PREFIX, pk__gt=listener.cursor, created_at__lte=until
            ).order_by("id")[:batch]
        )
        if not rows:
            return 0
        orders = _orders_of(listener, {r.payload.get("number") for r in rows})
        wanted = wanted_types(listener)
        tickets: dict[str, dict] = {}
        made = []
        for row in rows:
            order = orders.get(row.payload.get("number"))
            if order is None:  # outside the listener's scope
                continue
            if order.number not in tickets:
                tickets[order.number] = resources.render(order)
            for event_type, status in events_for(row.payload):
                if event_type in wanted:
                    body = notification(event_type, status, row.payload, tickets[order.number])
                    made.append(
                        OutboxMessage(
                            topic=TOPIC,
                            destination=str(listener.pk),
                            payload={"callback": listener.callback, "eventType": event_type, "body": body},
                        )
                    )
        OutboxMessage.objects.bulk_create(made)
        TroubleTicketListener.objects.filter(pk=listener.pk).update(cursor=rows[-1].pk)
        return len(made)


def fanout(*, now=None, lag_: timedelta | None = None, batch: int = 500) -> int:
    """Turn new work-order outbox rows into notifications for every listener; return how many."""
    until = (now or timezone.now()) - (lag() if lag_ is None else lag_)
    total = 0
    for listener_id in TroubleTicketListener.objects.order_by("id").values_list("id", flat=True):
        while True:
            made = _fanout_one(listener_id, until=until, batch=batch)
            total += made
            if not made:
                break
    return total


def outbox_hold() -> dict[str, int | None]:
    """Outbox housekeeping: the work-order rows after the slowest listener's cursor are still to be
    fanned out (``kefu.core.outbox``)."""
    slowest = TroubleTicketListener.objects.aggregate(cursor=Min("cursor"))["cursor"]
    return {SOURCE_PREFIX: None if slowest is None else slowest + 1}


# --- delivery --------------------------------------------------------------------------------------

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_post(url: str, body: dict, *, timeout: float) -> int:
    """POST ``body`` as JSON; the HTTP status (0 when the listener could not be reached)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError, ValueError) as exc:
        logger.info("tmf listener unreachable", extra={"url": url, "error": str(exc)})
        return 0


@dataclass
class Report:
    fanned_out: int = 0
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def pending():
    return OutboxMessage.objects.filter(topic=TOPIC, delivered_at__isnull=True, dead=False)


def _claim(limit: int, now) -> list[OutboxMessage]:
    with transaction.atomic():
        rows = pending().filter(next_attempt_at__lte=now).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows[:limit])
        if claimed:
            OutboxMessage.objects.filter(pk__in=[r.pk for r in claimed]).update(next_attempt_at=now + LEASE)
    return claimed


def deliver(*, limit: int = 100, now=None, post=None, report: Report | None = None) -> Report:
    """Claim due notifications and POST each to its listener's callback."""
    post = post or http_post
    report = report or Report()
    now = now or timezone.now()
    timeout = _setting("KEFU_TMF_NOTIFY_TIMEOUT", 10.0)
    rows = _claim(limit, now)
    report.claimed += len(rows)
    live = set(
        TroubleTicketListener.objects.filter(pk__in=[int(r.destination) for r in rows]).values_list(
            "pk", flat=True
        )
    )
    for row in rows:
        if int(row.destination) not in live:
            OutboxMessage.objects.filter(pk=row.pk).update(dead=True, last_error="listener unregistered")
            report.dead += 1
            continue
        status = post(row.payload["callback"], row.payload["body"], timeout=timeout)
        attempts = row.attempts + 1
        if 200 <= status < 300:
            OutboxMessage.objects.filter(pk=row.pk).update(
                delivered_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
            report.delivered += 1
        elif attempts >= max_attempts():
            OutboxMessage.objects.filter(pk=row.pk).update(
                attempts=attempts,
                dead=True,
                last_error=f"gave up after {attempts} attempts; last: HTTP {status}",
            )
            report.dead += 1
            logger.error("tmf notification dead-lettered", extra={"outbox_id": row.pk, "status": status})
        else:
            OutboxMessage.objects.filter(pk=row.pk).update(
                attempts=attempts,
                last_error=f"HTTP {status}" if status else "unreachable",
                next_attempt_at=now + timedelta(seconds=backoff(attempts)),
            )
            report.retried += 1
    return report


def deliver_pending(*, now=None, post=None, rounds: int = 20) -> Report:
    """Fan out, then deliver everything due (at most ``rounds`` batches): what the beat runs."""
    report = Report(fanned_out=fanout(now=now))
    for _ in range(rounds):
        claimed = report.claimed
        deliver(now=now, post=post, report=report)
        if report.claimed == claimed:
            break
    return report
