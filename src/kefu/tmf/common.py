"""TMF630 API design guidelines, shared by every TM Forum API kefu serves.

* ``?fields=a,b`` selects attributes (``id``, ``href`` and ``@type`` are always kept);
* ``?offset=&limit=`` page a list; ``X-Total-Count`` and ``X-Result-Count`` headers tell the totals;
* other query parameters filter by attribute, as each API declares in ``tmf_filters``;
* errors carry TMF's ``code``/``reason``/``message``/``status`` beside RFC 9457's fields, so one body
  satisfies both our problem+json contract and the TMF ``Error`` schema.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import status as http
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.errors import DomainError, ErrorCode, problem_exception_handler

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
ALWAYS_KEPT = ("id", "href", "@type", "@baseType", "@schemaLocation")


def select_fields(resource: dict, fields: str | None) -> dict:
    if not fields:
        return resource
    wanted = {f.strip() for f in fields.split(",") if f.strip()}
    return {k: v for k, v in resource.items() if k in wanted or k in ALWAYS_KEPT}


def page_params(request) -> tuple[int, int]:
    try:
        offset = int(request.query_params.get("offset", 0))
        limit = int(request.query_params.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise DomainError(_("offset 和 limit 必须是整数"), code=ErrorCode.BAD_REQUEST, status=400)
    if offset < 0 or limit < 1:
        raise DomainError(_("offset 不能为负，limit 至少为 1"), code=ErrorCode.BAD_REQUEST, status=400)
    return offset, min(limit, MAX_LIMIT)


def list_response(request, queryset, render, *, filters: dict | None = None) -> Response:
    """Apply TMF630 filters, offset/limit and field selection to ``queryset``; ``render`` turns one
    object into its TMF resource dict. ``filters`` maps a query parameter to a function
    (queryset, value) -> queryset."""
    for name, apply in (filters or {}).items():
        value = request.query_params.get(name)
        if value not in (None, ""):
            queryset = apply(queryset, value)
    offset, limit = page_params(request)
    total = queryset.count()
    items = [
        select_fields(render(obj), request.query_params.get("fields"))
        for obj in queryset[offset : offset + limit]
    ]
    response = Response(items, status=http.HTTP_200_OK)
    response["X-Total-Count"] = str(total)
    response["X-Result-Count"] = str(len(items))
    return response


def tmf_exception_handler(exc, context):
    response = problem_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        data = response.data
        data.setdefault("reason", data.get("title", "Error"))
        data.setdefault("message", data.get("detail", ""))
        data["status"] = str(data.get("status", response.status_code))
        data.setdefault("@type", "Error")
    return response


class TmfAPIView(APIView):
    """Base for TMF endpoints: TMF-shaped errors."""

    def get_exception_handler(self):
        return tmf_exception_handler
