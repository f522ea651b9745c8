"""TMF630 API design guidelines, shared by every TM Forum API kefu serves.

* ``?fields=a,b`` selects attributes (``id``, ``href``, ``@type`` and the attributes the resource's
  schema makes mandatory are always kept);
* ``?offset=&limit=`` page a list (ASCII digits within 32 bits, else 400 ``invalid_number``); ``X-Total-Count`` and ``X-Result-Count`` headers tell the totals;
* other query parameters filter by attribute, as each API declares in ``tmf_filters``;
* errors carry TMF's ``code``/``reason``/``message``/``status`` beside RFC 9457's fields, so one body
  satisfies both our problem+json contract and the TMF ``Error`` schema; TMF APIs know no 422, so a
  domain rule that refuses the input answers 400;
* ``PATCH`` takes ``application/merge-patch+json`` (RFC 7386) as well as plain JSON;
* date-time attributes are RFC 3339 strings in the server's time zone (:func:`iso`); date-time
  filters take the TMF630 operators ``.gt``, ``.gte``, ``.lt``, ``.lte`` (:func:`datetime_filters`).

Unknown query parameters are ignored, as TMF630 allows; every API documents the filters it honours.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.errors import DomainError, ErrorCode, problem_exception_handler
from kefu.core.numbers import INT32_MAX, parse_int

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
ALWAYS_KEPT = ("id", "href", "@type", "@baseType", "@schemaLocation")


def iso(value: datetime | None) -> str | None:
    """An aware date-time as RFC 3339 in the server's time zone; None stays None."""
    return None if value is None else timezone.localtime(value).isoformat()


def parse_when(value: str, *, name: str) -> datetime:
    """A date-time from a filter or a body; naive values are in the server's time zone. Bad text: 400."""
    parsed = None
    try:
        parsed = parse_datetime(str(value).strip().replace(" ", "+"))
    except ValueError:
        parsed = None
    if parsed is None:
        raise DomainError(
            _("%(name)s 不是有效的日期时间：%(value)s") % {"name": name, "value": value},
            code=ErrorCode.BAD_REQUEST,
            status=400,
        )
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


DATETIME_OPERATORS = {"gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}


def datetime_filters(attribute: str, lookup: str) -> dict:
    """TMF630 filters ``attribute.gt`` … ``attribute.lte`` (and ``attribute`` for equality) on the
    model lookup ``lookup``, e.g. datetime_filters("interactionDate.startDateTime", "started_at")."""

    def make(operator):
        name = f"{attribute}.{operator}" if operator else attribute
        suffix = f"__{DATETIME_OPERATORS[operator]}" if operator else ""

        def apply(queryset, value):
            return queryset.filter(**{lookup + suffix: parse_when(value, name=name)})

        return name, apply

    return dict(make(op) for op in (None, *DATETIME_OPERATORS))


def select_fields(resource: dict, fields: str | None, *, mandatory=()) -> dict:
    if not fields:
        return resource
    wanted = {f.strip() for f in fields.split(",") if f.strip()}
    return {k: v for k, v in resource.items() if k in wanted or k in ALWAYS_KEPT or k in mandatory}


def page_params(request) -> tuple[int, int]:
    """``offset`` (0 … 2³¹−1) and ``limit`` (1 … 2³¹−1, served up to :data:`MAX_LIMIT`); anything
    else — not ASCII digits, negative, past 32 bits — is 400 ``invalid_number``."""
    params = request.query_params
    offset = parse_int(params.get("offset", "0"), name="offset", minimum=0, maximum=INT32_MAX)
    limit = parse_int(params.get("limit", str(DEFAULT_LIMIT)), name="limit", minimum=1, maximum=INT32_MAX)
    return offset, min(limit, MAX_LIMIT)


def list_response(request, queryset, render, *, filters: dict | None = None, mandatory=()) -> Response:
    """Apply TMF630 filters, offset/limit and field selection to ``queryset``; ``render`` turns one
    object into its TMF resource dict. ``filters`` maps a query parameter to a function
    (queryset, value) -> queryset; ``mandatory`` names attributes ``fields`` never drops."""
    for name, apply in (filters or {}).items():
        value = request.query_params.get(name)
        if value not in (None, ""):
            queryset = apply(queryset, value)
    offset, limit = page_params(request)
    total = queryset.count()
    items = [
        select_fields(render(obj), request.query_params.get("fields"), mandatory=mandatory)
        for obj in queryset[offset : offset + limit]
    ]
    response = Response(items, status=http.HTTP_200_OK)
    response["X-Total-Count"] = str(total)
    response["X-Result-Count"] = str(len(items))
    return response


def tmf_serializer(name: str, fields: dict) -> type[serializers.Serializer]:
    """A serializer class describing a TMF shape for the OpenAPI schema; TMF attribute names such as
    ``@type`` are not Python identifiers, so the class is built from a dict."""
    return type(name + "Serializer", (serializers.Serializer,), dict(fields))


def resource_response(request, resource: dict, *, status: int = http.HTTP_200_OK, mandatory=()) -> Response:
    """One resource, with ``?fields=`` applied."""
    fields = request.query_params.get("fields")
    return Response(select_fields(resource, fields, mandatory=mandatory), status=status)


class MergePatchParser(JSONParser):
    """RFC 7386 JSON merge patch, the PATCH body TMF630 asks every API to accept."""

    media_type = "application/merge-patch+json"


def tmf_exception_handler(exc, context):
    if isinstance(exc, DomainError) and exc.status == 422:
        exc.status = 400  # TMF APIs answer a refused input with 400; they define no 422
    response = problem_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        data = response.data
        data.setdefault("reason", data.get("title", "Error"))
        data.setdefault("message", data.get("detail", ""))
        data["status"] = str(data.get("status", response.status_code))
        data.setdefault("@type", "Error")
    return response


class TmfAPIView(APIView):
    """Base for TMF endpoints: TMF-shaped errors; JSON and merge-patch bodies."""

    parser_classes = [JSONParser, MergePatchParser]

    def get_exception_handler(self):
        return tmf_exception_handler
