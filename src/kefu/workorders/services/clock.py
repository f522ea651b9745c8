"""The order's clock (WO-5, TIER-1): step deadlines on the province's business calendar, and the
deadlines pushed back by the business time an order spent paused."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from kefu.workorders import calendar as business_calendar
from kefu.workorders.models import WorkOrder


def calendar_of(order: WorkOrder, at: datetime) -> business_calendar.Calendar:
    return business_calendar.calendar_for(
        order.province_id, start=timezone.localdate(at), round_the_clock=order.round_the_clock
    )


def start_step(order: WorkOrder, now: datetime, hours: int | None) -> None:
    order.step_started_at = now
    order.step_overdue_at = None
    order.step_due_at = None
    if hours:
        order.step_due_at = business_calendar.add_business_time(now, hours * 3600, calendar_of(order, now))


def end_step(order: WorkOrder) -> None:
    order.step_started_at = None
    order.step_due_at = None
    order.step_overdue_at = None


def resume_clock(order: WorkOrder, now: datetime) -> int:
    """Push the deadlines by the business time spent paused; return the paused seconds."""
    calendar = calendar_of(order, order.paused_at)
    seconds = business_calendar.business_seconds_between(order.paused_at, now, calendar)
    if order.order_due_at is not None:
        order.order_due_at = business_calendar.add_business_time(order.order_due_at, seconds, calendar)
    if order.step_due_at is not None:
        order.step_due_at = business_calendar.add_business_time(order.step_due_at, seconds, calendar)
    order.paused_seconds += seconds
    order.paused_at = None
    order.pause_reason = ""
    return seconds
