"""BA-1 in Chromium: a hall's member of staff, once the customer is authenticated, changes customer
data from the unified view's "客户资料变更" panel — a SIM replacement, then a suspension on request —
and billing holds the new SIM and the suspended line; unauthenticated, the panel says so."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.factories import SERVICE_PASSWORD, billing_catalog, line_with_history
from tests.identity.fixtures import authenticate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ICCID = "89860098765432109876"


def test_hall_changes_sim_and_suspends_the_line_from_the_view(page, live_server, make_staff, api_client_for):
    """BA-1: without a grant the panel answers with what authentication needs and billing is untouched;
    with one, a SIM replacement and a suspension go through billing and say which acceptance they are."""
    from kefu.ports.billing import get_billing

    hall = make_staff("hall_staff", "JS", city="3201", job_number="js1002", name="李建国")
    billing_catalog()
    line = line_with_history(months=1, home="3201", password_initial=False)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "js1002")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.goto(f"{live_server.url}/desk/customers/{line.number}/")
    expect(page.get_by_test_id("panel-data-change")).to_be_visible()

    change = page.get_by_test_id("dc-change")
    change.select_option("sim_replacement")
    page.locator("#dc-form input[name=iccid]").fill(ICCID)
    page.get_by_test_id("dc-submit").click()
    expect(page.get_by_test_id("dc-result")).to_have_attribute("data-state", "error")
    assert get_billing().subscriber(line.number).status == "active"

    assert authenticate(api_client_for(hall), line.number, password=SERVICE_PASSWORD).status_code == 200
    page.get_by_test_id("dc-submit").click()
    expect(page.get_by_test_id("dc-result")).to_contain_text("办理成功")
    line.refresh_from_db()
    assert line.sim_iccid == ICCID
    first = page.get_by_test_id("dc-result").inner_text()

    change.select_option("suspend")
    page.locator("#dc-form input[name=reason]").fill("出国三个月")
    page.get_by_test_id("dc-submit").click()
    expect(page.get_by_test_id("dc-result")).not_to_have_text(first)  # the second acceptance's number
    expect(page.get_by_test_id("dc-result")).to_contain_text("办理成功")
    assert get_billing().subscriber(line.number).status == "suspended"
