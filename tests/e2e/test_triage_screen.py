"""The triage screen in Chromium (WO-4, WO-6, SR-3): a TMF621 ticket with only the mandatory fields waits
in the back office's 待分拣 tab; its page shows the suggested category with its confidence, and the
back office categorises it with the form — the suggestion fills the picker only when asked."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from kefu.catalog.models import CategoryNode
from kefu.workorders import classify
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _model(tmp_path, categories) -> None:
    """A model trained on orders of two categories, written where the desk reads it."""
    wording = (["宽带掉线", "网速很慢", "光猫断网"], ["话费多扣", "不明扣费", "乱收费用"])
    rows = [
        (f"客户反映{a}{b}", category.code, "complaint")
        for category, words in zip(categories, wording, strict=True)
        for a in words
        for b in words
    ]
    path = tmp_path / "classifier" / "category.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(classify.fit(rows), ensure_ascii=False), encoding="utf-8")


def test_the_back_office_categorises_a_ticket_in_triage(browser, live_server, make_staff, settings, tmp_path):
    make_staff("back_office", "JS", job_number="js2004", name="张伟")
    agent = make_staff("hotline_agent", "JS", job_number="js2001")
    categories = list(
        CategoryNode.objects.filter(request_type="complaint", version__is_current=True, depth=2).order_by(
            "id"
        )[:2]
    )
    settings.DATA_DIR = tmp_path
    _model(tmp_path, categories)
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {Token.objects.create(user=agent).key}")
    created = client.post(
        "/tmf-api/troubleTicket/v4/troubleTicket",
        {"description": "家里宽带又掉线了，网速很慢", "severity": "Minor", "ticketType": "complaint"},
        format="json",
    )
    assert created.status_code == 201
    number = created.json()["id"]

    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "js2004")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")

    page.goto(f"{live_server.url}/workorders/")
    page.locator("[data-queue=triage]").click()
    expect(page.get_by_test_id("order-rows")).to_contain_text(number)
    page.get_by_role("link", name=number).click()
    expect(page.get_by_test_id("order-state")).to_have_text("待分拣")

    summary = page.get_by_test_id("action-categorise")
    if summary.locator("xpath=..").get_attribute("open") is None:
        summary.click()
    suggestion = page.get_by_test_id("category-suggestion")
    expect(suggestion).to_contain_text(categories[0].name)
    expect(suggestion).to_contain_text("%")
    expect(page.get_by_test_id("category")).to_have_value("")  # shown, not applied
    page.get_by_test_id("use-suggestion").first.click()
    expect(page.get_by_test_id("category")).to_have_value(str(categories[0].pk))
    page.get_by_test_id("do-categorise").click()

    expect(page.get_by_test_id("order-state")).to_have_text("已受理")
    context.close()
