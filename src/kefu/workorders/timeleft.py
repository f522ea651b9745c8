"""Time left to an order's deadline, as every queue shows it (WO-5, WO-6): one rule, one colour scale.

The share left is measured on the order's own span, from acceptance to its deadline
(``order_due_at``), in wall-clock time: the deadline already holds the business calendar and every
pause (the engine moves it when a pause ends), so the span is what the holder was given. A paused
order's clock stands still at the moment it was paused.

Thresholds (the issue asks for green / amber / red):

* ``ok`` (green) — more than half of the span left (``AMBER_AT``);
* ``amber`` — half or less left;
* ``red`` — a tenth or less left (``RED_AT``), past the deadline, or flagged overdue by the sweep.

An order without a deadline, or closed, has no colour (``none``). Templates show it with the
``{% time_left order %}`` tag of ``kefu.desk``; tests and selectors call :func:`time_left`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

AMBER_AT = 0.5  # share of the span left at or below which an order turns amber
RED_AT = 0.1  # share left at or below which it turns red (and always once overdue)

OK, AMBER, RED, NONE = "ok", "amber", "red", "none"


@dataclass(frozen=True)
class TimeLeft:
    """How long an order has left: ``seconds`` to the deadline (negative past it), the ``share`` of
    its span left (0..1, None without a deadline), the colour ``level``, whether its clock is
    ``paused`` and whether it is ``overdue`` (past the deadline or flagged by the sweep)."""

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


def time_left(order, now: datetime | None = None) -> TimeLeft:
    """The time ``order`` has left to its order deadline, read off its own fields (no query)."""
    due = order.order_due_at
    if due is None or not order.is_open:
        return TimeLeft(NONE)
    now = now or timezone.now()
    paused = order.paused_at is not None
    reference = order.paused_at if paused else now
    seconds = int((due - reference).total_seconds())
    span = (due - order.accepted_at).total_seconds()
    share = max(0.0, min(1.0, seconds / span)) if span > 0 else 0.0
    overdue = order.overdue_at is not None or seconds <= 0
    return TimeLeft(level_for(share, overdue=overdue), seconds, share, paused, overdue)
