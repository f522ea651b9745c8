"""SVC-1 walk-ins on the desk, in Chromium and in Chinese: a Nanjing hall staff member opens a Suzhou
line, sees only the authentication panel, the customer keys the service password on the PIN pad paired
with the staff member, and the full customer view opens by itself — no manual refresh."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in as _login
from tests.factories import SERVICE_PASSWORD, billing_catalog, line_with_history

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_walk_in_view_opens_after_pin_pad_password_without_refresh(browser, page, live_server, make_staff):
    """SVC-1, AUTH-3: another city's line shows the walk-in panel and no personal data; once the
    customer keys the password on the PIN pad, the same page (never reloaded by the test) shows the
    full view with the customer's name and bills, and the view's audit row marks the walk-in."""
    from kefu.core.models import AuditEvent
    from kefu.identity.models import AuthGrant
    from kefu.identity.services import pin_pad_pair

    billing_catalog()
    hall = make_staff("hall_staff", "JS", city="3201", job_number="js2101", name="王晓梅")
    pad = make_staff("pin_pad", "JS", city="3201", job_number="js2101-pad", name="密码键盘")
    pin_pad_pair(actor=None, pad=pad, holder=hall)
    suzhou = line_with_history(months=2, home="3205", password_initial=False)

    _login(page, live_server, hall.job_number, "工作台")
    expect(page.locator("body")).to_have_attribute("data-events", "open")
    page.goto(f"{live_server.url}/desk/customers/{suzhou.number}/")
    expect(page.get_by_test_id("cv-walk-in")).to_be_visible()
    expect(page.get_by_test_id("walk-in-note")).to_contain_text("自动打开完整客户视图")
    assert suzhou.customer.name not in page.content()
    assert page.locator("input[type=password]").count() == 0  # AUTH-3: never on the staff page
    page.evaluate("window.__sameDocument = true")  # gone if anyone but the page itself reloads it

    page.get_by_test_id("auth-hall-method").select_option("password")
    page.get_by_test_id("auth-hall-submit").click()
    expect(page.get_by_test_id("auth-status")).to_have_text("等待客户在密码键盘输入…", timeout=15_000)

    pad_context = browser.new_context(locale="zh-CN")
    pad_page = pad_context.new_page()
    pad_page.set_default_timeout(10_000)
    _login(pad_page, live_server, pad.job_number, "密码键盘")
    expect(pad_page.get_by_test_id("pad-form")).to_be_visible()
    for digit in SERVICE_PASSWORD:
        pad_page.locator(f"#pad-form [data-key='{digit}']").click()
    pad_page.get_by_test_id("pad-submit").click()
    expect(pad_page.get_by_test_id("pad-result")).to_have_text("通过")
    pad_context.close()

    # the page loads the full view by itself: the header of the full view, the customer's name
    expect(page.get_by_test_id("cv-header")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("cv-walk-in")).to_have_count(0)
    expect(page.locator("body")).to_contain_text(suzhou.customer.name)
    assert page.evaluate("window.__sameDocument === undefined")  # the page reloaded itself
    assert AuthGrant.objects.filter(staff=hall, subscriber=suzhou).exists()
    row = (
        AuditEvent.objects.filter(action="view", actor=hall, object_id=suzhou.number).order_by("-id").first()
    )
    assert row.changes["walk_in"] is True and "billing" in row.changes["sections"]
