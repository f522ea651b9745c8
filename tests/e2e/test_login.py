"""Login by job number in a real browser, then the desk in Chinese and in English (SYS-1)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_login_with_job_number_then_switch_to_english(page, live_server, make_staff):
    """SYS-1: a hotline agent signs in with a job number, sees their home in Chinese with today's
    contacts from the database, switches to English and sees the desk in English."""
    make_staff("hotline_agent", "JS", city="3201", job_number="js1001", name="王芳")
    make_staff("hall_staff", "JS", city="3201", job_number="js1002")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("label[for=id_username]")).to_have_text("工号")

    page.fill("#id_username", "js1001")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")

    expect(page.locator("h1")).to_have_text("工作台")
    expect(page.get_by_test_id("who")).to_contain_text("王芳")
    expect(page.get_by_test_id("who")).to_contain_text("江苏 / 南京")
    staff_card = page.locator("[data-figure=contacts_today]")
    expect(staff_card).to_contain_text("今日接触")
    expect(staff_card.locator(".card-value")).to_have_text("0")
    expect(page.locator(".nav-item.disabled").first).to_contain_text("即将上线")

    page.get_by_role("button", name="English").click()

    expect(page.locator("h1")).to_have_text("Desk")
    expect(staff_card).to_contain_text("Contacts today")
    expect(staff_card.locator(".card-value")).to_have_text("0")
    expect(page.get_by_test_id("who")).to_contain_text("Hotline agent position")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_wrong_password_in_the_browser(page, live_server, make_staff):
    """SYS-1: a wrong password leaves the user on the login page with a readable Chinese error."""
    make_staff("hotline_agent", "JS", job_number="js1003")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "js1003")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit].btn-primary")
    expect(page.locator(".alert-error")).to_have_text("工号或密码错误")
    expect(page).to_have_url(re.compile(r"/login/"))
