"""What every write on an order leaves behind, written in one place (:func:`order_event_record`):
the order's immutable event, the outbox message the federation and TMF listeners read
(``workorder.<past tense>``), the audit row and — after commit — the notification on the bus.
Every action, the accept, the OA link and the sweep's writes go through it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db.models import Model

from kefu.core import audit, bus, compiled
from kefu.core.models import OutboxMessage
from kefu.workorders.choices import Action, SystemEvent
from kefu.workorders.models import WorkOrder, WorkOrderEvent
from kefu.workorders.services.holders import holder_of, notify_channel
from kefu.workorders.services.rows import save

# outbox topic names: ``workorder.<past tense>`` of an action or a system event
PAST = {**Action.PAST, **SystemEvent.PAST}


def actor_ref(actor) -> str:
    return actor.job_number if actor is not None else "system"


def order_event_record(
    order: WorkOrder,
    *,
    action: str,
    actor,
    now: datetime,
    before_state: str | None = None,
    before_holder: str | None = None,
    comment: str = "",
    data: dict | None = None,
    changes: dict | None = None,
    files: Sequence = (),
    notify: bool = False,
    channels: Sequence[str] = (),
    rows: Sequence[Model] = (),
) -> WorkOrderEvent:
    """Record one step of ``order``'s life, inside the caller's transaction: number the event, write
    the order (a new one is inserted, a locked one has its changed columns updated), append the
    event, store ``files`` on it, write the outbox message and the audit row (``workorders.<action>``;
    ``changes`` default to state, holder and sequence) and the other ``rows`` of the step that
    belong to the order (their ``order`` is set here: a new order has no key before), and after
    commit tell the order's holder (``notify``) and/or the given bus ``channels``. A step that moves
    neither the state nor the holder (a warning, the OA link, an urge's acknowledgement, an approval)
    leaves ``before_state``/``before_holder`` out: they are the order's own."""
    if before_state is None:
        before_state = order.state
    if before_holder is None:
        before_holder = holder_of(order).ref
    adding = order._state.adding
    order.event_seq += 1
    if adding:
        compiled.insert(order)
    event = WorkOrderEvent(
        order=order,
        seq=order.event_seq,
        action=action,
        actor=actor,
        actor_job_number=actor_ref(actor),
        at=now,
        comment=comment,
        state_before=before_state,
        state_after=order.state,
        holder_before=before_holder,
        holder_after=holder_of(order).ref,
        data=data or {},
    )
    if changes is None:
        changes = {
            "state": [before_state, order.state],
            "holder": [before_holder, event.holder_after],
            "seq": event.seq,
        }
    for row in rows:
        row.order = order
    trail = [
        _outbox(order, event),
        audit.event(actor=actor, action=f"workorders.{action}", obj=order, changes=changes),
        *rows,
    ]
    if files:
        # the attachments refer to the event: it is written first
        from kefu.workorders.attachments import attachment_store

        compiled.insert(event)
        for upload in files:
            attachment_store(order=order, event=event, upload=upload, actor=actor)
    else:
        trail.insert(0, event)
    # event, outbox message, audit row and the other rows in one round trip (they refer only to
    # the order)
    compiled.insert_all(trail)
    if not adding:
        save(order)
    if notify:
        _notify(order, event)
    for channel in channels:
        _notify(order, event, channel=channel)
    return event


def _outbox(order: WorkOrder, event: WorkOrderEvent) -> OutboxMessage:
    """The message the federation carries (order number, per-order sequence and the event), not yet
    written."""
    return OutboxMessage(
        topic=f"workorder.{PAST[event.action]}",
        payload={
            "node": settings.KEFU_NODE_CODE,
            "number": order.number,
            "seq": event.seq,
            "kind": order.kind,
            "event": {
                "action": event.action,
                "at": event.at.isoformat(),
                "actor": event.actor_job_number,
                "comment": event.comment,
                "state_before": event.state_before,
                "state_after": event.state_after,
                "holder_before": event.holder_before,
                "holder_after": event.holder_after,
                "data": event.data,
            },
        },
    )


def _notify(order: WorkOrder, event: WorkOrderEvent, *, channel: str | None = None) -> None:
    holder = holder_of(order)
    if channel is None and not holder.kind:
        return
    bus.publish_on_commit(
        channel or notify_channel(holder),
        {
            "type": "workorder",
            "event": event.action,
            "number": order.number,
            "state": order.state,
            "holder": holder.ref,
            "title": order.title,
            # who acted ("system" for the sweep): a desk does not alert its user to their own step
            "actor": event.actor_job_number,
        },
    )
