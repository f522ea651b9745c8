"""The province desk's 能力开放查询 page (CAP-3): the form is built in the browser from the catalog API."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from kefu.capability import services


@login_required
def query_page(request):
    if request.user.role not in services.MAY_ASK:
        raise PermissionDenied
    return render(request, "capability/query.html", {"number": (request.GET.get("number") or "")[:11]})
