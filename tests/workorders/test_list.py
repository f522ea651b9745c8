"""The back-office list at scale (WO-6): filters that accept several values are read as one index
range scan per value (branches), and the keyset pages stay in order and complete across them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.workorders import selectors
from kefu.workorders.models import WorkOrder

URL = "/api/v1/work-orders"

STEPS = {
    "accepted": (),
    "dispatched": ("dispatch",),
    "processing": ("dispatch", "receive"),
    "archived": ("dispatch", "receive", "reply", "feedback", "archive"),
    "cancelled": ("cancel",),
}


@pytest.fixture
def make_in(accept, drive):
    """make_in(*states) -> one new order per state, in that order (so ids grow along the list)."""

    def make(*states):
        return [drive(accept(), *STEPS[state]) for state in states]

    return make


def walk(client, query: str, size: int = 2) -> list[list[str]]:
    """Every page of the list for ``query``, following ``next`` from the first."""
    pages, url = [], f"{URL}?{query}&page_size={size}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["number"] for row in body["results"]])
        url = body["next"]
    return pages


def newest_first(orders, *states) -> list[str]:
    return [o.number for o in sorted(orders, key=lambda o: -o.pk) if o.state in states]


def test_several_states_page_newest_first_and_completely(api_client_for, staff, make_in):
    """WO-6: ``state=dispatched,processing`` pages through both states newest first, each page
    continuing where the cursor left off, until no ``next``; ``previous`` goes back one page."""
    orders = make_in(
        "accepted",
        "dispatched",
        "processing",
        "dispatched",
        "accepted",
        "processing",
        "dispatched",
        "processing",
    )
    client = api_client_for(staff.back)
    expected = newest_first(orders, "dispatched", "processing")
    assert len(expected) == 6

    pages = walk(client, "state=dispatched,processing")
    assert pages == [expected[0:2], expected[2:4], expected[4:6]]

    second = client.get(f"{URL}?state=dispatched,processing&page_size=2").json()["next"]
    third = client.get(second).json()["next"]
    back = client.get(client.get(third).json()["previous"]).json()
    assert [row["number"] for row in back["results"]] == expected[2:4]


def test_open_orders_page_newest_first_and_completely(api_client_for, staff, make_in):
    """WO-6: ``open=true`` skips archived and cancelled orders on every page, newest first."""
    orders = make_in("archived", "accepted", "cancelled", "dispatched", "archived", "processing", "accepted")
    client = api_client_for(staff.back)
    expected = newest_first(orders, "accepted", "dispatched", "processing")

    assert walk(client, "open=true") == [expected[0:2], expected[2:4]]
    assert walk(client, "open=true&state=archived,dispatched", size=1) == [[orders[3].number]]
    assert walk(client, "open=true&state=archived") == [[]]


@pytest.mark.parametrize("backlog_limit", [1000, 0], ids=["backlog-as-ids", "backlog-as-condition"])
def test_overdue_is_flagged_or_late_and_pages_across_both(
    api_client_for, staff, make_in, monkeypatch, backlog_limit
):
    """WO-5/WO-6: ``overdue=true`` is flagged by the sweep or open and past the order deadline (not
    paused); a closed order counts only if flagged. Pages run across both kinds newest first, the
    sweep's backlog read as ids or (when too large) as a condition."""
    monkeypatch.setattr(selectors, "SWEEP_BACKLOG", backlog_limit)
    past = timezone.now() - timedelta(hours=1)
    flagged, late, on_time, paused, closed_flagged, closed_late = make_in(
        "dispatched", "processing", "dispatched", "dispatched", "archived", "archived"
    )
    WorkOrder.objects.filter(pk__in=[flagged.pk, closed_flagged.pk]).update(overdue_at=past)
    WorkOrder.objects.filter(pk__in=[late.pk, paused.pk, closed_late.pk]).update(order_due_at=past)
    WorkOrder.objects.filter(pk=paused.pk).update(paused_at=past)
    WorkOrder.objects.filter(pk=on_time.pk).update(order_due_at=timezone.now() + timedelta(days=1))
    client = api_client_for(staff.back)

    late_ones = [closed_flagged.number, late.number, flagged.number]
    assert walk(client, "overdue=true", size=2) == [late_ones[0:2], late_ones[2:3]]
    assert walk(client, "overdue=true&state=dispatched,processing,archived", size=1) == [
        [n] for n in late_ones
    ]
    assert walk(client, "overdue=true&state=processing,archived") == [late_ones[0:2]]
    assert walk(client, "overdue=true&state=archived,cancelled") == [[closed_flagged.number]]
    assert walk(client, "overdue=false", size=10) == [[closed_late.number, paused.number, on_time.number]]


def test_holder_me_is_every_way_of_holding(api_client_for, staff, make_in):
    """WO-2/WO-6: ``holder=me`` is the orders held by the reader in person or handled by them (and
    held by their department or group); pages run across those ways newest first."""
    held, received, other = make_in("dispatched", "processing", "dispatched")
    WorkOrder.objects.filter(pk=held.pk).update(
        holder_kind="person", holder_staff=staff.city, holder_department=None
    )
    assert received.handler == staff.city and other.handler is None
    client = api_client_for(staff.city)
    assert walk(client, "holder=me", size=1) == [[received.number], [held.number]]
    assert other.number in sum(walk(client, "", size=10), [])  # in scope, not theirs


def test_a_page_is_one_query_with_a_branch_per_state(staff, make_in, django_assert_num_queries):
    """WO-6: a multi-state page is one query; on PostgreSQL it is a UNION ALL of one limited
    backward scan per state (SQLite cannot limit the parts of a compound, so it reads one OR)."""
    orders = make_in("dispatched", "processing", "accepted", "processing", "dispatched")
    search = selectors.order_search(user=staff.back, state="dispatched,processing").order_by("-id")
    assert len(search.branches) == 2

    with CaptureQueriesContext(connection) as queries:
        page = search[0:3]
    assert len(queries) == 1
    compound = connection.features.supports_slicing_ordering_in_compound
    assert ("UNION ALL" in queries[0]["sql"]) is compound
    assert [o.number for o in page] == newest_first(orders, "dispatched", "processing")[:3]
    assert list(search.queryset().order_by("-id")[0:3]) == page
    assert search.filter(pk__lt=page[-1].pk)[0:10] == list(
        search.queryset().filter(pk__lt=page[-1].pk).order_by("-id")
    )


def test_codes_are_compared_as_ids(staff, make_in):
    """WO-6: city, business and holder codes become ``<column>_id = (SELECT id …)``, not joins, so the
    orders' own ``(column, id)`` indexes can serve them."""
    make_in("dispatched")
    search = selectors.order_search(
        user=staff.back, city="3201", business="account_payment", holder="department:CITY-3201"
    )
    where = str(search.queryset().query).lower().replace('"', "").partition(" where ")[2]
    for column, table in (("city_id", "core_city"), ("business_id", "catalog_business")):
        assert f"workorders_workorder.{column} = (select u0.id as pk from {table} u0" in where
    assert "workorders_workorder.holder_department_id = (select u0.id as pk from core_department u0" in where
    assert ".code =" not in where.partition("(select")[0]  # no condition on a joined table's code


def test_list_query_count_with_several_branches(
    api_client_for, staff, make_in, django_assert_max_num_queries
):
    """WO-6: a page with branching filters costs the same few queries however many rows it shows:
    token, the category's versions, the page (codes joined), its categories, its holders (one query
    per kind of holder on the page) — nothing per row."""
    orders = make_in("dispatched", "processing", "dispatched", "processing", "dispatched", "processing")
    category = orders[0].category.code
    client = api_client_for(staff.back)
    with django_assert_max_num_queries(5):
        response = client.get(f"{URL}?state=dispatched,processing&overdue=false&category={category}")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 6
    first = rows[0]  # the columns the list reads (QuerySet.only) cover every field it shows
    assert (first["province"], first["city"], first["flow"], first["state"]) == (
        "JS",
        "3201",
        "complaint",
        "processing",
    )
    assert first["holder"]["ref"] == "department:CITY-3201" and first["holder"]["name"]
    assert (
        first["category_path"] == orders[0].category.full_path and first["category"] == orders[0].category_id
    )
