"""Business rules with teeth on the desk (issue 12 item 3), in Chromium and in Chinese: a prepaid mobile
line is not offered a broadband or fixed-line plan, and a stale or hand-made request for one is refused
with the reason shown and nothing changed (BA-1); a line whose service password is locked cannot be sent
to the IVR — the button is disabled with until when (AUTH-5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in as _login
from tests.factories import SubscriptionFactory, billing_catalog, line_with_history, product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REASON = "移动宽带100M 仅适用于宽带线路，该号码是移动电话线路"


def _prepaid_line():
    """A prepaid 动感地带 line in Nanjing on the 18-yuan plan, its password changed."""
    billing_catalog()
    line = line_with_history(
        months=1, home="3201", brand="mzone", account__pay_method="prepaid", password_initial=False
    )
    line.subscriptions.all().delete()
    SubscriptionFactory(subscriber=line, product=product("P-MZ-18"))
    return line


def _active(line) -> set[str]:
    return set(line.subscriptions.filter(status="active").values_list("product__code", flat=True))


def test_refused_plan_change_shows_the_reason(page, live_server, make_staff):
    """BA-1: the plan list offers the line's own brand's plans and shows the broadband plan disabled with
    the reason; forced through anyway (a stale form), the server refuses it, the desk shows the reason
    and nothing changes; a fitting plan then goes through."""
    hall = make_staff("hall_staff", "JS", city="3201", job_number="js1002", name="李建国")
    line = _prepaid_line()
    _login(page, live_server, hall.job_number)
    page.goto(f"{live_server.url}/desk/customers/{line.number}/")
    page.get_by_test_id("auth-hall-method").select_option("id_shown")
    page.get_by_test_id("auth-hall-account").fill(line.customer.id_number)
    page.get_by_test_id("auth-hall-submit").click()
    expect(page.get_by_test_id("auth-status")).to_have_text("鉴权通过", timeout=15_000)

    page.locator("#ba-form select[name=kind]").select_option("plan")
    product_select = page.get_by_test_id("ba-product")
    broadband = product_select.locator("option[value='P-BB-100']")
    expect(broadband).to_be_disabled()
    expect(broadband).to_contain_text(REASON)
    expect(product_select.locator("option[value='P-MZ-28']")).to_be_enabled()
    refused_list = page.get_by_test_id("ba-refused")
    expect(refused_list).to_be_visible()
    refused_list.locator("summary").click()
    expect(refused_list.locator("li[data-product='P-BB-100']")).to_contain_text(REASON)
    # choosing a plan of the line makes it a change of the current plan
    product_select.select_option("P-MZ-28")
    expect(page.get_by_test_id("ba-action")).to_have_value("change")
    expect(page.get_by_test_id("ba-replaces")).to_have_value("P-MZ-18")

    # a stale form still holding the broadband plan: the server refuses, the reason shows
    page.evaluate(
        """() => {
            const option = document.querySelector("[data-testid=ba-product] option[value='P-BB-100']");
            option.disabled = false;
            option.selected = true;
        }"""
    )
    page.get_by_test_id("ba-submit").click()
    result = page.get_by_test_id("ba-result")
    expect(result).to_have_attribute("data-state", "error")
    expect(result).to_have_text(REASON)
    assert _active(line) == {"P-MZ-18"}

    # a plan that fits goes through
    expect(product_select.locator("option[value='P-MZ-28']")).to_be_enabled()
    product_select.select_option("P-MZ-28")
    page.get_by_test_id("ba-submit").click()
    expect(result).to_contain_text("办理成功")
    assert _active(line) == {"P-MZ-28"}
    # the list follows: the new plan is now the current one, the old one may be chosen again
    expect(product_select.locator("option[value='P-MZ-28']")).to_be_disabled()
    expect(product_select.locator("option[value='P-MZ-28']")).to_have_text(
        "动感地带网聊套餐28元 是该号码的当前套餐"
    )
    expect(product_select.locator("option[value='P-MZ-18']")).to_be_enabled()


def test_locked_line_cannot_be_sent_to_the_ivr(page, live_server, make_staff):
    """AUTH-5: on a locked line the agent's IVR button is disabled and says until when."""
    from kefu.identity.models import AuthLock

    make_staff("hotline_agent", "JS", job_number="js1001", name="王晓梅")
    line = _prepaid_line()
    until = timezone.localtime(timezone.now() + timedelta(minutes=20))
    AuthLock.objects.create(subscriber=line, failures=3, locked_until=until)
    _login(page, live_server, "js1001")
    page.goto(f"{live_server.url}/desk/customers/{line.number}/")
    reason = f"服务密码连续输错已锁定，{until:%Y-%m-%d %H:%M} 后才能再次验证"
    expect(page.get_by_test_id("auth-ivr")).to_be_disabled()
    expect(page.get_by_test_id("auth-ivr")).to_have_attribute("title", reason)
    expect(page.get_by_test_id("auth-locked")).to_have_text(reason)
    expect(page.get_by_test_id("auth-card-submit")).to_be_disabled()
