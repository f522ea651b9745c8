"""The hub's part of the cross-level flow (WO-3, WO-4): keep its own copy of each order, pass every
action on to the other side in the same transaction, answer state queries, and let the hub operator
urge or comment either way.

Routing: a dispatch names its target — ``SIMS`` for Monternet SP complaints, a province code for a
cross-region complaint. Actions from the origin go to the target and the other way round. A dispatch
the hub cannot route (no target, unknown peer, the origin itself) is returned to the origin at once
with the reason, in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kefu.core import audit
from kefu.core.choices import Role
from kefu.core.errors import DomainError, NotFoundError
from kefu.crosslevel import messages as m
from kefu.federation import peers
from kefu.federation.envelope import Message
from kefu.federation.services import send
from kefu.hub.models import HubOrder, HubOrderEvent

logger = logging.getLogger("kefu.hub")

OPERATORS = {Role.HUB_OPERATOR, Role.ADMINISTRATOR}


class HubError(DomainError):
    code = "crosslevel_invalid"


def _at(p: dict) -> datetime:
    value = parse_datetime(p.get("at") or "") if isinstance(p.get("at"), str) else None
    return value or timezone.now()


def _record(order: HubOrder, *, action, node, actor, at, comment, data, sent_to="", message_id=None):
    order.event_seq += 1
    return HubOrderEvent.objects.create(
        order=order,
        seq=order.event_seq,
        action=action,
        node=node,
        actor=(actor or "")[:40],
        at=at,
        comment=comment or "",
        data=data or {},
        state_after=order.state,
        sent_to=sent_to,
        message_id=message_id,
    )


def _change(order: HubOrder, action: str, p: dict, now) -> None:
    state = m.STATE_AFTER.get(action)
    if state:
        order.state = state
    comment = p.get("comment", "")
    data = p.get("data") or {}
    if action == m.REPLY:
        order.result = comment
    elif action == m.RETURN:
        order.return_reason = comment
    elif action == m.FEEDBACK:
        order.satisfaction = data.get("satisfaction", "")
    elif action == m.REPROCESS:
        order.rounds += 1
        order.satisfaction = ""
    elif action == m.URGE:
        order.urge_count += 1
    if order.state in m.TERMINAL:
        order.closed_at = order.closed_at or now
    order.updated_at = now


def _route_problem(order: HubOrder) -> str:
    peer = peers.get(order.target) if order.target else None
    if not order.target:
        return _("未指定处理方（SIMS或目标省）")
    if order.target == order.origin:
        return _("处理方不能是发起省本身")
    if peer is None or peer.role not in ("sims", "province"):
        return _("枢纽未连接处理方 %(t)s") % {"t": order.target}
    return ""


def apply(message: Message) -> dict:
    """A ``workorder.*`` event from a province or SIMS: update the copy and pass it on."""
    p = message.payload
    action = p.get("action", "")
    now = timezone.now()
    order = HubOrder.objects.select_for_update().filter(number=message.order).first()
    if order is None:
        if action != m.DISPATCH:
            logger.warning(
                "hub: action on an unknown order", extra={"order": message.order, "action": action}
            )
            return {"applied": False, "skipped": "unknown order"}
        o = p.get("order") or {}
        order = HubOrder(
            number=message.order,
            origin=message.sender,
            kind=o.get("kind") or "complaint",
            title=(o.get("title") or "")[:120],
            description=o.get("description") or "",
            contact_number=(o.get("contact_number") or "")[:20],
            province_code=(o.get("province") or "")[:4],
            business_name=(o.get("business_name") or "")[:60],
            category_name=(o.get("category_name") or "")[:80],
            urgent=bool(o.get("urgent")),
            created_at=now,
        )
    if message.sender == order.origin:
        destination = order.target
    elif message.sender == order.target:
        destination = order.origin
    else:  # an event is refused with 422 (the sender dead-letters it), never a link-level 403
        raise HubError(
            _("节点 %(n)s 不是该工单的当事方") % {"n": message.sender}, code="not_party", status=422
        )
    if action == m.DISPATCH:
        data = p.get("data") or {}
        order.target = (data.get("target") or "").upper()
        order.sp_code = (data.get("sp_code") or "").upper()
        peer = peers.get(order.target) if order.target else None
        order.target_role = peer.role if peer else ""
        destination = order.target
    _change(order, action, p, now)
    order.save()
    problem = _route_problem(order) if action == m.DISPATCH else ""
    _record(
        order,
        action=action,
        node=p.get("node") or message.sender,
        actor=p.get("actor", ""),
        at=_at(p),
        comment=p.get("comment", ""),
        data=p.get("data") or {},
        sent_to="" if problem else destination,
        message_id=message.id,
    )
    if problem:
        # the hub returns what it cannot route (WO-4 return: "the hub returns it to the province")
        order.state = "returned"
        order.return_reason = problem
        order.save()
        body = m.payload(
            number=order.number,
            action=m.RETURN,
            node=settings.KEFU_NODE_CODE,
            actor="system",
            comment=problem,
        )
        _record(order, action=m.RETURN, node=settings.KEFU_NODE_CODE, actor="system", at=now,
                comment=problem, data={}, sent_to=order.origin)  # fmt: skip
        order.save(update_fields=["event_seq"])
        send(to=order.origin, type=m.type_of(m.RETURN), payload=body, order=order.number)
        return {"applied": True, "state": order.state, "returned": problem}
    order.save(update_fields=["event_seq"])
    send(to=destination, type=message.type, payload=p, order=order.number)
    return {"applied": True, "state": order.state, "sent_to": destination}


def query(message: Message) -> dict:
    """Query (查询, WO-4): the state of the hub's copy, for its origin or its handler."""
    order = HubOrder.objects.filter(number=(message.payload or {}).get("number") or message.order).first()
    if order is None:
        raise NotFoundError(_("枢纽没有工单 %(n)s") % {"n": (message.payload or {}).get("number", "")})
    if message.sender not in (order.origin, order.target):
        raise HubError(
            _("节点 %(n)s 不是该工单的当事方") % {"n": message.sender}, code="not_party", status=403
        )
    return state_of(order)


def state_of(order: HubOrder, *, events: int = 20) -> dict:
    rows = list(order.events.order_by("-seq")[:events])
    return {
        "number": order.number,
        "state": order.state,
        "origin": order.origin,
        "target": order.target,
        "sp_code": order.sp_code,
        "rounds": order.rounds,
        "urge_count": order.urge_count,
        "result": order.result,
        "return_reason": order.return_reason,
        "satisfaction": order.satisfaction,
        "updated_at": order.updated_at.isoformat(),
        "events": [
            {
                "seq": e.seq,
                "action": e.action,
                "node": e.node,
                "actor": e.actor,
                "at": e.at.isoformat(),
                "comment": e.comment,
                "state_after": e.state_after,
            }  # fmt: skip
            for e in reversed(rows)
        ],
    }


@transaction.atomic
def operator_act(*, actor, number: str, action: str, to: str, comment: str) -> HubOrder:
    """The hub operator urges (催办) or adds an interim comment (中途意见) to one side: ``to`` is
    ``target`` (the second line) or ``origin`` (the province)."""
    if actor.role not in OPERATORS:
        raise HubError(_("只有枢纽操作员可以操作"), code="permission_denied", status=403)
    if action not in (m.URGE, m.COMMENT):
        raise HubError(_("枢纽只能催办或填写中途意见"), code="invalid_transition", status=409)
    if not (comment or "").strip() and action == m.COMMENT:
        raise HubError(_("请填写意见"), code="comment_required")
    order = HubOrder.objects.select_for_update().filter(number=number).first()
    if order is None:
        raise NotFoundError(_("枢纽没有工单 %(n)s") % {"n": number})
    if order.state not in m.ALLOWED_FROM[action]:
        raise HubError(_("工单已办结"), code="invalid_transition", status=409)
    destination = order.target if to == "target" else order.origin
    if not destination:
        raise HubError(_("工单没有处理方"), code="target_required")
    now = timezone.now()
    body = m.payload(
        number=order.number, action=action, node=settings.KEFU_NODE_CODE, actor=actor.job_number,
        at=now, comment=comment,
    )  # fmt: skip
    _change(order, action, body, now)
    order.save()
    _record(order, action=action, node=settings.KEFU_NODE_CODE, actor=actor.job_number, at=now,
            comment=comment, data={}, sent_to=destination)  # fmt: skip
    order.save(update_fields=["event_seq"])
    send(to=destination, type=m.type_of(action), payload=body, order=order.number)
    audit.record(actor=actor, action=f"hub.{action}", obj=order, changes={"to": destination})
    return order
