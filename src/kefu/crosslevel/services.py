"""Province side of the cross-level flow (WO-3, WO-4): send an order to the hub, ask the hub for its
state, and apply what the hub sends — always through the work-order engine's own services, acting as
the hub's node actor (see :mod:`kefu.crosslevel.nodes`)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from kefu.catalog.choices import BusinessKind
from kefu.core import audit, scope
from kefu.core.errors import DomainError, NotFoundError
from kefu.core.models import Department, Province
from kefu.crosslevel import messages
from kefu.crosslevel.errors import CrossLevelError, CrossLevelErrorCode
from kefu.crosslevel.models import CrossLink, LinkRole
from kefu.crosslevel.nodes import local_province, node_actor, node_department, target_flow
from kefu.customers.models import Subscriber
from kefu.federation import peers
from kefu.federation.client import request
from kefu.federation.envelope import Message
from kefu.workorders import services as workorders
from kefu.workorders import transitions
from kefu.workorders.actions import ACTIONS
from kefu.workorders.choices import Action
from kefu.workorders.models import WorkOrder

logger = logging.getLogger("kefu.crosslevel")


def hub_code() -> str:
    hubs = peers.of_role("hub")
    if not hubs:
        raise CrossLevelError(
            _("本节点未配置一级客服枢纽"), code=CrossLevelErrorCode.HUB_NOT_CONFIGURED, status=503
        )
    return hubs[0].code


def scoped_order(actor, number: str) -> WorkOrder:
    order = scope.restrict(WorkOrder.objects.filter(number=number), actor).first()
    if order is None:
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number})
    return order


def targets() -> list[tuple[str, str]]:
    """Where an order can go through the hub: SIMS, the business's own platform, or another province
    (cross-region)."""
    here = settings.KEFU_NODE_CODE
    provinces = [(p.code, p.name) for p in Province.objects.exclude(code=here).order_by("gb_code")]
    return [
        (messages.SIMS, _("SIMS(梦网SP投诉)")),
        (messages.PLATFORM, _("自有业务平台(二线客服)")),
        *provinces,
    ]


def second_line_of(business) -> str:
    """The target a complaint about ``business`` goes to through the hub (ORG-3, SVC-3): SIMS for a
    Monternet SP business, PLATFORM for one of the operator's own businesses with a second line, ""
    for a business handled inside the province."""
    if business is None or not business.second_line:
        return ""
    if business.second_line == messages.SIMS:
        return messages.SIMS
    return messages.PLATFORM if business.kind == BusinessKind.OWN_PLATFORM else ""


@transaction.atomic
def order_send_to_hub(*, actor, number: str, target: str, sp_code: str = "", comment: str = "") -> WorkOrder:
    """Dispatch an order to the hub (WO-3 step 2), for SIMS (with the SP's code), for the platform of
    one of the operator's own businesses (``PLATFORM``: the hub picks the platform node, ORG-3) or a
    target province.

    The dispatch itself is the engine's ``order_dispatch`` to the hub's department; the relay sends the
    message after commit."""
    order = scoped_order(actor, number)
    target = (target or "").strip().upper()
    sp_code = (sp_code or "").strip().upper()
    if not target:  # a remote complaint (SVC-1) was marked for its home province when accepted
        target = CrossLink.objects.filter(order=order).values_list("target", flat=True).first() or ""
    if target not in (messages.SIMS, messages.PLATFORM) and not Province.objects.filter(code=target).exists():
        raise CrossLevelError(
            _("请选择SIMS、自有业务平台或目标省份"), code=CrossLevelErrorCode.TARGET_REQUIRED
        )
    if target == messages.PLATFORM:
        if second_line_of(order.business) != messages.PLATFORM:
            raise CrossLevelError(
                _("该工单的业务没有自有业务平台的二线客服"), code=CrossLevelErrorCode.NOT_OWN_PLATFORM
            )
        sp_code = ""  # an SP code means nothing to a business platform
    if target == settings.KEFU_NODE_CODE:
        raise CrossLevelError(_("目标省份不能是本省"), code=CrossLevelErrorCode.TARGET_REQUIRED)
    if target == messages.SIMS and not sp_code:
        raise CrossLevelError(_("梦网SP投诉须填写SP代码"), code=CrossLevelErrorCode.SP_CODE_REQUIRED)
    hub = hub_code()
    department = node_department(hub)
    link = CrossLink.objects.filter(order=order).first()
    if link is None:
        link = CrossLink.objects.create(
            order=order, number=order.number, role=LinkRole.ORIGIN, peer=hub, target=target, sp_code=sp_code
        )
    elif link.role != LinkRole.ORIGIN:
        raise CrossLevelError(
            _("外省转来的工单不能再发往枢纽"), code=CrossLevelErrorCode.CROSSLEVEL_INVALID, status=409
        )
    else:
        link.peer, link.target, link.sp_code = hub, target, sp_code
        link.save(update_fields=["peer", "target", "sp_code"])
    audit.record(
        actor=actor, action="crosslevel.send", obj=order, changes={"target": target, "sp_code": sp_code}
    )
    return ACTIONS[Action.DISPATCH].perform(
        actor=actor,
        order=order.number,
        data={"to": workorders.Holder.of_department(department).ref, "comment": comment},
    )


def order_hub_state(*, actor, number: str, timeout: float | None = None) -> dict:
    """Query (查询, WO-4): ask the hub for the order's state — synchronous, with a timeout; raises
    ``PeerError`` (peer_timeout, peer_unavailable, …) with a message for the agent's screen."""
    order = scoped_order(actor, number)
    link = CrossLink.objects.filter(order=order).first()
    if link is None:
        raise CrossLevelError(_("该工单未发往一级客服"), code=CrossLevelErrorCode.NOT_CROSSLEVEL, status=409)
    answer = request(to=link.peer, type=messages.QUERY, payload={"number": link.number}, timeout=timeout)
    audit.record(actor=actor, action="crosslevel.query", obj=order, changes={"state": answer.get("state")})
    return answer


# --- applying what the hub sends -------------------------------------------------------------------


def _label(payload: dict) -> str:
    return f"[{payload.get('node', '')} {payload.get('actor', '')}]".replace(" ]", "]")


def _try(order: WorkOrder, action: str, data: dict, actor) -> dict:
    """Apply one engine action, through the action table, if the transition table allows it now; a
    message that no longer fits (e.g. a second "received" after a forward) is recorded as skipped
    rather than refused, so the link never stalls."""
    if transitions.rule_for(order.state, action) is None:
        logger.info("cross-level action skipped", extra={"order": order.number, "action": action})
        return {"applied": False, "skipped": f"{action} in {order.state}"}
    try:
        with transaction.atomic():
            done = ACTIONS[action].perform(actor=actor, order=order.number, data=data)
    except DomainError as exc:
        logger.warning(
            "cross-level action refused by the engine",
            extra={"order": order.number, "action": action, "code": exc.code},
        )
        return {"applied": False, "skipped": exc.code}
    return {"applied": True, "state": done.state, "local": done.number}


def apply(message: Message) -> dict:
    """A ``workorder.*`` event from the hub, on a province node."""
    if message.sender_role != "hub":
        raise CrossLevelError(
            _("只接受一级客服枢纽发来的跨级工单"), code=CrossLevelErrorCode.NOT_ALLOWED, status=422
        )
    payload = message.payload
    action = payload.get("action", "")
    link = CrossLink.objects.select_related("order").filter(number=message.order).first()
    actor = node_actor(message.sender)
    if link is None:
        if action != messages.DISPATCH:
            return {"applied": False, "skipped": "unknown order"}
        return _accept(message, actor)
    order = WorkOrder.objects.get(pk=link.order_id)
    comment = payload.get("comment", "")
    note = f"{_label(payload)} {comment}".strip()
    # the message's action → the engine's action and the text it takes
    if link.role == LinkRole.ORIGIN:
        steps = {
            messages.RECEIVE: (Action.RECEIVE, comment),
            messages.PROCESS: (Action.PROCESS, comment),
            messages.REPLY: (Action.REPLY, comment or note),
            messages.RETURN: (Action.RETURN, comment or note),
        }
    else:
        # feedback stays with the origin province; a target province records it as a comment
        feedback = f"{_label(payload)} " + _("客户反馈：%(s)s %(c)s") % {"s": _sat(payload), "c": comment}
        steps = {
            messages.DISPATCH: (Action.DISPATCH, comment),
            messages.FEEDBACK: (Action.COMMENT, feedback),
            messages.ARCHIVE: (Action.ARCHIVE, comment),
            messages.REPROCESS: (Action.REPROCESS, comment or note),
            messages.CANCEL: (Action.CANCEL, comment or note),
        }
    steps[messages.URGE] = (Action.URGE, note)
    steps[messages.COMMENT] = (Action.COMMENT, note)
    if action not in steps:
        return {"applied": False, "skipped": f"{action} not for a {link.role} order"}
    engine_action, text = steps[action]
    fields = _archive_data(payload) if engine_action == Action.ARCHIVE else {}
    return _try(order, engine_action, ACTIONS[engine_action].text_input(text, **fields), actor)


def _sat(payload: dict) -> str:
    from kefu.workorders.choices import Satisfaction

    value = (payload.get("data") or {}).get("satisfaction", "")
    return str(Satisfaction.label(value)) if value in Satisfaction else value


def _archive_data(payload: dict) -> dict:
    """Archive a target order as the origin did: the origin's responsibility cause and department
    where this node knows them (shared reference data), else "other"."""
    from kefu.catalog.models import ResponsibilityCause

    data = payload.get("data") or {}
    cause = data.get("responsibility_cause") or ""
    if not ResponsibilityCause.objects.filter(code=cause, active=True).exists():
        cause = "OTH-OTHER"
    department = data.get("responsible_department") or ""
    if not Department.objects.filter(code=department, kind="responsible").exists():
        department = "RESP-OTHER"
    return {"responsibility_cause": cause, "responsible_department": department}


def _category(kind: str, code: str):
    from kefu.catalog.models import CategoryNode
    from kefu.workorders.choices import WorkOrderKind

    request_type = WorkOrderKind.REQUEST_TYPE.get(kind)
    nodes = CategoryNode.objects.filter(request_type=request_type)
    found = nodes.filter(code=code).order_by("-id").first() if code else None
    if found is None and kind == "complaint":
        found = nodes.filter(version__is_current=True).order_by("id").first()
    return found


def _accept(message: Message, actor) -> dict:
    """A cross-region complaint arrives (WO-3): accept it into this province's engine under the hub's
    flow, dispatch it to the province centre and remember the link."""
    payload = message.payload
    remote = payload.get("order") or {}
    kind = remote.get("kind") or "complaint"
    flow = target_flow(message.sender, kind)
    contact = (remote.get("contact_number") or "")[:20]
    # A remote complaint (SVC-1) is about one of this province's own subscribers: link the order to the
    # line, so it lands in the line's city and shows in the customer's view here.
    here = local_province()
    subscriber = (
        Subscriber.objects.filter(number=contact, home_province=here).first() if contact and here else None
    )
    result = workorders.order_accept(
        actor=actor,
        data=workorders.OrderInput(
            kind=kind,
            subscriber=subscriber,
            category=_category(kind, remote.get("category", "")),
            title=(remote.get("title") or "")[:120],
            description=f"{remote.get('description', '')}\n[{remote.get('origin', message.sender)} {message.order}]".strip(),
            contact_number=contact,
            flow_code=flow.code,
            urgent=bool(remote.get("urgent")),
            customer_level=remote.get("customer_level") or "",
        ),
    )
    local = result.order
    CrossLink.objects.create(
        order=local,
        number=message.order,
        role=LinkRole.TARGET,
        peer=message.sender,
        target=settings.KEFU_NODE_CODE,
        sp_code=(payload.get("data") or {}).get("sp_code", ""),
    )
    done = ACTIONS[Action.DISPATCH].perform(
        actor=actor, order=local.number, data={"comment": payload.get("comment", "")}
    )
    return {"applied": True, "state": done.state, "local": local.number}
