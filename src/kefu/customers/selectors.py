"""Reads of customer and billing data. Every read a screen or the API makes goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

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
