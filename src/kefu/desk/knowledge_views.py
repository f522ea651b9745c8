"""The agent's knowledge area (issue 13 items 4 and 7; SR-1, KB-1, KB-2, KB-4): search with instant
results and filters, the article page (with the province's overlay under a national article and the
explanation wording beside it), and the consultation loop of a contact — ``?contact=<id>`` on every
page of the area: an opened article is recorded, the agent marks the one that answered, sends it by
SMS, or, when nothing answers, turns the question into a KB-2 consultation order in one click.

Reads through ``kefu.knowledge.reading`` and the search port, writes through ``kefu.knowledge.usage``
and ``kefu.desk.consultation``; each write is checked against the contact there. Editors' pages are
``desk/knowledge_editor.py``'s.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.contacts import selectors as contact_selectors
from kefu.core.choices import CustomerLevel
from kefu.core.errors import DomainError
from kefu.core.numbers import as_id
from kefu.desk import consultation
from kefu.knowledge import reading, search, usage
from kefu.knowledge.choices import ArticleKind, Audience, Channel, UseKind
from kefu.knowledge.models import KnowledgeUse

FILTERS = ("business", "kind", "audience", "level")


def _int(value) -> int | None:
    return as_id(str(value or "").strip())


class Consulting:
    """The contact a page of the area works for (``?contact=``), if the reader may read it;
    ``actable`` when they may record on it now (their own, after-call work not yet written)."""

    def __init__(self, request, source):
        self.id = _int(source.get("contact"))
        self.request_id = _int(source.get("request"))
        self.contact = None
        self.actable = False
        self.problem = ""
        if self.id is None:
            return
        self.contact = contact_selectors.contact_served(user=request.user, contact_id=self.id)
        if self.contact is None:
            self.problem = _("接触记录不存在或不在您的数据权限范围内")
            return
        try:
            usage.contact_check(actor=request.user, contact=self.contact)
        except DomainError as exc:
            self.problem = exc.message
        else:
            self.actable = True

    @property
    def level(self) -> str:
        if self.contact is not None and self.contact.subscriber_id:
            return self.contact.subscriber.level
        return ""

    def params(self) -> dict:
        found = {}
        if self.contact is not None:
            found["contact"] = self.contact.pk
            if self.request_id:
                found["request"] = self.request_id
        return found

    def query(self) -> str:
        params = self.params()
        return f"?{urlencode(params)}" if params else ""

    def opened(self) -> list:
        """The articles opened in this contact and not marked as answering: what was tried."""
        if self.contact is None:
            return []
        uses = KnowledgeUse.objects.filter(contact=self.contact, article__isnull=False).select_related(
            "article"
        )
        answered = {u.article_id for u in uses if u.kind == UseKind.ANSWERED}
        seen = {}
        for use in uses:
            if use.kind == UseKind.OPENED and use.article_id not in answered:
                seen.setdefault(use.article_id, use.article)
        return list(seen.values())


def _filters(source) -> dict:
    values = {name: source.get(name, "").strip()[:32] for name in FILTERS}
    if values["kind"] not in ArticleKind:
        values["kind"] = ""
    if values["audience"] not in Audience:
        values["audience"] = ""
    if values["level"] not in CustomerLevel:
        values["level"] = ""
    return values


@login_required
def knowledge(request):
    """知识库: the search box (instant results from ``GET /api/v1/knowledge/search``; the form works
    without JavaScript too), the filters, and — in a contact — the articles tried and the one-click
    unanswered consultation."""
    consulting = Consulting(request, request.GET)
    query = request.GET.get("q", "").strip()[:100]
    filters = _filters(request.GET)
    if consulting.level and "level" not in request.GET:
        filters["level"] = consulting.level
    results, error = [], ""
    if query:
        try:
            page = search.search(
                query,
                business=filters["business"] or None,
                kind=filters["kind"] or None,
                audience=filters["audience"] or None,
                level=filters["level"] or None,
                province_id=reading.reader_province(request.user),
            )
            results = page.results
        except DomainError as exc:
            error = exc.message
    context = {
        "query": query,
        "filters": filters,
        "results": results,
        "error": error,
        "consulting": consulting,
        "tried": consulting.opened(),
        "kinds": ArticleKind.CHOICES,
        "audiences": Audience.CHOICES,
        "levels": CustomerLevel.CHOICES,
    }
    return render(request, "desk/knowledge/search.html", context)


@login_required
def knowledge_article(request, code: str):
    """One article as the reader sees it: body, business, kind, validity, version, tags, attachments;
    the reader's province's overlay under a national article; the explanation wording for its
    problem keys beside it (the customer's level first in a contact). In a contact the opening is
    recorded (OPENED, with the version)."""
    article = reading.article_for_reader(code, actor=request.user)
    if article is None:
        raise Http404(_("知识不存在或未发布"))
    consulting = Consulting(request, request.GET)
    if consulting.actable and request.GET.get("record", "1") != "0":
        try:
            usage.article_opened(actor=request.user, contact=consulting.contact, article=article)
        except DomainError as exc:
            consulting.problem, consulting.actable = exc.message, False
    context = {
        "article": article,
        "overlay": reading.overlay_for(article, request.user.province_id),
        "wordings": reading.wordings_for_article(
            article, level=consulting.level, channel=Channel.AGENT, actor=request.user
        ),
        "consulting": consulting,
        "may_send": reading.customer_may_receive(article),
        "sms_text": usage.sms_text(article),
        "back": request.GET.get("q", "")[:100],
    }
    return render(request, "desk/knowledge/article.html", context)


def _back_to_article(code: str, consulting: Consulting):
    params = consulting.params() | {"record": 0}
    return redirect(reverse("desk:knowledge_article", args=[code]) + "?" + urlencode(params))


def _article_or_404(code: str, actor):
    article = reading.article_for_reader(code, actor=actor)
    if article is None:
        raise Http404(_("知识不存在或未发布"))
    return article


@require_POST
@login_required
def knowledge_answered(request, code: str):
    """SR-1: this article answered the customer: recorded on the contact's consultation request."""
    article = _article_or_404(code, request.user)
    consulting = Consulting(request, request.POST)
    if consulting.contact is None:
        messages.error(request, consulting.problem or _("请在接触中标记已解答"))
        return _back_to_article(code, consulting)
    try:
        usage.article_answered(
            actor=request.user, contact=consulting.contact, article=article, request_id=consulting.request_id
        )
    except DomainError as exc:
        messages.error(request, exc.message, extra_tags=exc.code)
    else:
        messages.success(
            request,
            _("已记录：%(t)s v%(v)s 解答了客户的咨询") % {"t": article.title, "v": article.published_version},
        )
    return _back_to_article(code, consulting)


@require_POST
@login_required
def knowledge_send(request, code: str):
    """The customer asked for the article by SMS: sent to the contact's line, recorded (SENT)."""
    article = _article_or_404(code, request.user)
    consulting = Consulting(request, request.POST)
    if consulting.contact is None:
        messages.error(request, consulting.problem or _("请在接触中发送短信"))
        return _back_to_article(code, consulting)
    try:
        usage.article_sent(
            actor=request.user, contact=consulting.contact, article=article, request_id=consulting.request_id
        )
    except DomainError as exc:
        messages.error(request, exc.message, extra_tags=exc.code)
    else:
        messages.success(request, _("已将“%(t)s”以短信发送给客户") % {"t": article.title})
    return _back_to_article(code, consulting)


@require_POST
@login_required
def knowledge_unanswered(request):
    """KB-2: 无法解答，转后台 — the question and the articles tried become a consultation order; the
    contact page shows it, and the order's reply owes the customer a callback."""
    consulting = Consulting(request, request.POST)
    question = request.POST.get("question", "")
    if consulting.contact is None:
        messages.error(request, consulting.problem or _("请在接触中转后台处理"))
        return redirect("desk:knowledge")
    try:
        done = consultation.consultation_unanswered(
            actor=request.user,
            contact=consulting.contact,
            question=question,
            tried_codes=request.POST.getlist("tried"),
        )
    except DomainError as exc:
        messages.error(request, exc.message, extra_tags=exc.code)
        params = consulting.params() | {"q": question[:100]}
        return redirect(reverse("desk:knowledge") + "?" + urlencode(params))
    if done.created:
        messages.success(
            request, _("已转后台处理：咨询工单 %(n)s，处理完毕后回访客户") % {"n": done.order.number}
        )
    else:
        messages.info(request, _("该问题已转后台：咨询工单 %(n)s") % {"n": done.order.number})
    return redirect("desk:contact", contact_id=consulting.contact.pk)
