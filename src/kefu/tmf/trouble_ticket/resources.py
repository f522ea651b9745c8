"""WorkOrder <-> TMF621 ``TroubleTicket`` (v4).

The mapping, in one place:

=========================  ==================================================================
TroubleTicket              WorkOrder
=========================  ==================================================================
id, href                   order number; ``/tmf-api/troubleTicket/v4/troubleTicket/{number}``
creationDate               accepted_at
lastUpdate                 updated_at
name                       title
description                description
ticketType                 kind (complaint, suggestion, consultation, fault_report, ...)
severity                   ``Major`` when urgent, else ``Minor``
priority                   from the customer level (TIER-1): supreme/diamond ``High``, gold
                           ``Medium``, others ``Low``
expectedResolutionDate     order_due_at (the stored deadline, WO-5)
resolutionDate             the time of the reply (``resolved``) or of the archive
status                     see :data:`STATUS_OF` and :func:`status_of`
statusChangeDate / Reason  the last event that changed the status: its time and comment
statusChange               every status change, oldest first, from the order's events
note                       interim comments (中途意见), urges (催办) and other commented events
attachment                 the order's files (href = native API download)
relatedParty               the subscriber (role ``customer``), the holder (role ``holder``),
                           the accepting agent (role ``acceptor``)
relatedEntity              the request category (role ``requestCategory``) and the service
                           request the order comes from (role ``serviceRequest``)
channel                    ``kefu`` (the order was accepted in kefu's desk or API)
=========================  ==================================================================

Status of the engine's states: triage (accepted without a category, waiting for the back office to
categorise it) and accepted ``acknowledged``; dispatched and processing
``inProgress`` (``pending`` while the clock is paused waiting for the customer); returned
``held`` (refused by the receiving side, waiting for the centre); replied and feedback
``resolved``; archived ``closed``; cancelled ``cancelled`` — or ``rejected`` when it was
cancelled after being returned (nobody would take it).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse

from kefu.tmf.common import iso
from kefu.workorders.choices import Action, HolderKind, WorkOrderKind, WorkOrderState
from kefu.workorders.models import WorkOrder, WorkOrderEvent

S = WorkOrderState
STATUS_OF = {
    S.TRIAGE: "acknowledged",
    S.ACCEPTED: "acknowledged",
    S.DISPATCHED: "inProgress",
    S.PROCESSING: "inProgress",
    S.RETURNED: "held",
    S.REPLIED: "resolved",
    S.FEEDBACK: "resolved",
    S.ARCHIVED: "closed",
    S.CANCELLED: "cancelled",
}
STATUSES = ("acknowledged", "rejected", "pending", "held", "inProgress", "cancelled", "closed", "resolved")
# ticketType values accepted on input besides kefu's kind codes
TICKET_TYPES = {
    "complaint": WorkOrderKind.COMPLAINT,
    "complain": WorkOrderKind.COMPLAINT,
    "suggestion": WorkOrderKind.SUGGESTION,
    "consultation": WorkOrderKind.CONSULTATION,
    "request": WorkOrderKind.CONSULTATION,
    "fault_report": WorkOrderKind.FAULT_REPORT,
    "faultReport": WorkOrderKind.FAULT_REPORT,
    "incident": WorkOrderKind.FAULT_REPORT,
    "pre_acceptance": WorkOrderKind.PRE_ACCEPTANCE,
    "preAcceptance": WorkOrderKind.PRE_ACCEPTANCE,
    "business_handling": WorkOrderKind.BUSINESS_HANDLING,
    "businessHandling": WorkOrderKind.BUSINESS_HANDLING,
}
PRIORITY_OF_LEVEL = {"supreme": "High", "diamond": "High", "gold": "Medium"}
NOTE_ACTIONS = (Action.COMMENT, Action.URGE, Action.QUERY, "escalate", "warn")


def href(number: str) -> str:
    return reverse("tmf-trouble-ticket-detail", kwargs={"id": number})


def with_related(queryset):
    """Everything :func:`render` touches, in a fixed number of queries (3)."""
    return queryset.select_related(
        "subscriber",
        "category__version",
        "created_by",
        "holder_department",
        "holder_group",
        "holder_staff",
    ).prefetch_related(
        Prefetch("events", queryset=WorkOrderEvent.objects.order_by("seq")),
        "attachments",
    )


def status_after(action: str, state_before: str, state_after: str) -> str:
    """The TMF status right after an event (action, state before, state after)."""
    if not state_after:
        return ""
    if state_after == S.CANCELLED and state_before == S.RETURNED:
        return "rejected"
    if action == Action.PAUSE:
        return "pending"
    return STATUS_OF.get(state_after, "")


def status_before(action: str, state_before: str) -> str:
    """The TMF status right before an event ("" before the order existed)."""
    if not state_before:
        return ""
    if action == Action.RESUME:
        return "pending"
    return STATUS_OF.get(state_before, "")


def event_status(event: WorkOrderEvent) -> str:
    return status_after(event.action, event.state_before, event.state_after)


def status_of(order: WorkOrder, events=None) -> str:
    """The order's TMF status now (``events``, oldest first, tell a rejection from a cancel)."""
    if order.state in (S.ACCEPTED, S.DISPATCHED, S.PROCESSING) and order.paused_at is not None:
        return "pending"
    if order.state == S.CANCELLED and events:
        cancel = next((e for e in reversed(events) if e.action == Action.CANCEL), None)
        return event_status(cancel) if cancel is not None else "cancelled"
    return STATUS_OF[order.state]


def status_changes(events) -> list[dict]:
    """Every change of TMF status, oldest first (the first is the creation)."""
    changes = []
    current = ""
    paused = False
    for event in events:
        if event.action == Action.PAUSE:
            paused = True
        elif event.action == Action.RESUME or event.action in Action.STEPS:
            paused = False  # a step ends the wait for the customer (WO-5)
        status = "pending" if paused else event_status(event)
        if status and status != current:
            change = {"status": status, "changeDate": iso(event.at), "@type": "StatusChange"}
            if event.comment:
                change["changeReason"] = event.comment
            changes.append(change)
            current = status
    return changes


def _holder_party(order: WorkOrder) -> dict | None:
    holder = order.holder
    if holder is None:
        return None
    if order.holder_kind == HolderKind.PERSON:
        return {
            "id": holder.job_number,
            "name": holder.name,
            "role": "holder",
            "@referredType": "Individual",
        }
    return {"id": holder.code, "name": holder.name, "role": "holder", "@referredType": "Organization"}


def render(order: WorkOrder) -> dict:
    """The TroubleTicket of ``order`` (fetched with :func:`with_related`)."""
    events = list(order.events.all())
    changes = status_changes(events)
    resource: dict = {
        "id": order.number,
        "href": href(order.number),
        "@type": "TroubleTicket",
        "creationDate": iso(order.accepted_at),
        "lastUpdate": iso(order.updated_at),
        "name": order.title or order.number,
        "description": order.description,
        "ticketType": order.kind,
        "severity": "Major" if order.urgent else "Minor",
        "priority": PRIORITY_OF_LEVEL.get(order.customer_level, "Low"),
        "status": status_of(order, events),
        "channel": {"id": "kefu", "name": "kefu", "@referredType": "Channel"},
    }
    if order.order_due_at:
        resource["expectedResolutionDate"] = iso(order.order_due_at)
    resolved = next((e for e in reversed(events) if e.action in (Action.REPLY, Action.ARCHIVE)), None)
    if resolved is not None:
        resource["resolutionDate"] = iso(resolved.at)
    if changes:
        resource["statusChangeDate"] = changes[-1]["changeDate"]
        if changes[-1].get("changeReason"):
            resource["statusChangeReason"] = changes[-1]["changeReason"]
        resource["statusChange"] = changes
    notes = [
        {
            "id": str(e.seq),
            "author": e.actor_job_number,
            "date": iso(e.at),
            "text": e.comment,
            "@type": "Note",
        }
        for e in events
        if e.comment and e.action in NOTE_ACTIONS
    ]
    if notes:
        resource["note"] = notes
    files = [
        {
            "id": str(a.pk),
            "href": reverse("api:work-order-attachment-detail", kwargs={"pk": a.pk}),
            "name": a.name,
            "mimeType": a.content_type,
            "size": {"amount": a.size, "units": "bytes"},
            "@referredType": "Attachment",
        }
        for a in order.attachments.all()
    ]
    if files:
        resource["attachment"] = files
    parties = []
    if order.subscriber_id:
        parties.append({"id": order.subscriber.number, "role": "customer", "@referredType": "Subscriber"})
    holder = _holder_party(order)
    if holder:
        parties.append(holder)
    if order.created_by_id:
        parties.append(
            {
                "id": order.created_by.job_number,
                "name": order.created_by.name,
                "role": "acceptor",
                "@referredType": "Individual",
            }
        )
    if parties:
        resource["relatedParty"] = parties
    entities = []
    if order.category_id:
        entities.append(
            {
                "id": str(order.category_id),
                "name": order.category.full_path,
                "role": "requestCategory",
                "@referredType": "ServiceRequestCategory",
            }
        )
    if order.service_request_id:
        entities.append(
            {"id": str(order.service_request_id), "role": "serviceRequest", "@referredType": "ServiceRequest"}
        )
    if entities:
        resource["relatedEntity"] = entities
    return resource
