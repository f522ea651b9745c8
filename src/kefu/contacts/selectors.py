"""Reads on contact records: the history search (CON-4, CON-5)."""

from __future__ import annotations

from kefu.contacts.models import ContactRecord
from kefu.core import scope


def contact_history(
    *,
    user,
    number: str = "",
    channel: str = "",
    direction: str = "",
    request_type: str = "",
    since=None,
    until=None,
    staff: str = "",
    text: str = "",
):
    """Contacts the user may see, filtered; ordered newest first for keyset pagination."""
    queryset = scope.restrict(ContactRecord.objects.all(), user)
    if number:
        queryset = queryset.filter(number=number)
    if channel:
        queryset = queryset.filter(channel=channel)
    if direction:
        queryset = queryset.filter(direction=direction)
    if request_type:
        queryset = queryset.filter(request_type=request_type)
    if since:
        queryset = queryset.filter(started_at__gte=since)
    if until:
        queryset = queryset.filter(started_at__lt=until)
    if staff:
        queryset = queryset.filter(staff__job_number=staff)
    if text:
        queryset = queryset.filter(summary__contains=text)
    return queryset.order_by("-started_at", "-id")
