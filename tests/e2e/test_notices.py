"""SYS-1 in Chromium, in Chinese: a supervisor publishes a notice on the desk form; the agent's open
desk counts it in the top bar at once (pushed over the stream), the agent opens and acknowledges it,
and the supervisor's page shows the acknowledgement."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in as _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_notice_arrives_live_and_is_acknowledged(browser, live_server, make_staff, settings):
    """SYS-1: the agent's badge goes from 0 to 1 without a reload when the supervisor publishes to
    them, with the title shown; opening the notice clears the badge; acknowledging removes the button;
    the supervisor then sees 1/1 acknowledged."""
    from kefu.core.bus import get_bus

    settings.KEFU_BUS_URL = "db"
    get_bus.cache_clear()
    make_staff("hotline_agent", "JS", city="3201", job_number="js1001", name="王芳")
    make_staff("supervisor", "JS", job_number="js1006", name="赵敏")

    agent_context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    supervisor_context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    agent_context.set_default_timeout(10_000)
    supervisor_context.set_default_timeout(10_000)
    try:
        agent = agent_context.new_page()
        _login(agent, live_server, "js1001")
        expect(agent.locator("body")).to_have_attribute("data-events", "open")
        expect(agent.get_by_test_id("notice-unread")).to_have_text("0")

        supervisor = supervisor_context.new_page()
        _login(supervisor, live_server, "js1006")
        supervisor.goto(f"{live_server.url}/bulletins/new/")
        supervisor.get_by_test_id("notice-title-input").fill("今晚系统升级")
        supervisor.get_by_test_id("notice-body-input").fill("22点至23点暂停受理。")
        supervisor.get_by_test_id("notice-audience").select_option("staff")
        supervisor.get_by_test_id("notice-target").fill("js1001")
        supervisor.get_by_test_id("notice-publish").click()
        expect(supervisor.locator(".msg-success")).to_contain_text("已发布给 1 人")

        expect(agent.get_by_test_id("notice-unread")).to_have_text("1")
        expect(agent.get_by_test_id("notice-toast")).to_have_text("今晚系统升级")

        agent.get_by_test_id("notice-badge").click()
        agent.get_by_role("link", name="今晚系统升级").click()
        expect(agent.get_by_test_id("notice-body")).to_contain_text("22点至23点暂停受理")
        expect(agent.get_by_test_id("notice-unread")).to_have_text("0")
        agent.get_by_test_id("notice-ack").click()
        expect(agent.locator(".msg-success")).to_have_text("已确认")
        expect(agent.get_by_test_id("notice-ack")).to_have_count(0)

        supervisor.reload()
        expect(supervisor).to_have_url(re.compile(r"/bulletins/\d+/$"))
        expect(supervisor.get_by_test_id("notice-ack-count")).to_have_text("1")
    finally:
        agent_context.close()
        supervisor_context.close()
        get_bus.cache_clear()
