"""Time left to an order's deadline, as every queue shows it (WO-5, WO-6): one rule, one colour scale.

The share left is measured against the order's time limit in the limit's own time: an order counted
in working hours (not 7x24) has the business time left to its deadline (``order_due_at``) on its
province's calendar, out of ``time_limit_hours``; a 7x24 order the wall-clock time left out of its
limit; an order without a limit in hours the wall-clock time left out of its span from acceptance to
deadline. So an order accepted on Friday evening with eight working hours is not "nearly late" on
Monday morning. The deadline already holds every pause (the engine moves it when a pause ends); a
paused order's clock stands still at the moment it was paused. Once overdue, how long is told in
wall-clock time.

Thresholds (the issue asks for green / amber / red):

* ``ok`` (green) — more than half of the limit left (``AMBER_AT``);
* ``amber`` — half or less left;
* ``red`` — a tenth or less left (``RED_AT``), past the deadline, or flagged overdue by the sweep.

An order without a deadline, or closed, has no colour (``none``). Templates show it with the
``{% time_left order %}`` tag of ``kefu.desk``; tests and selectors call :func:`time_left`. The
business calendar is read through ``calendar.calendar_for`` (cached a minute per process).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.workorders import calendar as business_calendar

AMBER_AT = 0.5  # share of the span left at or below which an order turns amber
RED_AT = 0.1  # share left at or below which it turns red (and always once overdue)

OK, AMBER, RED, NONE = "ok", "amber", "red", "none"


@dataclass(frozen=True)
class TimeLeft:
    """How long an order has left: ``seconds`` to the deadline in the limit's time (working seconds
    for an order counted in working hours; wall-clock seconds, negative, once past it), the
    ``share`` of its limit left (0..1, None without a deadline), the colour ``level``, whether its
    clock is ``paused`` and whether it is ``overdue`` (past the deadline or flagged by the sweep)."""

    level: str
    seconds: int | None = None
    share: float | None = None
    paused: bool = False
    overdue: bool = False

    @property
    def css_class(self) -> str:
        return f"tl-{self.level}"

    @property
    def label(self) -> str:
        """剩余 3小时20分 / 已超时 2天4小时 / 暂停计时 · 剩余 … / — (no deadline)."""
        if self.seconds is None:
            return "—"
        if self.overdue and self.seconds > 0:
            text = _("已超时")  # flagged by the sweep, then the deadline moved (a pause ended)
        elif self.overdue:
            text = _("已超时 %(d)s") % {"d": duration_label(-self.seconds)}
        else:
            text = _("剩余 %(d)s") % {"d": duration_label(self.seconds)}
        return _("暂停计时 · %(t)s") % {"t": text} if self.paused else text


def duration_label(seconds: float) -> str:
    """A duration for people: 2天4小时, 3小时20分, 12分, 不足1分."""
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分") % {"h": hours, "m": minutes}
    return _("%(m)d分") % {"m": minutes} if minutes else _("不足1分")


def level_for(share: float, *, overdue: bool = False) -> str:
    """The colour of an order with ``share`` of its span left (the thresholds above)."""
    if overdue or share <= RED_AT:
        return RED
    if share <= AMBER_AT:
        return AMBER
    return OK


def between(start: datetime | None, due: datetime, now: datetime | None = None, **state) -> TimeLeft:
    """The time left from ``now`` to ``due`` on the span that began at ``start`` (no query): the one
    rule behind every queue's colour, the province's orders and the second lines' copies alike.
    ``state`` may say the clock is ``paused_at`` a moment, or that the order is flagged ``overdue``."""
    paused_at = state.get("paused_at")
    reference = paused_at or now or timezone.now()
    seconds = int((due - reference).total_seconds())
    span = (due - start).total_seconds() if start is not None else 0
    share = max(0.0, min(1.0, seconds / span)) if span > 0 else (1.0 if seconds > 0 else 0.0)
    overdue = bool(state.get("overdue")) or seconds <= 0
    return TimeLeft(level_for(share, overdue=overdue), seconds, share, paused_at is not None, overdue)


def time_left(order, now: datetime | None = None) -> TimeLeft:
    """The time ``order`` has left to its order deadline (no query but the calendar's, cached)."""
    due = order.order_due_at
    if due is None or not order.is_open:
        return TimeLeft(NONE)
    now = now or timezone.now()
    paused = order.paused_at is not None
    reference = order.paused_at if paused else now
    wall = int((due - reference).total_seconds())
    overdue = order.overdue_at is not None or wall <= 0
    if wall <= 0:
        return TimeLeft(RED, wall, 0.0, paused, True)
    limit = (order.time_limit_hours or 0) * 3600
    if limit and not order.round_the_clock:
        calendar = business_calendar.calendar_for(order.province_id, start=timezone.localdate(reference))
        left = business_calendar.business_seconds_between(reference, due, calendar)
    else:
        left = wall
        limit = limit or (due - order.accepted_at).total_seconds()
    share = max(0.0, min(1.0, left / limit)) if limit > 0 else 0.0
    return TimeLeft(level_for(share, overdue=overdue), left, share, paused, overdue)
