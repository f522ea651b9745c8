"""WO-9: a suspension's period ends and the periodic sweep resumes the line through the billing port —
once, audited, with an event on the order; a billing refusal is recorded and retried at the next
sweep."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from kefu.core.models import AuditEvent
from kefu.customers.models import Subscriber
from kefu.ports.billing import get_billing
from kefu.workorders import services, sla
from kefu.workorders.actions import ACTIONS
from kefu.workorders.models import CoordinationDetail, WorkOrderEvent

START = date(2026, 3, 2)
END = date(2026, 3, 9)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def line_status(number: str) -> str:
    return get_billing().subscriber(number).status


@pytest.fixture
def suspended(staff, subscriber):
    """A suspension order for 2026-03-02..09, replied by the city: the line is suspended."""

    def make(period_end: date | None = END):
        data = {"line_action": "suspend", "reason": "客户出国", "period_start": START.isoformat()}
        if period_end is not None:
            data["period_end"] = period_end.isoformat()
        order = services.order_accept(
            actor=staff.agent,
            data=services.OrderInput(
                kind="business_handling",
                subscriber=subscriber,
                flow_code="suspension",
                coordination={"suspension": data},
            ),
        ).order
        for action, actor in (("dispatch", staff.back), ("receive", staff.city), ("reply", staff.city)):
            order = ACTIONS[action].perform(actor=actor, order=order.number, data={"comment": "已停机"})
        assert line_status(subscriber.number) == "suspended"
        return order

    return make


def resume_events(order) -> list[WorkOrderEvent]:
    return list(order.events.filter(action="line_resume").order_by("seq"))


def test_the_sweep_resumes_the_line_once_when_the_period_has_ended(suspended, subscriber):
    """WO-9: on the period's last day the line stays suspended; the first sweep after it resumes the
    line through billing (audited with the order's reference), records a line_resume event on the
    order and the time on its coordination data; a second sweep does nothing more."""
    order = suspended()

    on_last_day = sla.sla_sweep(now=at(END, 23))
    assert on_last_day.resumed == 0
    assert line_status(subscriber.number) == "suspended"

    first = sla.sla_sweep(now=at(END + timedelta(days=1), 0))
    again = sla.sla_sweep(now=at(END + timedelta(days=2)))

    assert (first.resumed, again.resumed, again.resume_refused) == (1, 0, 0)
    assert line_status(subscriber.number) == "active"
    detail = CoordinationDetail.objects.get(order=order)
    assert detail.resumed_at == at(END + timedelta(days=1), 0)
    assert (detail.line_state_after, detail.resume_attempts, detail.resume_error) == ("active", 1, "")
    [event] = resume_events(order)
    assert event.data["line_state"] == ["suspended", "active"]
    assert event.actor_job_number == "system"
    billing_audit = AuditEvent.objects.filter(action="customers.subscriber.set_line_state").order_by("id")
    assert [a.changes["status"] for a in billing_audit] == [["active", "suspended"], ["suspended", "active"]]
    assert billing_audit.last().changes["reference"] == f"{order.number}:resume"
    assert AuditEvent.objects.filter(action="workorders.line_resume").count() == 1


def test_a_billing_refusal_is_recorded_and_retried_at_the_next_sweep(suspended, subscriber):
    """WO-9: when billing refuses to resume (a line closed meanwhile: line_state_conflict) nothing
    changes on the line, the refusal is kept on the order's data and recorded once as an event —
    not again at every retry with the same reason — and the next sweep after billing can act resumes
    the line; nothing is lost."""
    order = suspended()
    Subscriber.objects.filter(pk=subscriber.pk).update(status="closed")
    day = END + timedelta(days=1)

    refused = [sla.sla_sweep(now=at(day, hour)) for hour in (1, 2)]

    assert [r.resume_refused for r in refused] == [1, 1]
    assert line_status(subscriber.number) == "closed"
    detail = CoordinationDetail.objects.get(order=order)
    assert (detail.resumed_at, detail.resume_attempts) == (None, 2)
    assert detail.resume_error.startswith("line_state_conflict")
    [refusal] = resume_events(order)
    assert (refusal.data["refused"], refusal.data["attempt"]) == ("line_state_conflict", 1)

    Subscriber.objects.filter(pk=subscriber.pk).update(status="suspended")  # billing straightens it out
    retried = sla.sla_sweep(now=at(day, 3))

    assert (retried.resumed, retried.resume_refused) == (1, 0)
    assert line_status(subscriber.number) == "active"
    detail.refresh_from_db()
    assert (detail.resumed_at, detail.resume_attempts, detail.resume_error) == (at(day, 3), 3, "")
    assert [e.data.get("refused") for e in resume_events(order)] == ["line_state_conflict", None]


def test_a_line_already_active_is_marked_done_without_a_billing_change(suspended, subscriber):
    """WO-9: a line resumed by other means before the period ended is not resumed twice: the sweep
    records it as done (active → active) and asks billing for no change."""
    order = suspended()
    Subscriber.objects.filter(pk=subscriber.pk).update(status="active")

    result = sla.sla_sweep(now=at(END + timedelta(days=3)))

    assert result.resumed == 1
    assert AuditEvent.objects.filter(action="customers.subscriber.set_line_state").count() == 1  # the suspend
    assert resume_events(order)[0].data["line_state"] == ["active", "active"]
    assert CoordinationDetail.objects.get(order=order).resumed_at is not None


def test_open_ended_and_unapplied_suspensions_are_left_alone(suspended, staff, subscriber):
    """WO-9: a suspension with no end date stays suspended, and one not yet carried out (no reply:
    billing never suspended the line) has nothing to resume."""
    open_ended = suspended(period_end=None)
    Subscriber.objects.filter(pk=subscriber.pk).update(status="active")
    pending = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(
            kind="business_handling",
            subscriber=subscriber,
            flow_code="suspension",
            coordination={
                "suspension": {
                    "line_action": "suspend",
                    "reason": "客户出国",
                    "period_start": START.isoformat(),
                    "period_end": END.isoformat(),
                }
            },
        ),
    ).order

    result = sla.sla_sweep(now=at(END + timedelta(days=30)))

    assert (result.resumed, result.resume_refused) == (0, 0)
    assert resume_events(open_ended) == [] and resume_events(pending) == []
    assert not CoordinationDetail.objects.filter(resumed_at__isnull=False).exists()


def test_the_order_page_shows_the_resume_or_the_refusal(suspended, subscriber, staff, client):
    """WO-9: the order page shows billing's refusal to resume while it lasts, then when the line was
    resumed at the end of the period."""
    order = suspended()
    Subscriber.objects.filter(pk=subscriber.pk).update(status="closed")
    sla.sla_sweep(now=at(END + timedelta(days=1)))
    client.force_login(staff.back)

    refused = client.get(f"/workorders/{order.number}/").content.decode()
    shown = refused.split('data-testid="period-end-resume"', 1)[1][:400]
    assert "line_state_conflict" in shown

    Subscriber.objects.filter(pk=subscriber.pk).update(status="suspended")
    sla.sla_sweep(now=at(END + timedelta(days=2)))
    resumed = client.get(f"/workorders/{order.number}/").content.decode()
    shown = resumed.split('data-testid="period-end-resume"', 1)[1][:400]
    assert "line_state_conflict" not in shown and "2026" in shown


def test_billing_out_of_reach_loses_nothing(suspended, subscriber, monkeypatch):
    """WO-9: when the billing adapter cannot be reached (an error that is no refusal) the pass
    counts a failure, writes nothing on the order and leaves the line suspended; the next pass
    resumes it."""
    order = suspended()
    billing = type(get_billing())

    def unreachable(self, *args, **kwargs):
        raise ConnectionError("billing down")

    with monkeypatch.context() as patched:
        patched.setattr(billing, "set_line_state", unreachable)
        down = sla.sla_sweep(now=at(END + timedelta(days=1)))

    assert (down.resumed, down.resume_refused, down.failed) == (0, 0, 1)
    assert line_status(subscriber.number) == "suspended"
    assert resume_events(order) == []
    assert CoordinationDetail.objects.get(order=order).resume_attempts == 0

    back = sla.sla_sweep(now=at(END + timedelta(days=1), 11))
    assert (back.resumed, back.failed) == (1, 0)
    assert line_status(subscriber.number) == "active"
