"""Q-2: the thirteen points figures from the ledger, against hand-computed expectations."""

from __future__ import annotations

from datetime import date

import pytest

from kefu.customers.models import PointsEntry
from kefu.customers.selectors import points_figures

MAY, JUNE, JULY = date(2024, 5, 1), date(2024, 6, 1), date(2024, 7, 1)


@pytest.fixture
def ledger(make_subscriber):
    sub = make_subscriber()
    other = make_subscriber()
    rows = [
        (MAY, "earned", 300, True),
        (MAY, "activity", 200, False),
        (JUNE, "earned", 250, True),
        (JUNE, "activity", 100, True),
        (JUNE, "voided", 40, True),
        (JUNE, "redeemed", 150, True),
        (JUNE, "voided", 20, False),
        (JULY, "earned", 999, True),  # after the asked month: ignored
    ]
    PointsEntry.objects.bulk_create(
        PointsEntry(subscriber=sub, month=m, kind=k, points=p, redeemable=r) for m, k, p, r in rows
    )
    PointsEntry.objects.create(subscriber=other, month=JUNE, kind="earned", points=5000)
    return sub


def test_thirteen_figures_for_june(ledger, django_assert_num_queries):
    """Q-2: earned, usable, voided, redeemed, activity (this month and in total), current total,
    redeemable and not redeemable, in one query."""
    with django_assert_num_queries(1):
        figures = points_figures(ledger, date(2024, 6, 15))
    assert figures.month == JUNE
    assert figures.earned_this_month == 250
    assert figures.earned_total == 550
    assert figures.activity_this_month == 100
    assert figures.activity_total == 300
    assert figures.voided_this_month == 60
    assert figures.voided_total == 60
    assert figures.redeemed_this_month == 150
    assert figures.redeemed_total == 150
    # usable = earned + activity - voided
    assert figures.usable_this_month == 250 + 100 - 60
    assert figures.usable_total == 550 + 300 - 60
    assert figures.current_total == 790 - 150
    # redeemable pool: 300 + 250 + 100 - 40 - 150; other pool: 200 - 20
    assert figures.redeemable == 460
    assert figures.not_redeemable == 180
    assert figures.redeemable + figures.not_redeemable == figures.current_total


def test_a_past_month_shows_figures_as_they_stood(ledger):
    """Q-2: asking for May ignores June's and July's entries."""
    figures = points_figures(ledger, MAY)
    assert (figures.earned_this_month, figures.earned_total) == (300, 300)
    assert (figures.activity_this_month, figures.activity_total) == (200, 200)
    assert figures.current_total == 500
    assert (figures.redeemable, figures.not_redeemable) == (300, 200)
    assert figures.voided_total == figures.redeemed_total == 0


def test_no_entries_means_zeros(make_subscriber):
    """Q-2: a subscriber without points answers thirteen zeros, not an error."""
    figures = points_figures(make_subscriber(), JUNE)
    assert figures.current_total == figures.earned_total == figures.redeemable == 0
