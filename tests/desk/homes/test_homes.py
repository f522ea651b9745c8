"""Role home pages (issue 12 item 4): each province role opens on its own home, with only its own data
inside its scope, in a handful of queries; queues show the time left in colour."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.contacts.models import ContactRecord
from kefu.desk import homes
from kefu.workorders import services
from kefu.workorders.models import WorkOrder
from kefu.workorders.timeleft import AMBER_AT, RED_AT, duration_label, time_left

pytestmark = pytest.mark.django_db

# the most queries a home may take for the page: session and user, the scope's reads and the blocks
MAX_QUERIES = 9


def _contact(agent, line, *, channel="hotline", summary="", at=None, number=None):
    return ContactRecord.objects.create(
        channel=channel,
        subscriber=line,
        number=number or (line.number if line else ""),
        staff=agent,
        province_id=agent.province_id,
        city_id=line.home_city_id if line else agent.city_id,
        started_at=at or timezone.now(),
        summary=summary,
    )


def _order_times(order, *, span_hours: float, left_hours: float, **extra) -> WorkOrder:
    """Set the order's limit (7x24, so the share does not depend on the hour the test runs) and time
    left (acceptance ``span - left`` hours ago)."""
    now = timezone.now()
    due = now + timedelta(hours=left_hours)
    WorkOrder.objects.filter(pk=order.pk).update(
        accepted_at=due - timedelta(hours=span_hours),
        order_due_at=due,
        time_limit_hours=span_hours,
        round_the_clock=True,
        **extra,
    )
    return WorkOrder.objects.get(pk=order.pk)


# --- the time-left helper -------------------------------------------------------------------------


def _fake(span_hours=10.0, left_hours=5.0, *, paused_hours_ago=None, flagged=False, open_=True, due=True):
    now = timezone.now()
    order_due = now + timedelta(hours=left_hours)
    return SimpleNamespace(
        order_due_at=order_due if due else None,
        accepted_at=order_due - timedelta(hours=span_hours),
        paused_at=None if paused_hours_ago is None else now - timedelta(hours=paused_hours_ago),
        overdue_at=now if flagged else None,
        is_open=open_,
        time_limit_hours=None,  # no limit in hours: the span from acceptance to deadline
        round_the_clock=False,
        province_id=None,
    )


@pytest.mark.parametrize(
    ("left", "level"),
    [
        (9.0, "ok"),
        (5.01, "ok"),
        (5.0 - 0.01, "amber"),
        (1.01, "amber"),
        (0.99, "red"),
        (0.1, "red"),
        (-2.0, "red"),
    ],
    ids=["90%", "just-over-half", "just-under-half", "just-over-tenth", "under-tenth", "1%", "overdue"],
)
def test_time_left_colour_follows_the_thresholds(left, level):
    """WO-5, WO-6: green while more than half the span is left, amber at half or less, red at a tenth
    or less and past the deadline (AMBER_AT, RED_AT)."""
    assert (AMBER_AT, RED_AT) == (0.5, 0.1)
    found = time_left(_fake(span_hours=10, left_hours=left))
    assert found.level == level
    assert found.css_class == f"tl-{level}"
    assert found.overdue is (left < 0)


def test_time_left_labels_and_special_cases():
    """WO-5: the label says how long is left or how long overdue; a paused clock stands still; an order
    flagged overdue by the sweep is red whatever its deadline says; closed or without a deadline: no
    colour."""
    assert time_left(_fake(10, 3.5)).label == "剩余 3小时29分"
    assert time_left(_fake(10, -26)).label == "已超时 1天2小时"
    paused = time_left(_fake(10, 8, paused_hours_ago=4))  # paused 4 h ago: 12 h were left then
    assert paused.paused and paused.level == "ok" and paused.label.startswith("暂停计时 · 剩余 ")
    assert paused.seconds == pytest.approx(12 * 3600, abs=5)
    flagged = time_left(_fake(10, 6, flagged=True))
    assert (flagged.level, flagged.label) == ("red", "已超时")
    assert time_left(_fake(open_=False)).level == "none"
    assert time_left(_fake(due=False)).label == "—"
    assert (duration_label(59), duration_label(60)) == ("不足1分", "1分")


def test_time_left_counts_working_hours_for_orders_limited_in_working_hours(js):
    """WO-5: an order with eight working hours accepted on Friday at 17:00 is green on Monday at 10:00
    (six of its eight working hours left), though over nine tenths of its wall-clock span has passed:
    measured on that span, as an order without a limit in hours is, it would be red."""
    from kefu.workorders import calendar as business_calendar

    tz = timezone.get_current_timezone()
    accepted = timezone.make_aware(datetime(2026, 3, 6, 17, 0), tz)  # a Friday
    calendar = business_calendar.calendar_for(js.pk, start=accepted.date())
    due = business_calendar.add_business_time(accepted, 8 * 3600, calendar)
    monday = timezone.make_aware(datetime(2026, 3, 9, 10, 0), tz)
    order = SimpleNamespace(
        order_due_at=due,
        accepted_at=accepted,
        paused_at=None,
        overdue_at=None,
        is_open=True,
        time_limit_hours=8,
        round_the_clock=False,
        province_id=js.pk,
    )
    working = time_left(order, monday)
    expected = business_calendar.business_seconds_between(monday, due, calendar)
    assert (working.level, working.seconds) == ("ok", expected)
    assert working.share == pytest.approx(expected / (8 * 3600))
    assert expected == 6 * 3600
    order.time_limit_hours = None
    assert time_left(order, monday).level == "red"


# --- agent ----------------------------------------------------------------------------------------


def test_agent_home_shows_the_call_todays_contacts_and_orders(client, staff, subscriber, accept, make_staff):
    """VIEW-1, CON-1, WO-6: the hotline agent's home shows the call in progress with its customer's
    view, today's own contacts newest first (channel, customer, summary) and own open orders accepted
    today — not another agent's, not yesterday's, not closed ones; and no staff figures."""
    from kefu.telephony.models import Call

    agent = staff.agent
    other = make_staff("hotline_agent", "JS")
    Call.objects.create(
        call_id="c-home-1",
        calling_number=subscriber.number,
        agent=agent,
        state="answered",
        answered_at=timezone.now(),
        province_id=agent.province_id,
    )
    since = homes.start_of_today()
    older = _contact(agent, subscriber, summary="查询话费", at=since + (timezone.now() - since) / 2)
    newer = _contact(agent, subscriber, summary="办理流量包")
    _contact(agent, subscriber, summary="昨天的接触", at=since - timedelta(minutes=1))
    _contact(other, subscriber, summary="别人的接触")
    mine = accept()
    accept(actor=other)
    closed = accept()
    services.order_cancel(actor=agent, order=closed, reason="重复受理")

    client.force_login(agent)
    response = client.get(reverse("desk:home"))
    html = response.content.decode()

    assert response.templates[0].name == "desk/home/agent.html"
    assert response.context["call"].call_id == "c-home-1"
    assert f'href="/desk/customers/{subscriber.number}/"' in html
    assert [c.pk for c in response.context["contacts"]] == [newer.pk, older.pk]
    assert "办理流量包" in html and "热线" in html and subscriber.customer.name in html
    assert "昨天的接触" not in html and "别人的接触" not in html
    assert [o.number for o in response.context["orders"]] == [mine.number]
    figures = {f.key: f.value for f in response.context["figures"]}
    assert figures == {"contacts_today": 2, "orders_today": 1}
    assert "在岗员工" not in html


def test_agent_home_without_a_call_says_so(client, js_agent):
    """VIEW-1: with no call in progress the home says the view pops up when a call is answered."""
    client.force_login(js_agent)
    response = client.get(reverse("desk:home"))
    assert response.context["call"] is None
    assert "当前没有通话" in response.content.decode()


# --- hall staff and VIP managers --------------------------------------------------------------------


def test_hall_home_shows_contacts_customers_served_and_pending(client, make_staff, make_subscriber, accept):
    """CON-1, SVC-1, AUTH-3: hall staff see today's contacts, the customers they served today, PIN-pad
    collections still waiting and their own open orders (a remote one marked 异地)."""
    from kefu.crosslevel.models import CrossLink
    from kefu.identity.models import PasswordCollection

    hall = make_staff("hall_staff", "JS", city="3201")
    line = make_subscriber("3201")
    elsewhere = make_subscriber("3205")  # a walk-in from Suzhou, served in a Nanjing hall
    _contact(hall, line, channel="hall", summary="补卡")
    _contact(hall, elsewhere, channel="hall", summary="异地缴费")
    PasswordCollection.objects.create(subscriber=line, agent=hall, channel="hall", collector="pin_pad")
    order = accept(actor=hall)
    CrossLink.objects.create(order=order, number="X-HOME-1", role="origin", peer="HUB")

    client.force_login(hall)
    response = client.get(reverse("desk:home"))
    html = response.content.decode()
    assert response.templates[0].name == "desk/home/counter.html"
    assert {c.pk for c in response.context["customers"]} == {line.customer_id, elsewhere.customer_id}
    assert [w.subscriber_id for w in response.context["waiting"]] == [line.pk]
    assert [o.number for o in response.context["orders"]] == [order.number]
    assert 'data-testid="remote"' in html
    assert "今日服务客户" in html and "补卡" in html


def test_vip_home_lists_assigned_customers_only(client, make_staff, make_subscriber):
    """SVC-2: a VIP manager's home lists the customers assigned to them, not another manager's."""
    vip = make_staff("vip_manager", "JS", city="3201")
    other = make_staff("vip_manager", "JS", city="3201")
    mine, theirs = make_subscriber("3201", "gold"), make_subscriber("3201", "gold")
    type(mine.customer).objects.filter(pk=mine.customer_id).update(account_manager=vip)
    type(theirs.customer).objects.filter(pk=theirs.customer_id).update(account_manager=other)

    client.force_login(vip)
    response = client.get(reverse("desk:home"))
    assert [c.pk for c in response.context["customers"]] == [mine.customer_id]
    html = response.content.decode()
    assert mine.customer.name in html and theirs.customer.name not in html
    assert "我的客户" in html


# --- back office and city handlers -------------------------------------------------------------------


def test_handler_home_shows_queues_with_counts_and_time_left(client, staff, accept):
    """WO-2, WO-5, WO-6: a city handler sees their queues with open and late counts, and the orders
    they hold soonest deadline first, each with its time left in colour; another city's handler sees
    none of them."""
    orders = [services.order_dispatch(actor=staff.back, order=accept()) for _ in range(3)]
    green = _order_times(orders[0], span_hours=10, left_hours=8)
    amber = _order_times(orders[1], span_hours=10, left_hours=3)
    red = _order_times(orders[2], span_hours=10, left_hours=-1)

    client.force_login(staff.city)
    response = client.get(reverse("desk:home"))
    html = response.content.decode()
    assert response.templates[0].name == "desk/home/handler.html"
    assert [o.number for o in response.context["orders"]] == [red.number, amber.number, green.number]
    for order, level in ((green, "ok"), (amber, "amber"), (red, "red")):
        row = html.split(f'<tr data-number="{order.number}">')[1].split("</tr>")[0]
        assert f'class="tl tl-{level}" data-time-left="{level}"' in row
    queues = {q.key: (n, late) for q, n, late in response.context["queues"]}
    assert queues["mine"] == (3, 1)
    assert any(key.startswith("department:") and value == (3, 1) for key, value in queues.items())
    assert {f.key: f.value for f in response.context["figures"]} == {"queue_open": 3, "queue_late": 1}

    client.force_login(staff.other_city)
    other = client.get(reverse("desk:home"))
    assert other.context["orders"] == []
    assert {q.key: n for q, n, _late in other.context["queues"]}["mine"] == 0


def test_back_office_home_counts_the_triage_queue(client, staff, accept):
    """WO-2: the back office sees the triage queue (orders accepted without a category) counted."""
    accept(category=None, triage=True)
    client.force_login(staff.back)
    response = client.get(reverse("desk:home"))
    figures = {f.key: f.value for f in response.context["figures"]}
    assert figures["triage"] == 1
    assert "待分拣" in response.content.decode()


def test_queue_page_shows_time_left_with_the_same_helper(client, staff, accept):
    """WO-6: the work-order queue page shows each open order's time left with the home's colours."""
    order = _order_times(
        services.order_dispatch(actor=staff.back, order=accept()), span_hours=10, left_hours=3
    )
    client.force_login(staff.city)
    html = client.get(reverse("workorders:queue") + "?queue=mine").content.decode()
    row = html.split(f'<tr data-number="{order.number}">')[1].split("</tr>")[0]
    assert 'data-time-left="amber"' in row and "剩余 2小时59分" in row
    assert f'title="到期 {timezone.localtime(order.order_due_at):%Y-%m-%d %H:%M}"' in row


# --- supervisors ----------------------------------------------------------------------------------


def test_supervisor_home_shows_todays_figures_team_queues_and_overdue(
    client, staff, accept, make_subscriber, make_staff
):
    """ST-1, WO-5: a supervisor sees today's figures of their scope (accepted, closed, late, average
    handling time, contacts), the open orders per holder and the overdue orders; another province's
    orders count nowhere."""
    since = homes.start_of_today()
    late = services.order_dispatch(actor=staff.back, order=accept())
    WorkOrder.objects.filter(pk=late.pk).update(  # accepted yesterday, two hours overdue
        accepted_at=since - timedelta(hours=1), order_due_at=timezone.now() - timedelta(hours=2)
    )
    accept()
    closed = accept()
    services.order_cancel(actor=staff.agent, order=closed, reason="客户撤诉")
    WorkOrder.objects.filter(pk=closed.pk).update(  # handled in two hours, today
        accepted_at=since + timedelta(minutes=1), closed_at=since + timedelta(hours=2, minutes=1)
    )
    _contact(staff.agent, make_subscriber("3201"))
    zj_agent = make_staff("hotline_agent", "ZJ")
    accept(actor=zj_agent, subscriber=make_subscriber("3301"))

    client.force_login(staff.supervisor)
    response = client.get(reverse("desk:home"))
    html = response.content.decode()
    assert response.templates[0].name == "desk/home/supervisor.html"
    figures = {f.key: f for f in response.context["figures"]}
    assert figures["created_today"].value == 2  # the late one was accepted yesterday
    assert figures["closed_today"].value == 1
    assert figures["late"].value == 1
    assert figures["handling"].text == "2小时0分"
    assert figures["contacts_today"].value == 1
    assert [o.number for o in response.context["late"]] == [late.number]
    loads = response.context["loads"]
    assert sum(h["open"] for h in loads) == 2 and sum(h["late"] for h in loads) == 1
    assert {h["ref"]: h["open"] for h in loads} == {"department:CENTRE-JS": 1, "department:CITY-3201": 1}
    assert response.context["people"] == []  # nobody has received one into work yet

    services.order_receive(actor=staff.city, order=late)  # the city handler takes it into work
    people = client.get(reverse("desk:home")).context["people"]
    assert [(h["ref"], h["open"], h["late"]) for h in people] == [(f"staff:{staff.city.job_number}", 1, 1)]
    assert 'data-time-left="red"' in html


# --- administrators and query counts -----------------------------------------------------------------


def test_administrator_keeps_the_system_overview(client, js_admin):
    """SYS-1: administrators keep the system overview (subscribers, staff by role, audit)."""
    client.force_login(js_admin)
    response = client.get(reverse("desk:home"))
    assert response.templates[0].name == "desk/home/overview.html"
    assert {f.key for f in response.context["figures"]} >= {"subscribers", "staff", "audit"}


@pytest.mark.parametrize("role", ["agent", "city", "back", "supervisor", "vip"])
def test_each_home_takes_a_handful_of_queries(
    client, staff, accept, subscriber, django_assert_max_num_queries, role
):
    """Issue 12: each home is fast — a bounded number of queries whatever it lists."""
    for _ in range(5):
        services.order_dispatch(actor=staff.back, order=accept())
        _contact(staff.agent, subscriber)
        _contact(staff.vip, subscriber, channel="vip_manager")
    client.force_login(getattr(staff, role))
    client.get(reverse("desk:home"))  # the business calendar is read once a minute per process
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("desk:home"))
    assert response.status_code == 200


def test_hall_home_queries_do_not_grow_with_contacts(
    client, make_staff, make_subscriber, django_assert_max_num_queries
):
    """Issue 12: hall staff's home reads its customers from the contacts already read (no query per
    row)."""
    hall = make_staff("hall_staff", "JS", city="3201")
    for _ in range(6):
        _contact(hall, make_subscriber("3201"), channel="hall")
    client.force_login(hall)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("desk:home"))
    assert len(response.context["customers"]) == 6


def test_refresh_returns_the_roles_own_figures(client, staff, accept):
    """SYS-1, WO-6: the home's refresh button (htmx) answers with the figures of the user's own home
    — a city handler's queue counts — as a fragment."""
    services.order_dispatch(actor=staff.back, order=accept())
    client.force_login(staff.city)
    response = client.get(reverse("desk:home"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="figures"' in html
    assert 'data-figure="queue_open"' in html and 'data-figure="staff"' not in html
    assert {f.key: f.value for f in response.context["figures"]}["queue_open"] == 1


def test_figures_count_beyond_the_lists(client, staff, subscriber, accept, make_subscriber, monkeypatch):
    """CON-1, SVC-2: a home lists at most ``LIST_LIMIT`` rows, but its figures count them all."""
    monkeypatch.setattr(homes, "LIST_LIMIT", 2)
    for _ in range(3):
        _contact(staff.agent, subscriber)
        accept()
        line = make_subscriber("3201", "gold")
        type(line.customer).objects.filter(pk=line.customer_id).update(account_manager=staff.vip)
    client.force_login(staff.agent)
    response = client.get(reverse("desk:home"))
    assert len(response.context["contacts"]) == 2 and len(response.context["orders"]) == 2
    assert {f.key: f.value for f in response.context["figures"]} == {"contacts_today": 3, "orders_today": 3}
    client.force_login(staff.vip)
    response = client.get(reverse("desk:home"))
    assert len(response.context["customers"]) == 2
    assert {f.key: f.value for f in response.context["figures"]}["customers"] == 3
