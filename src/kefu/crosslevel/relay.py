"""The relay: a province's work-order events become federation messages (WO-3).

The engine writes one outbox row (topic ``workorder.<past tense>``) per action, in the action's own
transaction, and knows nothing of other nodes. Before each delivery round (``delivery.producers``) and
right after a work-order action commits, the relay takes the pending ``workorder.*`` rows in id order
and, **in one transaction** per batch, queues the federation message for each row that concerns a
cross-level order (``services.send`` — the outbox again, with the order's sequence on that link) and
marks every row it has looked at as delivered. So each action leaves exactly once, in the order the
actions happened (actions on one order are serialised by the engine's row lock, so their rows' ids
follow their commits), and a crash before the commit leaves the rows pending for the next round.

Which events leave:
- origin orders (accepted here): the dispatch to a node's department (``department:NODE-HUB``) — that
  creates the link —, feedback, archive, reprocess, cancel, and urge/comment while the order is out;
- target orders (sent here by the hub): receive, process, reply and return back to the hub, urge and
  comment;
- never an event whose actor is a node actor: it came from that node (no echo).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kefu.core.models import OutboxMessage
from kefu.crosslevel import messages
from kefu.crosslevel.models import CrossLink, LinkRole, RelayState
from kefu.crosslevel.nodes import is_node_actor, node_of_holder
from kefu.crosslevel.services import second_line_of
from kefu.federation import delivery, peers
from kefu.federation.services import send
from kefu.workorders.choices import WorkOrderState

logger = logging.getLogger("kefu.crosslevel")

SOURCE = "workorder."
ORIGIN_ACTIONS = {
    messages.FEEDBACK,
    messages.ARCHIVE,
    messages.REPROCESS,
    messages.CANCEL,
    messages.URGE,
    messages.COMMENT,
}
TARGET_ACTIONS = {
    messages.RECEIVE,
    messages.PROCESS,
    messages.REPLY,
    messages.RETURN,
    messages.URGE,
    messages.COMMENT,
}
OUT_STATES = {
    WorkOrderState.DISPATCHED,
    WorkOrderState.PROCESSING,
    WorkOrderState.REPLIED,
    WorkOrderState.FEEDBACK,
}


def _active() -> bool:
    return settings.KEFU_ROLE == "province" and bool(peers.all_peers())


def on_outbox_saved(sender, instance, created, **kwargs) -> None:
    """A work-order event was written: wake delivery after commit (federation deployments only)."""
    if created and instance.topic.startswith(SOURCE) and settings.KEFU_FEDERATION_DELIVER_ON_COMMIT:
        if _active():
            transaction.on_commit(delivery.kick)


def relay_pending(*, limit: int = 500) -> int:
    """Relay what is pending; return how many work-order rows were looked at."""
    if not _active():
        return 0
    total = 0
    while True:
        done = _relay_batch(limit)
        total += done
        if done < limit:
            return total


def outbox_hold() -> dict[str, int | None]:
    """Outbox housekeeping: where peers are configured, the work-order rows from the first one not yet
    relayed are still to be relayed (``kefu.core.outbox``)."""
    if not _active():
        return {}
    first = _pending().order_by("id").values_list("id", flat=True).first()
    return {SOURCE: first}


def _pending():
    return OutboxMessage.objects.filter(topic__startswith=SOURCE, delivered_at__isnull=True, dead=False)


@transaction.atomic
def _relay_batch(limit: int) -> int:
    if not _pending().exists():
        return 0
    state, _ = RelayState.objects.get_or_create(pk=1)
    state = RelayState.objects.select_for_update().get(pk=state.pk)  # one relay at a time
    rows = list(_pending().order_by("id")[:limit])
    if not rows:
        return 0
    numbers = {row.payload.get("number") for row in rows}
    links = {
        link.order.number: link
        for link in CrossLink.objects.filter(order__number__in=numbers).select_related("order")
    }
    relayed = sum(1 for row in rows if _relay_row(row, links))
    OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(
        delivered_at=timezone.now(), attempts=F("attempts") + 1
    )
    RelayState.objects.filter(pk=state.pk).update(
        relayed=F("relayed") + relayed, skipped=F("skipped") + len(rows) - relayed, last_run_at=timezone.now()
    )
    return len(rows)


def _origin_link(number: str, node: str) -> CrossLink:
    """A dispatch to a node's department without the send-to-hub form: the target follows from the
    business (Monternet businesses name SIMS as their second line, SVC-3; the operator's own businesses
    their platform, ORG-3)."""
    from kefu.workorders.models import WorkOrder

    order = WorkOrder.objects.select_related("business").get(number=number)
    target = second_line_of(order.business)
    link, _ = CrossLink.objects.get_or_create(
        order=order, defaults={"number": number, "role": LinkRole.ORIGIN, "peer": node, "target": target}
    )
    return link


def snapshot(order, link: CrossLink) -> dict:
    """What the hub and the second line need to know about an order (dispatch only)."""
    return {
        "number": link.number,
        "kind": order.kind,
        "title": order.title,
        "description": order.description,
        "contact_number": order.contact_number,
        "customer_level": order.customer_level,
        "urgent": order.urgent,
        "province": order.province.code if order.province_id else "",
        "city": order.city.code if order.city_id else "",
        "business": order.business.code if order.business_id else "",
        "business_name": order.business.name if order.business_id else "",
        "category": order.category.code if order.category_id else "",
        "category_name": order.category.name if order.category_id else "",
        "accepted_at": order.accepted_at.isoformat(),
        "order_due_at": order.order_due_at.isoformat() if order.order_due_at else None,
        "origin": settings.KEFU_NODE_CODE,
    }


def _message_action(link: CrossLink, action: str, event: dict) -> str | None:
    to_node = node_of_holder(event.get("holder_after", "")) == link.peer
    if link.role == LinkRole.ORIGIN:
        if action == messages.DISPATCH:
            return messages.DISPATCH if to_node else None
        if action in (messages.URGE, messages.COMMENT):
            return action if event.get("state_after") in OUT_STATES else None
        if action == messages.CANCEL:
            return action if event.get("state_before") == WorkOrderState.RETURNED else None
        return action if action in ORIGIN_ACTIONS else None
    if action in (messages.REPLY, messages.RETURN):
        return action if to_node else None
    return action if action in TARGET_ACTIONS else None


def _relay_row(row: OutboxMessage, links: dict[str, CrossLink]) -> bool:
    payload = row.payload or {}
    event = payload.get("event") or {}
    action, number = event.get("action", ""), payload.get("number", "")
    if is_node_actor(event.get("actor", "")):
        return False  # it came from that node
    link = links.get(number)
    if link is None:
        node = node_of_holder(event.get("holder_after", ""))
        if action != messages.DISPATCH or node is None:
            return False  # a purely local order
        link = links[number] = _origin_link(number, node)
    message_action = _message_action(link, action, event)
    if message_action is None:
        return False
    order = None
    data = dict(event.get("data") or {})
    if message_action == messages.DISPATCH:
        link.refresh_from_db()
        order = link.order
        data.update(target=link.target, sp_code=link.sp_code, round=order.rounds)
    send(
        to=link.peer,
        type=messages.type_of(message_action),
        payload=messages.payload(
            number=link.number,
            action=message_action,
            node=settings.KEFU_NODE_CODE,
            actor=event.get("actor", ""),
            at=None,
            comment=event.get("comment", ""),
            data=data,
            order=snapshot(order, link) if order is not None else None,
        )
        | {"at": event.get("at")},
        order=link.number,
    )
    return True
