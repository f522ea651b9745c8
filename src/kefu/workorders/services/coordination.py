"""The province ↔ city coordination flows (WO-9), each with data and an effect of its own.

* **installation / move** (``install_move``): the address and the appointment window are given at
  accept; the city's reply carries the result (installed, moved, failed — ``outcome_required``).
* **suspension / resumption** (``suspension``): the line action, reason and period at accept; when
  the city replies it has done it, the line's state is changed through the billing port (a line
  billing cannot change refuses the reply, e.g. ``line_state_conflict``).
* **billing adjustment** (``billing_adjustment``): the amount and reason at accept; the billing
  department verifies and replies; a supervisor approves or rejects (:func:`order_decide_adjustment`)
  and only an approval applies it through the billing port. Feedback and archive wait for the
  decision (``approval_required``).
* **information sync** (``info_sync``): a city feeds information (topic, area, validity) to the
  centre, never the reverse: only a city handler accepts it (``accept_from_city_only``), the centre
  holds it, takes it in and archives it.
  When a suspension's period has ended, the periodic sweep resumes the line through billing once
  (:func:`order_line_resume`); a refusal is recorded and retried at the next sweep.
* **urge** (催单): no order of its own — the urge action on the existing order, which its holder
  acknowledges (:func:`order_acknowledge_urge`); an urge not yet acknowledged is pending.

The data lives in :class:`~kefu.workorders.models.CoordinationDetail`, written with the accept's
event; each effect is recorded on the order's event (data) and audited with it.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from kefu.core.choices import Role
from kefu.core.errors import DomainError, ErrorCode, flatten_detail
from kefu.customers.choices import SubscriberStatus
from kefu.customers.errors import CustomerErrorCode
from kefu.ports.billing import get_billing
from kefu.workorders import transitions
from kefu.workorders.choices import (
    Approval,
    CoordinationKind,
    LineAction,
    SystemEvent,
    WorkOrderState,
)
from kefu.workorders.errors import (
    ActionNotPermitted,
    InvalidTransition,
    WorkOrderError,
    WorkOrderErrorCode,
)
from kefu.workorders.models import CoordinationDetail, FlowDefinition, WorkOrder
from kefu.workorders.services.engine import check_scope, require
from kefu.workorders.services.events import order_event_record
from kefu.workorders.services.holders import notify_channel, peer_of
from kefu.workorders.services.rows import lock

# Kinds whose effect needs the subscriber's line (billing acts on a number).
NEEDS_LINE = (CoordinationKind.SUSPENSION, CoordinationKind.BILLING_ADJUSTMENT)


def kind_of(flow: FlowDefinition) -> str | None:
    """The coordination kind of a flow (its code), or None for the other flows."""
    return flow.code if flow.code in CoordinationKind else None


def detail_for(*, flow: FlowDefinition, data: dict | None, subscriber) -> CoordinationDetail | None:
    """The coordination data of a new order of ``flow``, validated; not yet saved (the accept writes
    it with its event). ``data`` maps a kind to its input (the create's nested object)."""
    from kefu.workorders.api.serializers import COORDINATION_INPUTS, validated

    data = {k: v for k, v in (data or {}).items() if v is not None}
    kind = kind_of(flow)
    others = sorted(set(data) - {kind})
    if others:
        raise WorkOrderError(
            _("流程“%(f)s”不接受以下数据：%(k)s") % {"f": flow.name, "k": ", ".join(others)},
            code=WorkOrderErrorCode.COORDINATION_DATA_UNEXPECTED,
        )
    if kind is None:
        return None
    if kind not in data:
        raise WorkOrderError(
            _("“%(f)s”须填写%(k)s信息") % {"f": flow.name, "k": CoordinationKind.label(kind)},
            code=WorkOrderErrorCode.COORDINATION_DATA_REQUIRED,
            field=kind,
        )
    if kind in NEEDS_LINE and subscriber is None:
        raise WorkOrderError(_("须指明号码"), code=WorkOrderErrorCode.SUBSCRIBER_REQUIRED)
    try:
        fields = dict(validated(COORDINATION_INPUTS[kind], data[kind]))
    except serializers.ValidationError as exc:
        raise WorkOrderError(
            flatten_detail(exc.detail),
            code=ErrorCode.VALIDATION_FAILED,
            status=400,
            errors={kind: exc.detail},
        ) from None
    detail = CoordinationDetail(kind=kind, **{k: v for k, v in fields.items() if v is not None})
    if kind == CoordinationKind.SUSPENSION:
        _check_line_state(subscriber.number, detail.line_action)
    if kind == CoordinationKind.BILLING_ADJUSTMENT:
        detail.approval = Approval.PENDING
    return detail


def _check_line_state(number: str, line_action: str) -> None:
    """Refuse at accept what billing would refuse at the reply: suspending a line that is not
    active, resuming one that is not suspended (billing checks again when it acts)."""
    record = get_billing().subscriber(number)
    wanted = SubscriberStatus.ACTIVE if line_action == LineAction.SUSPEND else SubscriberStatus.SUSPENDED
    if record is not None and record.status != wanted:
        raise WorkOrderError(
            _("号码当前状态为“%(s)s”，不能办理") % {"s": SubscriberStatus.label(record.status)},
            code=CustomerErrorCode.LINE_STATE_CONFLICT,
            status=409,
        )


def accept_roles(flow: FlowDefinition) -> tuple[str, ...]:
    """Who may accept an order of ``flow``: the table's accept roles, or only city handlers for a
    flow that comes from the cities (information sync)."""
    if flow.definition.get("accept_from") == "city":
        return transitions.CITY
    return transitions.TRANSITIONS[(transitions.NEW, "accept")].roles


def check_accept_role(actor, flow: FlowDefinition) -> None:
    if actor.role in accept_roles(flow):
        return
    if flow.definition.get("accept_from") == "city":
        raise ActionNotPermitted(_("信息同步由地市报送中心"), code=WorkOrderErrorCode.ACCEPT_FROM_CITY_ONLY)
    raise ActionNotPermitted(_("您的角色不能受理工单"))


def _detail(order: WorkOrder) -> CoordinationDetail | None:
    if kind_of(order.flow) is None:
        return None
    return CoordinationDetail.objects.select_for_update().filter(order=order).first()


def on_reply(order: WorkOrder, *, actor, outcome: str, now) -> dict:
    """The effect of a coordination order's reply (run inside the reply's body, order locked):
    record the installation's result, or change the line's state through billing. Returns what
    goes into the reply's event."""
    detail = _detail(order)
    if detail is None:
        return {}
    if detail.kind == CoordinationKind.INSTALL_MOVE:
        if not outcome:
            raise WorkOrderError(_("请选择装移机结果"), code=WorkOrderErrorCode.OUTCOME_REQUIRED)
        detail.outcome, detail.applied_at = outcome, now
        detail.save(update_fields=["outcome", "applied_at"])
        return {"outcome": outcome}
    if detail.kind == CoordinationKind.SUSPENSION and detail.applied_at is None:
        state = (
            SubscriberStatus.SUSPENDED
            if detail.line_action == LineAction.SUSPEND
            else SubscriberStatus.ACTIVE
        )
        change = get_billing().set_line_state(
            order.subscriber.number, state=state, reason=detail.reason, reference=order.number, actor=actor
        )
        detail.line_state_after, detail.applied_at = change.state_after, now
        detail.save(update_fields=["line_state_after", "applied_at"])
        return {"line_state": [change.state_before, change.state_after]}
    return {}


def require_decided(order: WorkOrder) -> None:
    """Feedback and archive of a billing adjustment wait for the supervisor's decision."""
    detail = _detail(order)
    if detail is not None and detail.approval == Approval.PENDING:
        raise WorkOrderError(
            _("账务调整须先经班长审批"), code=WorkOrderErrorCode.APPROVAL_REQUIRED, status=409
        )


@transaction.atomic
def order_decide_adjustment(*, actor, order, approved: bool, comment: str = "", now=None) -> WorkOrder:
    """A supervisor approves or rejects a billing adjustment the billing department has replied on
    (WO-9). Approval applies it through the billing port (once: the order number is the reference);
    a rejection needs a reason and applies nothing. Recorded as an ``approval`` event, audited."""
    now = now or timezone.now()
    locked = lock(order)
    check_scope(locked, actor)
    if actor.role not in transitions.APPROVAL_ROLES:
        raise ActionNotPermitted(_("只有班长可以审批账务调整"))
    detail = _detail(locked)
    if detail is None or detail.kind != CoordinationKind.BILLING_ADJUSTMENT:
        raise WorkOrderError(
            _("该工单不是账务调整"), code=WorkOrderErrorCode.NOT_A_BILLING_ADJUSTMENT, status=409
        )
    if detail.approval != Approval.PENDING:
        raise WorkOrderError(
            _("该账务调整已审批"), code=WorkOrderErrorCode.ADJUSTMENT_ALREADY_DECIDED, status=409
        )
    if locked.state != WorkOrderState.REPLIED:
        raise InvalidTransition(_("账务部门回复后才能审批"), state=locked.state, action=SystemEvent.APPROVAL)
    if not approved:
        require(comment, WorkOrderErrorCode.REASON_REQUIRED, _("请填写驳回原因"))
    data = {"approved": approved, "amount": str(detail.amount)}
    detail.approval = Approval.APPROVED if approved else Approval.REJECTED
    detail.decided_by, detail.decided_at = actor, now
    fields = ["approval", "decided_by", "decided_at"]
    if approved:
        record = get_billing().apply_adjustment(
            locked.subscriber.number,
            amount=detail.amount,
            reason=detail.reason,
            reference=locked.number,
            actor=actor,
        )
        detail.balance_after, detail.applied_at = record.balance_after, now
        fields += ["balance_after", "applied_at"]
        data["balance_after"] = str(record.balance_after)
    detail.save(update_fields=fields)
    order_event_record(
        locked,
        action=SystemEvent.APPROVAL,
        actor=actor,
        now=now,
        comment=comment,
        data=data,
        changes={"approval": detail.approval, "amount": str(detail.amount)},
        notify=True,
    )
    return locked


@transaction.atomic
def order_acknowledge_urge(*, actor, order, comment: str = "", now=None) -> WorkOrder:
    """The holder (a city) acknowledges the urges on its order (催办签收, WO-9's urge flow): the
    acknowledgement is recorded on the order and as an ``urge_ack`` event, and the other side (who
    dispatched it) is told. Refused with ``no_urge_pending`` when every urge is acknowledged."""
    now = now or timezone.now()
    locked = lock(order)
    check_scope(locked, actor)
    if locked.state in WorkOrderState.TERMINAL:
        raise InvalidTransition(_("工单已结束"), state=locked.state, action=SystemEvent.URGE_ACK)
    if actor.role not in transitions.URGE_ACK_ROLES:
        raise ActionNotPermitted(_("您的角色不能签收催办"))
    if actor.role != Role.SUPERVISOR and not locked.is_held_by(actor):
        raise ActionNotPermitted(
            _("工单当前由“%(h)s”处理, 您不能签收催办") % {"h": locked.holder_label},
            code=WorkOrderErrorCode.NOT_HOLDER,
        )
    urged = locked.last_urged_at
    if not locked.urge_pending:
        raise WorkOrderError(_("没有待签收的催办"), code=WorkOrderErrorCode.NO_URGE_PENDING, status=409)
    locked.urge_acknowledged_at = now
    peer = peer_of(locked)
    order_event_record(
        locked,
        action=SystemEvent.URGE_ACK,
        actor=actor,
        now=now,
        comment=comment,
        data={"urge_count": locked.urge_count, "urged_at": urged.isoformat()},
        changes={"urge_acknowledged_at": now.isoformat(), "urge_count": locked.urge_count},
        channels=[notify_channel(peer)] if peer.kind else (),
    )
    return locked


def suspensions_ended(today) -> models.QuerySet:
    """Suspensions applied whose period ended before ``today`` and whose line is not resumed yet
    (their coordination details)."""
    return CoordinationDetail.objects.filter(
        kind=CoordinationKind.SUSPENSION,
        line_action=LineAction.SUSPEND,
        applied_at__isnull=False,
        resumed_at__isnull=True,
        period_end__lt=today,
    )


@transaction.atomic
def order_line_resume(*, order_id: int, now) -> str:
    """Resume a suspended line whose suspension period has ended (WO-9), through the billing port,
    once: the detail row is locked and ``resumed_at`` marks it done. A line billing already reports
    active (resumed by other means) is marked done without a change. Recorded as a ``line_resume``
    event on the order, audited. A refusal by billing changes no line and is kept on the detail
    (attempts, reason) and retried at the next sweep; the event records the first refusal and each
    new reason, not every retry. Answers ``resumed``, ``refused`` or ``""`` (nothing to do).
    Another failure of the billing adapter (unreachable) rolls back, is logged by the sweep and
    retried the same way."""
    # the order first, then its detail: the order of locks every action on the order takes
    order = lock(WorkOrder.objects.only("number").get(pk=order_id).number)
    detail = (
        CoordinationDetail.objects.select_for_update()
        .filter(order=order, resumed_at__isnull=True, applied_at__isnull=False)
        .first()
    )
    if detail is None or detail.period_end is None or detail.period_end >= timezone.localdate(now):
        return ""
    number = order.subscriber.number
    reference = f"{order.number}:resume"
    reason = str(_("停机期满自动复机（%(d)s）") % {"d": detail.period_end.isoformat()})
    data: dict = {"period_end": detail.period_end.isoformat()}
    detail.resume_attempts += 1
    fields = ["resume_attempts", "resume_error"]
    try:
        with transaction.atomic():  # a refusal rolls back what billing wrote, not the record of it
            record = get_billing().subscriber(number)
            if record is not None and record.status == SubscriberStatus.ACTIVE:
                before = after = SubscriberStatus.ACTIVE
            else:
                change = get_billing().set_line_state(
                    number, state=SubscriberStatus.ACTIVE, reason=reason, reference=reference, actor=None
                )
                before, after = change.state_before, change.state_after
    except DomainError as exc:
        error = f"{exc.code}: {exc.message}"[:200]
        first_or_new = error != detail.resume_error
        detail.resume_error = error
        detail.save(update_fields=fields)
        if first_or_new:
            data |= {"refused": exc.code, "attempt": detail.resume_attempts}
            _record_resume(
                order,
                now,
                comment=str(_("期满复机被计费系统拒绝，下次巡检重试：%(m)s") % {"m": exc.message}),
                data=data,
            )
        return "refused"
    detail.resume_error = ""
    detail.resumed_at = now
    detail.line_state_after = after
    detail.save(update_fields=[*fields, "resumed_at", "line_state_after"])
    data |= {"line_state": [before, after], "attempt": detail.resume_attempts}
    _record_resume(order, now, comment=str(_("停机期满，号码已复机")), data=data)
    return "resumed"


def _record_resume(order: WorkOrder, now, *, comment: str, data: dict) -> None:
    order_event_record(
        order,
        action=SystemEvent.LINE_RESUME,
        actor=None,
        now=now,
        comment=comment,
        data=data,
        changes=data,
    )
