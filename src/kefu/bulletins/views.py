"""The desk's notice pages (SYS-1): the inbox (everyone), a notice (opening it marks it read; the
acknowledge button), and for supervisors and administrators the publishing form and each notice's
read and acknowledgement counts. Views parse, call a service or selector, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.bulletins import selectors, services
from kefu.bulletins.choices import Audience, NoticeKind
from kefu.bulletins.errors import BulletinErrorCode
from kefu.core.choices import Role
from kefu.core.errors import DomainError


@login_required
def inbox(request):
    """公告: the notices I received (unread first in the badge), and those I may follow as an author."""
    user = request.user
    return render(
        request,
        "bulletins/inbox.html",
        {
            "receipts": selectors.inbox(user),
            "sent": selectors.sent(user),
            "may_author": selectors.may_author(user),
        },
    )


@login_required
def detail(request, notice_id: int):
    """One notice: a recipient opens it (marked read); an author of its scope sees who read and
    acknowledged it."""
    user = request.user
    context: dict = {}
    try:
        context["receipt"] = services.notice_open(actor=user, notice_id=notice_id)
        context["notice"] = context["receipt"].notice
    except DomainError as exc:
        if not (exc.code == BulletinErrorCode.NOT_A_RECIPIENT and selectors.may_author(user)):
            raise Http404(exc.message) from exc
    if selectors.may_author(user):
        try:
            context["notice"], context["receipts"] = selectors.notice_for_author(user, notice_id)
        except DomainError as exc:
            if "receipt" not in context:
                raise Http404(exc.message) from exc
    return render(request, "bulletins/detail.html", context)


@require_POST
@login_required
def acknowledge(request, notice_id: int):
    try:
        services.notice_acknowledge(actor=request.user, notice_id=notice_id)
    except DomainError as exc:
        messages.error(request, exc.message, extra_tags=str(exc.code))
    else:
        messages.success(request, _("已确认"))
    return redirect("bulletins:detail", notice_id=notice_id)


@login_required
def new(request):
    """Supervisors and administrators write a notice to everyone, a role, a group, a city or persons."""
    if not selectors.may_author(request.user):
        messages.error(request, _("只有班长或系统管理员可以发布公告"))
        return redirect("bulletins:inbox")
    values = {"kind": NoticeKind.NOTICE, "audience": Audience.EVERYONE, "requires_ack": True}
    if request.method == "POST":
        values = {
            "kind": request.POST.get("kind", NoticeKind.NOTICE),
            "title": request.POST.get("title", ""),
            "body": request.POST.get("body", ""),
            "audience": request.POST.get("audience", ""),
            "target": request.POST.get("target", ""),
            "requires_ack": bool(request.POST.get("requires_ack")),
        }
        try:
            notice = services.notice_publish(actor=request.user, **values)
        except DomainError as exc:
            messages.error(request, exc.message, extra_tags=str(exc.code))
        else:
            messages.success(request, _("已发布给 %(n)d 人") % {"n": notice.recipient_count})
            return redirect("bulletins:detail", notice_id=notice.pk)
    return render(
        request,
        "bulletins/new.html",
        {
            "values": values,
            "kinds": NoticeKind.CHOICES,
            "audiences": Audience.CHOICES,
            "roles": [(v, label) for v, label in Role.CHOICES if v not in services.NOT_RECIPIENTS],
        },
    )
