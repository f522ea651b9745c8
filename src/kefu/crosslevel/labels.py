"""What the cross-level pages show for the codes a copy carries (WO-6, VIEW-5): one mapping, reused by
the hub's, SIMS's and the platforms' pages, their homes and the province's cross-level panel.

- states, actions and satisfaction are the work-order engine's own labels
  (:mod:`kefu.workorders.choices`), so a copy reads the same words as the province's order page;
- a node or target code (``JS``, ``HUB``, ``SIMS``, ``PLATFORM``, a peer's code) becomes its name;
- ``system`` (an action the node took by itself) reads 系统;
- a federation message type (``workorder.dispatch``) reads as the action it carries;
- the time left of an order's limit, coloured green / amber / red (:func:`time_left`).

Templates load them as filters: ``{% load crosslevel %}`` then ``{{ e.action|action_label }}``.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

from kefu.crosslevel import messages
from kefu.workorders import timeleft
from kefu.workorders.choices import EventAction, Satisfaction, WorkOrderState
from kefu.workorders.timeleft import TimeLeft


def state_label(value: str) -> str:
    return str(WorkOrderState.label(value)) if value else "—"


def action_label(value: str) -> str:
    return str(EventAction.label(value)) if value else "—"


def satisfaction_label(value: str) -> str:
    return str(Satisfaction.label(value)) if value else "—"


@lru_cache(maxsize=1)
def _provinces() -> dict[str, tuple[str, str]]:
    from kefu.core.models import Province

    return {p.code: (p.name, p.name_en or p.name) for p in Province.objects.all()}


def _role_label(role: str) -> str:
    return {
        "hub": _("一级客服枢纽"),
        "sims": _("SIMS"),
        "platform": _("自有业务平台"),
        "province": _("省级客服系统"),
    }.get(role, "")


def node_label(code: str) -> str:
    """The name of a node or a target: a province's name, the hub, SIMS, the platforms; a peer by its
    role and code; ``system`` as 系统; anything else as given."""
    if not code:
        return "—"
    if code == "system":
        return _("系统")
    if code == messages.SIMS:
        return _("SIMS(梦网SP投诉)")
    if code == messages.PLATFORM:
        return _("自有业务平台(二线客服)")
    province = _provinces().get(code)
    if province is not None:
        from django.utils.translation import get_language

        return province[1] if (get_language() or "").startswith("en") else province[0]
    if code == settings.KEFU_NODE_CODE:
        role = settings.KEFU_ROLE
    else:
        from kefu.federation import peers

        peer = peers.get(code)
        role = peer.role if peer is not None else ""
    label = _role_label(role)
    return f"{label} {code}" if label and label != code else code


def actor_label(value: str) -> str:
    """Who took an action: a job number as it is, the node itself (``system``) as 系统."""
    return _("系统") if value in ("", "system") else value


def message_type_label(value: str) -> str:
    """A federation message type: ``workorder.<action>`` as the action's label; other types as they
    are grouped (capability, SP quality, remote requests)."""
    if value.startswith(messages.PREFIX):
        action = value[len(messages.PREFIX) :]
        return _("工单查询") if action == "query" else action_label(action)
    group = value.split(".", 1)[0]
    return {
        "capability": _("能力开放查询"),
        "sp": _("SP服务质量数据"),
        "service": _("异地业务"),
    }.get(group, value)


def time_left(start: datetime | None, due: datetime | None, now: datetime | None = None) -> TimeLeft | None:
    """The time left between ``start`` and ``due`` at ``now`` in the province queues' colours
    (:func:`kefu.workorders.timeleft.between`); None without a deadline."""
    return timeleft.between(start, due, now) if due is not None else None
