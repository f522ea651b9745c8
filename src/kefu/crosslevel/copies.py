"""Order copies (WO-3): the record a node that is not the order's origin keeps of a cross-level order —
the hub's copy of every order it relays (:mod:`kefu.hub`), SIMS's copy of each SP complaint
(:mod:`kefu.sims`).

- :class:`OrderCopy` and :class:`OrderCopyEvent`: the abstract models both copies are made of (the
  concrete models add their own fields and indexes and keep their tables);
- the states a copy moves through come from the work-order engine's table
  (:mod:`kefu.workorders.transitions`): ``STATE_AFTER`` (where each action leads) and ``ALLOWED_FROM``
  (in which states a desk on this node may take an action);
- one applier: :func:`apply_action` changes a copy as an action says, :func:`record` appends its
  event, :func:`apply_message` does both for a ``workorder.*`` message, :func:`act_here` for an action
  taken on this node and sent on in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from kefu.crosslevel import messages
from kefu.federation.envelope import Message
from kefu.federation.services import send
from kefu.workorders import transitions
from kefu.workorders.choices import WorkOrderKind, WorkOrderState

logger = logging.getLogger("kefu.crosslevel")

# A copy exists from the dispatch that crossed to this node on: it is never "accepted".
COPY_STATES: tuple[str, ...] = tuple(s for s in transitions.STATES if s != WorkOrderState.ACCEPTED)


def _state_after(action: str) -> str | None:
    """The state every rule of ``action`` in the engine's table moves an order to; None when the action
    never changes the state (urge, comment). A copy mirrors what the sending side's engine already
    allowed, so it takes that state whatever state it had."""
    targets = {
        rule.target
        for (state, act), rule in transitions.TRANSITIONS.items()
        if act == action and rule.target != state
    }
    if len(targets) > 1:  # the table would have to say which one: a copy cannot follow it blindly
        raise ValueError(f"action {action!r} leads to several states: {sorted(targets)}")
    return targets.pop() if targets else None


def _allowed_from(action: str) -> tuple[str, ...]:
    """The copy states in which a desk here may take ``action``: urge and comment go either way, wherever
    the engine allows them; the second line's steps (receive, process, reply, return) where the engine
    lets any handler take them (so not the centre's own "process" of a returned order)."""
    handlers = set(transitions.HANDLERS)
    return tuple(
        state
        for (state, act), rule in transitions.TRANSITIONS.items()
        if act == action and state in COPY_STATES and (action in messages.BOTH or handlers <= set(rule.roles))
    )


STATE_AFTER: dict[str, str | None] = {action: _state_after(action) for action in messages.ACTIONS}
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    action: _allowed_from(action) for action in messages.UP + messages.BOTH
}


def actions_allowed(state: str, actions) -> list[str]:
    """Those of ``actions`` a desk may take on a copy in ``state``, in the given order."""
    return [action for action in actions if state in ALLOWED_FROM.get(action, ())]


class OrderCopy(models.Model):
    """What the hub and SIMS both keep of a cross-level order: what it is about (from the dispatch's
    order snapshot), its state as the last action left it and what the actions said."""

    number = models.CharField(_("工单编号"), max_length=40, unique=True)
    origin = models.CharField(_("发起省"), max_length=20)
    sp_code = models.CharField(_("SP代码"), max_length=20, blank=True)
    kind = models.CharField(
        _("工单类型"), max_length=20, choices=WorkOrderKind, default=WorkOrderKind.COMPLAINT
    )
    title = models.CharField(_("标题"), max_length=120, blank=True)
    description = models.TextField(_("问题描述"), blank=True)
    contact_number = models.CharField(_("联系号码"), max_length=20, blank=True)
    business_name = models.CharField(_("业务"), max_length=60, blank=True)
    category_name = models.CharField(_("服务请求分类"), max_length=80, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=WorkOrderState, default=WorkOrderState.DISPATCHED
    )
    rounds = models.PositiveSmallIntegerField(_("处理轮次"), default=1)
    result = models.TextField(_("处理结果"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=20, blank=True)
    urge_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    event_seq = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # the origin's deadline for the whole order (the dispatch's snapshot): the desks colour time left
    due_at = models.DateTimeField(_("工单到期"), null=True, blank=True)

    scope_fields = {"sp": "sp_code"}  # an SP sees its own orders only

    class Meta:
        abstract = True
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number


class OrderCopyEvent(models.Model):
    """One action on a copy, once each (``message_id`` for what came in a message); append-only. The
    concrete model adds ``order``, the foreign key to its copy with ``related_name="events"``."""

    seq = models.PositiveIntegerField(_("序号"))
    action = models.CharField(_("操作"), max_length=12)
    node = models.CharField(_("发生节点"), max_length=20)
    actor = models.CharField(_("操作人"), max_length=40, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    state_after = models.CharField(_("操作后状态"), max_length=12)
    message_id = models.UUIDField(_("消息标识"), null=True, blank=True, unique=True)

    # Whether the event says where the action went on (``sent_to``): the hub routes, SIMS does not.
    records_destination = False
    scope_fields = {"sp": "order__sp_code"}

    class Meta:
        abstract = True
        ordering = ["order_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["order", "seq"], name="%(app_label)s_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.seq} {self.action}"


Copy = TypeVar("Copy", bound=OrderCopy)


def event_rows(copy: OrderCopy, *, last: int | None = None, events=None) -> list[dict]:
    """The copy's events, oldest first, as plain data (``last``: only that many of the newest;
    ``events``: these events, oldest first, instead of all). A dispatch names the SP it went to
    (``sp_code``), so a reader can tell one SP's part of the history from another's."""
    if events is not None:
        rows = list(reversed(events))
    else:
        rows = copy.events.order_by("-seq")
        rows = list(rows[:last] if last else rows)
    return [
        {
            "seq": e.seq,
            "action": e.action,
            "node": e.node,
            "actor": e.actor,
            "at": e.at.isoformat(),
            "comment": e.comment,
            "state_after": e.state_after,
            "sp_code": (e.data or {}).get("sp_code", "") if e.action == messages.DISPATCH else "",
        }  # fmt: skip
        for e in reversed(rows)
    ]


def at_of(payload: dict) -> datetime:
    """When the action was taken, as the message says (now when it says nothing readable)."""
    value = parse_datetime(payload["at"]) if isinstance(payload.get("at"), str) else None
    return value or timezone.now()


def copy_for(model: type[Copy], message: Message, **fields) -> Copy | None:
    """The copy ``message`` is about, locked for the rest of the transaction; for a dispatch of an order
    this node has not seen, a new (unsaved) copy from the dispatch's order snapshot and ``fields``; None
    for any other action on an unknown order (the caller skips it)."""
    copy = model.objects.select_for_update().filter(number=message.order).first()
    if copy is not None:
        return copy
    action = message.payload.get("action", "")
    if action != messages.DISPATCH:
        logger.warning("action on an unknown order copy", extra={"order": message.order, "action": action})
        return None
    snapshot = message.payload.get("order") or {}
    return model(
        number=message.order,
        kind=snapshot.get("kind") or WorkOrderKind.COMPLAINT,
        title=(snapshot.get("title") or "")[:120],
        description=snapshot.get("description") or "",
        contact_number=(snapshot.get("contact_number") or "")[:20],
        business_name=(snapshot.get("business_name") or "")[:60],
        category_name=(snapshot.get("category_name") or "")[:80],
        urgent=bool(snapshot.get("urgent")),
        due_at=parse_datetime(snapshot["order_due_at"])
        if isinstance(snapshot.get("order_due_at"), str)
        else None,
        **fields,
    )


def apply_action(
    copy: OrderCopy, action: str, *, comment: str = "", data: dict | None = None, now=None
) -> None:
    """Change ``copy`` as ``action`` says (in memory; :func:`record` saves): its state, and what the
    action carries — the result of a reply, the reason of a return, the satisfaction of a feedback, a
    new round for a reprocess, one more urge."""
    now = now or timezone.now()
    data = data or {}
    state = STATE_AFTER.get(action)
    if state:
        copy.state = state
    if action == messages.REPLY:
        copy.result = comment
    elif action == messages.RETURN:
        copy.return_reason = comment
    elif action == messages.FEEDBACK:
        copy.satisfaction = data.get("satisfaction", "")
    elif action == messages.REPROCESS:
        copy.rounds += 1
        copy.satisfaction = ""
    elif action == messages.URGE:
        copy.urge_count += 1
    if copy.state in WorkOrderState.TERMINAL:
        copy.closed_at = copy.closed_at or now
    copy.updated_at = now


def record(
    copy: OrderCopy,
    *,
    action: str,
    node: str,
    actor: str,
    at: datetime,
    comment: str = "",
    data: dict | None = None,
    message_id: str | None = None,
    sent_to: str = "",
) -> OrderCopyEvent:
    """Save ``copy`` and append its next event, with the state the action left it in."""
    copy.event_seq += 1
    copy.save()
    event_model = copy._meta.get_field("events").related_model
    routing = {"sent_to": sent_to} if event_model.records_destination else {}
    return event_model.objects.create(
        order=copy, seq=copy.event_seq, action=action, node=node, actor=(actor or "")[:40], at=at,
        comment=comment or "", data=data or {}, state_after=copy.state, message_id=message_id, **routing,
    )  # fmt: skip


def apply_message(copy: OrderCopy, message: Message, *, sent_to: str = "", now=None) -> OrderCopyEvent:
    """A ``workorder.*`` message on ``copy``: the change and its event, once (by the message's id)."""
    payload = message.payload
    apply_action(copy, payload.get("action", ""), comment=payload.get("comment", ""),
                 data=payload.get("data") or {}, now=now)  # fmt: skip
    return record(
        copy, action=payload.get("action", ""), node=payload.get("node") or message.sender,
        actor=payload.get("actor", ""), at=at_of(payload), comment=payload.get("comment", ""),
        data=payload.get("data") or {}, message_id=message.id, sent_to=sent_to,
    )  # fmt: skip


def act_here(
    copy: OrderCopy, *, action: str, actor: str, to: str, comment: str = "", now=None
) -> OrderCopyEvent:
    """An action taken on this node (a desk, or the node itself — ``actor="system"``): applied to the copy,
    recorded and sent to ``to``, all in the caller's transaction."""
    now = now or timezone.now()
    node = settings.KEFU_NODE_CODE
    apply_action(copy, action, comment=comment, now=now)
    event = record(copy, action=action, node=node, actor=actor, at=now, comment=comment, sent_to=to)
    send(to=to, type=messages.type_of(action), order=copy.number, payload=messages.payload(
        number=copy.number, action=action, node=node, actor=actor, at=now, comment=comment,
    ))  # fmt: skip
    return event
