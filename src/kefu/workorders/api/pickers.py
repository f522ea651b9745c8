"""``GET /api/v1/pickers/{kind}``: the desk's pickers by name and pinyin (see
:mod:`kefu.workorders.pickers`)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import fields
from kefu.core.numbers import parse_int
from kefu.workorders import pickers


class PickerChoiceSerializer(serializers.Serializer):
    """One row of a picker, best first."""

    code = serializers.CharField(
        help_text="what a form submits: a code, or a holder ref (department:CITY-3201)"
    )
    label = serializers.CharField(help_text="the name shown")
    path = serializers.CharField(required=False, help_text="categories: business › problem › detail")
    hint = serializers.CharField(
        required=False, help_text="what tells two rows apart (kind, area code, old names)"
    )
    id = fields.IdField(required=False, help_text="categories: the node id (the new-order form takes it)")
    key = serializers.CharField(
        required=False, help_text="categories: the row's key in the tree, for parent="
    )
    parent = serializers.CharField(required=False, help_text="categories: the key of the row above")
    children = fields.IntegerField(required=False, help_text="categories: rows below this one")
    selectable = serializers.BooleanField(help_text="false for a row that only groups others")


class PickerView(APIView):
    """Rows of one picker, best first, for a query typed as a name, its pinyin or its initials
    (南京, nanjing, nj). Holders are limited to the user's data scope."""

    @extend_schema(
        operation_id="picker_list",
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, location=OpenApiParameter.PATH, enum=list(pickers.KINDS)
            ),
            OpenApiParameter(
                "q", str, description="name, pinyin or initials; empty: rows in order (a tree level)"
            ),
            OpenApiParameter(
                "limit",
                int,
                description=f"rows at most (default {pickers.DEFAULT_LIMIT}, up to {pickers.MAX_LIMIT})",
            ),
            OpenApiParameter(
                "code", str, description="one row by its code (the label of a value a form holds)"
            ),
            OpenApiParameter("parent", str, description="categories without q: the rows under this key"),
            OpenApiParameter("business", str, description="categories: only this business (code)"),
            OpenApiParameter(
                "request_type",
                str,
                description="categories: only this request type (complaint, consultation, …)",
            ),
        ],
        responses=PickerChoiceSerializer(many=True),
    )
    def get(self, request, kind: str):
        params = request.query_params
        limit = params.get("limit")
        rows = pickers.choices(
            kind,
            user=request.user,
            q=params.get("q", ""),
            limit=parse_int(limit, name="limit", minimum=1, maximum=pickers.MAX_LIMIT)
            if limit
            else pickers.DEFAULT_LIMIT,
            parent=params.get("parent") or None,
            code=params.get("code", ""),
            business=params.get("business", ""),
            request_type=params.get("request_type", ""),
        )
        return Response([row.as_dict() for row in rows])
