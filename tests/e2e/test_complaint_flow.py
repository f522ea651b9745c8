"""Issue 4's "Done when", in Chromium and in Chinese: a complaint goes from the hotline through the back
office, a city team (told at once on its open desk, WO-6) and back to archive (WO-1, WO-2, WO-4, SR-4); an overdue order is urged and
escalated by the sweep and the desk shows it (WO-5)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import open_desk as _login
from tests.factories import SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _line():
    """A Suzhou line (its home city decides the city team the order goes to)."""
    return SubscriberFactory(home="3205")


def _open_action(page, action):
    summary = page.get_by_test_id(f"action-{action}")
    details = summary.locator("xpath=..")
    if details.get_attribute("open") is None:
        summary.click()
    return details


def test_complaint_goes_from_hotline_through_city_team_to_archive(browser, live_server, make_staff):
    line = _line()
    city_code, city_name = line.home_city.code, line.home_city.name
    make_staff("hotline_agent", "JS", job_number="js2001", name="王晓梅")
    make_staff("back_office", "JS", job_number="js2004", name="张伟")
    make_staff("city_handler", "JS", city=city_code, job_number="js2005", name="刘洋")
    from kefu.catalog.models import ResponsibilityCause

    cause = ResponsibilityCause.objects.filter(parent__isnull=False, active=True).order_by("id").first()

    # the hotline agent accepts the complaint
    agent = _login(browser, live_server, "js2001")
    agent.goto(f"{live_server.url}/workorders/new/?number={line.number}")
    expect(agent.get_by_test_id("subscriber-facts")).to_contain_text(line.number)
    expect(agent.get_by_test_id("kind")).to_have_value("complaint")  # changing it reloads the picker
    option = agent.locator("[data-testid=category] option", has_text="未订购却扣费").first
    agent.get_by_test_id("category").select_option(value=option.get_attribute("value"))
    agent.fill("#id_description", "客户称本月被扣除未订购的业务费用, 要求退费")
    agent.get_by_test_id("accept").click()
    expect(agent.get_by_test_id("order-state")).to_have_text("已受理")
    number = agent.get_by_test_id("order-number").inner_text()
    assert re.fullmatch(r"JS\d{14}", number)
    expect(agent.get_by_test_id("holder")).to_contain_text("客户服务中心")

    # the city handler has the queue open before anything reaches the team (WO-6: pushed to the desk)
    city = _login(browser, live_server, "js2005")
    city.goto(f"{live_server.url}/workorders/")
    expect(city.locator("body[data-events=open]")).to_have_count(1)
    expect(city.get_by_test_id("order-rows")).not_to_contain_text(number)

    # the back office finds it in its queue and dispatches it to the line's city team
    back = _login(browser, live_server, "js2004")
    back.goto(f"{live_server.url}/workorders/")
    back.get_by_role("link", name=number).click()
    form = _open_action(back, "dispatch")
    expect(form.get_by_test_id("dispatch-to")).to_have_value(f"department:CITY-{city_code}")
    form.locator("textarea[name=comment]").fill("请地市核实扣费记录")
    form.get_by_test_id("do-dispatch").click()
    expect(back.get_by_test_id("order-state")).to_have_text("已派发")
    expect(back.get_by_test_id("holder")).to_contain_text(city_name)

    # the city team is told at once: the call bar names the order, the queue offers to refresh
    expect(city.get_by_test_id("wo-notice")).to_contain_text(number)
    expect(city.get_by_test_id("wo-notice")).to_contain_text("已派发")
    city.get_by_test_id("queue-refresh").get_by_role("link").click()
    # it receives the order, works on it and replies
    expect(city.get_by_test_id("order-rows")).to_contain_text(number)
    city.get_by_role("link", name=number).click()
    expect(city.get_by_test_id("action-archive")).to_have_count(0)
    _open_action(city, "receive").get_by_test_id("do-receive").click()
    expect(city.get_by_test_id("order-state")).to_have_text("处理中")
    reply = _open_action(city, "reply")
    reply.locator("textarea[name=comment]").fill("已核实为系统误扣, 已退还 10 元")
    reply.get_by_test_id("do-reply").click()
    expect(city.get_by_test_id("order-state")).to_have_text("已回复")

    # back at the centre: the customer is called back, satisfaction recorded, then archived
    back.reload()
    expect(back.get_by_test_id("result")).to_contain_text("已退还 10 元")
    feedback = _open_action(back, "feedback")
    feedback.get_by_label("满意", exact=True).check()
    feedback.get_by_test_id("do-feedback").click()
    expect(back.get_by_test_id("order-state")).to_have_text("已反馈")
    archive = _open_action(back, "archive")
    archive.get_by_test_id("do-archive").click()
    expect(back.locator(".messages .msg-error")).to_contain_text("投诉归档须填写责任原因和责任部门")
    archive = _open_action(back, "archive")
    archive.get_by_test_id("cause").select_option(cause.code)
    archive.get_by_test_id("department").select_option("RESP-NETWORK")
    archive.get_by_test_id("do-archive").click()
    expect(back.get_by_test_id("order-state")).to_have_text("已归档")
    expect(back.get_by_test_id("satisfaction")).to_have_text("满意")
    expect(back.get_by_test_id("responsibility")).to_contain_text(cause.name)
    timeline = back.get_by_test_id("timeline")
    for step in ("受理", "派发", "接收", "回复", "客户反馈", "归档"):
        expect(timeline.locator(".t-what", has_text=re.compile(f"^{step}$"))).to_have_count(1)


def test_overdue_order_is_urged_and_escalated_on_the_desk(browser, live_server, make_staff):
    agent = make_staff("hotline_agent", "JS", job_number="js3001")
    back = make_staff("back_office", "JS", job_number="js3004")
    make_staff("supervisor", "JS", job_number="js3006", name="赵敏")
    from kefu.catalog.models import CategoryNode
    from kefu.workorders import services, sla

    category = CategoryNode.objects.filter(
        request_type="complaint", version__is_current=True, depth=2
    ).first()
    order = services.order_accept(
        actor=agent,
        data=services.OrderInput(
            kind="complaint", subscriber=_line(), category=category, description="迟迟未处理"
        ),
    ).order
    order = services.order_dispatch(actor=back, order=order)
    result = sla.sla_sweep(now=order.order_due_at + timedelta(minutes=5))
    assert result.overdue == 1

    supervisor = _login(browser, live_server, "js3006")
    supervisor.goto(f"{live_server.url}/workorders/?overdue=1")
    row = supervisor.locator(f"tr[data-number='{order.number}']")
    expect(row.get_by_test_id("escalated")).to_have_text("已升级")
    expect(row.get_by_test_id("urged")).to_contain_text("催办")
    expect(row.locator("[data-time-left=red]")).to_have_text("已超时")
    row.get_by_role("link", name=order.number).click()
    expect(supervisor.get_by_test_id("overdue")).to_have_text("已超时")
    expect(supervisor.get_by_test_id("escalation")).to_contain_text("赵敏 (js3006)")
    expect(supervisor.get_by_test_id("timeline")).to_contain_text("超时升级")
    expect(supervisor.get_by_test_id("timeline")).to_contain_text("工单超时, 系统自动催办")

    # the supervisor urges it once more, in bulk, from the queue
    supervisor.goto(f"{live_server.url}/workorders/?overdue=1")
    supervisor.locator(f"input[name=numbers][value='{order.number}']").check()
    supervisor.get_by_test_id("bulk-submit").click()
    expect(supervisor.locator(".msg-success")).to_contain_text("已催办 1 张工单")
    order.refresh_from_db()
    assert order.urge_count == 3  # the sweep: step overdue, order overdue; then the bulk urge
