"""Reads of customer and billing data. Every read a screen or the API makes goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.customers.choices import PointsKind
from kefu.customers.models import PointsEntry, Subscriber
from kefu.ports.billing import PointsFigures


def subscriber_count(user) -> int:
    """How many subscribers lie inside ``user``'s data scope."""
    return scope.restrict(Subscriber.objects.all(), user).count()


def subscriber_list(user) -> QuerySet[Subscriber]:
    """Subscribers within the user's scope, with what the list and detail screens show."""
    return scope.restrict(Subscriber.objects.select_related("customer", "home_province", "home_city"), user)


def subscriber_by_number(number: str) -> Subscriber | None:
    """One subscriber by number, unscoped: for the billing adapter, which callers scope themselves."""
    return (
        Subscriber.objects.select_related("customer", "account", "home_province", "home_city")
        .filter(number=number)
        .first()
    )


def month_start(day: date) -> date:
    return day.replace(day=1)


def points_figures(subscriber: Subscriber | int, month: date | None = None) -> PointsFigures:
    """The thirteen points figures of Q-2 for ``subscriber`` in ``month`` (default: this month).

    Definitions, all from the ledger (entries after ``month`` are ignored, so a past month shows the
    figures as they stood at its end):

    * earned / activity / voided / redeemed, this month and in total: the sums of entries of that kind;
    * usable = earned + activity − voided (points that became available, before redemption);
    * current total = usable in total − redeemed in total;
    * redeemable / not redeemable = the current total split by the entries' ``redeemable`` pool.

    One query: a subscriber's ledger is short (a few entries a month), so the sums are made here rather
    than by a ten-way conditional aggregate, which costs more to build than to run.
    """
    month = month_start(month or timezone.localdate())
    entries = PointsEntry.objects.filter(subscriber=subscriber, month__lte=month).values_list(
        "kind", "month", "points", "redeemable"
    )
    return points_from_entries(entries, month)


def points_from_entries(entries: Iterable[tuple[str, date, int, bool]], month: date) -> PointsFigures:
    """The thirteen points figures of ``month`` (its first day) summed from ledger entries given as
    ``(kind, month, points, redeemable)``, none later than ``month`` (see :func:`points_figures`)."""
    figures = dict.fromkeys(
        (
            "earned_m",
            "earned_t",
            "activity_m",
            "activity_t",
            "voided_m",
            "voided_t",
            "redeemed_m",
            "redeemed_t",
            "pool_yes",
            "pool_no",
        ),
        0,
    )
    short = {
        PointsKind.EARNED: "earned",
        PointsKind.ACTIVITY: "activity",
        PointsKind.VOIDED: "voided",
        PointsKind.REDEEMED: "redeemed",
    }
    for kind, entry_month, points, redeemable in entries:
        name = short.get(kind)
        if name:
            figures[f"{name}_t"] += points
            if entry_month == month:
                figures[f"{name}_m"] += points
        signed = points if kind in PointsKind.CREDIT else -points
        figures["pool_yes" if redeemable else "pool_no"] += signed
    usable_m = figures["earned_m"] + figures["activity_m"] - figures["voided_m"]
    usable_t = figures["earned_t"] + figures["activity_t"] - figures["voided_t"]
    return PointsFigures(
        month=month,
        earned_this_month=figures["earned_m"],
        earned_total=figures["earned_t"],
        usable_this_month=usable_m,
        usable_total=usable_t,
        voided_this_month=figures["voided_m"],
        voided_total=figures["voided_t"],
        current_total=usable_t - figures["redeemed_t"],
        redeemed_this_month=figures["redeemed_m"],
        redeemed_total=figures["redeemed_t"],
        activity_this_month=figures["activity_m"],
        activity_total=figures["activity_t"],
        redeemable=figures["pool_yes"],
        not_redeemable=figures["pool_no"],
    )


# --- the desk's finder (VIEW-1): by number, by name (narrowed by city or ID prefix), by ID prefix ------

ID_PREFIX_MIN = 6  # an ID-number prefix alone: at least the six digits of the issuing region
_ID_CHARS = frozenset("0123456789X")


@dataclass(frozen=True)
class FinderQuery:
    """What the finder's one box was asked, parsed: ``kind`` is ``number``, ``id_prefix`` or ``name``;
    ``error`` a reason to ask again (too short, unknown city)."""

    kind: str
    number: str = ""
    id_prefix: str = ""
    name: str = ""
    city_ids: tuple[int, ...] = ()
    city_names: tuple[str, ...] = ()
    error: str = ""

    def audit_details(self) -> dict:
        return {k: v for k, v in (("kind", self.kind), ("name", self.name), ("id_prefix", self.id_prefix),
                                   ("cities", list(self.city_names))) if v}  # fmt: skip


def _id_like(token: str) -> bool:
    return bool(token) and set(token.upper()) <= _ID_CHARS


def finder_parse(query: str) -> FinderQuery:
    """``13800000000`` a number; ``320102`` (6+ characters) an ID-number prefix (a whole ID number is a
    prefix of itself); ``张伟`` a name, ``张伟 南京`` narrowed to a city, ``张伟 3201`` to an ID prefix."""
    from kefu.core.models import City

    tokens = query.split()
    if not tokens:
        return FinderQuery(kind="", error=_("请输入号码、证件号码或客户名称"))
    first = tokens[0]
    if len(tokens) == 1 and first.isdigit() and len(first) == 11 and first.startswith("1"):
        return FinderQuery(kind="number", number=first)
    if len(tokens) == 1 and _id_like(first):
        if len(first) < ID_PREFIX_MIN:
            return FinderQuery(kind="id_prefix", error=_("证件号码至少输入6位"))
        return FinderQuery(kind="id_prefix", id_prefix=first.upper())
    names = [t for t in tokens if not _id_like(t)]
    name = names[0] if names else ""
    if not name:
        return FinderQuery(kind="name", error=_("请输入客户名称，可再加地市或证件号码前几位"))
    id_prefix = next((t.upper() for t in tokens if _id_like(t)), "")
    cities = [t.removesuffix("市") for t in names[1:]]
    city_ids: tuple[int, ...] = ()
    if cities:
        found = City.objects.filter(name__in=[*cities, *(f"{c}市" for c in cities)]).values_list(
            "pk", flat=True
        )
        city_ids = tuple(found)
        if not city_ids:
            return FinderQuery(
                kind="name", name=name, error=_("未知的地市：%(c)s") % {"c": "、".join(cities)}
            )
    return FinderQuery(
        kind="name", name=name, id_prefix=id_prefix, city_ids=city_ids, city_names=tuple(cities)
    )


# A prefix as a range on the column ("张伟" <= name < "张伟" + the last code point) rather than LIKE:
# the plain btree serves it in index order on every collation PostgreSQL calls non-C (C.UTF-8
# included, where LIKE would scan), so the scan stops after the first page of matches.
_LAST = "\U0010ffff"


def _prefix(field: str, prefix: str) -> dict:
    return {f"{field}__gte": prefix, f"{field}__lt": prefix + _LAST}


def finder_lines(*, user, parsed: FinderQuery, limit: int = 50) -> list[Subscriber]:
    """The lines ``parsed`` finds within ``user``'s scope, at most ``limit``, each with its customer and
    home place. Each kind is one indexed query: the number's unique index; a range scan in order of
    the customer's ID number or name (migration customers 0005) with the subscribers by customer,
    stopping at ``limit``."""
    if parsed.error or not parsed.kind:
        return []
    lines = subscriber_list(user)
    if parsed.kind == "number":
        return list(lines.filter(number=parsed.number)[:1])
    if parsed.kind == "id_prefix":
        rows = lines.filter(**_prefix("customer__id_number", parsed.id_prefix))
        return list(rows.order_by("customer__id_number")[:limit])
    rows = lines.filter(**_prefix("customer__name", parsed.name))
    if parsed.id_prefix:
        rows = rows.filter(customer__id_number__startswith=parsed.id_prefix)
    if parsed.city_ids:  # the customer's city (index customer_city_name)
        rows = rows.filter(customer__city_id__in=parsed.city_ids)
    return list(rows.order_by("customer__name")[:limit])
