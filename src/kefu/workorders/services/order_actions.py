"""The actions (WO-4): one service per action, each a body run by :func:`engine.perform` in one
transaction. Which one a request calls is declared in :mod:`kefu.workorders.actions`."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.choices import DepartmentKind, Role
from kefu.core.errors import ErrorCode
from kefu.workorders import flows, transitions
from kefu.workorders.choices import (
    Action,
    ContactMethod,
    RepairStatus,
    Satisfaction,
    SystemEvent,
    WorkOrderKind,
    WorkOrderState,
)
from kefu.workorders.errors import ActionNotPermitted, WorkOrderError, WorkOrderErrorCode
from kefu.workorders.models import WorkOrder
from kefu.workorders.services import coordination, results
from kefu.workorders.services.clock import end_step, resume_clock, start_step
from kefu.workorders.services.engine import Change, check_scope, perform, require
from kefu.workorders.services.events import order_event_record
from kefu.workorders.services.holders import Holder, holder_from_spec, holder_of, set_holder, set_peer, swap
from kefu.workorders.services.rows import lock


@transaction.atomic
def order_dispatch(
    *, actor, order, to: Holder | None = None, comment: str = "", files=(), now=None
) -> WorkOrder:
    """Dispatch (派发) to ``to``, or to the holder the flow names for its dispatch step. From the
    centre (accepted, returned) the dispatcher becomes the peer, so the reply comes back to it;
    forwarding (转派) while processing keeps the original dispatcher as the peer."""

    def body(o: WorkOrder, now):
        target = to
        if target is None:
            spec = flows.dispatch_holder(o.flow.definition)
            target = holder_from_spec(spec, order=o) if spec else None
            if target is None:
                raise WorkOrderError(_("请选择派发对象"), code=WorkOrderErrorCode.HOLDER_REQUIRED)
        if o.state != WorkOrderState.PROCESSING:
            set_peer(o, holder_of(o))
        set_holder(o, target)
        if o.city_id is None and target.department is not None and target.department.city_id:
            # An order without a city (one that came from another province through the hub) takes
            # the city of the city team it goes to, so that team's own staff can see it (scope).
            o.city_id = target.department.city_id
        o.handler = None
        hours = flows.step_hours(o.flow.definition, Action.DISPATCH) or o.step_limit_hours
        start_step(o, now, hours)
        return Change(data={"to": target.ref}, notify=True)

    return perform(
        actor=actor, order=order, action=Action.DISPATCH, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_receive(*, actor, order, comment: str = "", files=(), now=None) -> WorkOrder:
    """Receive (接收): the holder takes the order into work; the actor becomes its handler."""

    def body(o, now):
        o.handler = actor
        return Change(data={"handler": actor.job_number})

    return perform(
        actor=actor, order=order, action=Action.RECEIVE, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_process(
    *, actor, order, comment: str = "", repair_status: str = "", files=(), now=None
) -> WorkOrder:
    """Process (处理): the centre works on the order itself, or the handler records progress —
    for fault reports the repair status (WO-8)."""

    def body(o, now):
        data = {}
        if o.handler_id is None or o.state != WorkOrderState.PROCESSING:
            o.handler = actor
        if repair_status:
            if repair_status not in RepairStatus:
                raise WorkOrderError(_("未知的修复进度"), code=ErrorCode.VALIDATION_FAILED)
            o.repair_status = repair_status
            data["repair_status"] = repair_status
        return Change(data=data)

    return perform(
        actor=actor, order=order, action=Action.PROCESS, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_reply(*, actor, order, comment: str = "", outcome: str = "", files=(), now=None) -> WorkOrder:
    """Reply (回复): the result goes back to the dispatcher (WO-2). A coordination order's reply has
    its effect (WO-9): an installation's ``outcome`` is recorded, a suspension changes the line."""

    def body(o, now):
        data = coordination.on_reply(o, actor=actor, outcome=outcome, now=now)
        o.result = comment
        if o.kind == WorkOrderKind.FAULT_REPORT and o.repair_status != RepairStatus.CUSTOMER_NOTIFIED:
            o.repair_status = RepairStatus.REPAIRED
        swap(o)
        end_step(o)
        return Change(data={**data, **results.on_reply(o, actor=actor)}, notify=True)

    return perform(
        actor=actor,
        order=order,
        action=Action.REPLY,
        guard=lambda: require(comment, WorkOrderErrorCode.COMMENT_REQUIRED, _("请填写处理结果")),
        comment=comment,
        files=files,
        body=body,
        now=now,
    )


@transaction.atomic
def order_feedback(
    *, actor, order, satisfaction: str = "", comment: str = "", method: str = "", files=(), now=None
) -> WorkOrder:
    """Customer feedback (客户反馈): the customer has been told the result — by the centre's
    callback, or directly by the city (which sends the order back to the centre to archive) — and
    their satisfaction is recorded. ``method`` defaults to the agreed one (WO-7)."""

    def guard():
        if satisfaction not in Satisfaction:
            raise WorkOrderError(_("请选择客户满意度"), code=WorkOrderErrorCode.SATISFACTION_REQUIRED)
        if method and method not in ContactMethod:
            raise WorkOrderError(_("未知的告知方式"), code=ErrorCode.VALIDATION_FAILED)

    def body(o, now):
        coordination.require_decided(o)
        direct = o.state == WorkOrderState.PROCESSING
        o.satisfaction = satisfaction
        if direct:
            if comment:
                o.result = comment
            swap(o)
        if o.kind == WorkOrderKind.FAULT_REPORT:
            o.repair_status = RepairStatus.CUSTOMER_NOTIFIED
        end_step(o)
        used = method or o.contact_method or ContactMethod.PHONE
        told = results.on_feedback(o, actor=actor, method=used, satisfaction=satisfaction)  # WO-7
        return Change(
            data={"satisfaction": satisfaction, "method": used, "direct": direct, **told}, notify=direct
        )

    return perform(
        actor=actor,
        order=order,
        action=Action.FEEDBACK,
        comment=comment,
        files=files,
        body=body,
        guard=guard,
        now=now,
    )


@transaction.atomic
def order_archive(
    *,
    actor,
    order,
    responsibility_cause=None,
    responsible_department=None,
    comment: str = "",
    files=(),
    now=None,
) -> WorkOrder:
    """Archive (归档): close for good. A complaint needs its responsibility cause and responsible
    department (SR-4); a flow with a feedback step needs the customer's feedback first; an order
    the customer is dissatisfied with is reprocessed, unless a supervisor archives it."""

    def body(o, now):
        coordination.require_decided(o)
        if o.state == WorkOrderState.REPLIED and Action.FEEDBACK in o.flow.step_actions:
            raise WorkOrderError(_("请先完成客户反馈"), code=WorkOrderErrorCode.FEEDBACK_REQUIRED, status=409)
        if o.satisfaction == Satisfaction.DISSATISFIED and actor.role != Role.SUPERVISOR:
            raise WorkOrderError(
                _("客户不满意, 请再处理或由班长归档"),
                code=WorkOrderErrorCode.CUSTOMER_DISSATISFIED,
                status=409,
            )
        if responsibility_cause is not None:
            o.responsibility_cause = responsibility_cause
        if responsible_department is not None:
            if responsible_department.kind != DepartmentKind.RESPONSIBLE:
                raise WorkOrderError(_("只能选择责任部门"), code=ErrorCode.VALIDATION_FAILED)
            o.responsible_department = responsible_department
        if (
            o.responsible_department_id is None
            and o.responsibility_cause_id
            and o.responsibility_cause.default_department_id
        ):
            o.responsible_department_id = o.responsibility_cause.default_department_id
        if o.needs_archive_data():
            raise WorkOrderError(
                _("投诉归档须填写责任原因和责任部门"), code=WorkOrderErrorCode.ARCHIVE_DATA_REQUIRED
            )
        told = results.on_archive(o, actor=actor, has_feedback_step=Action.FEEDBACK in o.flow.step_actions)
        return Change(
            data={
                "responsibility_cause": o.responsibility_cause.code if o.responsibility_cause_id else "",
                "responsible_department": o.responsible_department.code
                if o.responsible_department_id
                else "",
                **told,
            }
        )

    return perform(
        actor=actor, order=order, action=Action.ARCHIVE, comment=comment, files=files, body=body, now=now
    )


@transaction.atomic
def order_reprocess(*, actor, order, reason: str = "", files=(), now=None) -> WorkOrder:
    """Reprocess (再处理): reject the result and send the order back to whoever replied."""

    def body(o, now):
        swap(o)
        o.handler = None
        o.satisfaction = ""
        o.rounds += 1
        hours = flows.step_hours(o.flow.definition, Action.DISPATCH) or o.step_limit_hours
        start_step(o, now, hours)
        return Change(data={"round": o.rounds}, notify=True)

    return perform(
        actor=actor,
        order=order,
        action=Action.REPROCESS,
        guard=lambda: require(reason, WorkOrderErrorCode.REASON_REQUIRED, _("请填写再处理原因")),
        comment=reason,
        files=files,
        body=body,
        now=now,
    )


@transaction.atomic
def order_return(*, actor, order, reason: str = "", files=(), now=None) -> WorkOrder:
    """Return (退回): the receiving side refuses the order (not theirs, incomplete, wrong) with a
    reason; it goes back to the dispatcher."""

    def body(o, now):
        swap(o)
        o.handler = None
        end_step(o)
        return Change(notify=True)

    return perform(
        actor=actor,
        order=order,
        action=Action.RETURN,
        guard=lambda: require(reason, WorkOrderErrorCode.REASON_REQUIRED, _("请填写退回原因")),
        comment=reason,
        files=files,
        body=body,
        now=now,
    )


@transaction.atomic
def order_query(*, actor, order, comment: str = "", now=None) -> WorkOrder:
    """Query (查询): ask for the order's state; recorded (and carried to the other nodes)."""
    return perform(actor=actor, order=order, action=Action.QUERY, comment=comment, now=now)


@transaction.atomic
def order_urge(*, actor, order, comment: str = "", now=None, system: bool = False) -> WorkOrder:
    """Urge (催办) the holder of a late or raised order; the sweep urges with ``system=True``."""

    def body(o, now):
        o.urge_count += 1
        o.last_urged_at = now
        return Change(data={"urge_count": o.urge_count, "auto": system}, notify=True)

    return perform(
        actor=actor, order=order, action=Action.URGE, comment=comment, body=body, now=now, system=system
    )


@transaction.atomic
def order_comment(*, actor, order, comment: str = "", files=(), now=None) -> WorkOrder:
    """Interim comment (中途意见): either side adds information after dispatch or after reply."""

    def body(o, now):
        return Change(notify=True)

    return perform(
        actor=actor,
        order=order,
        action=Action.COMMENT,
        guard=lambda: require(comment, WorkOrderErrorCode.COMMENT_REQUIRED, _("请填写意见")),
        comment=comment,
        files=files,
        body=body,
        now=now,
    )


@transaction.atomic
def order_cancel(*, actor, order, reason: str = "", now=None) -> WorkOrder:
    """Cancel (撤销) an order accepted by mistake or withdrawn by the customer, with a reason."""
    return perform(
        actor=actor,
        order=order,
        action=Action.CANCEL,
        guard=lambda: require(reason, WorkOrderErrorCode.REASON_REQUIRED, _("请填写撤销原因")),
        comment=reason,
        now=now,
    )


@transaction.atomic
def order_pause(*, actor, order, reason: str = "", now=None) -> WorkOrder:
    """Pause the clock while waiting for the customer (WO-5), with an audited reason."""

    def body(o, now):
        if o.is_paused:
            raise WorkOrderError(_("计时已暂停"), code=WorkOrderErrorCode.CLOCK_ALREADY_PAUSED, status=409)
        o.paused_at = now
        o.pause_reason = reason
        return Change(data={"reason": reason})

    return perform(
        actor=actor,
        order=order,
        action=Action.PAUSE,
        guard=lambda: require(reason, WorkOrderErrorCode.REASON_REQUIRED, _("请填写暂停计时原因")),
        comment=reason,
        body=body,
        now=now,
    )


@transaction.atomic
def order_resume(*, actor, order, comment: str = "", now=None) -> WorkOrder:
    """Resume the clock; the deadlines move by the business time spent paused."""

    def body(o, now):
        if not o.is_paused:
            raise WorkOrderError(_("计时未暂停"), code=WorkOrderErrorCode.CLOCK_NOT_PAUSED, status=409)
        return Change(data={"paused_seconds": resume_clock(o, now)})

    return perform(actor=actor, order=order, action=Action.RESUME, comment=comment, body=body, now=now)


@transaction.atomic
def order_attach(*, actor, order, files: Sequence, comment: str = "", now=None) -> WorkOrder:
    """Attach files to an open order (WO-6); they are stored outside the database."""

    def guard():
        if not files:
            raise WorkOrderError(_("请选择文件"), code=WorkOrderErrorCode.ATTACHMENT_MISSING)

    return perform(
        actor=actor, order=order, action=Action.ATTACH, comment=comment, files=files, guard=guard, now=now
    )


@transaction.atomic
def order_link_oa(*, actor, order, oa_reference: str, oa_url: str = "", now=None) -> WorkOrder:
    """Link the order to the office (OA) system for supervision across departments (WO-10)."""
    now = now or timezone.now()
    locked = lock(order)
    check_scope(locked, actor)
    if actor.role not in transitions.OA_LINK_ROLES:
        raise ActionNotPermitted(_("您的角色不能关联OA"))
    before = {"oa_reference": locked.oa_reference, "oa_url": locked.oa_url}
    locked.oa_reference, locked.oa_url = oa_reference, oa_url
    order_event_record(
        locked,
        action=SystemEvent.OA_LINK,
        actor=actor,
        now=now,
        data={"oa_reference": oa_reference, "oa_url": oa_url},
        changes={"before": before},
    )
    return locked
