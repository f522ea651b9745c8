"""The staff page of the outbox: every SMS and email sent, newest first, within the user's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kefu.core.numbers import is_digits
from kefu.notify import selectors
from kefu.notify.choices import MessageChannel

PAGE_SIZE = 50


@login_required
def outbox(request):
    channel = request.GET.get("channel") or None
    if channel not in MessageChannel:
        channel = None
    number = (request.GET.get("number") or "").strip()[:20] or None
    rows = selectors.outbox_for(request.user, channel=channel, number=number)
    before = request.GET.get("before", "")
    if is_digits(before):
        rows = rows.filter(id__lt=int(before))
    page = list(rows[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return render(
        request,
        "notify/outbox.html",
        {
            "messages_page": page,
            "next_before": page[-1].id if more and page else None,
            "channel": channel or "",
            "number": number or "",
            "channels": MessageChannel.CHOICES,
        },
    )
