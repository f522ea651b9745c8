"""The call flow of issue 12, in Chromium and in Chinese (VIEW-1, CON-1, WO-1): a second call during a
call is refused with a readable message and the view stays on the caller; with two calls per seat the
first goes on hold and comes back; a work order accepted during the call is linked to the call's
contact; after hangup the agent writes the summary and the wrap-up reason in the call bar, and the
contact page shows them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in
from tests.factories import SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _login(page, live_server, job_number):
    sign_in(page, live_server, job_number, stream=True)


def _cti(api, kind, call_id, number):
    body = {"event": kind, "call_id": call_id, "calling_number": number, "agent_job_number": "js1001"}
    return api.post("/api/v1/cti/events", body, format="json")


def _answer(api, call_id, number):
    assert _cti(api, "ring", call_id, number).status_code == 200
    response = _cti(api, "answer", call_id, number)
    assert response.status_code == 200, response.content
    return response.json()


def _open_simcall(page):
    simcall = page.locator("details.simcall")
    if simcall.get_attribute("open") is None:
        simcall.locator("summary").click()


def _simulate(page, number):
    """The call bar's 模拟来电: ring and answer a call from ``number`` as this agent."""
    _open_simcall(page)
    page.get_by_test_id("simcall-number").fill(number)
    page.locator("#simcall-form button[type=submit]").click()


def test_second_call_refused_order_linked_and_wrap_up_saved(page, live_server, make_staff, api_client_for):
    """VIEW-1, CON-1, WO-1: refused second call (readable, the view stays); an order accepted in the
    call names its contact; the wrap-up form after hangup writes summary and reason to the contact."""
    agent = make_staff("hotline_agent", "JS", job_number="js1001", name="王晓梅")
    first, second = SubscriberFactory(home="3201"), SubscriberFactory(home="3201")
    cti = api_client_for(agent)
    _login(page, live_server, "js1001")

    call = _answer(cti, "E2E-A", first.number)
    expect(page).to_have_url(re.compile(rf"/desk/customers/{first.number}/$"))
    expect(page.get_by_test_id("call-state")).to_have_text("通话中")

    # a second call while the first is in progress: refused, said in the call bar, nothing moves
    _simulate(page, second.number)
    expect(page.get_by_test_id("call-notice")).to_contain_text("正在通话中，请先挂机再接听新来电")
    expect(page).to_have_url(re.compile(rf"/desk/customers/{first.number}/$"))
    expect(page.get_by_test_id("cv-number")).to_have_text(first.number)
    expect(page.locator("#call-number")).to_have_text(first.number)

    # a work order accepted during the call: the form says it will be linked, and it is
    page.goto(f"{live_server.url}/workorders/new/?number={first.number}")
    expect(page.get_by_test_id("call-link-note")).to_be_visible()
    expect(page.get_by_test_id("call-link-note")).to_contain_text(f"#{call['contact_id']}")
    page.get_by_test_id("kind").select_option("suggestion")
    page.fill("#id_description", "客户建议增加夜间营业厅")
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("order-state")).to_have_text("已受理")
    number = page.get_by_test_id("order-number").inner_text()
    expect(page.get_by_test_id("order-contact")).to_have_text(f"接触记录 #{call['contact_id']}")

    # hang up: the wrap-up form appears; a reason is required, then it saves
    _open_simcall(page)
    page.get_by_test_id("simcall-hangup").click()
    expect(page.get_by_test_id("call-state")).to_have_text("已挂机")
    form = page.get_by_test_id("wrapup-form")
    expect(form).to_be_visible()
    expect(page.get_by_test_id("wrapup-contact")).to_contain_text(f"#{call['contact_id']}")
    page.get_by_test_id("wrapup-summary").fill("客户建议增加夜间营业厅，已建工单")
    page.get_by_test_id("wrapup-save").click()  # no reason: the browser refuses the form, it stays open
    assert page.get_by_test_id("wrapup-reason").evaluate("select => select.validity.valueMissing")
    expect(form).to_be_visible()
    page.get_by_test_id("wrapup-reason").select_option(label="已建工单")
    page.get_by_test_id("wrapup-save").click()
    expect(form).to_be_hidden()
    expect(page.get_by_test_id("call-notice")).to_contain_text("话后处理已保存")

    # the contact page shows the summary, the reason and the order
    page.get_by_test_id("call-contact").click()
    expect(page.locator("h1")).to_have_text(f"接触记录 #{call['contact_id']}")
    expect(page.get_by_test_id("contact-summary")).to_have_text("客户建议增加夜间营业厅，已建工单")
    expect(page.get_by_test_id("contact-wrap-up")).to_contain_text("已建工单")
    expect(page.get_by_test_id("request-order")).to_have_text(number)


def test_two_calls_per_seat_hold_and_resume(page, live_server, make_staff, api_client_for, settings):
    """VIEW-1: with KEFU_CALLS_PER_SEAT=2 the second caller's view pops and the first shows on hold;
    resuming it brings its view back and holds the second."""
    settings.KEFU_CALLS_PER_SEAT = 2
    make_staff("hotline_agent", "JS", job_number="js1001", name="王晓梅")
    first, second = SubscriberFactory(home="3201"), SubscriberFactory(home="3201")
    _login(page, live_server, "js1001")

    _simulate(page, first.number)
    expect(page).to_have_url(re.compile(rf"/desk/customers/{first.number}/$"))
    _simulate(page, second.number)
    expect(page).to_have_url(re.compile(rf"/desk/customers/{second.number}/$"))
    expect(page.get_by_test_id("cv-number")).to_have_text(second.number)
    held = page.get_by_test_id("held-call")
    expect(held).to_contain_text(f"保持中 {first.number}")

    held.get_by_test_id("resume-call").click()
    expect(page).to_have_url(re.compile(rf"/desk/customers/{first.number}/$"))
    expect(page.locator("#call-number")).to_have_text(first.number)
    expect(page.get_by_test_id("held-call")).to_contain_text(f"保持中 {second.number}")
