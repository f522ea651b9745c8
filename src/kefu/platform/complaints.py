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

The states and which action is allowed where are the engine's, through :mod:`kefu.crosslevel.copies`;
the desk's steps are the ones SIMS's SP desk takes too (:mod:`kefu.crosslevel.desk`).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.choices import Role
from kefu.crosslevel import copies, messages
from kefu.crosslevel.desk import SecondLineDesk
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
DESK = SecondLineDesk(
    model=PlatformOrder,
    roles=frozenset({Role.PLATFORM_STAFF, Role.ADMINISTRATOR}),
    error=PlatformError,
    codes=PlatformErrorCode,
    text_required=PlatformErrorCode.RESULT_REQUIRED,
    not_staff=gettext_lazy("只有平台二线客服人员可以处理平台投诉工单"),
    audit_as="platform",
)
DESK_ROLES = DESK.roles
DESK_ACTIONS = DESK.actions


def order_apply(message: Message) -> dict:
    """A ``workorder.*`` event from the hub (platform side). Runs inside the receiving transaction."""
    payload = message.payload
    action = payload.get("action", "")
    now = timezone.now()
    snapshot = payload.get("order") or {}
    order = DESK.copy_from_hub(
        message, business=str(snapshot.get("business") or "")[:32],
        rounds=int((payload.get("data") or {}).get("round") or 1),
    )  # fmt: skip
    if order is None:
        return {"applied": False, "skipped": "unknown order"}
    if action == messages.DISPATCH:  # a new complaint, or the same one dispatched again after a return
        order.business = str(snapshot.get("business") or order.business)[:32]
        order.dispatched_at = now
    copies.apply_message(order, message, now=now)
    if action == messages.DISPATCH and order.business not in BUSINESSES:
        # not a business of this platform: returned at once, with the reason (WO-4 return)
        reason = _("本平台不受理业务 %(b)s 的投诉") % {"b": order.business_name or order.business or "—"}
        return DESK.return_at_once(order, reason=reason, now=now)
    return {"applied": True, "state": order.state}


# The desk's steps (WO-4), as SIMS's SP desk takes them: the copy in the actor's scope; an action —
# receive, process, reply with the result, return with a reason, comment, urge — recorded here, sent to
# the hub and audited in one transaction (a refusal changes nothing); the query (查询) to the hub.
order_for = DESK.order_for
order_act = DESK.act
query_hub = DESK.query_hub
