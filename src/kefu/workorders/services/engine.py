"""The action core (WO-4): the one path every action takes — lock the order, check scope, table,
role, holder and flow, let the action's body change the order, set the state the table names, and
record the step (:func:`kefu.workorders.services.events.order_event_record`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.choices import Role
from kefu.core.errors import NotFoundError
from kefu.workorders import flows, transitions
from kefu.workorders.choices import Action, WorkOrderState
from kefu.workorders.errors import ActionNotPermitted, InvalidTransition, WorkOrderError, WorkOrderErrorCode
from kefu.workorders.models import WorkOrder
from kefu.workorders.services.clock import end_step, resume_clock
from kefu.workorders.services.events import order_event_record
from kefu.workorders.services.holders import holder_of
from kefu.workorders.services.rows import lock


@dataclass
class Change:
    """What an action's body reports back to the engine."""

    data: dict = field(default_factory=dict)
    notify: bool = False  # tell the (new) holder after commit


def check_scope(order: WorkOrder, actor) -> None:
    """The order must lie in the actor's data scope (``scope.admits``: the rule, no query)."""
    if not scope.admits(order, actor):
        raise NotFoundError(_("工单 %(n)s 不存在") % {"n": order.number})


def check_action(order: WorkOrder, action: str, actor, *, system: bool = False) -> transitions.Rule:
    """Raise unless ``actor`` may perform ``action`` on ``order`` now: the table, then the role,
    then the holder, then the flow. Returns the rule. Reads nothing from the database."""
    rule = transitions.rule_for(order.state, action)
    if rule is None:
        raise InvalidTransition(
            _("工单状态为“%(s)s”, 不能执行“%(a)s”")
            % {"s": WorkOrderState.label(order.state), "a": Action.label(action)},
            state=order.state,
            action=action,
        )
    if not system:
        if actor.role not in rule.roles:
            raise ActionNotPermitted(_("您的角色不能执行“%(a)s”") % {"a": Action.label(action)})
        creator = rule.who == transitions.HOLDER_OR_CREATOR and order.created_by_id == actor.pk
        if (
            rule.who != transitions.ANYONE
            and actor.role != Role.SUPERVISOR
            and not creator
            and not order.is_held_by(actor)
        ):
            raise ActionNotPermitted(
                _("工单当前由“%(h)s”处理, 您不能执行“%(a)s”")
                % {"h": order.holder_label, "a": Action.label(action)},
                code=WorkOrderErrorCode.NOT_HOLDER,
            )
    if action in Action.STEPS and action not in flows.allowed_step_actions(order.flow.definition):
        raise WorkOrderError(
            _("流程“%(f)s”不包含“%(a)s”环节") % {"f": order.flow.name, "a": Action.label(action)},
            code=WorkOrderErrorCode.ACTION_NOT_IN_FLOW,
            status=409,
        )
    return rule


def perform(
    *,
    actor,
    order: WorkOrder | str,
    action: str,
    comment: str = "",
    files: Sequence = (),
    body: Callable[[WorkOrder, datetime], Change | None] | None = None,
    guard: Callable[[], None] | None = None,
    now: datetime | None = None,
    system: bool = False,
) -> WorkOrder:
    """The one path every action takes (called inside ``transaction.atomic``). ``guard`` checks the
    action's own input (a required reason, …) after scope, table, role, holder and flow, so an order
    out of scope is a 404 and a forbidden action a 409 whatever the input."""
    now = now or timezone.now()
    locked = lock(order)
    if not system:
        check_scope(locked, actor)
    rule = check_action(locked, action, actor, system=system)
    if guard is not None:
        guard()
    before_state, before_holder = locked.state, holder_of(locked).ref
    data: dict = {}
    if locked.is_paused and action in Action.STEPS:
        # WO-5: moving the order on ends the wait for the customer
        data["resumed_seconds"] = resume_clock(locked, now)
    change = body(locked, now) if body else None
    if change is not None:
        data.update(change.data)
    locked.state = rule.target
    if rule.target in WorkOrderState.TERMINAL:
        locked.closed_at = now
        end_step(locked)
    if files:
        data["files"] = len(files)
    order_event_record(
        locked,
        action=action,
        actor=actor,
        now=now,
        comment=comment,
        before_state=before_state,
        before_holder=before_holder,
        data=data,
        files=files,
        notify=change is not None and change.notify,
    )
    return locked


def require(value: str | None, code: str, message: str) -> None:
    """Refuse an action whose required text (a result, a comment, a reason) is blank."""
    if not (value or "").strip():
        raise WorkOrderError(message, code=code)
