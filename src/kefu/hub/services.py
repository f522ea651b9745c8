"""The hub's part of the cross-level flow (WO-3, WO-4): keep its own copy of each order, pass every
action on to the other side in the same transaction, answer state queries, and let the hub operator
urge or comment either way.

Routing: a dispatch names its target — ``SIMS`` for Monternet SP complaints, ``PLATFORM`` for a
complaint about one of the operator's own businesses (the hub picks the platform node that serves the
business, as for capability queries: ``KEFU_CAPABILITY_PLATFORMS`` or its platform peer; ORG-3), a
province code for a cross-region complaint. Actions from the origin go to the target and the other way
round. A dispatch the hub cannot route (no target, unknown peer, no platform for the business, the
origin itself) is returned to the origin at once with the reason, in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.capability.services import platform_for
from kefu.core import audit
from kefu.core.choices import Role
from kefu.core.errors import DomainError, NotFoundError
from kefu.crosslevel import copies, messages
from kefu.federation import peers
from kefu.federation.envelope import Message
from kefu.federation.services import send
from kefu.hub.errors import HubError, HubErrorCode
from kefu.hub.models import HubOrder

OPERATORS = {Role.HUB_OPERATOR, Role.ADMINISTRATOR}
OPERATOR_ACTIONS = messages.BOTH  # the hub operator urges or comments, either way


HANDLER_ROLES = ("sims", "province", "platform")  # the roles a cross-level order may be routed to


def _route_problem(order: HubOrder) -> str:
    peer = peers.get(order.target) if order.target else None
    if not order.target:
        return _("未指定处理方（SIMS、自有业务平台或目标省）")
    if order.target == order.origin:
        return _("处理方不能是发起省本身")
    if peer is None or peer.role not in HANDLER_ROLES:
        return _("枢纽未连接处理方 %(t)s") % {"t": order.target}
    return ""


def _route(target: str, business: str) -> str:
    """The node a dispatch's ``target`` names: for ``PLATFORM`` the platform node serving
    ``business`` ("" when the hub knows none: the order is returned), else the target itself."""
    if target != messages.PLATFORM:
        return target
    if not business:
        return ""
    try:
        return platform_for(business)
    except DomainError:  # no platform peer configured: returned to the origin with the reason
        return ""


def _destination(order: HubOrder, message: Message) -> str:
    """Actions from the origin go to the target and the other way round."""
    if message.sender == order.origin:
        return order.target
    if message.sender == order.target:
        return order.origin
    # an event is refused with 422 (the sender dead-letters it), never a link-level 403
    raise HubError(
        _("节点 %(n)s 不是该工单的当事方") % {"n": message.sender}, code=HubErrorCode.NOT_PARTY, status=422
    )


def apply(message: Message) -> dict:
    """A ``workorder.*`` event from a province, SIMS or a business platform: update the copy and pass it
    on."""
    payload = message.payload
    action = payload.get("action", "")
    now = timezone.now()
    order = copies.copy_for(
        HubOrder, message, origin=message.sender, created_at=now,
        province_code=((payload.get("order") or {}).get("province") or "")[:4],
    )  # fmt: skip
    if order is None:
        return {"applied": False, "skipped": "unknown order"}
    destination = _destination(order, message)
    if action == messages.DISPATCH:
        data = payload.get("data") or {}
        wanted = (data.get("target") or "").upper()
        business = str((payload.get("order") or {}).get("business") or "")
        order.target = _route(wanted, business)
        order.sp_code = (data.get("sp_code") or "").upper()
        peer = peers.get(order.target) if order.target else None
        order.target_role = peer.role if peer else ""
        destination = order.target
        problem = _route_problem(order)
        if wanted == messages.PLATFORM and not order.target:
            problem = _("枢纽未连接业务 %(b)s 的自有业务平台") % {"b": business or "—"}
    else:
        problem = ""
    copies.apply_message(order, message, sent_to="" if problem else destination, now=now)
    if problem:
        # the hub returns what it cannot route (WO-4 return: "the hub returns it to the province")
        copies.act_here(
            order, action=messages.RETURN, actor="system", to=order.origin, comment=problem, now=now
        )
        return {"applied": True, "state": order.state, "returned": problem}
    send(to=destination, type=message.type, payload=payload, order=order.number)
    return {"applied": True, "state": order.state, "sent_to": destination}


def query(message: Message) -> dict:
    """Query (查询, WO-4): the state of the hub's copy, for its origin or its handler."""
    order = HubOrder.objects.filter(number=(message.payload or {}).get("number") or message.order).first()
    if order is None:
        raise NotFoundError(_("枢纽没有工单 %(n)s") % {"n": (message.payload or {}).get("number", "")})
    if message.sender not in (order.origin, order.target):
        raise HubError(
            _("节点 %(n)s 不是该工单的当事方") % {"n": message.sender},
            code=HubErrorCode.NOT_PARTY,
            status=403,
        )
    return state_of(order)


def state_of(order: HubOrder, *, events: int = 20) -> dict:
    """The copy as a query answers it (protocol §6.2), with its last ``events`` events."""
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
        "events": copies.event_rows(order, last=events),
    }


@transaction.atomic
def operator_act(*, actor, number: str, action: str, to: str, comment: str) -> HubOrder:
    """The hub operator urges (催办) or adds an interim comment (中途意见) to one side: ``to`` is
    ``target`` (the second line) or ``origin`` (the province)."""
    if actor.role not in OPERATORS:
        raise HubError(_("只有枢纽操作员可以操作"), code=HubErrorCode.PERMISSION_DENIED, status=403)
    if action not in OPERATOR_ACTIONS:
        raise HubError(_("枢纽只能催办或填写中途意见"), code=HubErrorCode.INVALID_TRANSITION, status=409)
    if not (comment or "").strip() and action == messages.COMMENT:
        raise HubError(_("请填写意见"), code=HubErrorCode.COMMENT_REQUIRED)
    order = HubOrder.objects.select_for_update().filter(number=number).first()
    if order is None:
        raise NotFoundError(_("枢纽没有工单 %(n)s") % {"n": number})
    if order.state not in copies.ALLOWED_FROM[action]:
        raise HubError(_("工单已办结"), code=HubErrorCode.INVALID_TRANSITION, status=409)
    destination = order.target if to == "target" else order.origin
    if not destination:
        raise HubError(_("工单没有处理方"), code=HubErrorCode.TARGET_REQUIRED)
    copies.act_here(order, action=action, actor=actor.job_number, to=destination, comment=comment)
    audit.record(actor=actor, action=f"hub.{action}", obj=order, changes={"to": destination})
    return order
