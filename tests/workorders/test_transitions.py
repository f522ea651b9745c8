"""WO-4: walk every (state, action) pair of the transition table, allowed and forbidden."""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict

from kefu.core.models import AuditEvent, OutboxMessage
from kefu.workorders import services, transitions
from kefu.workorders.choices import Action
from kefu.workorders.choices import WorkOrderState as S
from kefu.workorders.errors import InvalidTransition
from kefu.workorders.models import Attachment, WorkOrder, WorkOrderEvent
from tests.workorders.conftest import PATHS, perform

PAIRS = [(state, action) for state in transitions.STATES for action in transitions.ACTIONS]
ALLOWED = [p for p in PAIRS if transitions.rule_for(*p) is not None]
FORBIDDEN = [p for p in PAIRS if transitions.rule_for(*p) is None]


def _snapshot(order: WorkOrder) -> tuple:
    order.refresh_from_db()
    return (
        json.dumps(model_to_dict(order), default=str, sort_keys=True),
        WorkOrderEvent.objects.count(),
        OutboxMessage.objects.count(),
        AuditEvent.objects.count(),
        Attachment.objects.count(),
    )


def test_the_table_covers_both_sides():
    """WO-4: the walk below is exhaustive — every state times every action is either allowed or forbidden."""
    assert len(PAIRS) == len(transitions.STATES) * len(transitions.ACTIONS) == 9 * 16
    assert len(ALLOWED) + len(FORBIDDEN) == len(PAIRS)
    assert set(PATHS) == set(transitions.STATES)


@pytest.mark.parametrize(("state", "action"), ALLOWED, ids=[f"{s}-{a}" for s, a in ALLOWED])
def test_allowed_pair_moves_the_order(state, action, reach, drive, staff, cause, resp_department):
    """WO-4: an allowed action moves the order to the table's target and appends one event."""
    order = reach(state)
    if action == Action.RESUME:
        order = drive(order, Action.PAUSE)
    events_before = WorkOrderEvent.objects.filter(order=order).count()
    rule = transitions.rule_for(state, action)
    if (state, action) == (S.REPLIED, Action.ARCHIVE):
        # the complaint flow has a feedback step: the table allows it, the flow needs feedback first
        from kefu.workorders.errors import WorkOrderError

        with pytest.raises(WorkOrderError) as refused:
            perform(order, action, staff=staff, cause=cause, department=resp_department)
        assert refused.value.code == "feedback_required"
        return

    after = perform(order, action, staff=staff, cause=cause, department=resp_department)

    after.refresh_from_db()
    assert after.state == rule.target
    event = WorkOrderEvent.objects.filter(order=order).order_by("-seq").first()
    assert WorkOrderEvent.objects.filter(order=order).count() == events_before + 1
    assert (event.action, event.state_before, event.state_after) == (action, state, rule.target)
    assert event.seq == after.event_seq


@pytest.mark.parametrize(("state", "action"), FORBIDDEN, ids=[f"{s}-{a}" for s, a in FORBIDDEN])
def test_forbidden_pair_changes_nothing(state, action, reach, staff, cause, resp_department):
    """WO-4: a forbidden action raises invalid_transition and leaves the order, its events, the outbox
    and the audit log exactly as they were."""
    order = reach(state)
    before = _snapshot(order)

    with pytest.raises(InvalidTransition) as refused:
        perform(order, action, staff=staff, cause=cause, department=resp_department, actor=staff.supervisor)

    assert refused.value.code == "invalid_transition"
    assert refused.value.status == 409
    assert _snapshot(order) == before


def test_archive_straight_after_reply_in_a_flow_without_feedback(staff, subscriber, drive):
    """WO-9: the information sync flow has no feedback step, so the centre archives straight after
    its reply."""
    order = services.order_accept(
        actor=staff.city,
        data=services.OrderInput(
            kind="business_handling",
            subscriber=subscriber,
            flow_code="info_sync",
            coordination={"info_sync": {"topic": "outlet_change"}},
        ),
    ).order
    order = drive(order, "process", "reply", "archive")
    assert order.state == S.ARCHIVED
