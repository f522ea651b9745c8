"""Pages of national knowledge: at the hub, the list of national articles, a form to write one and its
page (versions, publish, retire); at a province, the overlays whose national version changed."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.access import admits
from kefu.core.choices import CustomerLevel
from kefu.core.errors import DomainError
from kefu.knowledge import selectors
from kefu.knowledge.choices import ArticleKind, Audience, Origin, Status
from kefu.knowledge.models import Article
from kefu.syndication import services


def _day(value: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("日期格式应为 YYYY-MM-DD"), code="validation_failed", status=400) from None


def _fields(post) -> dict:
    return {
        "title": post.get("title", "").strip()[:200],
        "body": post.get("body", ""),
        "kind": post.get("kind") or ArticleKind.USAGE,
        "audience": post.get("audience") or Audience.BOTH,
        "business": post.get("business", "").strip(),
        "levels": [v for v in post.getlist("levels") if v in CustomerLevel.values()],
        "tags": [t.strip() for t in post.get("tags", "").replace("，", ",").split(",") if t.strip()][:30],
        "valid_from": _day(post.get("valid_from")),
        "valid_until": _day(post.get("valid_until")),
    }


def _check(fields: dict) -> None:
    if not fields["title"] or not fields["body"].strip():
        raise DomainError(_("标题和正文不能为空"), code="validation_failed", status=400)
    if fields["kind"] not in ArticleKind.values() or fields["audience"] not in Audience.values():
        raise DomainError(_("类别或适用对象不是可选值"), code="validation_failed", status=400)


def _choices() -> dict:
    return {"kinds": ArticleKind.CHOICES, "audiences": Audience.CHOICES, "levels": CustomerLevel.CHOICES}


def _form_values(*, post=None, article=None) -> dict:
    """What the article form shows: the POST being corrected, or the article being edited."""
    if article is not None:
        return {
            "audience": article.audience, "business": article.business.code if article.business_id else "",
            "levels_selected": list(article.levels), "tags_text": ",".join(article.tags),
            "valid_from": article.valid_from.isoformat() if article.valid_from else "",
            "valid_until": article.valid_until.isoformat() if article.valid_until else "",
        }  # fmt: skip
    post = post or {}
    return {
        "audience": post.get("audience") or Audience.BOTH, "business": post.get("business", ""),
        "levels_selected": post.getlist("levels") if hasattr(post, "getlist") else [],
        "tags_text": post.get("tags", ""), "valid_from": post.get("valid_from", ""),
        "valid_until": post.get("valid_until", ""),
    }  # fmt: skip


@admits(services.PUBLISHERS)
def national_list(request):
    """The hub's national articles, newest first, with the form to write a new one."""
    form = {}
    if request.method == "POST":
        form = request.POST
        try:
            fields = _fields(request.POST)
            _check(fields)
            code = request.POST.get("code", "").strip()
            if not code:
                raise DomainError(_("编号不能为空"), code="validation_failed", status=400)
            publish = request.POST.get("publish") == "1"
            article = services.national_article_save(
                actor=request.user, code=code[:40], create=True, publish=publish,
                note=request.POST.get("note", "")[:200], **fields,
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if publish:
                messages.success(
                    request,
                    _("已发布，正在发送至各省：%(to)s") % {"to": "、".join(services.province_codes())},
                )
            else:
                messages.success(request, _("已保存为草稿"))
            return redirect("syndication:national-article", code=article.code)
    q = request.GET.get("q", "").strip()
    articles = Article.objects.filter(origin=Origin.NATIONAL).order_by("-updated_at")
    if q:
        articles = articles.filter(title__icontains=q) | articles.filter(code__icontains=q)
    return render(request, "syndication/national_list.html", {
        "articles": articles[:200], "q": q, "form": form, "provinces": services.province_codes(), **_choices(),
        **_form_values(post=form),
    })  # fmt: skip


@admits(services.PUBLISHERS)
def national_article(request, code):
    """One national article at the hub: its text, versions, and save / publish / retire."""
    article = Article.objects.filter(code=code, origin=Origin.NATIONAL).first()
    if article is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")[:200]
        try:
            if action == "save":
                fields = _fields(request.POST)
                _check(fields)
                services.national_article_save(
                    actor=request.user, code=code, create=False, note=note, **fields
                )
                messages.success(request, _("已保存新版本"))
            elif action == "publish":
                services.national_article_publish(actor=request.user, code=code, note=note)
                messages.success(
                    request,
                    _("已发布，正在发送至各省：%(to)s") % {"to": "、".join(services.province_codes())},
                )
            elif action == "retire":
                services.national_article_retire(actor=request.user, code=code, note=note)
                messages.success(request, _("已下线，正在通知各省"))
            else:
                raise PermissionDenied
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("syndication:national-article", code=code)
    return render(request, "syndication/national_article.html", {
        "article": article, "versions": article.versions.all()[:50], "provinces": services.province_codes(),
        "may_publish": article.status in (Status.DRAFT, Status.REVIEW, Status.RETIRED),
        "may_retire": article.status == Status.PUBLISHED, **_choices(), **_form_values(article=article),
    })  # fmt: skip


@admits(lambda user: getattr(user, "province_id", None) is not None)
def overlays_page(request):
    """A province's overlays; first those whose national version changed since they were checked."""
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            services.overlay_check(actor=request.user, code=code)
            messages.success(request, _("已核对：%(code)s") % {"code": code})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("syndication:overlays")
    changed = list(selectors.overlays_changed(request.user.province_id)[:200])
    changed_ids = {o.pk for o in changed}
    others = [o for o in selectors.overlays_of(request.user.province_id)[:200] if o.pk not in changed_ids]
    national = Article.objects.filter(origin=Origin.NATIONAL, status=Status.PUBLISHED).order_by(
        "-published_at"
    )
    return render(request, "syndication/overlays.html", {
        "changed": changed, "others": others, "may_check": request.user.role in services.OVERLAY_EDITORS,
        "national": national[:200],
    })  # fmt: skip


@admits(lambda user: getattr(user, "province_id", None) is not None)
def overlay_edit(request, code):
    """One national article at a province: the national text, read-only, and this province's overlay."""
    article = Article.objects.filter(code=code, origin=Origin.NATIONAL).first()
    if article is None:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("action") == "check":
                services.overlay_check(actor=request.user, code=code)
                messages.success(request, _("已核对：%(code)s") % {"code": code})
            else:
                services.overlay_save(actor=request.user, code=code, body=request.POST.get("body", ""))
                messages.success(request, _("本省补充已保存"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("syndication:overlay", code=code)
    return render(request, "syndication/overlay.html", {
        "article": article, "state": selectors.overlay_for(article, request.user.province_id),
        "may_edit": request.user.role in services.OVERLAY_EDITORS,
    })  # fmt: skip
