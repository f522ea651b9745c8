"""KB-1: the review workflow of articles — draft → review → published → retired, every version kept,
edits of a published article pending beside the published text, four eyes, restore, diff, review
dates (stale) and SR-3's flag when a business goes offline or is renamed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.catalog import services as catalog
from kefu.core.errors import DomainError
from kefu.core.models import AuditEvent
from kefu.knowledge import search, workflow
from kefu.knowledge.models import Article, ArticleVersion

pytestmark = pytest.mark.django_db


def code_of(call) -> tuple[int, str]:
    with pytest.raises(DomainError) as raised:
        call()
    return raised.value.status, raised.value.code


def test_draft_submit_approve_publishes_and_search_finds_it(people, draft):
    """KB-1: a draft is invisible to search until a reviewer other than the author approves it."""
    assert (draft.status, draft.version, draft.published_version) == ("draft", 1, 0)
    assert search.search("彩铃").results == []
    workflow.article_submit(actor=people.editor, code=draft.code)
    assert Article.objects.get(code=draft.code).status == "review"
    article = workflow.article_approve(actor=people.supervisor, code=draft.code)
    assert (article.status, article.published_version, workflow.stage(article)) == ("published", 1, "")
    assert article.published_at is not None
    assert [hit.article.code for hit in search.search("彩铃").results] == ["KB-001"]
    actions = list(
        AuditEvent.objects.filter(action__startswith="knowledge.article")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["knowledge.article.create", "knowledge.article.submit", "knowledge.article.approve"]


def test_editing_a_published_article_keeps_readers_on_the_published_version(people, published):
    """KB-1: an edit of a published article is a pending draft; readers and search keep the published text
    until the new version is approved."""
    workflow.article_edit(
        actor=people.editor2,
        code=published.code,
        title="彩铃开通方法",
        body="<p>拨打 10086 开通彩铃。</p>",
        note="改为电话",
    )
    article = Article.objects.get(code=published.code)
    assert (article.status, article.version, article.published_version) == ("published", 2, 1)
    assert workflow.stage(article) == "draft"
    assert article.title == "彩铃怎么开通" and "KTCL" in article.body_text
    assert ArticleVersion.objects.get(article=article, number=2).title == "彩铃开通方法"
    assert search.search("KTCL").results and not search.search("拨打").results
    workflow.article_submit(actor=people.editor2, code=article.code)
    assert Article.objects.get(code=article.code).status == "published"  # still readable while in review
    article = workflow.article_approve(actor=people.editor, code=article.code)
    assert (article.title, article.published_version) == ("彩铃开通方法", 2)
    assert search.search("拨打").results and not search.search("KTCL").results


def test_four_eyes(people, draft):
    """KB-1: nobody approves a version they wrote (403 own_review), not even a supervisor or administrator;
    a co-author of the pending change is refused too."""
    workflow.article_submit(actor=people.editor, code=draft.code)
    assert code_of(lambda: workflow.article_approve(actor=people.editor, code=draft.code)) == (
        403,
        "own_review",
    )
    workflow.article_reject(actor=people.supervisor, code=draft.code, reason="补充资费")
    workflow.article_edit(actor=people.admin, code=draft.code, body="<p>发送 KTCL 到 10086，月费 5 元。</p>")
    workflow.article_submit(actor=people.admin, code=draft.code)
    for author in (people.admin, people.editor):
        assert code_of(lambda a=author: workflow.article_approve(actor=a, code=draft.code)) == (
            403,
            "own_review",
        )
    assert workflow.article_approve(actor=people.editor2, code=draft.code).status == "published"


def test_non_editors_cannot_write_or_review(people, draft):
    """KB-1: agents write nothing (403 not_an_editor); supervisors review but do not write."""
    agent, supervisor = people.agent, people.supervisor
    calls = [
        lambda: workflow.article_create(actor=agent, code="KB-X", title="x", body="y"),
        lambda: workflow.article_edit(actor=agent, code=draft.code, title="x"),
        lambda: workflow.article_submit(actor=agent, code=draft.code),
        lambda: workflow.article_approve(actor=agent, code=draft.code),
        lambda: workflow.article_reject(actor=agent, code=draft.code, reason="x"),
        lambda: workflow.article_retire(actor=agent, code=draft.code),
        lambda: workflow.article_restore(actor=agent, code=draft.code, number=1),
        lambda: workflow.synonym_save(actor=agent, terms=["网速慢", "上网慢"]),
        lambda: workflow.article_edit(actor=supervisor, code=draft.code, title="x"),
    ]
    for call in calls:
        assert code_of(call) == (403, "not_an_editor")
    assert Article.objects.get(code=draft.code).version == 1


# (action, state it is tried in) for every transition the workflow refuses
def _states(people, draft):
    def in_draft():
        return draft.code

    def in_review():
        workflow.article_submit(actor=people.editor, code=draft.code)
        return draft.code

    def in_published():
        in_review()
        workflow.article_approve(actor=people.supervisor, code=draft.code)
        return draft.code

    def in_retired():
        in_published()
        workflow.article_retire(actor=people.supervisor, code=draft.code)
        return draft.code

    return {"draft": in_draft, "review": in_review, "published": in_published, "retired": in_retired}


INVALID = [
    ("approve", "draft"),
    ("reject", "draft"),
    ("retire", "draft"),
    ("submit", "review"),
    ("edit", "review"),
    ("restore", "review"),
    ("retire", "review"),
    ("submit", "published"),
    ("approve", "published"),
    ("reject", "published"),
    ("submit", "retired"),
    ("approve", "retired"),
    ("reject", "retired"),
    ("retire", "retired"),
]


@pytest.mark.parametrize(("action", "state"), INVALID, ids=[f"{a}-in-{s}" for a, s in INVALID])
def test_invalid_transitions_are_409_and_change_nothing(people, draft, action, state):
    """KB-1: every action the state does not allow is 409 invalid_transition and changes nothing."""
    code = _states(people, draft)[state]()
    before = Article.objects.values().get(code=code)
    versions = ArticleVersion.objects.count()
    calls = {
        "submit": lambda: workflow.article_submit(actor=people.editor, code=code),
        "approve": lambda: workflow.article_approve(actor=people.editor2, code=code),
        "reject": lambda: workflow.article_reject(actor=people.editor2, code=code, reason="不准确"),
        "retire": lambda: workflow.article_retire(actor=people.editor2, code=code),
        "edit": lambda: workflow.article_edit(actor=people.editor, code=code, title="新标题"),
        "restore": lambda: workflow.article_restore(actor=people.editor, code=code, number=1),
    }
    assert code_of(calls[action]) == (409, "invalid_transition")
    assert Article.objects.values().get(code=code) == before
    assert ArticleVersion.objects.count() == versions


def test_reject_needs_a_reason_and_sends_back_to_draft(people, draft):
    """KB-1: a rejection says why; the author reads it on the article."""
    workflow.article_submit(actor=people.editor, code=draft.code)
    assert code_of(lambda: workflow.article_reject(actor=people.supervisor, code=draft.code, reason=" ")) == (
        400,
        "validation_failed",
    )
    article = workflow.article_reject(actor=people.supervisor, code=draft.code, reason="缺少资费说明")
    assert (article.status, workflow.stage(article), article.review_note) == (
        "draft",
        "draft",
        "缺少资费说明",
    )


def test_retire_removes_from_search_and_a_new_version_republishes(people, published):
    """KB-1: a retired article leaves the search; restoring it goes through review again."""
    workflow.article_retire(actor=people.supervisor, code=published.code, reason="业务调整")
    assert search.search("彩铃").results == []
    article = workflow.article_restore(actor=people.editor2, code=published.code, number=1)
    assert (article.status, article.version, workflow.stage(article)) == ("retired", 2, "draft")
    workflow.article_submit(actor=people.editor2, code=published.code)
    workflow.article_approve(actor=people.editor, code=published.code)
    assert [hit.article.code for hit in search.search("彩铃").results] == [published.code]


def test_restore_copies_an_old_version_as_a_new_draft(people, published):
    """KB-1: restore never rewrites history: version 3 is a copy of version 1."""
    workflow.article_edit(
        actor=people.editor, code=published.code, title="错误的标题", body="<p>错误内容</p>"
    )
    workflow.article_restore(actor=people.editor, code=published.code, number=1)
    versions = {v.number: v for v in ArticleVersion.objects.filter(article__code=published.code)}
    assert sorted(versions) == [1, 2, 3]
    assert (versions[3].title, versions[3].body) == (versions[1].title, versions[1].body)
    assert versions[2].title == "错误的标题"
    assert "恢复" in versions[3].note
    assert code_of(lambda: workflow.article_restore(actor=people.editor, code=published.code, number=9)) == (
        404,
        "unknown_version",
    )


def test_diff_lists_changed_fields_and_escapes(people, published):
    """KB-1: the diff between two versions names the changed fields and shows the text escaped."""
    workflow.article_edit(
        actor=people.editor,
        code=published.code,
        title="彩铃 <b>开通</b>",
        body="<p>发送短信 KTCL 到 10086 即可开通彩铃。</p><p>月费 5 元 &lt;script&gt;</p>",
        tags=["彩铃"],
    )
    diff = workflow.article_diff(published, 1, 2)
    assert diff.changed == ["title", "tags", "body"]
    assert any(row.tag == "insert" and "月费 5 元" in row.new for row in diff.rows)
    assert "<script>" not in diff.html and "&lt;script&gt;" in diff.html
    assert "&lt;b&gt;" in diff.html
    assert "+月费 5 元 <script>" in diff.unified
    assert workflow.article_diff(published, 1, 1).changed == []


def test_sanitising_removes_scripts_and_handlers(people):
    """KB-1: whatever the editor sends, script elements and event handlers never reach the body."""
    article = workflow.article_create(
        actor=people.editor,
        code="KB-XSS",
        title="测试",
        body='<p onclick="steal()">正文<script>alert(1)</script><a href="javascript:x()">链接</a></p>',
    )
    version = ArticleVersion.objects.get(article=article, number=1)
    for text in (article.body, version.body):
        assert "onclick" not in text and "<script" not in text and "javascript:" not in text
        assert "正文" in text


def test_stale_articles(people, published):
    """KB-1: a published article past its review date is stale and listed; a confirm clears it."""
    today = timezone.localdate()
    workflow.article_set_meta(
        actor=people.editor, code=published.code, review_by=today - dt.timedelta(days=1)
    )
    assert [a.code for a in workflow.stale_articles()] == [published.code]
    assert workflow.is_stale(Article.objects.get(code=published.code))
    assert workflow.stale_articles(today - dt.timedelta(days=2)).count() == 0
    workflow.article_confirm(
        actor=people.supervisor, code=published.code, review_by=today + dt.timedelta(days=90)
    )
    assert list(workflow.stale_articles()) == []


@pytest.mark.parametrize("change", ["offline", "rename"])
def test_business_offline_or_rename_flags_its_articles(people, published, music, change):
    """SR-3: taking a business offline or renaming it flags its articles for review with the reason;
    approving a new version clears the flag."""
    other = workflow.article_create(actor=people.editor, code="KB-002", title="其他", body="<p>无业务</p>")
    if change == "offline":
        catalog.business_take_offline(actor=people.admin, business=music, reason="平台关停")
        expected = "下线"
    else:
        catalog.business_rename(actor=people.admin, business=music, new_name="咪咕音乐新版")
        expected = "咪咕音乐新版"
    article = Article.objects.get(code=published.code)
    assert article.needs_review and expected in article.needs_review_reason
    assert not Article.objects.get(code=other.code).needs_review
    workflow.article_edit(actor=people.editor, code=article.code, body="<p>业务已调整</p>")
    workflow.article_submit(actor=people.editor, code=article.code)
    article = workflow.article_approve(actor=people.supervisor, code=article.code)
    assert not article.needs_review and article.needs_review_reason == ""


def test_national_articles_are_read_only_in_a_province(people):
    """ORG-2, KB-1: a province never edits national text (403 national_read_only); nothing changes."""
    from kefu.knowledge import services

    services.save_article(
        actor=None,
        code="N-001",
        title="全网资费",
        body="<p>全网统一</p>",
        origin="national",
        status="published",
    )
    for call in (
        lambda: workflow.article_edit(actor=people.editor, code="N-001", title="本省改写"),
        lambda: workflow.article_restore(actor=people.editor, code="N-001", number=1),
        lambda: workflow.article_retire(actor=people.supervisor, code="N-001"),
    ):
        assert code_of(call) == (403, "national_read_only")
    article = Article.objects.get(code="N-001")
    assert (article.title, article.version, article.status) == ("全网资费", 1, "published")


@pytest.mark.parametrize("action", ["approve", "reject", "retire"])
def test_wording_invalid_transitions(people, action):
    """KB-4: wording follows the same table: nothing to approve, reject or retire in a fresh draft (409)."""
    workflow.wording_create(actor=people.editor, code="W-1", title="口径", text="您好", problem="net.slow")
    calls = {
        "approve": lambda: workflow.wording_approve(actor=people.editor2, code="W-1"),
        "reject": lambda: workflow.wording_reject(actor=people.editor2, code="W-1", reason="不准确"),
        "retire": lambda: workflow.wording_retire(actor=people.editor2, code="W-1"),
    }
    assert code_of(calls[action]) == (409, "invalid_transition")
