"""GET /api/v1/knowledge/search (issue 13 item 6): the knowledge search over the search port.

Who asks decides what is read (:func:`reader_is_customer`), never a parameter: staff read agent,
customer and both articles; a customer (self-service, later) only customer and both ones.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import fields
from kefu.core.choices import CustomerLevel
from kefu.core.models import Staff
from kefu.knowledge import search
from kefu.knowledge.choices import ArticleKind, Audience
from kefu.knowledge.reading import reader_province

PROBLEM = OpenApiResponse(description="problem+json")
TAGS = ["knowledge"]


def reader_is_customer(user) -> bool:
    """Whether ``user`` reads as a customer: anyone who is not a member of staff."""
    return not (getattr(user, "is_authenticated", False) and isinstance(user, Staff))


def article_url(article) -> str:
    """Where a person reads the article: the desk's article page on nodes that have the desk, else the
    article's API resource."""
    try:
        return reverse("desk:knowledge_article", args=[article.code])
    except NoReverseMatch:
        return f"/api/v1/knowledge/articles/{article.code}/"


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text="what the agent typed: words, letters or pinyin")
    business = serializers.CharField(required=False, max_length=32, help_text="a business code")
    kind = serializers.ChoiceField(choices=ArticleKind.CHOICES, required=False)
    audience = serializers.ChoiceField(choices=Audience.CHOICES, required=False)
    level = serializers.ChoiceField(choices=CustomerLevel.CHOICES, required=False)
    cursor = serializers.CharField(required=False, max_length=500, help_text="`next` of the previous page")
    limit = fields.IntegerField(required=False, min_value=1, max_value=100, default=20)


class SearchHitSerializer(serializers.Serializer):
    code = serializers.CharField(source="article.code")
    title = serializers.CharField(source="article.title")
    snippet = serializers.CharField(help_text="escaped text around the best match, matches in <mark>…</mark>")
    score = fields.DecimalField(
        max_digits=12,
        decimal_places=4,
        coerce_to_string=False,
        help_text="relevance; comparable within one answer only",
    )
    business = serializers.CharField(source="article.business.code", default=None, allow_null=True)
    business_name = serializers.CharField(source="article.business.name", default=None, allow_null=True)
    kind = serializers.ChoiceField(source="article.kind", choices=ArticleKind.CHOICES)
    audience = serializers.ChoiceField(source="article.audience", choices=Audience.CHOICES)
    version = fields.IntegerField(source="article.published_version")
    url = serializers.SerializerMethodField()

    def get_url(self, hit) -> str:
        return article_url(hit.article)


class SearchPageSerializer(serializers.Serializer):
    results = SearchHitSerializer(many=True)
    next = serializers.CharField(
        allow_null=True, help_text="opaque cursor of the following page; null on the last"
    )


class KnowledgeSearchView(APIView):
    @extend_schema(
        summary="Search published knowledge articles, best first (KB-1)",
        description=(
            "Chinese words (one and two characters too), letters such as VoLTE/APN, synonyms, old business "
            "names and pinyin or pinyin initials. Only published articles inside their validity period; "
            "staff see agent, customer and both articles. 400 `validation_failed` for an empty `q` or an "
            "unknown `kind`, `audience` or `level`; 400 `bad_cursor` for an altered cursor or one of "
            "another query."
        ),
        parameters=[SearchQuerySerializer],
        responses={200: SearchPageSerializer, 400: PROBLEM, 401: PROBLEM},
        tags=TAGS,
    )
    def get(self, request):
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        page = search.search(
            data["q"],
            customer=reader_is_customer(request.user),
            business=data.get("business"),
            kind=data.get("kind"),
            audience=data.get("audience"),
            level=data.get("level"),
            cursor=data.get("cursor"),
            limit=data["limit"],
            province_id=reader_province(request.user),
        )
        return Response(SearchPageSerializer(page).data)
