"""Reads of the outbox: scope-limited, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.core import scope
from kefu.notify.models import OutgoingMessage


def outbox_for(user, *, channel: str | None = None, number: str | None = None) -> QuerySet[OutgoingMessage]:
    rows = scope.restrict(OutgoingMessage.objects.select_related("sent_by"), user)
    if channel:
        rows = rows.filter(channel=channel)
    if number:
        rows = rows.filter(number=number)
    return rows.order_by("-id")
