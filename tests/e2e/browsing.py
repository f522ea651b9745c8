"""What the browser tests share: a desk's browser context and signing in through the login page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def desk_context(browser):
    """A Chinese-language desktop browser, as the centre's staff use."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    return context


def sign_in(page, live_server, job_number, heading="工作台", *, stream=False):
    """Sign in through the login page and land on ``heading``; with ``stream``, wait until the desk's
    live stream is open (whatever is pushed from then on reaches the page)."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", job_number)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")
    expect(page.locator("h1")).to_have_text(heading)
    if stream:
        expect(page.locator("body")).to_have_attribute("data-events", "open")


def open_desk(browser, live_server, job_number):
    """A new browser signed in as ``job_number``, on its home page."""
    page = desk_context(browser).new_page()
    sign_in(page, live_server, job_number)
    return page
