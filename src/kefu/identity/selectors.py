"""Reads of authentication data: statistics (AUTH-8) and lock state."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from kefu.contacts.choices import Channel
from kefu.core import scope
from kefu.core.choices import CustomerLevel, NetworkType
from kefu.customers.choices import CustomerType, UserType
from kefu.identity.choices import STATS_DIMENSIONS
from kefu.identity.models import AuthAttempt, AuthLock

LABELS = {
    "channel": Channel,
    "customer_type": CustomerType,
    "user_type": UserType,
    "level": CustomerLevel,
    "network_type": NetworkType,
}


def _bounds(since: date, until: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(since, time.min), tz),
        timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min), tz),
    )


def auth_stats(user, *, since: date, until: date, by: str) -> dict:
    """Attempts and successes per day and per ``by`` (channel, customer type, user type, level or
    network type) within the user's scope, ``since`` and ``until`` inclusive (local days). One query."""
    if by not in STATS_DIMENSIONS:
        raise ValueError(by)
    start, end = _bounds(since, until)
    rows = (
        scope.restrict(AuthAttempt.objects.all(), user)
        .filter(at__gte=start, at__lt=end)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day", by)
        .annotate(attempts=Count("id"), successes=Count("id", filter=Q(success=True)))
        .order_by("day", by)
    )
    labels = LABELS[by]
    result = [
        {
            "day": row["day"],
            "value": row[by],
            "label": str(labels.label(row[by])) if row[by] else "",
            "attempts": row["attempts"],
            "successes": row["successes"],
        }
        for row in rows
    ]
    return {
        "since": since,
        "until": until,
        "by": by,
        "rows": result,
        "attempts": sum(r["attempts"] for r in result),
        "successes": sum(r["successes"] for r in result),
    }


def password_locked_until(
    subscriber_id: int | None = None, *, number: str | None = None, now: datetime | None = None
) -> datetime | None:
    """Until when the line (by id, or by ``number``) has its service password locked after repeated
    wrong tries (AUTH-5), in the server's time zone; None when it is not locked. One query."""
    line = {"subscriber_id": subscriber_id} if number is None else {"subscriber__number": number}
    until = (
        AuthLock.objects.filter(**line, locked_until__gt=now or timezone.now())
        .values_list("locked_until", flat=True)
        .first()
    )
    return timezone.localtime(until) if until else None
