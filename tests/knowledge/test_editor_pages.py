"""KB-1, KB-4: the knowledge editor's pages under /desk/knowledge/manage/ — who gets in, the menu entry,
writing and reviewing through the forms, versions with a diff, the sanitised preview, stale list,
synonyms and wording."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.knowledge import workflow
from kefu.knowledge.models import Article, Synonym, Wording

pytestmark = pytest.mark.django_db

MANAGE = "/desk/knowledge/manage/"


def client_for(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_only_editors_supervisors_and_administrators_get_in(people):
    """KB-1: agents are refused the editor's pages and do not see the menu entry; editors see it."""
    agent = client_for(people.agent)
    assert agent.get(MANAGE).status_code == 403
    assert "知识管理" not in agent.get("/").content.decode()
    for staff in (people.editor, people.supervisor, people.admin):
        page = client_for(staff).get(MANAGE)
        assert page.status_code == 200
        assert f'href="{MANAGE}"' in page.content.decode()


def test_write_submit_approve_through_the_pages(people, music):
    """KB-1: an editor writes and submits a draft; the author cannot approve it, a supervisor can."""
    editor = client_for(people.editor)
    response = editor.post(
        f"{MANAGE}new/",
        {
            "code": "KB-200",
            "title": "国际漫游怎么开",
            "body": '<p onclick="x()">拨打 10086 开通国际漫游。<script>alert(1)</script></p>',
            "kind": "procedure",
            "audience": "both",
            "business": music.code,
            "levels": ["gold"],
            "tags": "漫游，国际",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(code="KB-200")
    assert (article.status, article.levels, article.tags) == ("draft", ["gold"], ["漫游", "国际"])
    assert "onclick" not in article.body and "<script" not in article.body
    editor.post(f"{MANAGE}articles/KB-200/submit")
    page = editor.get(f"{MANAGE}articles/KB-200/").content.decode()
    assert "您修改过此版本" in page and 'data-testid="kb-approve"' not in page
    editor.post(f"{MANAGE}articles/KB-200/approve")
    assert Article.objects.get(code="KB-200").status == "review"  # refused: own review
    supervisor = client_for(people.supervisor)
    review = supervisor.get(f"{MANAGE}review/").content.decode()
    assert "KB-200" in review
    supervisor.post(f"{MANAGE}articles/KB-200/approve")
    assert Article.objects.get(code="KB-200").status == "published"
    assert "KB-200" not in supervisor.get(f"{MANAGE}review/").content.decode()


def test_refusals_show_a_message_and_change_nothing(people, draft):
    """KB-1: a refused action on a page says why and writes nothing."""
    editor = client_for(people.editor)
    response = editor.post(f"{MANAGE}articles/{draft.code}/approve", follow=True)
    assert "不能" in response.content.decode()
    response = editor.post(f"{MANAGE}articles/{draft.code}/", {"title": "", "body": "<p>x</p>"}, follow=True)
    assert "标题不能为空" in response.content.decode()
    assert Article.objects.get(code=draft.code).version == 1


def test_versions_page_diff_and_restore(people, published):
    """KB-1: the versions page lists who changed what, diffs any two versions (escaped) and restores."""
    workflow.article_edit(
        actor=people.editor2, code=published.code, body="<p>新的说明 &lt;b&gt;</p>", note="重写正文"
    )
    editor = client_for(people.editor)
    page = editor.get(f"{MANAGE}articles/{published.code}/versions/", {"from": 1, "to": 2}).content.decode()
    assert "重写正文" in page and "KE002" in page
    assert 'class="kb-diff"' in page and "&lt;b&gt;" in page and "<b>" not in page.split('class="kb-diff"')[1]
    editor.post(f"{MANAGE}articles/{published.code}/restore", {"version": "1"})
    article = Article.objects.get(code=published.code)
    assert article.version == 3 and article.versions.get(number=3).body == article.versions.get(number=1).body


def test_preview_is_sanitised(people):
    """KB-1: the live preview answers the sanitised HTML, never the raw input."""
    answer = client_for(people.editor).post(
        f"{MANAGE}preview", {"body": '<p onmouseover="x()">正文</p><script>alert(1)</script>'}
    )
    html = answer.json()["html"]
    assert "正文" in html and "onmouseover" not in html and "script" not in html
    assert client_for(people.agent).post(f"{MANAGE}preview", {"body": "x"}).status_code == 403


def test_list_filters_and_stale_page(people, published):
    """KB-1: the list filters by stale and needs review; the stale page lists overdue articles."""
    workflow.article_set_meta(
        actor=people.editor, code=published.code, review_by=timezone.localdate() - dt.timedelta(days=1)
    )
    workflow.article_create(actor=people.editor, code="KB-300", title="其他", body="<p>其他</p>")
    editor = client_for(people.editor)
    stale = editor.get(MANAGE, {"stale": "true"}).content.decode()
    assert published.code in stale and "KB-300" not in stale and "已过复审日期" in stale
    assert published.code in editor.get(f"{MANAGE}stale/").content.decode()
    drafts = editor.get(MANAGE, {"status": "draft"}).content.decode()
    assert "KB-300" in drafts and f'data-code="{published.code}"' not in drafts


def test_synonyms_page(people):
    """KB-1: knowledge editors keep synonym groups; a group needs two different words."""
    editor = client_for(people.editor)
    editor.post(f"{MANAGE}synonyms/", {"terms": "网速慢，上网慢, 网络卡"})
    group = Synonym.objects.get()
    assert group.terms == ["网速慢", "上网慢", "网络卡"]
    response = editor.post(f"{MANAGE}synonyms/", {"terms": "彩铃"}, follow=True)
    assert "至少需要两个" in response.content.decode() and Synonym.objects.count() == 1
    editor.post(f"{MANAGE}synonyms/", {"id": group.pk, "delete": "1"})
    assert Synonym.objects.count() == 0


def test_wording_pages(people):
    """KB-4: wording is written, submitted and approved through its pages like articles."""
    editor = client_for(people.editor)
    editor.post(
        f"{MANAGE}wording/new/",
        {
            "code": "W-100",
            "title": "停机解释",
            "text": "您好，您的号码因欠费停机。",
            "problem": "billing.suspend",
            "channel": "agent",
        },
    )
    assert Wording.objects.get(code="W-100").status == "draft"
    editor.post(f"{MANAGE}wording/W-100/submit")
    client_for(people.supervisor).post(f"{MANAGE}wording/W-100/approve")
    assert Wording.objects.get(code="W-100").status == "published"
    editor.post(
        f"{MANAGE}wording/W-100/",
        {
            "title": "停机解释",
            "text": "您好，您的号码因余额不足停机。",
            "problem": "billing.suspend",
            "channel": "agent",
        },
    )
    wording = Wording.objects.get(code="W-100")
    assert (wording.version, wording.text) == (2, "您好，您的号码因欠费停机。")
    page = editor.get(f"{MANAGE}wording/W-100/versions/", {"from": 1, "to": 2}).content.decode()
    assert "余额不足" in page and "欠费" in page
