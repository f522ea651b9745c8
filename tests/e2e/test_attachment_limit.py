"""An oversized attachment is stopped in the browser before it is sent (WO-6; issue 12 item 8): a
readable message names the file and the limit in MB, the form stays with what the user typed, and the
order does not change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kefu.catalog.models import CategoryNode
from kefu.workorders import services
from tests.conftest import PASSWORD
from tests.factories import SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_oversized_file_is_refused_before_upload_and_the_comment_stays(
    browser, live_server, make_staff, settings
):
    """WO-6: with a 1 MB limit, a 2 MB file is refused in the page (no request, no attachment, the
    comment still typed); the limit reads 1 MB."""
    settings.KEFU_ATTACHMENT_MAX_BYTES = 1024 * 1024
    agent = make_staff("hotline_agent", "JS", job_number="js2201")
    make_staff("back_office", "JS", job_number="js2204")
    category = CategoryNode.objects.filter(
        request_type="complaint", version__is_current=True, depth=2
    ).first()
    order = services.order_accept(
        actor=agent,
        data=services.OrderInput(
            kind="complaint", subscriber=SubscriberFactory(home="3201"), category=category
        ),
    ).order
    events = order.events.count()

    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "js2204")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-primary")
    expect(page.locator("h1")).to_have_text("工作台")
    page.goto(f"{live_server.url}/workorders/{order.number}/")
    page.get_by_test_id("action-attach").click()
    form = page.locator("form[data-form=attach]")
    expect(form).to_contain_text("每个文件不超过 1 MB")
    form.locator("textarea[name=comment]").fill("客户提供的扣费截图")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.get_by_test_id("files-attach").set_input_files(
        files=[{"name": "截图.png", "mimeType": "image/png", "buffer": b"x" * (2 * 1024 * 1024)}]
    )
    error = page.get_by_test_id("files-error-attach")
    expect(error).to_have_text("附件“截图.png”超过大小限制（1 MB），请压缩或拆分后再上传")
    page.get_by_test_id("do-attach").click()
    page.wait_for_timeout(500)
    assert posts == []  # nothing was sent
    expect(form.locator("textarea[name=comment]")).to_have_value("客户提供的扣费截图")
    assert order.attachments.count() == 0 and order.events.count() == events
    context.close()
