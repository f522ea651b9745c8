"""Business-time arithmetic for time limits (WO-5): working hours and holidays per province.

Time limits in hours are counted either round the clock (24x7 categories) or only inside working
hours on working days of the order's province. A day is a working day when it is one of the
calendar's weekdays and no holiday, or when it is a make-up working day (调休). The national
calendar applies where a province has none; built-in hours (08:30–17:30, Monday–Friday) apply when
no calendar exists at all.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from kefu.workorders.models import BusinessCalendar, Holiday

# Furthest a deadline is searched for: beyond this the limit is counted round the clock.
HORIZON_DAYS = 400


@dataclass
class Calendar:
    work_start: dt.time = dt.time(8, 30)
    work_end: dt.time = dt.time(17, 30)
    workdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    days_off: set[dt.date] = field(default_factory=set)
    extra_workdays: set[dt.date] = field(default_factory=set)
    round_the_clock: bool = False

    def is_workday(self, day: dt.date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.isoweekday() in self.workdays and day not in self.days_off

    def window(self, day: dt.date, tz) -> tuple[dt.datetime, dt.datetime] | None:
        if not self.is_workday(day):
            return None
        start = dt.datetime.combine(day, self.work_start, tzinfo=tz)
        end = dt.datetime.combine(day, self.work_end, tzinfo=tz)
        return start, end


ROUND_THE_CLOCK = Calendar(round_the_clock=True)


# Calendars change rarely (an administrator adds next year's holidays); each process keeps what it
# read for a minute, and saving a calendar or a holiday empties the cache (see ``apps.py``).
CACHE_SECONDS = 60
_cache: dict[tuple[int | None, dt.date], tuple[float, Calendar]] = {}


def clear_cache(**_kwargs) -> None:
    _cache.clear()


def calendar_for(province_id: int | None, *, start: dt.date, round_the_clock: bool = False) -> Calendar:
    """The calendar of a province from ``start`` on (two queries, then cached; none when round the
    clock)."""
    if round_the_clock:
        return ROUND_THE_CLOCK
    key = (province_id, start)
    hit = _cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    calendar = _load(province_id, start)
    if len(_cache) > 1000:
        _cache.clear()
    _cache[key] = (time.monotonic() + CACHE_SECONDS, calendar)
    return calendar


def _load(province_id: int | None, start: dt.date) -> Calendar:
    rows = {
        row.province_id: row
        for row in BusinessCalendar.objects.filter(Q(province_id=province_id) | Q(province__isnull=True))
    }
    row = rows.get(province_id) or rows.get(None)
    calendar = Calendar()
    if row is not None:
        calendar.work_start, calendar.work_end = row.work_start, row.work_end
        calendar.workdays = frozenset(int(c) for c in row.workdays if c.isdigit())
    holidays = Holiday.objects.filter(
        Q(province_id=province_id) | Q(province__isnull=True),
        date__gte=start - dt.timedelta(days=1),
        date__lte=start + dt.timedelta(days=HORIZON_DAYS),
    ).order_by("province_id")  # national rows first, the province's own override them
    for holiday in holidays:
        target, other = (
            (calendar.extra_workdays, calendar.days_off)
            if holiday.is_workday
            else (calendar.days_off, calendar.extra_workdays)
        )
        target.add(holiday.date)
        other.discard(holiday.date)
    return calendar


def add_business_time(start: dt.datetime, seconds: float, calendar: Calendar) -> dt.datetime:
    """The moment ``seconds`` of business time after ``start``."""
    if calendar.round_the_clock:
        return start + dt.timedelta(seconds=seconds)
    tz = timezone.get_current_timezone()
    moment = timezone.localtime(start, tz)
    remaining = dt.timedelta(seconds=seconds)
    day = moment.date()
    for _ in range(HORIZON_DAYS):
        window = calendar.window(day, tz)
        if window is not None:
            begin = max(window[0], moment)
            if begin < window[1]:
                available = window[1] - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += dt.timedelta(days=1)
    return moment + remaining


def business_seconds_between(start: dt.datetime, end: dt.datetime, calendar: Calendar) -> int:
    """Business seconds elapsed from ``start`` to ``end`` (0 when end is not after start)."""
    if end <= start:
        return 0
    if calendar.round_the_clock:
        return int((end - start).total_seconds())
    tz = timezone.get_current_timezone()
    a, b = timezone.localtime(start, tz), timezone.localtime(end, tz)
    total = dt.timedelta()
    day = a.date()
    while day <= b.date():
        window = calendar.window(day, tz)
        if window is not None:
            lo, hi = max(window[0], a), min(window[1], b)
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return int(total.total_seconds())
