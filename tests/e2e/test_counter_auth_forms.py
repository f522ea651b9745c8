"""The counter's authentication forms on the unified view (issue 11 item 14), in Chromium and in Chinese:
a hall staff member records an ID shown in person, then has a customer authenticate by membership card
with the service password keyed on the PIN pad paired with them (AUTH-1, AUTH-3) — the staff page never
has a password field; the pad's own screen shows the request and posts the digits."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in as _login
from tests.factories import SERVICE_PASSWORD, billing_catalog, line_with_history

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_id_shown_and_membership_card_forms_authenticate(browser, page, live_server, make_staff):
    """AUTH-1, AUTH-3: both counter forms send complete bodies and authenticate the customer: the ID
    shown needs no secret; the membership card's password is keyed on the paired PIN pad, whose screen
    shows the masked number; the grants are the staff member's, and no password field is on the staff
    member's page."""
    from kefu.identity.models import AuthAttempt, AuthGrant
    from kefu.identity.services import pin_pad_pair

    billing_catalog()
    hall = make_staff("hall_staff", "JS", city="3201", job_number="js2002", name="李建国")
    pad = make_staff("pin_pad", "JS", city="3201", job_number="js2002-pad", name="密码键盘")
    pin_pad_pair(actor=None, pad=pad, holder=hall)
    shown_line = line_with_history(months=1, home="3201", password_initial=False)
    card_line = line_with_history(
        months=1, home="3201", password_initial=False, membership_card="VIP3201000000099"
    )

    _login(page, live_server, hall.job_number, "工作台")
    expect(page.locator("body")).to_have_attribute("data-events", "open")

    # 出示证件: the ID number read from the document, nothing for the customer to key
    page.goto(f"{live_server.url}/desk/customers/{shown_line.number}/")
    expect(page.get_by_test_id("cv-number")).to_have_text(shown_line.number)
    assert page.locator("input[type=password]").count() == 0  # AUTH-3: never on the staff page
    page.get_by_test_id("auth-hall-method").select_option("id_shown")
    page.get_by_test_id("auth-hall-account").fill(shown_line.customer.id_number)
    page.get_by_test_id("auth-hall-submit").click()
    expect(page.get_by_test_id("auth-status")).to_have_text("鉴权通过", timeout=15_000)

    # 会员卡: the card number typed here, the password keyed by the customer on the pad
    page.goto(f"{live_server.url}/desk/customers/{card_line.number}/")
    expect(page.get_by_test_id("cv-number")).to_have_text(card_line.number)
    assert page.locator("input[type=password]").count() == 0
    page.get_by_test_id("auth-card-number").fill("VIP3201000000099")
    page.get_by_test_id("auth-card-submit").click()
    expect(page.get_by_test_id("auth-status")).to_have_text("等待客户在密码键盘输入…", timeout=15_000)

    pad_context = browser.new_context(locale="zh-CN")
    pad_page = pad_context.new_page()
    pad_page.set_default_timeout(10_000)
    _login(pad_page, live_server, pad.job_number, "密码键盘")
    expect(pad_page.get_by_test_id("pad-form")).to_be_visible()
    masked = f"{card_line.number[:3]}****{card_line.number[-4:]}"
    expect(pad_page.get_by_test_id("pad-number")).to_have_text(masked)
    expect(pad_page.get_by_test_id("pad-prompt")).to_have_text("请输入服务密码")
    for digit in SERVICE_PASSWORD:
        pad_page.locator(f"#pad-form [data-key='{digit}']").click()
    pad_page.get_by_test_id("pad-submit").click()
    expect(pad_page.get_by_test_id("pad-result")).to_have_text("通过")
    expect(pad_page.get_by_test_id("pad-idle")).to_be_visible()
    pad_context.close()

    expect(page.get_by_test_id("auth-status")).to_have_text("鉴权通过", timeout=15_000)
    grants = dict(AuthGrant.objects.filter(staff=hall).values_list("subscriber__number", "method"))
    assert grants == {shown_line.number: "id_shown", card_line.number: "membership_card"}
    attempts = AuthAttempt.objects.filter(staff=hall, success=True).values_list("channel", flat=True)
    assert sorted(attempts) == ["hall", "hall"]
