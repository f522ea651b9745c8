"""The consultation loop of issue 13, in Chromium and in Chinese (SR-1, KB-2): an agent in a call opens
the customer, searches 彩铃 (instant results), opens the article and marks that it answered — the
contact page shows it; a second question finds nothing, one click turns it into the KB-2 consultation
order with the question and the article tried; the back office replies, a callback task appears, and
recording the callback closes the loop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kefu.catalog.models import Business
from kefu.contacts.models import CallbackTask
from kefu.knowledge import services
from kefu.knowledge.models import KnowledgeUse, Wording
from kefu.workorders.models import WorkOrder
from tests.e2e.browsing import desk_context, sign_in
from tests.factories import SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _articles():
    crbt = Business.objects.get(code="crbt")
    for code, title, body in (
        ("KB-E2E-1", "彩铃开通方法", "<p>发送短信 KTCL 到 10086 即可开通彩铃，次月生效。</p>"),
        ("KB-E2E-2", "彩铃资费说明", "<p>彩铃月功能费 5 元，铃音另计。</p>"),
    ):
        services.save_article(
            actor=None, code=code, title=title, body=body, business=crbt, audience="both", status="published"
        )
    Wording.objects.create(
        code="W-E2E-CRBT",
        title="彩铃生效时间",
        problem="crbt",
        business=crbt,
        text="您好，彩铃开通后次月生效，请您留意。",
        status="published",
        version=2,
        published_version=2,
    )


def _answer(api, call_id, number):
    for kind in ("ring", "answer"):
        body = {"event": kind, "call_id": call_id, "calling_number": number, "agent_job_number": "js1001"}
        response = api.post("/api/v1/cti/events", body, format="json")
        assert response.status_code == 200, response.content
    return response.json()


def _search(page, words):
    page.get_by_test_id("kb-query").fill(words)


def test_answered_from_an_article_and_unanswered_becomes_an_order_with_callback(
    page, browser, live_server, make_staff, api_client_for
):
    """SR-1, KB-2: answered from an article (recorded on the contact); an unanswered consultation
    becomes a consultation order with the question and the articles tried, and its callback."""
    agent = make_staff("hotline_agent", "JS", job_number="js1001", name="王晓梅")
    back = make_staff("back_office", "JS", job_number="jsb001", name="李后台")
    line = SubscriberFactory(home="3201")
    _articles()
    sign_in(page, live_server, "js1001", stream=True)
    call = _answer(api_client_for(agent), "E2E-KB", line.number)
    contact_id = call["contact_id"]
    expect(page).to_have_url(re.compile(rf"/desk/customers/{line.number}/$"))

    # from the unified view to the knowledge area: it works for the call's contact
    page.locator("#panel-shortcuts").get_by_role("link", name="知识库").click()
    expect(page.get_by_test_id("kb-consulting")).to_contain_text(f"#{contact_id}")
    _search(page, "彩铃")
    results = page.get_by_test_id("kb-results")
    expect(results.get_by_role("link", name="彩铃开通方法")).to_be_visible()
    # keyboard: the first result is chosen with ↓ and opened with Enter
    page.get_by_test_id("kb-query").press("ArrowDown")
    expect(results.locator("li.kb-active")).to_have_count(1)
    results.get_by_role("link", name="彩铃开通方法").click()
    expect(page.get_by_test_id("kb-article-title")).to_have_text("彩铃开通方法")
    expect(page.get_by_test_id("kb-article-body")).to_contain_text("次月生效")
    # KB-4: the wording beside it; copying it records its version on the contact
    wording = page.locator("[data-wording=W-E2E-CRBT]")
    expect(wording).to_contain_text("彩铃开通后次月生效")
    wording.get_by_test_id("kb-copy").click()
    expect(wording.locator("[data-state=recorded]")).to_have_text("已复制 v2")
    assert KnowledgeUse.objects.filter(contact_id=contact_id, kind="wording", wording_version=2).exists()
    page.get_by_test_id("kb-answered").click()
    expect(page.locator(".msg-success")).to_contain_text("已记录：彩铃开通方法 v1")

    page.goto(f"{live_server.url}/desk/contacts/{contact_id}/")
    expect(page.get_by_test_id("request-answered")).to_have_text("已解答：彩铃开通方法 v1")

    # a second question: the agent looks at the tariff article, it does not answer; nothing else found
    page.goto(f"{live_server.url}/desk/knowledge/?contact={contact_id}")
    _search(page, "彩铃")
    page.get_by_test_id("kb-results").get_by_role("link", name="彩铃资费说明").click()
    expect(page.get_by_test_id("kb-article-title")).to_have_text("彩铃资费说明")
    page.get_by_test_id("kb-back").click()
    expect(page.get_by_test_id("kb-tried")).to_contain_text("彩铃资费说明")
    _search(page, "卫星电话入网")
    expect(page.get_by_test_id("kb-status")).to_have_text("没有找到相关知识")
    expect(page.get_by_test_id("kb-question")).to_have_value("卫星电话入网")  # what was searched
    page.get_by_test_id("kb-question").fill("客户问卫星电话能否在本网入网")
    page.get_by_test_id("kb-unanswered").click()

    expect(page.locator("h1")).to_have_text(f"接触记录 #{contact_id}")
    order = WorkOrder.objects.get(kind="consultation")
    expect(page.locator(".msg-success")).to_contain_text(order.number)
    expect(page.get_by_test_id("request-order")).to_have_text(order.number)
    assert "客户问卫星电话能否在本网入网" in order.description
    assert "KB-E2E-2 彩铃资费说明 v1" in order.description and "KB-E2E-1" not in order.description

    # the back office answers; the reply owes the customer a callback, which closes the loop
    office = api_client_for(back)
    for action, body in (
        ("process", {"comment": "核实网络准入"}),
        ("reply", {"comment": "卫星电话不能入本网"}),
    ):
        response = office.post(f"/api/v1/work-orders/{order.number}/{action}", body, format="json")
        assert response.status_code == 200, response.content
    task = CallbackTask.objects.get(reference=order.number)
    back_page = desk_context(browser).new_page()
    sign_in(back_page, live_server, "jsb001")
    back_page.goto(f"{live_server.url}/callbacks/?all=1")
    row = back_page.get_by_test_id(f"callback-{task.pk}")
    expect(row).to_contain_text(order.number)
    row.get_by_placeholder("回访结果").fill("已回访告知客户")
    back_page.get_by_test_id(f"complete-{task.pk}").click()
    back_page.goto(f"{live_server.url}/callbacks/?all=1&state=done")
    expect(back_page.get_by_test_id(f"callback-{task.pk}")).to_contain_text("已回访告知客户")
    back_page.context.close()
