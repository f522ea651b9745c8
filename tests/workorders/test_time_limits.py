"""Time limits on a business calendar (WO-5, TIER-1), the clock pause, and the SLA sweep."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kefu.core.models import AuditEvent, OutboxMessage, Province
from kefu.workorders import calendar as business_calendar
from kefu.workorders import services, sla
from kefu.workorders.errors import WorkOrderError
from kefu.workorders.models import BusinessCalendar, Holiday, WorkOrder, WorkOrderEvent

CST = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CST)


@pytest.fixture
def js_calendar(db):
    js = Province.objects.get(code="JS")
    return lambda start: business_calendar.calendar_for(js.id, start=start.date())


# --- the calendar ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        ("2025-11-24 09:00", 2, "2025-11-24 11:00"),  # inside one working day
        ("2025-11-21 16:30", 2, "2025-11-24 09:30"),  # Friday evening → Monday morning
        ("2025-11-22 10:00", 1, "2025-11-24 09:30"),  # starting on a Saturday
        ("2025-11-24 07:00", 9, "2025-11-24 17:30"),  # before opening: the day's 9 hours
        ("2025-09-30 17:00", 1, "2025-10-09 09:00"),  # National Day holidays are skipped
        ("2025-10-10 17:00", 1, "2025-10-11 09:00"),  # Saturday 11 Oct is a make-up working day
        ("2026-02-13 17:00", 1, "2026-02-14 09:00"),  # 2026: Saturday 14 Feb is a make-up working day
        ("2026-02-14 17:00", 1, "2026-02-24 09:00"),  # 2026: the Spring Festival, 15–23 Feb
        ("2026-09-30 17:00", 1, "2026-10-08 09:00"),  # 2026: National Day, 1–7 Oct
        ("2026-10-09 17:00", 1, "2026-10-10 09:00"),  # 2026: Saturday 10 Oct is a make-up working day
    ],
)
def test_business_hours_skip_nights_weekends_and_holidays(start, hours, due, js_calendar):
    """WO-5: limits count working hours of working days; holidays and make-up days are honoured."""
    assert business_calendar.add_business_time(at(start), hours * 3600, js_calendar(at(start))) == at(due)


def test_round_the_clock_counts_every_hour(db):
    """WO-5: 24x7 categories count every hour."""
    start = at("2025-11-21 16:30")
    assert business_calendar.add_business_time(start, 2 * 3600, business_calendar.ROUND_THE_CLOCK) == at(
        "2025-11-21 18:30"
    )


def test_a_province_calendar_overrides_the_national_one(db, js_calendar):
    """WO-5: working hours and holidays are kept per province."""
    js = Province.objects.get(code="JS")
    BusinessCalendar.objects.create(
        province=js, work_start=dt.time(9, 0), work_end=dt.time(18, 0), workdays="123456"
    )
    Holiday.objects.create(province=js, date=dt.date(2025, 11, 24), name="省内假日")
    calendar = js_calendar(at("2025-11-21 17:30"))
    assert business_calendar.add_business_time(at("2025-11-21 17:30"), 3600, calendar) == at(
        "2025-11-22 09:30"
    )
    assert business_calendar.add_business_time(at("2025-11-22 17:30"), 3600, calendar) == at(
        "2025-11-25 09:30"
    )
    zj = business_calendar.calendar_for(Province.objects.get(code="ZJ").id, start=dt.date(2025, 11, 21))
    assert business_calendar.add_business_time(at("2025-11-21 17:00"), 3600, zj) == at("2025-11-24 09:00")


def test_business_seconds_between(js_calendar):
    """WO-5: the time spent between two moments counts working time only."""
    start = at("2025-11-21 17:00")
    assert (
        business_calendar.business_seconds_between(start, at("2025-11-24 09:30"), js_calendar(start))
        == 30 * 60 + 60 * 60
    )


# --- deadlines and the pause -----------------------------------------------------------------------


def test_order_and_step_deadlines(staff, subscriber, complaint_category):
    """WO-5: the order deadline counts the catalog's hours on the province calendar; dispatching
    starts a step with its own deadline."""
    start = at("2025-11-24 09:00")
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(kind="complaint", subscriber=subscriber, category=complaint_category),
        now=start,
    ).order
    assert order.round_the_clock is False
    expected = business_calendar.add_business_time(
        start,
        order.time_limit_hours * 3600,
        business_calendar.calendar_for(order.province_id, start=start.date()),
    )
    assert order.order_due_at == expected
    order = services.order_dispatch(actor=staff.back, order=order, now=start)
    assert order.step_started_at == start
    assert order.step_due_at == business_calendar.add_business_time(
        start,
        order.step_limit_hours * 3600,
        business_calendar.calendar_for(order.province_id, start=start.date()),
    )


def test_pause_moves_the_deadlines_by_the_time_waited(staff, subscriber, complaint_category, drive):
    """WO-5: while waiting for the customer the clock pauses, with an audited reason; resuming moves
    the deadlines by the business time waited."""
    start = at("2025-11-24 09:00")
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(kind="complaint", subscriber=subscriber, category=complaint_category),
        now=start,
    ).order
    order = services.order_dispatch(actor=staff.back, order=order, now=start)
    order = services.order_receive(actor=staff.city, order=order, now=start)
    due, step_due = order.order_due_at, order.step_due_at
    with pytest.raises(WorkOrderError) as refused:
        services.order_pause(actor=staff.city, order=order, reason="", now=start)
    assert refused.value.code == "reason_required"
    order = services.order_pause(
        actor=staff.city, order=order, reason="等待客户提供账单", now=at("2025-11-24 10:00")
    )
    assert (order.paused_at, order.pause_reason) == (at("2025-11-24 10:00"), "等待客户提供账单")
    with pytest.raises(WorkOrderError) as refused:
        services.order_pause(actor=staff.city, order=order, reason="again")
    assert refused.value.code == "clock_already_paused"
    order = services.order_resume(actor=staff.city, order=order, now=at("2025-11-24 13:00"))
    calendar = business_calendar.calendar_for(order.province_id, start=start.date())
    assert order.paused_seconds == 3 * 3600
    assert order.order_due_at == business_calendar.add_business_time(due, 3 * 3600, calendar)
    assert order.step_due_at == business_calendar.add_business_time(step_due, 3 * 3600, calendar)
    assert AuditEvent.objects.filter(action="workorders.pause").get().changes["seq"] == 4
    assert order.events.get(action="pause").comment == "等待客户提供账单"
    with pytest.raises(WorkOrderError) as refused:
        services.order_resume(actor=staff.city, order=order)
    assert refused.value.code == "clock_not_paused"


def test_moving_the_order_on_ends_the_pause(staff, subscriber, complaint_category):
    """WO-5: a reply while paused resumes the clock first."""
    start = at("2025-11-24 09:00")
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(kind="complaint", subscriber=subscriber, category=complaint_category),
        now=start,
    ).order
    order = services.order_dispatch(actor=staff.back, order=order, now=start)
    order = services.order_receive(actor=staff.city, order=order, now=start)
    order = services.order_pause(actor=staff.city, order=order, reason="等客户", now=start)
    order = services.order_reply(actor=staff.city, order=order, comment="好了", now=at("2025-11-24 10:00"))
    assert (order.paused_at, order.paused_seconds) == (None, 3600)
    assert order.events.get(action="reply").data["resumed_seconds"] == 3600


# --- the sweep -------------------------------------------------------------------------------------


@pytest.fixture
def late_order(staff, subscriber, complaint_category):
    """A complaint accepted 30 days ago and dispatched to Nanjing: past every deadline."""
    past = dt.datetime.now(CST) - dt.timedelta(days=30)
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(kind="complaint", subscriber=subscriber, category=complaint_category),
        now=past,
    ).order
    return services.order_dispatch(actor=staff.back, order=order, now=past)


def test_overdue_order_is_urged_and_escalated(late_order, staff, django_capture_on_commit_callbacks):
    """WO-5 (done-when): the sweep flags an overdue order, urges its holder and escalates it to the
    supervisor; each write goes to the outbox; the holder and the supervisor are told after commit."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = sla.sla_sweep()
    assert result.as_dict() == {
        "warned": 0,
        "step_overdue": 1,
        "overdue": 1,
        "resumed": 0,
        "resume_refused": 0,
        "failed": 0,
    }
    order = WorkOrder.objects.get(pk=late_order.pk)
    assert order.overdue_at is not None and order.step_overdue_at is not None
    assert (order.sla, order.escalated_to, order.urge_count) == ("overdue", staff.supervisor, 2)
    events = list(order.events.filter(seq__gt=2).values_list("action", "actor_job_number"))
    assert events == [("urge", "system"), ("escalate", "system"), ("urge", "system")]
    assert order.events.get(action="escalate").data == {"to": [staff.supervisor.job_number]}
    topics = list(OutboxMessage.objects.filter(payload__number=order.number).values_list("topic", flat=True))
    assert topics == [
        "workorder.accepted",
        "workorder.dispatched",
        "workorder.urged",
        "workorder.escalated",
        "workorder.urged",
    ]
    assert len(callbacks) == 3  # urge → city team, escalate → supervisor, urge → city team


def test_the_sweep_is_idempotent(late_order):
    """WO-5: a second pass (or a second worker) finds nothing left to do."""
    sla.sla_sweep()
    events = WorkOrderEvent.objects.count()
    outbox = OutboxMessage.objects.count()
    assert sla.sla_sweep().as_dict() == {
        "warned": 0,
        "step_overdue": 0,
        "overdue": 0,
        "resumed": 0,
        "resume_refused": 0,
        "failed": 0,
    }
    assert (WorkOrderEvent.objects.count(), OutboxMessage.objects.count()) == (events, outbox)


def test_two_workers_claim_an_order_once(late_order):
    """WO-5: the claim is a conditional UPDATE, so concurrent sweeps escalate an order exactly once."""
    now = dt.datetime.now(CST)
    assert services.order_sla_overdue(order_id=late_order.pk, now=now) is True
    assert services.order_sla_overdue(order_id=late_order.pk, now=now) is False
    assert WorkOrderEvent.objects.filter(order=late_order, action="escalate").count() == 1


def test_close_to_the_deadline_is_warned(staff, subscriber, complaint_category, settings):
    """WO-5: an order within the warning window is flagged "near" and its holder told."""
    settings.KEFU_WORKORDER_WARN_MINUTES = 60 * 24 * 30
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(kind="complaint", subscriber=subscriber, category=complaint_category),
    ).order
    assert sla.sla_sweep().warned == 1
    order.refresh_from_db()
    assert (order.sla, order.overdue_at) == ("near", None)
    assert order.events.last().action == "warn"


def test_the_warning_writes_event_outbox_audit_and_tells_the_holder(
    staff, subscriber, complaint_category, settings, django_capture_on_commit_callbacks
):
    """WO-5, SYS-2: the near-deadline warning leaves what every other write leaves — its event, its
    outbox message, an audit row (by the system, with the SLA level it set) and one notification."""
    settings.KEFU_WORKORDER_WARN_MINUTES = 60 * 24 * 30
    order = services.order_accept(
        actor=staff.agent,
        data=services.OrderInput(kind="complaint", subscriber=subscriber, category=complaint_category),
    ).order
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.order_sla_warn(order_id=order.pk, now=dt.datetime.now(CST)) is True
    assert len(callbacks) == 1
    event = order.events.get(action="warn")
    assert (event.seq, event.actor_job_number) == (2, "system")
    assert OutboxMessage.objects.filter(topic="workorder.warned", payload__number=order.number).count() == 1
    [audited] = AuditEvent.objects.filter(action="workorders.warn", object_id=str(order.pk))
    assert audited.actor_id is None
    assert audited.changes["sla"] == ["on_time", "near"]
    assert services.order_sla_warn(order_id=order.pk, now=dt.datetime.now(CST)) is False
    assert AuditEvent.objects.filter(action="workorders.warn", object_id=str(order.pk)).count() == 1


def test_paused_orders_are_left_alone(late_order, staff):
    """WO-5: while the clock is paused the sweep does not count the order late."""
    order = services.order_receive(actor=staff.city, order=late_order)
    services.order_pause(actor=staff.city, order=order, reason="等待客户")
    assert sla.sla_sweep().as_dict() == {
        "warned": 0,
        "step_overdue": 0,
        "overdue": 0,
        "resumed": 0,
        "resume_refused": 0,
        "failed": 0,
    }


def test_the_sweep_runs_under_celery_beat(late_order, settings):
    """WO-5: beat schedules the sweep every minute; the task is a thin wrapper of the service."""
    from kefu.workorders import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["workorders-sla-sweep"]
    assert (entry["task"], entry["schedule"]) == ("workorders.sla_sweep", 60.0)
    assert tasks.sla_sweep.name == "workorders.sla_sweep"
    assert tasks.sla_sweep.run() == {
        "warned": 0,
        "step_overdue": 1,
        "overdue": 1,
        "resumed": 0,
        "resume_refused": 0,
        "failed": 0,
    }
