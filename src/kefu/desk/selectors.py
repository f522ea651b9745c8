"""Reads for the desk's home page: the figures an agent sees first, always within their scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core import audit, scope
from kefu.core.choices import Role
from kefu.core.models import AuditEvent, Staff


@dataclass(frozen=True)
class Figure:
    """One labelled number on the home page; ``value`` None means the area is not built yet (or, with
    a ``text``, that there is nothing to show yet); ``text`` shows instead of the number (a duration)."""

    key: str
    label: str
    value: int | None
    breakdown: list[tuple[str, int]] = field(default_factory=list)
    text: str = ""


def subscriber_count(user) -> int | None:
    """Subscribers in the user's scope, or None while the customers app does not provide them."""
    try:
        from kefu.customers.selectors import subscriber_count as count
    except ImportError:
        return None
    return count(user)


def business_counts_by_status() -> dict[str, int] | None:
    """Businesses of the catalog per status (reference data: the same for every scope)."""
    try:
        from kefu.catalog.selectors import business_counts_by_status as counts
    except ImportError:
        return None
    return counts()


def business_statuses(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Counts per status, labelled and in the order the catalog declares its statuses."""
    try:
        from kefu.catalog.choices import BusinessStatus
    except ImportError:
        return sorted(counts.items())
    order = BusinessStatus.values()
    keys = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [(BusinessStatus.label(k), counts[k]) for k in keys]


def staff_by_role(user) -> list[tuple[str, int]]:
    """Active staff in the user's scope per role, in the order roles are declared."""
    rows = (
        scope.restrict(Staff.objects.filter(is_active=True), user)
        .order_by()
        .values_list("role")
        .annotate(n=Count("id"))
    )
    counts = dict(rows)
    return [(label, counts[value]) for value, label in Role.CHOICES if counts.get(value)]


def home_figures(user) -> list[Figure]:
    """The home page's figures for ``user``, every one limited to the user's data scope."""
    by_role = staff_by_role(user)
    businesses = business_counts_by_status()
    since = timezone.now() - timedelta(hours=24)
    audited = scope.restrict(AuditEvent.objects.filter(at__gte=since), user).count()
    return [
        Figure("subscribers", _("用户数"), subscriber_count(user)),
        Figure("staff", _("在岗员工"), sum(n for _label, n in by_role), by_role),
        Figure(
            "businesses",
            _("业务"),
            None if businesses is None else sum(businesses.values()),
            business_statuses(businesses or {}),
        ),
        Figure("audit", _("近24小时操作记录"), audited),
    ]


def customer_search(*, user, query: str, limit: int = 50):
    """The finder (VIEW-1): a phone number, an ID-number prefix of 6+ characters, or a name narrowed by
    a city or an ID prefix ("张伟 南京", "张伟 3201"), within the user's scope. One audit row per search
    (SYS-2): what was searched and the lines listed. Returns ``(parsed, lines)``."""
    from kefu.customers.selectors import finder_lines, finder_parse

    parsed = finder_parse(query.strip())
    lines = finder_lines(user=user, parsed=parsed, limit=limit)
    if parsed.kind and not parsed.error:
        audit.record_view(
            actor=user,
            object_type="customers.search",
            object_id=query.strip()[:64],
            sections=["header"],
            details={
                "query": query.strip()[:100],
                **parsed.audit_details(),
                "numbers": [x.number for x in lines],
            },
        )
    return parsed, lines


def is_walk_in_number(*, user, number: str) -> bool:
    """Whether ``number`` is a line ``user`` may serve only as a walk-in (SVC-1: hall and VIP staff,
    another city of their province): its view then opens on the authentication panel. Nothing else
    about the line is read here."""
    from kefu.customers.models import Subscriber

    if not number.isdigit():
        return False
    serving = scope.restrict_serving(Subscriber.objects.all(), user).filter(number=number)
    return (
        serving.exists() and not scope.restrict(Subscriber.objects.all(), user).filter(number=number).exists()
    )
