"""``GET /api/v1/knowledge/search`` (issue 13 item 6): the search port's answer for the desk's
instant results and for API clients.

INTERIM (kbdesk): a minimal view of the documented path and shape so the desk can call it before
the search branch lands; the lead keeps the search branch's view on merge.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import fields
from kefu.core.choices import CustomerLevel
from kefu.knowledge import search
from kefu.knowledge.choices import ArticleKind, Audience

PROBLEM = OpenApiResponse(description="problem+json")


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(max_length=100, trim_whitespace=True)
    business = serializers.CharField(max_length=32, required=False, allow_blank=True)
    kind = serializers.ChoiceField(ArticleKind.CHOICES, required=False, allow_blank=True)
    audience = serializers.ChoiceField(Audience.CHOICES, required=False, allow_blank=True)
    level = serializers.ChoiceField(CustomerLevel.CHOICES, required=False, allow_blank=True)
    cursor = serializers.CharField(max_length=200, required=False, allow_blank=True)
    limit = fields.IntegerField(min_value=1, max_value=50, required=False, default=20)


HIT_FIELDS = {
    "code": serializers.CharField(),
    "title": serializers.CharField(),
    "snippet": serializers.CharField(help_text="escaped text, matches in <mark>…</mark>"),
    "score": fields.DecimalField(max_digits=12, decimal_places=4),
    "business": serializers.CharField(allow_null=True),
    "business_name": serializers.CharField(allow_null=True),
    "kind": serializers.CharField(),
    "audience": serializers.CharField(),
    "version": fields.IntegerField(),
    "url": serializers.CharField(),
}


def hit_json(hit) -> dict:
    article = hit.article
    business = article.business if article.business_id else None
    return {
        "code": article.code,
        "title": article.title,
        "snippet": hit.snippet,
        "score": round(float(hit.score), 4),
        "business": business.code if business else None,
        "business_name": business.name if business else None,
        "kind": article.kind,
        "audience": article.audience,
        "version": article.published_version,
        "url": reverse("desk:knowledge_article", args=[article.code]),
    }


class KnowledgeSearchView(APIView):
    @extend_schema(
        summary="Search published, currently valid knowledge articles, best first (KB-1, ADR 0004)",
        description=(
            "Staff read agent and customer articles. Filters `business` (code), `kind`, `audience`, "
            "`level`; `next` is an opaque cursor for the following page. 400 `validation_failed` "
            "for a missing `q` or an unknown filter value, `bad_cursor` for an altered cursor."
        ),
        parameters=[
            OpenApiParameter(name, str) for name in ("q", "business", "kind", "audience", "level", "cursor")
        ]
        + [OpenApiParameter("limit", int)],
        responses={
            200: inline_serializer(
                "KnowledgeSearchPage",
                fields={
                    "results": inline_serializer("KnowledgeHit", fields=HIT_FIELDS, many=True),
                    "next": serializers.CharField(allow_null=True),
                },
            ),
            400: PROBLEM,
        },
        tags=["knowledge"],
    )
    def get(self, request):
        params = SearchQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        page = search.search(
            data["q"],
            customer=False,
            business=data.get("business") or None,
            kind=data.get("kind") or None,
            audience=data.get("audience") or None,
            level=data.get("level") or None,
            cursor=data.get("cursor") or None,
            limit=data["limit"],
        )
        return Response({"results": [hit_json(h) for h in page.results], "next": page.next})
