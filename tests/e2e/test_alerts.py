"""Issue 12 item 7 in Chromium, in Chinese: desktop notifications for what is pushed to the desk (a
work order reaching the user's queue, an urge, a notice, the IVR's password result), asked for from
the bell and not on page load, raised once per browser; and the agent's keyboard shortcuts with their
help overlay.

``window.Notification`` is replaced by a recording stub in an init script (headless Chromium shows
nothing), so each test counts the notifications the page raised and can click one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import desk_context, sign_in
from tests.factories import SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Records every notification and lets the test choose what the browser answers to the permission
# request (granted at once, or "default" until the page asks).
NOTIFICATION_STUB = """
(() => {
  // the browser remembers the answer for the site: it outlives a reload
  let permission = localStorage.getItem("stub-permission") || %r;
  const notes = [];
  window.__asked = 0;
  class RecordingNotification {
    constructor(title, options) {
      this.title = title;
      this.body = (options || {}).body || "";
      this.tag = (options || {}).tag || "";
      this.onclick = null;
      notes.push(this);
    }
    close() { this.closed = true; }
    static get permission() { return permission; }
    static requestPermission() {
      window.__asked += 1;
      permission = "granted";
      localStorage.setItem("stub-permission", permission);
      return Promise.resolve(permission);
    }
  }
  window.Notification = RecordingNotification;
  window.__notes = notes;
  // counts the tones played through WebAudio
  window.__tones = 0;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) { window.__tones += 1; return start.apply(this, args); };
})();
"""

NOTES = "window.__notes.map((n) => ({title: n.title, body: n.body}))"


@pytest.fixture
def db_bus(settings):
    """The embedded bus (a table polled by the streams), as ``kefu demo`` runs it."""
    from kefu.core.bus import get_bus

    settings.KEFU_BUS_URL = "db"
    get_bus.cache_clear()
    yield
    get_bus.cache_clear()


def _desk(browser, live_server, job_number, *, permission="granted", grant=True, init=""):
    context = desk_context(browser)
    if grant:
        context.grant_permissions(["notifications"], origin=live_server.url)
    context.add_init_script(NOTIFICATION_STUB % permission)
    if init:
        context.add_init_script(init)
    page = context.new_page()
    sign_in(page, live_server, job_number, stream=True)
    return page


def _wait_for_notes(page, count):
    page.wait_for_function(f"window.__notes.length >= {count}")
    page.wait_for_timeout(800)  # a duplicate would arrive within the stream's next polls
    return page.evaluate(NOTES)


def _complaint(agent):
    """A complaint of a Nanjing line accepted by the hotline: held by the province centre."""
    from kefu.catalog.models import CategoryNode
    from kefu.workorders import services

    category = (
        CategoryNode.objects.filter(request_type="complaint", version__is_current=True, depth=2)
        .order_by("id")
        .first()
    )
    line = SubscriberFactory(home="3201")
    data = services.OrderInput(kind="complaint", subscriber=line, category=category)
    return services.order_accept(actor=agent, data=data).order


def test_an_order_reaching_the_queue_an_urge_and_a_notice_each_raise_one_notification(
    browser, live_server, make_staff, db_bus
):
    """WO-6, SYS-1: the city handler's open desk raises exactly one desktop notification when a
    complaint is dispatched to the city team, one when it is urged, and one when a notice is
    published to them; accepting the order (held by the centre, not the team) raises none; clicking
    a notification opens the order."""
    from kefu.bulletins.services import notice_publish
    from kefu.workorders import services

    agent = make_staff("hotline_agent", "JS", job_number="js3001", name="王晓梅")
    back = make_staff("back_office", "JS", job_number="js3004", name="张伟")
    make_staff("city_handler", "JS", city="3201", job_number="js3005", name="刘洋")
    supervisor = make_staff("supervisor", "JS", job_number="js3006", name="赵敏")
    city = _desk(browser, live_server, "js3005")
    try:
        order = _complaint(agent)
        page_notes = city.evaluate(NOTES)
        assert page_notes == []

        services.order_dispatch(actor=back, order=order.number)
        notes = _wait_for_notes(city, 1)
        assert len(notes) == 1
        assert notes[0]["title"] == "新工单到达"
        assert order.number in notes[0]["body"] and "已派发" in notes[0]["body"]

        services.order_urge(actor=back, order=order.number, comment="客户再次来电")
        notes = _wait_for_notes(city, 2)
        assert len(notes) == 2
        assert notes[1]["title"] == "工单催办"
        assert order.number in notes[1]["body"]

        notice_publish(
            actor=supervisor,
            title="今晚系统升级",
            body="22点至23点暂停受理。",
            audience="staff",
            target="js3005",
        )
        notes = _wait_for_notes(city, 3)
        assert len(notes) == 3
        assert notes[2]["title"] == "新公告"
        assert notes[2]["body"].startswith("今晚系统升级")
        assert city.evaluate("window.__asked") == 0  # granted beforehand: never asked again

        city.evaluate("window.__notes[1].onclick({preventDefault() {}})")
        expect(city).to_have_url(re.compile(rf"/workorders/{order.number}/$"))
    finally:
        city.context.close()


def test_the_bell_asks_for_permission_and_one_tab_per_browser_notifies_the_ivr_result(
    browser, live_server, make_staff, db_bus
):
    """AUTH-3, issue 12 item 7: nothing asks for permission on page load; the bell's button asks,
    then the IVR's result (pushed to the agent) raises one notification in the leader tab and none in
    the other tab of the same browser; the tone is off by default and plays once per alert when on,
    a choice that outlives the page."""
    from kefu.core.bus import get_bus
    from kefu.telephony.services import agent_channel

    make_staff("hotline_agent", "JS", job_number="js3001", name="王晓梅")
    line = SubscriberFactory(home="3201")
    page = _desk(browser, live_server, "js3001", permission="default", grant=False)
    try:
        assert page.evaluate("window.__asked") == 0
        page.get_by_test_id("alerts-bell").click()
        expect(page.get_by_test_id("alerts-permission")).to_have_text("桌面通知尚未开启")
        expect(page.get_by_test_id("alerts-desktop")).to_be_disabled()
        page.get_by_test_id("alerts-enable").click()
        expect(page.get_by_test_id("alerts-permission")).to_have_text("桌面通知已开启")
        expect(page.get_by_test_id("alerts-desktop")).to_be_checked()
        assert page.evaluate("window.__asked") == 1
        expect(page.get_by_test_id("alerts-sound")).not_to_be_checked()
        page.get_by_test_id("alerts-sound").check()
        assert page.evaluate("localStorage.getItem('kefu.alerts.sound')") == "1"
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("alerts-panel")).to_be_hidden()

        second = page.context.new_page()
        second.goto(f"{live_server.url}/")
        expect(second.locator("body")).to_have_attribute("data-events", "open")
        page.reload()  # counts from zero again (ticking the box played the tone once)
        expect(page.locator("body")).to_have_attribute("data-events", "open")
        # the browser's one stream (live.js): exactly one of its two tabs leads
        tabs = [page, second]
        leaders = [tab for tab in tabs if tab.evaluate("window.kefu.live.isLeader()")]
        assert len(leaders) == 1
        leader = leaders[0]
        other = second if leader is page else page
        for tab in tabs:
            tab.locator("h1").click()  # a gesture on the page lets it play sound

        get_bus().publish(
            agent_channel("js3001"),
            {
                "type": "ivr_auth",
                "collection_id": 7,
                "number": line.number,
                "result": "fail",
                "tries_left": 2,
            },
        )
        notes = _wait_for_notes(leader, 1)
        assert notes == [{"title": "IVR密码验证未通过", "body": f"{line.number} · 验证失败 · 剩余尝试次数 2"}]
        assert leader.evaluate("window.__tones") == 1
        assert other.evaluate("window.__notes.length") == 0
        assert other.evaluate("window.__tones") == 0
    finally:
        page.context.close()


def test_shortcuts_open_the_help_search_and_a_new_order_for_the_customer_on_screen(
    browser, live_server, make_staff
):
    """VIEW-1, WO-1, issue 12 item 7: "?" opens the help overlay listing every shortcut (Esc closes
    it), but typing "?" in the search box only types; "/" and Alt+S go to the search box; Alt+N
    opens the new work order page, for the customer on screen when there is one; Alt+F opens the
    customer finder; Alt+A with no ringing call says so."""
    make_staff("hotline_agent", "JS", job_number="js3001", name="王晓梅")
    line = SubscriberFactory(home="3201")
    page = _desk(browser, live_server, "js3001")
    try:
        help_dialog = page.get_by_test_id("shortcuts-help")
        expect(help_dialog).to_be_hidden()
        page.keyboard.press("?")
        expect(help_dialog).to_be_visible()
        expect(page.get_by_role("dialog", name="快捷键")).to_be_visible()
        table = page.get_by_test_id("shortcuts-table")
        for action in (
            "接听振铃中的来电",
            "挂断当前通话",
            "定位到顶部搜索框",
            "打开客户查找",
            "新建工单",
            "打开本帮助",
        ):
            expect(table).to_contain_text(action)
        expect(table.locator("tbody tr")).to_have_count(7)
        page.keyboard.press("Escape")
        expect(help_dialog).to_be_hidden()

        search = page.get_by_test_id("top-search")
        page.keyboard.press("/")
        expect(search).to_be_focused()
        search.press("?")
        expect(search).to_have_value("?")
        expect(help_dialog).to_be_hidden()
        search.press("Alt+N")  # typing in a field: no shortcut
        expect(page).to_have_url(f"{live_server.url}/")
        page.evaluate("document.activeElement.blur()")
        page.keyboard.press("Alt+S")
        expect(search).to_be_focused()
        page.evaluate("document.activeElement.blur()")

        page.keyboard.press("Alt+A")
        expect(page.get_by_test_id("shortcut-status")).to_have_text("没有振铃中的来电")

        page.keyboard.press("Alt+N")
        expect(page).to_have_url(f"{live_server.url}/workorders/new/")

        page.goto(f"{live_server.url}/desk/customers/{line.number}/")
        expect(page.get_by_test_id("cv-header")).to_be_visible()
        page.keyboard.press("Alt+N")
        expect(page).to_have_url(f"{live_server.url}/workorders/new/?number={line.number}")
        expect(page.get_by_test_id("subscriber-facts")).to_contain_text(line.number)

        page.evaluate("document.activeElement.blur()")
        page.keyboard.press("Alt+F")
        expect(page).to_have_url(f"{live_server.url}/desk/customers/")
        expect(page.get_by_test_id("customer-query")).to_be_focused()
    finally:
        page.context.close()


def test_call_keys_answer_the_ringing_call_and_hang_it_up(
    browser, live_server, make_staff, api_client_for, db_bus
):
    """VIEW-1, CON-1: a call rings at the agent's seat (pushed by the CTI); Alt+A answers it as the call
    bar would (the caller's view pops) and Alt+H hangs it up (the call bar shows it ended, and a
    second Alt+H says there is no call); a second call is answered with F8 and hung up with F9 while
    the agent types in a field, where the Alt keys do nothing."""
    agent = make_staff("hotline_agent", "JS", job_number="js3001", name="王晓梅")
    line = SubscriberFactory(home="3201")
    page = _desk(browser, live_server, "js3001")
    cti = api_client_for(agent)

    def ring(call_id):
        event = {
            "event": "ring",
            "call_id": call_id,
            "calling_number": line.number,
            "agent_job_number": "js3001",
        }
        assert cti.post("/api/v1/cti/events", event, format="json").status_code < 300
        expect(page.get_by_test_id("call-state")).to_have_text("振铃")

    try:
        ring("E2E-KEYS-1")
        page.keyboard.press("Alt+A")
        expect(page).to_have_url(re.compile(rf"/desk/customers/{line.number}/$"))
        expect(page.get_by_test_id("call-state")).to_have_text("通话中")
        page.keyboard.press("Alt+H")
        expect(page.get_by_test_id("call-state")).to_have_text("已挂机")
        page.keyboard.press("Alt+H")
        expect(page.get_by_test_id("shortcut-status")).to_have_text("当前没有通话")

        ring("E2E-KEYS-2")
        search = page.get_by_test_id("top-search")
        search.click()
        search.press("Alt+A")  # typing: the Alt keys do nothing
        page.wait_for_timeout(500)
        expect(page.get_by_test_id("call-state")).to_have_text("振铃")
        search.press("F8")
        expect(page.get_by_test_id("call-state")).to_have_text("通话中")
        search = page.get_by_test_id("top-search")  # the pop reloaded the view
        search.click()
        search.press("F9")
        expect(page.get_by_test_id("call-state")).to_have_text("已挂机")
    finally:
        page.context.close()
