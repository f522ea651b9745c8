"""Reads of customer and billing data. Every read a screen or the API makes goes through here."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
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

    One aggregate query.
    """
    month = month_start(month or timezone.localdate())
    signed = Case(
        When(kind__in=PointsKind.CREDIT, then="points"),
        default=Value(0) - F("points"),
        output_field=IntegerField(),
    )

    def total(kind: str, *, this_month: bool):
        condition = Q(kind=kind) & (Q(month=month) if this_month else Q())
        return Sum("points", filter=condition, default=0)

    figures = PointsEntry.objects.filter(subscriber=subscriber, month__lte=month).aggregate(
        earned_m=total(PointsKind.EARNED, this_month=True),
        earned_t=total(PointsKind.EARNED, this_month=False),
        activity_m=total(PointsKind.ACTIVITY, this_month=True),
        activity_t=total(PointsKind.ACTIVITY, this_month=False),
        voided_m=total(PointsKind.VOIDED, this_month=True),
        voided_t=total(PointsKind.VOIDED, this_month=False),
        redeemed_m=total(PointsKind.REDEEMED, this_month=True),
        redeemed_t=total(PointsKind.REDEEMED, this_month=False),
        pool_yes=Sum(signed, filter=Q(redeemable=True), default=0),
        pool_no=Sum(signed, filter=Q(redeemable=False), default=0),
    )
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
