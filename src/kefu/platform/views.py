"""The platform node's one page: the requests it answered and its blacklists (read-only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from kefu.capability import definitions as defs
from kefu.core.choices import Role
from kefu.platform.models import BlacklistEntry, PlatformRequest


@login_required
def requests_page(request):
    if request.user.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    labels = {b.code: b.name for b in defs.BUSINESSES}
    queries = {(b.code, q.code): q.label for b in defs.BUSINESSES for q in b.queries}
    rows = [
        {
            "r": r,
            "business": labels.get(r.business, r.business),
            "query": queries.get((r.business, r.query), r.query),
        }
        for r in PlatformRequest.objects.all()[:100]
    ]
    blacklist = [
        {"e": e, "business": labels.get(e.business, e.business)}
        for e in BlacklistEntry.objects.order_by("-updated_at")[:50]
    ]
    return render(request, "platform/requests.html", {"rows": rows, "blacklist": blacklist})
