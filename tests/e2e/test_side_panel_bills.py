"""The side panel's bill table fits its panel (issue 12 item 8): 应缴, 已缴 and 缴费期限 are visible at
1400×900 and in a narrow window, and times are written the server's way (VIEW-2, VIEW-7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.factories import billing_catalog, line_with_history

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FITS = """() => {
  const panel = document.querySelector('#panel-query');
  const table = panel.querySelector('#query-result table');
  const right = panel.getBoundingClientRect().right;
  return [...table.querySelectorAll('th')].map((th) => [th.textContent, th.getBoundingClientRect().right <= right]);
}"""


@pytest.mark.parametrize("width", [1400, 1024], ids=["1400x900", "narrow"])
def test_bill_table_fits_the_side_panel(browser, live_server, make_staff, width):
    """VIEW-2, VIEW-7: every column of the side panel's 月账单 lies inside the panel (nothing cut off),
    the period reads 2026-11 and the due date 2026-12-15 style; the fee breakdown is the row's tooltip."""
    billing_catalog()
    hall = make_staff("hall_staff", "JS", city="3201", job_number="js2102")
    line = line_with_history(months=3, home="3201", password_initial=False)
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", hall.job_number)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")
    expect(page.locator("h1")).to_have_text("工作台")
    page.goto(f"{live_server.url}/desk/customers/{line.number}/")
    page.get_by_test_id("auth-hall-method").select_option("id_shown")
    page.get_by_test_id("auth-hall-account").fill(line.customer.id_number)
    page.get_by_test_id("auth-hall-submit").click()
    expect(page.get_by_test_id("auth-status")).to_have_text("鉴权通过", timeout=15_000)

    page.get_by_test_id("q-bills").click()
    result = page.get_by_test_id("query-result")
    expect(result.locator("table")).to_be_visible()
    headers = dict(page.evaluate(FITS))
    assert {"账期", "合计", "应缴", "已缴", "缴费期限"} <= set(headers)
    assert all(headers.values()), headers  # every column's right edge inside the panel
    first = result.locator("tbody tr").first
    cells = first.locator("td").all_text_contents()
    assert len(cells[0]) == 7 and cells[0][4] == "-"  # 2026-11
    assert len(cells[-1]) == 10 and cells[-1].count("-") == 2  # 2026-12-15
    assert "语音费" in first.get_attribute("title")
    context.close()
