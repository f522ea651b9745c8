"""The hotline flow of issue 3's "Done when", in Chromium and in Chinese: a simulated call is answered,
the caller's view pops (VIEW-1, pushed over SSE), the agent has the IVR collect the password (AUTH-3,
the agent's page never holds it), looks up fees and points (Q-1, Q-2), changes a product (BA-1), the
caller hangs up, and the contact record shows the call with its duration, the query and the
acceptance (CON-1, SR-1)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in as _login
from tests.factories import (
    SERVICE_PASSWORD,
    add_marketing_history,
    billing_catalog,
    ensure_offers,
    line_with_history,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _line():
    """A local, active Nanjing line with six months of history and marketing, its password changed
    (not the initial one), a plan and another plan to change to."""
    from kefu.customers.models import Product
    from kefu.customers.seeding.products import RULES

    billing_catalog()
    ensure_offers()
    line = line_with_history(months=6, home="3201", password_initial=False)
    add_marketing_history(line)
    current = line.subscriptions.filter(product__kind="plan", status="active").get().product
    # a plan of the line's own brand: another brand's, or a fixed or broadband plan, is refused (BA-1)
    own = [code for code, rules in RULES.items() if rules.get("brands") == [line.brand]]
    other = Product.objects.filter(kind="plan", code__in=own).exclude(pk=current.pk).order_by("code").first()
    return line, current, other


def test_hotline_call_pops_authenticates_queries_changes_product_and_records_it_all(
    browser, page, live_server, make_staff, api_client_for
):
    agent = make_staff("hotline_agent", "JS", job_number="js1001", name="王晓梅")
    ivr = make_staff("ivr_system", "JS", job_number="ivr01", name="自助语音平台")
    line, current_plan, new_plan = _line()
    cti = api_client_for(agent)

    _login(page, live_server, "js1001")
    expect(page.locator("body")).to_have_attribute("data-events", "open")

    # a call rings and is answered: the view pops by push
    call = {"call_id": "E2E-1", "calling_number": line.number, "agent_job_number": "js1001"}
    assert cti.post("/api/v1/cti/events", call | {"event": "ring"}, format="json").status_code == 200
    answered = cti.post("/api/v1/cti/events", call | {"event": "answer"}, format="json")
    assert answered.status_code == 200
    contact_id = answered.json()["contact_id"]
    expect(page).to_have_url(re.compile(rf"/desk/customers/{line.number}/$"))
    expect(page.get_by_test_id("cv-number")).to_have_text(line.number)
    expect(page.get_by_test_id("cv-header")).to_contain_text("归属地")
    expect(page.get_by_test_id("call-state")).to_have_text("通话中")
    expect(page.get_by_test_id("call-contact")).to_contain_text(f"#{contact_id}")
    assert page.locator("input[type=password]").count() == 0  # AUTH-3: never on the agent's page

    # authentication through the IVR: the agent asks, the caller keys the password into the IVR
    page.get_by_test_id("auth-ivr").click()
    # the request goes to the server first: give a loaded CI machine more than the default 5 s
    expect(page.get_by_test_id("auth-status")).to_have_text("等待客户在IVR输入密码…", timeout=15_000)
    simulator_url = page.get_by_test_id("ivr-link").get_attribute("href")
    assert re.search(r"collection=\d+$", simulator_url)
    ivr_context = browser.new_context(locale="zh-CN")
    ivr_page = ivr_context.new_page()
    _login(ivr_page, live_server, ivr.job_number)
    ivr_page.goto(live_server.url + simulator_url)
    expect(ivr_page.locator("h1")).to_have_text("模拟IVR")
    ivr_page.get_by_test_id("ivr-digits").fill(SERVICE_PASSWORD)
    ivr_page.get_by_test_id("ivr-submit").click()
    expect(ivr_page.get_by_test_id("ivr-result")).to_have_text("通过")
    ivr_context.close()
    expect(page.get_by_test_id("auth-status")).to_have_text("鉴权通过")

    # fees and points
    page.get_by_test_id("q-bills").click()
    expect(page.get_by_test_id("query-result")).to_contain_text("账期")
    expect(page.get_by_test_id("query-result")).to_contain_text("合计")
    page.get_by_test_id("q-points").click()
    result = page.get_by_test_id("query-result")
    for label in ("本月消费积分", "累计可用积分", "当前积分", "可兑换积分", "不可兑换积分"):
        expect(result).to_contain_text(label)
    assert result.locator("dd").count() >= 13

    # change the plan (BA-1); the recording reference comes from the active call
    expect(page.get_by_test_id("ba-recording")).to_have_value(re.compile(r"^REC-E2E-1$"))
    page.get_by_test_id("ba-action").select_option("change")
    page.locator("#ba-form select[name=kind]").select_option("plan")
    expect(page.get_by_test_id("ba-product").locator(f"option[value='{new_plan.code}']")).to_have_count(1)
    page.get_by_test_id("ba-product").select_option(new_plan.code)
    page.get_by_test_id("ba-replaces").select_option(current_plan.code)
    page.get_by_test_id("ba-submit").click()
    expect(page.get_by_test_id("ba-result")).to_contain_text("办理成功")
    page.get_by_role("tab", name="产品").click()
    expect(page.locator(f"#products-section tr[data-product='{new_plan.code}']").first).to_be_visible()

    # hang up: the call bar shows the duration
    assert cti.post("/api/v1/cti/events", call | {"event": "hangup"}, format="json").status_code == 200
    expect(page.get_by_test_id("call-state")).to_have_text("已挂机")
    expect(page.get_by_test_id("call-timer")).to_contain_text("通话时长")

    # the contact record shows it all
    page.get_by_test_id("call-contact").click()
    expect(page.locator("h1")).to_have_text(f"接触记录 #{contact_id}")
    expect(page.get_by_test_id("contact-status")).to_have_text("已结束")
    expect(page.get_by_test_id("contact-duration")).to_have_text(re.compile(r"^\d+:\d\d$"))
    expect(page.get_by_test_id("contact-recording")).to_have_text("REC-E2E-1")
    requests = page.get_by_test_id("contact-requests")
    expect(requests).to_contain_text("查询")
    expect(requests).to_contain_text("业务办理")
