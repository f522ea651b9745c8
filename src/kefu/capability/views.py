"""The province desk's 能力开放查询 page (CAP-3): the form is built in the browser from the catalog API."""

from __future__ import annotations

from django.shortcuts import render

from kefu.capability import services
from kefu.core.access import admits


@admits(services.MAY_ASK)
def query_page(request):
    return render(request, "capability/query.html", {"number": (request.GET.get("number") or "")[:11]})
