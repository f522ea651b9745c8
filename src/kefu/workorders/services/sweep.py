"""The SLA sweep's writes (WO-5): each claims its flag with a conditional UPDATE, so two workers
running the sweep at once never warn, urge or escalate the same order twice. The sweep itself (what
to look at, in which order) is :mod:`kefu.workorders.sla`."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core.choices import Role
from kefu.core.models import Staff
from kefu.workorders import transitions
from kefu.workorders.choices import Action, SlaLevel, SystemEvent
from kefu.workorders.models import WorkOrder
from kefu.workorders.services.events import order_event_record
from kefu.workorders.services.order_actions import order_urge
from kefu.workorders.services.rows import lock


def _claim(order_id: int, **flags) -> bool:
    field_name = next(iter(flags))
    return bool(WorkOrder.objects.filter(pk=order_id, **{f"{field_name}__isnull": True}).update(**flags))


@transaction.atomic
def order_sla_warn(*, order_id: int, now: datetime) -> bool:
    """Flag an order close to its deadline, tell its holder and audit the warning. False when
    already flagged."""
    if not _claim(order_id, warned_at=now):
        return False
    order = lock(WorkOrder.objects.only("number").get(pk=order_id).number)
    before_sla = order.sla
    if order.overdue_at is None:
        order.sla = SlaLevel.NEAR
    due = order.order_due_at.isoformat() if order.order_due_at else None
    order_event_record(
        order,
        action=SystemEvent.WARN,
        actor=None,
        now=now,
        data={"order_due_at": due},
        changes={"sla": [before_sla, order.sla], "order_due_at": due},
        notify=True,
    )
    return True


@transaction.atomic
def order_sla_step_overdue(*, order_id: int, now: datetime) -> bool:
    """A step is past its limit: urge the holder automatically. False when already done."""
    if not _claim(order_id, step_overdue_at=now):
        return False
    order = WorkOrder.objects.only("number", "state").get(pk=order_id)
    if transitions.rule_for(order.state, Action.URGE) is not None:
        order_urge(
            actor=None, order=order.number, comment=str(_("环节超时, 系统自动催办")), now=now, system=True
        )
    return True


@transaction.atomic
def order_sla_overdue(*, order_id: int, now: datetime) -> bool:
    """The order is past its deadline: flag it, urge the holder and escalate to the province's
    supervisors (WO-5). False when already done (idempotent)."""
    if not _claim(order_id, overdue_at=now):
        return False
    number = WorkOrder.objects.only("number").get(pk=order_id).number
    order = lock(number)
    if transitions.rule_for(order.state, Action.URGE) is not None:
        order_urge(actor=None, order=number, comment=str(_("工单超时, 系统自动催办")), now=now, system=True)
        order = lock(number)
    supervisors = list(
        Staff.objects.filter(role=Role.SUPERVISOR, province_id=order.province_id, is_active=True).order_by(
            "city_id", "job_number"
        )
    )
    # the order city's own supervisors first, then the province's
    supervisors.sort(key=lambda s: (s.city_id != order.city_id, s.job_number))
    order.sla = SlaLevel.OVERDUE
    order.escalated_at = now
    order.escalated_to = supervisors[0] if supervisors else None
    to = [s.job_number for s in supervisors]
    order_event_record(
        order,
        action=SystemEvent.ESCALATE,
        actor=None,
        now=now,
        comment=str(_("工单超时, 升级至班长")),
        data={"to": to},
        changes={"to": to},
        channels=[f"agent:{job_number}" for job_number in to],
    )
    return True
