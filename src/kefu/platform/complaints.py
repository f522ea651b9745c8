"""The platform's second line (ORG-3, WO-3, WO-4): complaints about the operator's own businesses that
the hub sends here, handled on the platform's desk and answered back through the hub.

- ``BUSINESSES``: the businesses whose complaints this reference platform takes — the seven that 000
  connected to the hub (WLAN and 彩云 take complaints only: CAP-2 defines no queries for them);
- ``order_apply``: a ``workorder.*`` event from the hub — a new complaint (or another round),
  feedback, archive, reprocess, cancel, urge, comment — on the platform's copy; a complaint about a
  business this platform does not serve is returned at once, with the reason;
- ``order_act``: the desk — receive, process, reply with the result, return with a reason, comment,
  urge — each recorded and sent to the hub in one transaction, audited;
- ``query_hub``: query (查询) the hub for the order's state.

The states and which action is allowed where are the engine's, through :mod:`kefu.crosslevel.copies`
(the same action table semantics as SIMS's SP desk).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core import audit, scope
from kefu.core.choices import Role
from kefu.core.errors import NotFoundError
from kefu.crosslevel import copies, messages
from kefu.federation.client import request
from kefu.federation.envelope import Message
from kefu.platform.errors import PlatformError, PlatformErrorCode
from kefu.platform.models import PlatformOrder

# business code (the catalog's) → name: the complaints this platform's second line takes
BUSINESSES: dict[str, str] = {
    "wlan": gettext_lazy("WLAN"),
    "caiyun": gettext_lazy("彩云"),
    "caiyun_contacts": gettext_lazy("彩云通讯录"),
    "mobile_game": gettext_lazy("手机游戏"),
    "wireless_music": gettext_lazy("无线音乐"),
    "mobile_video": gettext_lazy("手机视频"),
    "mobile_reading": gettext_lazy("手机阅读"),
    "mobile_payment": gettext_lazy("手机支付"),
}

# The platform's second-line staff (national scope: no province, no SP); administrators may act too.
DESK_ROLES = {Role.PLATFORM_STAFF, Role.ADMINISTRATOR}
DESK_ACTIONS = (
    messages.RECEIVE,
    messages.PROCESS,
    messages.REPLY,
    messages.RETURN,
    messages.COMMENT,
    messages.URGE,
)


def order_apply(message: Message) -> dict:
    """A ``workorder.*`` event from the hub (platform side). Runs inside the receiving transaction."""
    if message.sender_role != "hub":
        raise PlatformError(_("只接受一级客服枢纽发来的工单"), code=PlatformErrorCode.NOT_ALLOWED, status=422)
    payload = message.payload
    action = payload.get("action", "")
    now = timezone.now()
    snapshot = payload.get("order") or {}
    order = copies.copy_for(
        PlatformOrder, message, hub=message.sender, origin=snapshot.get("origin") or payload.get("node", ""),
        business=str(snapshot.get("business") or "")[:32], rounds=int((payload.get("data") or {}).get("round") or 1),
    )  # fmt: skip
    if order is None:
        return {"applied": False, "skipped": "unknown order"}
    if action == messages.DISPATCH:  # a new complaint, or the same one dispatched again after a return
        order.business = str(snapshot.get("business") or order.business)[:32]
        order.handler = ""
        order.dispatched_at = now
    copies.apply_message(order, message, now=now)
    if action == messages.DISPATCH and order.business not in BUSINESSES:
        # not a business of this platform: returned at once, with the reason (WO-4 return)
        reason = _("本平台不受理业务 %(b)s 的投诉") % {"b": order.business_name or order.business or "—"}
        copies.act_here(order, action=messages.RETURN, actor="system", to=order.hub, comment=reason, now=now)
        return {"applied": True, "state": order.state, "returned": reason}
    return {"applied": True, "state": order.state}


def order_for(*, actor, number: str, lock: bool = False) -> PlatformOrder:
    rows = PlatformOrder.objects.filter(number=number)
    if lock:
        rows = rows.select_for_update()
    order = scope.restrict(rows, actor).first()
    if order is None:
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": number})
    return order


@transaction.atomic
def order_act(*, actor, number: str, action: str, comment: str = "") -> PlatformOrder:
    """A desk action of the platform's second line (WO-4): receive, process (progress), reply (the
    result), return (with a reason), comment, urge. Recorded here and sent to the hub in the same
    transaction; a refusal changes nothing."""
    if actor.role not in DESK_ROLES:
        raise PlatformError(
            _("只有平台二线客服人员可以处理平台投诉工单"),
            code=PlatformErrorCode.PERMISSION_DENIED,
            status=403,
        )
    order = order_for(actor=actor, number=number, lock=True)
    if action not in DESK_ACTIONS:
        raise PlatformError(
            _("未知的操作 %(a)s") % {"a": action}, code=PlatformErrorCode.INVALID_TRANSITION, status=409
        )
    if order.state not in copies.ALLOWED_FROM[action]:
        raise PlatformError(
            _("工单状态为“%(s)s”, 不能执行该操作") % {"s": order.get_state_display()},
            code=PlatformErrorCode.INVALID_TRANSITION, status=409,
        )  # fmt: skip
    comment = (comment or "").strip()
    if action == messages.RETURN and not comment:
        raise PlatformError(_("请填写退回原因"), code=PlatformErrorCode.REASON_REQUIRED)
    if action in (messages.REPLY, messages.COMMENT, messages.PROCESS) and not comment:
        raise PlatformError(_("请填写处理结果或意见"), code=PlatformErrorCode.RESULT_REQUIRED)
    now = timezone.now()
    if action == messages.RECEIVE:
        order.handler = actor.job_number
    elif action == messages.REPLY:
        order.replied_at = now
    copies.act_here(order, action=action, actor=actor.job_number, to=order.hub, comment=comment, now=now)
    audit.record(actor=actor, action=f"platform.{action}", obj=order, changes={"state": order.state})
    return order


def query_hub(order: PlatformOrder) -> dict:
    """Query (查询): the platform asks the hub for the order's state (synchronous, with a timeout; raises
    ``PeerError`` with a message for the desk)."""
    return request(to=order.hub, type=messages.QUERY, payload={"number": order.number}, order=order.number)
