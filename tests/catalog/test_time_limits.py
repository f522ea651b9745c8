"""Time limits per category and customer level (WO-5, TIER-1) and their resolution with fallbacks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kefu.catalog import selectors, services
from kefu.catalog.models import Business, TimeLimit

pytestmark = pytest.mark.django_db


def limit_for(code, request_type, names, level):
    node = selectors.category_node_by_path(code, request_type, *names)
    assert node is not None, names
    return selectors.time_limit_for(node, level)


@pytest.mark.parametrize(
    ("level", "hours", "round_the_clock"),
    [
        ("ordinary", 48, False),
        ("", 48, False),
        ("silver", 36, False),
        ("gold", 24, False),
        ("diamond", 12, True),
        ("supreme", 12, True),
    ],
)
def test_complaint_defaults_shorten_with_level(level, hours, round_the_clock):
    """WO-5, TIER-1: complaints: 48 h ordinary, 24 h gold, 12 h diamond and supreme (7x24)."""
    row = limit_for("voice", "complaint", ["网络质量", "室内无信号"], level)
    assert (row.business_id, row.category_code) == (None, "")
    assert (row.order_hours, row.round_the_clock) == (hours, round_the_clock)


def test_fault_reports_run_round_the_clock():
    """WO-5: fault reports are timed 24x7."""
    row = limit_for("fixed_line", "fault_report", ["固话障碍", "无拨号音"], "ordinary")
    assert (row.order_hours, row.step_hours, row.round_the_clock) == (24, 2, True)


def test_consultation_callback_within_a_day():
    """WO-5, KB-2: a consultation answered later is called back within 24 h."""
    row = limit_for("basic", "consultation", ["套餐资费", "资费标准"], "")
    assert row.order_hours == 24


def test_exact_category_and_level_wins():
    """WO-5, TIER-1: category + level first: a gold customer's total broadband outage: 8 h."""
    row = limit_for("broadband", "fault_report", ["无法上网且无法通话", "线路中断"], "gold")
    assert (row.category_code != "", row.customer_level, row.order_hours) == (True, "gold", 8)


def test_ancestor_any_level_before_request_type_level():
    """WO-5: the problem's any-level row applies to its details for a level it does not name."""
    row = limit_for("broadband", "fault_report", ["无法上网且无法通话", "线路中断"], "silver")
    assert (row.customer_level, row.order_hours) == ("", 12)
    problem = selectors.category_node_by_path("broadband", "fault_report", "无法上网且无法通话")
    assert row.category_code == problem.code


def test_detail_row_beats_its_problem(js_admin):
    """WO-5: a row on the detail itself beats the row on its problem."""
    detail = selectors.category_node_by_path("broadband", "fault_report", "无法上网且无法通话", "线路中断")
    row = TimeLimit(category=detail, order_hours=6, step_hours=1, round_the_clock=True)
    row.full_clean()
    row.save()
    assert selectors.time_limit_for(detail, "ordinary") == row
    assert selectors.time_limit_for(detail, "gold").order_hours == 6


def test_business_row_between_category_and_default():
    """WO-5: a business-wide row (roaming complaints, customer abroad) applies when no category row does."""
    row = limit_for("roaming", "complaint", ["漫游计费", "漫游费用高额"], "ordinary")
    assert (row.business.code, row.category_code, row.order_hours, row.round_the_clock) == (
        "roaming",
        "",
        24,
        True,
    )


def test_request_type_default_without_category():
    """WO-5: with no category the request type's default applies."""
    row = selectors.time_limit_for(None, "diamond", request_type="fault_report")
    assert row.order_hours == 8
    assert selectors.time_limit_for(None, "", request_type="suggestion").order_hours == 168
    with pytest.raises(ValueError):
        selectors.time_limit_for(None, "gold")


def test_category_limit_survives_a_revision(js_admin):
    """WO-5, SR-3: a limit set on a category keeps applying to the same category in the next version."""
    broadband = Business.objects.get(code="broadband")
    old = selectors.category_node_by_path(broadband, "fault_report", "网速慢", "特定时段网速慢")
    services.category_tree_revise(
        actor=js_admin, business=broadband, rename={old.parent.code: "网速慢或卡顿"}
    )
    new = selectors.category_node_by_path(broadband, "fault_report", "网速慢或卡顿", "特定时段网速慢")
    assert new.pk != old.pk
    assert selectors.time_limit_for(new, "ordinary").order_hours == 48
    assert selectors.time_limit_for(old, "ordinary").order_hours == 48


def test_time_limit_for_query_count(django_assert_max_num_queries):
    """WO-5: resolving a time limit is a fixed, small number of queries."""
    node = selectors.category_node_by_path("monternet_sms", "complaint", "SP违规扣费", "未经确认订购")
    node = type(node).objects.select_related("parent").get(pk=node.pk)
    with django_assert_max_num_queries(1):
        row = selectors.time_limit_for(node, "gold")
    assert row.order_hours == 24


def test_time_limit_rows_are_validated():
    """WO-5: a step longer than the order, or a category code without a node, is refused."""
    with pytest.raises(ValidationError):
        TimeLimit(request_type="complaint", customer_level="gold", order_hours=4, step_hours=8).full_clean()
    with pytest.raises(ValidationError):
        TimeLimit(request_type="complaint", category_code="X-1", order_hours=4).full_clean()


@pytest.mark.parametrize(
    ("request_type", "level", "hours", "round_the_clock"),
    [
        ("complaint", "", 12, True),
        ("complaint", "gold", 12, True),
        ("fault_report", "ordinary", 4, True),
        ("suggestion", "supreme", 72, False),
    ],
)
def test_enterprise_customers_have_their_own_defaults(request_type, level, hours, round_the_clock):
    """SVC-2, TIER-1: enterprise (group) customers get their own limits whatever their line's level,
    before the level rows (a gold enterprise complaint: 12 h, not gold's 24 h)."""
    row = selectors.time_limit_for(None, level, request_type=request_type, customer_type="enterprise")
    assert (row.customer_type, row.order_hours, row.round_the_clock) == ("enterprise", hours, round_the_clock)
    person = selectors.time_limit_for(None, level, request_type=request_type, customer_type="individual")
    assert person.customer_type == ""


def test_a_category_row_stays_more_specific_than_the_enterprise_default():
    """WO-5, SVC-2: the reach decides first: a category's own row (broadband outage, 12 h) applies to
    an enterprise's line too; an enterprise row on that category would beat it."""
    node = selectors.category_node_by_path("broadband", "fault_report", "无法上网且无法通话")
    row = selectors.time_limit_for(node, "ordinary", customer_type="enterprise")
    assert (row.category_code, row.customer_type, row.order_hours) == (node.code, "", 12)
    own = TimeLimit(
        category=node, customer_type="enterprise", order_hours=3, step_hours=1, round_the_clock=True
    )
    own.full_clean()
    own.save()
    assert selectors.time_limit_for(node, "ordinary", customer_type="enterprise") == own
    assert selectors.time_limit_for(node, "ordinary", customer_type="individual").order_hours == 12


def test_resolve_api_takes_the_customer_type(api_client_for, js_agent):
    """SVC-2: ``GET /api/v1/time-limits/resolve?customer_type=enterprise`` answers the enterprise row."""
    client = api_client_for(js_agent)
    body = client.get(
        "/api/v1/time-limits/resolve", {"request_type": "complaint", "customer_type": "enterprise"}
    ).json()
    assert (body["customer_type"], body["order_hours"]) == ("enterprise", 12)
    bad = client.get("/api/v1/time-limits/resolve", {"request_type": "complaint", "customer_type": "x"})
    assert bad.status_code == 400
