"""The knowledge editor's pages (KB-1, KB-4) under /desk/knowledge/manage/: the article list with its
filters, the edit form with a live preview (sanitised on the server), the review queue, versions with
a diff between any two and restore, the stale list, synonyms, and wording. Every write is one call to
:mod:`kefu.knowledge.workflow`; a refusal shows its message and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.catalog import selectors as catalog_selectors
from kefu.catalog.models import Business
from kefu.core.access import admits
from kefu.core.choices import CustomerLevel
from kefu.core.errors import DomainError, NotFoundError
from kefu.knowledge import workflow
from kefu.knowledge.api.articles import filter_articles
from kefu.knowledge.choices import ArticleKind, Audience, Channel, Status
from kefu.knowledge.models import Article, Synonym, Wording
from kefu.knowledge.reading import visible_to
from kefu.knowledge.text import sanitise

DENIED = gettext_lazy("只有知识管理员、班长和系统管理员可以管理知识库")
LIST_LIMIT = 100  # rows a list page shows; filters narrow it down


def _date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(
            _("日期格式应为 YYYY-MM-DD：%(v)s") % {"v": value}, code="validation_failed", status=400
        ) from None


def _business(value: str | None) -> Business | None:
    value = (value or "").strip()
    if not value:
        return None
    business = Business.objects.filter(code=value).first() or catalog_selectors.business_by_name(value)
    if business is None:
        raise DomainError(_("未知业务：%(b)s") % {"b": value}, code="unknown_business", status=400)
    return business


def _number(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else 0


def _words(value: str | None) -> list[str]:
    text = (value or "").replace("，", ",")
    return [word.strip() for word in text.split(",") if word.strip()]


def _article(code: str, actor):
    """The article as the editor's pages open it: one out of sight or unknown is a plain 404 page."""
    try:
        return workflow.article_get(code, actor=actor)
    except NotFoundError as exc:
        raise Http404(str(exc)) from None


def _wording(code: str, actor):
    try:
        return workflow.wording_get(code, actor=actor)
    except NotFoundError as exc:
        raise Http404(str(exc)) from None


def _common(actor) -> dict:
    return {
        "kinds": ArticleKind.CHOICES,
        "audiences": Audience.CHOICES,
        "statuses": Status.CHOICES,
        "levels": CustomerLevel.CHOICES,
        "channels": Channel.CHOICES,
        "businesses": Business.objects.order_by("name"),
        "review_count": workflow.review_queue(actor=actor).count()
        + workflow.wording_review_queue(actor=actor).count(),
        "stale_count": workflow.stale_articles(actor=actor).count(),
    }


def _article_fields(post) -> dict:
    return {
        "title": post.get("title", ""),
        "body": post.get("body", ""),
        "kind": post.get("kind") if post.get("kind") in ArticleKind else ArticleKind.USAGE,
        "audience": post.get("audience") if post.get("audience") in Audience else Audience.BOTH,
        "business": _business(post.get("business")),
        "levels": [level for level in post.getlist("levels") if level in CustomerLevel],
        "tags": _words(post.get("tags")),
        "valid_from": _date(post.get("valid_from")),
        "valid_until": _date(post.get("valid_until")),
    }


def _refused(request, exc: DomainError) -> None:
    messages.error(request, exc.message, extra_tags=str(exc.code))


# -- articles ----------------------------------------------------------------------------------------


@admits(workflow.may_manage, message=DENIED)
def article_list(request):
    """知识管理: every article with its state, filtered by status, kind, business, stale, needs review."""
    articles = list(
        filter_articles(request.GET, manager=True, actor=request.user).select_related("business")[
            : LIST_LIMIT + 1
        ]
    )
    rows = [(a, workflow.stage(a), workflow.is_stale(a)) for a in articles[:LIST_LIMIT]]
    return render(
        request,
        "desk/knowledge/editor/list.html",
        {
            **_common(request.user),
            "rows": rows,
            "truncated": len(articles) > LIST_LIMIT,
            "limit": LIST_LIMIT,
            "params": request.GET,
            "may_write": workflow.may_write(request.user),
        },
    )


@admits(workflow.may_manage, message=DENIED)
def article_new(request):
    values: dict = {"kind": ArticleKind.USAGE, "audience": Audience.BOTH}
    if request.method == "POST":
        values = request.POST
        try:
            fields = _article_fields(request.POST)
            article = workflow.article_create(
                actor=request.user,
                code=request.POST.get("code", ""),
                note=request.POST.get("note", ""),
                **fields,
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已保存草稿（第 %(n)s 版）") % {"n": article.version})
            return redirect("desk:knowledge_manage_article", code=article.code)
    selected = values.getlist("levels") if hasattr(values, "getlist") else []
    return render(
        request,
        "desk/knowledge/editor/edit.html",
        {**_common(request.user), "values": values, "creating": True, "levels_selected": selected},
    )


def _article_values(article) -> dict:
    """The form's values: the pending draft when there is one, else the article as it stands."""
    from kefu.knowledge import services

    content = services.working_content(article)
    return {
        **content,
        "business": content["business"].code if content["business"] else "",
        "tags": ", ".join(content["tags"] or []),
        "valid_from": content["valid_from"].isoformat() if content["valid_from"] else "",
        "valid_until": content["valid_until"].isoformat() if content["valid_until"] else "",
    }


@admits(workflow.may_manage, message=DENIED)
def article_edit(request, code: str):
    """One article: its state, the edit form (saving is a new version) and the workflow's buttons."""
    article = _article(code, request.user)
    values = _article_values(article)
    if request.method == "POST":
        values = request.POST
        try:
            fields = _article_fields(request.POST)
            article = workflow.article_edit(
                actor=request.user, code=code, note=request.POST.get("note", ""), **fields
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已保存草稿（第 %(n)s 版）") % {"n": article.version})
            return redirect("desk:knowledge_manage_article", code=code)
    pending = workflow.stage(article)
    return render(
        request,
        "desk/knowledge/editor/edit.html",
        {
            **_common(request.user),
            "article": article,
            "values": values,
            "pending": pending,
            "stale": workflow.is_stale(article),
            "may_write": workflow.may_write(request.user),
            "may_review": workflow.may_review(request.user),
            "own_change": request.user.pk in workflow.pending_authors(article),
            "attachments": article.attachments.all(),
            "levels_selected": list(values.getlist("levels"))
            if hasattr(values, "getlist")
            else values["levels"],
        },
    )


@require_POST
@admits(workflow.may_manage, message=DENIED)
def article_action(request, code: str, action: str):
    """The workflow's buttons: submit, approve, reject, retire, restore, confirm."""
    post = request.POST
    calls = {
        "submit": lambda: workflow.article_submit(actor=request.user, code=code),
        "approve": lambda: workflow.article_approve(actor=request.user, code=code, note=post.get("note", "")),
        "reject": lambda: workflow.article_reject(
            actor=request.user, code=code, reason=post.get("reason", "")
        ),
        "retire": lambda: workflow.article_retire(
            actor=request.user, code=code, reason=post.get("reason", "")
        ),
        "restore": lambda: workflow.article_restore(
            actor=request.user, code=code, number=_number(post.get("version"))
        ),
        "confirm": lambda: workflow.article_confirm(
            actor=request.user, code=code, review_by=_date(post.get("review_by"))
        ),
    }
    done = {
        "submit": _("已提交审核"),
        "approve": _("已审核通过并发布"),
        "reject": _("已驳回"),
        "retire": _("已下线"),
        "restore": _("已恢复为新的草稿版本"),
        "confirm": _("已确认复审"),
    }
    if action not in calls:
        messages.error(request, _("未知操作"))
    else:
        try:
            calls[action]()
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, done[action])
    back = post.get("next") or ""
    if back.startswith("/desk/knowledge/manage/"):
        return redirect(back)
    return redirect("desk:knowledge_manage_article", code=code)


@require_POST
@admits(workflow.may_write, message=DENIED)
def article_attach(request, code: str):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
    else:
        try:
            workflow.attachment_add(actor=request.user, code=code, upload=upload)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已上传附件"))
    return redirect("desk:knowledge_manage_article", code=code)


@require_POST
@admits(workflow.may_manage, message=DENIED)
def preview(request):
    """The live preview: the body as it would be saved, sanitised here (never the raw input)."""
    return JsonResponse({"html": sanitise(request.POST.get("body", ""))})


def _diff_numbers(request, latest: int) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        value = request.GET.get(name, "")
        return int(value) if value.isascii() and value.isdigit() else default

    return number("from", max(latest - 1, 1)), number("to", latest)


@admits(workflow.may_manage, message=DENIED)
def article_versions(request, code: str):
    """Every version (who, when, why), a diff between any two, and restore."""
    article = _article(code, request.user)
    versions = list(article.versions.select_related("author").order_by("-number"))
    diff = None
    if versions:
        a, b = _diff_numbers(request, article.version)
        try:
            diff = workflow.article_diff(article, a, b)
        except DomainError as exc:
            _refused(request, exc)
    return render(
        request,
        "desk/knowledge/editor/versions.html",
        {
            **_common(request.user),
            "obj": article,
            "versions": versions,
            "diff": diff,
            "kind": "article",
            "may_write": workflow.may_write(request.user),
            "pending": workflow.stage(article),
        },
    )


@admits(workflow.may_manage, message=DENIED)
def review_queue(request):
    """审核队列: what waits for a reviewer, the oldest first."""
    return render(
        request,
        "desk/knowledge/editor/review.html",
        {
            **_common(request.user),
            "articles": workflow.review_queue(actor=request.user).select_related("business"),
            "wording": workflow.wording_review_queue(actor=request.user),
            "may_review": workflow.may_review(request.user),
        },
    )


@admits(workflow.may_manage, message=DENIED)
def stale_list(request):
    """过期复审: published articles past their review date, and those a catalog change flagged (SR-3)."""
    return render(
        request,
        "desk/knowledge/editor/stale.html",
        {
            **_common(request.user),
            "stale": workflow.stale_articles(actor=request.user).select_related("business"),
            "flagged": visible_to(Article.objects.filter(needs_review=True), request.user).exclude(
                status=Status.RETIRED
            ),
            "may_review": workflow.may_review(request.user),
        },
    )


# -- synonyms ----------------------------------------------------------------------------------------


@admits(workflow.may_manage, message=DENIED)
def synonyms(request):
    """同义词: one group a line (网速慢, 上网慢, 网络卡); add, change or delete."""
    if request.method == "POST":
        pk = request.POST.get("id") or None
        try:
            if request.POST.get("delete") and pk:
                workflow.synonym_delete(actor=request.user, pk=int(pk))
                messages.success(request, _("已删除同义词组"))
            else:
                workflow.synonym_save(
                    actor=request.user,
                    pk=int(pk) if pk and pk.isdigit() else None,
                    terms=request.POST.get("terms", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("已保存同义词组"))
        except DomainError as exc:
            _refused(request, exc)
        return redirect("desk:knowledge_manage_synonyms")
    return render(
        request,
        "desk/knowledge/editor/synonyms.html",
        {
            **_common(request.user),
            "synonyms": Synonym.objects.select_related("updated_by"),
            "may_write": workflow.may_write(request.user),
        },
    )


# -- wording -----------------------------------------------------------------------------------------


def _wording_fields(post, *, creating: bool) -> dict:
    fields = {
        "title": post.get("title", ""),
        "text": post.get("text", ""),
        "level": post.get("level") if post.get("level") in CustomerLevel else "",
        "channel": post.get("channel") if post.get("channel") in Channel else Channel.AGENT,
        "business": _business(post.get("business")),
        "valid_from": _date(post.get("valid_from")),
        "valid_until": _date(post.get("valid_until")),
        "review_by": _date(post.get("review_by")),
    }
    if creating or post.get("problem"):
        fields["problem"] = post.get("problem", "").strip()
    return fields


@admits(workflow.may_manage, message=DENIED)
def wording_list(request):
    wording = visible_to(Wording.objects.select_related("business"), request.user).order_by(
        "problem", "channel", "level", "code"
    )
    if request.GET.get("status") in Status:
        wording = wording.filter(status=request.GET["status"])
    rows = [(w, workflow.stage(w), workflow.is_stale(w)) for w in wording[:LIST_LIMIT]]
    return render(
        request,
        "desk/knowledge/editor/wording_list.html",
        {
            **_common(request.user),
            "rows": rows,
            "params": request.GET,
            "may_write": workflow.may_write(request.user),
        },
    )


@admits(workflow.may_manage, message=DENIED)
def wording_new(request):
    values: dict = {"channel": Channel.AGENT}
    if request.method == "POST":
        values = request.POST
        try:
            wording = workflow.wording_create(
                actor=request.user,
                code=request.POST.get("code", ""),
                note=request.POST.get("note", ""),
                **_wording_fields(request.POST, creating=True),
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已保存草稿（第 %(n)s 版）") % {"n": wording.version})
            return redirect("desk:knowledge_manage_wording_edit", code=wording.code)
    return render(
        request,
        "desk/knowledge/editor/wording_edit.html",
        {**_common(request.user), "values": values, "creating": True},
    )


@admits(workflow.may_manage, message=DENIED)
def wording_edit(request, code: str):
    wording = _wording(code, request.user)
    latest = wording.versions.filter(number=wording.version).first()
    values = {
        "title": latest.title if latest else wording.title,
        "text": latest.text if latest else wording.text,
        "problem": wording.problem,
        "level": wording.level,
        "channel": wording.channel,
        "business": wording.business.code if wording.business_id else "",
        "valid_from": wording.valid_from.isoformat() if wording.valid_from else "",
        "valid_until": wording.valid_until.isoformat() if wording.valid_until else "",
        "review_by": wording.review_by.isoformat() if wording.review_by else "",
    }
    if request.method == "POST":
        values = request.POST
        try:
            fields = _wording_fields(request.POST, creating=False)
            if latest and fields["title"] == latest.title and fields["text"] == latest.text:
                fields.pop("title"), fields.pop("text")  # only where it applies changed: no new version
            workflow.wording_edit(actor=request.user, code=code, note=request.POST.get("note", ""), **fields)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("desk:knowledge_manage_wording_edit", code=code)
    return render(
        request,
        "desk/knowledge/editor/wording_edit.html",
        {
            **_common(request.user),
            "wording": wording,
            "values": values,
            "pending": workflow.stage(wording),
            "stale": workflow.is_stale(wording),
            "may_write": workflow.may_write(request.user),
            "may_review": workflow.may_review(request.user),
            "own_change": request.user.pk in workflow.pending_authors(wording),
        },
    )


@require_POST
@admits(workflow.may_manage, message=DENIED)
def wording_action(request, code: str, action: str):
    post = request.POST
    calls = {
        "submit": lambda: workflow.wording_submit(actor=request.user, code=code),
        "approve": lambda: workflow.wording_approve(actor=request.user, code=code, note=post.get("note", "")),
        "reject": lambda: workflow.wording_reject(
            actor=request.user, code=code, reason=post.get("reason", "")
        ),
        "retire": lambda: workflow.wording_retire(
            actor=request.user, code=code, reason=post.get("reason", "")
        ),
        "restore": lambda: workflow.wording_restore(
            actor=request.user, code=code, number=_number(post.get("version"))
        ),
    }
    if action not in calls:
        messages.error(request, _("未知操作"))
    else:
        try:
            calls[action]()
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("操作成功"))
    back = post.get("next") or ""
    if back.startswith("/desk/knowledge/manage/"):
        return redirect(back)
    return redirect("desk:knowledge_manage_wording_edit", code=code)


@admits(workflow.may_manage, message=DENIED)
def wording_versions(request, code: str):
    wording = _wording(code, request.user)
    versions = list(wording.versions.select_related("author").order_by("-number"))
    diff = None
    if versions:
        a, b = _diff_numbers(request, wording.version)
        try:
            diff = workflow.wording_diff(wording, a, b)
        except DomainError as exc:
            _refused(request, exc)
    return render(
        request,
        "desk/knowledge/editor/versions.html",
        {
            **_common(request.user),
            "obj": wording,
            "versions": versions,
            "diff": diff,
            "kind": "wording",
            "may_write": workflow.may_write(request.user),
            "pending": workflow.stage(wording),
        },
    )
