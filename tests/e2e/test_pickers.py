"""Issue 12, pickers by name and pinyin, in Chromium and in Chinese: the agent picks a complaint's
category by typing its pinyin (or opening the tree), the supervisor dispatches by typing 南京
(SR-3, WO-1, WO-2, WO-4, WO-6, SYS-1)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kefu.workorders.models import WorkOrder
from tests.e2e.browsing import open_desk as _login
from tests.factories import SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_category_by_pinyin_then_dispatch_by_typing_nanjing(browser, live_server, make_staff):
    """SR-3, WO-1: typing wxyy wdg (无线音乐 › 未订购…) offers the category with its path and Enter
    takes it; the order is accepted on it. WO-2, WO-4: the supervisor types 南京 as the bulk dispatch
    target, picks Nanjing's team from the list, and the order goes there."""
    line = SubscriberFactory(home="3205")
    make_staff("hotline_agent", "JS", job_number="js3001", name="王晓梅")
    make_staff("supervisor", "JS", job_number="js3006", name="赵敏")

    agent = _login(browser, live_server, "js3001")
    agent.goto(f"{live_server.url}/workorders/new/?number={line.number}")
    box = agent.get_by_test_id("category-search")
    expect(box).to_have_attribute("role", "combobox")
    box.fill("wxyy wdg")
    options = agent.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("未订购却扣费")
    expect(options.first).to_contain_text("无线音乐 › 扣费争议 › 未订购却扣费")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Enter")
    expect(box).to_have_value("无线音乐 › 扣费争议 › 未订购却扣费")
    expect(box).to_have_attribute("aria-expanded", "false")
    chosen = agent.get_by_test_id("category").input_value()
    assert chosen.isdigit()
    agent.fill("#id_description", "客户称本月被扣除未订购的无线音乐费用")
    agent.get_by_test_id("accept").click()
    expect(agent.get_by_test_id("order-state")).to_have_text("已受理")
    number = agent.get_by_test_id("order-number").inner_text()
    order = WorkOrder.objects.select_related("category__version").get(number=number)
    assert (order.category_id, order.category.full_path) == (
        int(chosen),
        "投诉 > 无线音乐 > 扣费争议 > 未订购却扣费",
    )

    boss = _login(browser, live_server, "js3006")
    boss.goto(f"{live_server.url}/workorders/?queue=all")
    boss.get_by_role("checkbox", name=number).check()
    boss.locator("select[name=action]").select_option("dispatch")
    target = boss.get_by_test_id("bulk-to-search")
    target.fill("南京")
    listed = boss.get_by_role("listbox").get_by_role("option")
    expect(listed.first).to_contain_text("南京分公司客户服务中心")
    expect(listed.nth(1)).to_contain_text("南京逻辑组")
    target.press("ArrowDown")  # the first row is already active: move to the group and back
    target.press("ArrowUp")
    target.press("Enter")
    expect(target).to_have_value("南京分公司客户服务中心")
    assert boss.locator("input[name=to]").input_value() == "department:CITY-3201"
    boss.get_by_test_id("bulk-submit").click()
    expect(boss.locator(".msg-success")).to_contain_text("已派发 1 张工单")
    order.refresh_from_db()
    assert order.holder_department.code == "CITY-3201"


def test_category_tree_opens_with_the_keyboard(browser, live_server, make_staff):
    """SR-3: with nothing typed the category picker is a tree: businesses, ArrowRight opens one and
    then a problem, Enter takes a detail; Escape closes the list."""
    make_staff("hotline_agent", "JS", job_number="js3002")
    page = _login(browser, live_server, "js3002")
    page.goto(f"{live_server.url}/workorders/new/")
    box = page.get_by_test_id("category-search")
    box.click()
    tree = page.get_by_role("tree")
    music = tree.get_by_role("treeitem").filter(has_text="无线音乐")
    expect(music).to_have_attribute("aria-expanded", "false")
    while page.locator("[role=treeitem][aria-selected=true]").filter(has_text="无线音乐").count() == 0:
        box.press("ArrowDown")
    box.press("ArrowRight")
    expect(music).to_have_attribute("aria-expanded", "true")
    billing = tree.get_by_role("treeitem").filter(has_text="扣费争议").first
    expect(billing).to_be_visible()
    box.press("ArrowDown")  # 扣费争议, the business's first problem
    expect(billing).to_have_attribute("aria-selected", "true")
    box.press("ArrowRight")
    detail = tree.get_by_role("treeitem").filter(has_text="重复扣费").first
    expect(detail).to_be_visible()
    expect(detail).to_have_attribute("aria-level", "3")
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("无线音乐 › 扣费争议 › 重复扣费")
    assert page.get_by_test_id("category").input_value().isdigit()
    box.fill("zzzz")
    expect(page.locator(".picker-empty")).to_have_text("没有匹配项")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
