"""KB-1 in Chromium, in Chinese: a knowledge editor writes a draft with the live preview (sanitised by
the server), submits it; a supervisor approves it from the review queue; it becomes readable to an
agent and searchable; the editor changes it, compares the versions and restores the first one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import desk_context
from tests.e2e.browsing import sign_in as _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_editor_writes_supervisor_approves_and_restore(browser, live_server, make_staff):
    """KB-1: draft → review → published through the pages, four eyes, then versions, diff and restore."""
    from kefu.knowledge import search
    from kefu.knowledge.models import Article

    make_staff("knowledge_editor", "JS", job_number="js1008", name="周文")
    make_staff("supervisor", "JS", job_number="js1006", name="赵敏")
    make_staff("hotline_agent", "JS", job_number="js1001", name="王晓梅")

    editor_context, supervisor_context, agent_context = (desk_context(browser) for _ in range(3))
    try:
        editor = editor_context.new_page()
        _login(editor, live_server, "js1008")
        editor.get_by_role("link", name="知识管理").click()
        expect(editor.locator("h1")).to_have_text("知识管理")
        editor.get_by_test_id("kb-new").click()
        editor.get_by_test_id("kb-code").fill("KB-E2E")
        editor.get_by_test_id("kb-title").fill("国际漫游怎么开通")
        editor.get_by_test_id("kb-body").fill(
            '<p onclick="steal()">出国前拨打 10086 开通<strong>国际漫游</strong>。</p><script>alert(1)</script>'
        )
        preview = editor.get_by_test_id("kb-preview")
        expect(preview.locator("strong")).to_have_text("国际漫游")
        expect(preview.locator("script")).to_have_count(0)
        expect(preview.locator("[onclick]")).to_have_count(0)
        editor.get_by_test_id("kb-save").click()
        expect(editor.locator(".msg-success")).to_contain_text("已保存草稿")
        editor.get_by_test_id("kb-submit").click()
        expect(editor.locator(".msg-success")).to_have_text("已提交审核")
        expect(editor.get_by_test_id("kb-approve")).to_have_count(0)  # four eyes: not the author

        supervisor = supervisor_context.new_page()
        _login(supervisor, live_server, "js1006")
        supervisor.goto(f"{live_server.url}/desk/knowledge/manage/review/")
        supervisor.get_by_test_id("kb-review-articles").get_by_role("link", name="KB-E2E").click()
        supervisor.get_by_test_id("kb-approve").click()
        expect(supervisor.locator(".msg-success")).to_have_text("已审核通过并发布")

        agent = agent_context.new_page()
        _login(agent, live_server, "js1001")
        answer = agent.evaluate(
            "fetch('/api/v1/knowledge/articles/KB-E2E/', {headers: {Accept: 'application/json'}})"
            ".then(r => r.json())"
        )
        assert (
            answer["status"] == "published"
            and "国际漫游" in answer["body"]
            and "onclick" not in answer["body"]
        )
        assert [hit.article.code for hit in search.search("国际漫游").results] == ["KB-E2E"]

        # a change stays a draft beside the published text; then the first version is restored
        editor.get_by_test_id("kb-title").fill("国际漫游开通（旧流程）")
        editor.get_by_test_id("kb-note").fill("试改标题")
        editor.get_by_test_id("kb-save").click()
        expect(editor.locator(".msg-success")).to_contain_text("第 2 版")
        assert Article.objects.get(code="KB-E2E").title == "国际漫游怎么开通"
        editor.get_by_test_id("kb-versions-link").click()
        expect(editor.get_by_test_id("kb-diff")).to_contain_text("国际漫游开通（旧流程）")
        expect(editor.get_by_test_id("kb-version-list")).to_contain_text("试改标题")
        editor.get_by_test_id("kb-restore-1").click()
        expect(editor.locator(".msg-success")).to_have_text("已恢复为新的草稿版本")
        expect(editor.get_by_test_id("kb-title")).to_have_value("国际漫游怎么开通")
        versions = list(Article.objects.get(code="KB-E2E").versions.order_by("number"))
        assert [v.number for v in versions] == [1, 2, 3] and versions[2].title == versions[0].title
    finally:
        for context in (editor_context, supervisor_context, agent_context):
            context.close()
