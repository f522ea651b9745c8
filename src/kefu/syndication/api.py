"""National knowledge API (ORG-2).

- hub: ``/api/v1/knowledge/national/articles`` and ``…/wording`` — write, publish, retire;
- province: ``/api/v1/knowledge/articles/{code}/overlay`` (GET, PUT, DELETE, ``…/check``) and
  ``/api/v1/knowledge/overlays`` (``?changed=1``: the overlays whose national version changed).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import fields
from kefu.core.choices import CustomerLevel
from kefu.core.errors import NotFoundError
from kefu.knowledge import selectors
from kefu.knowledge.choices import ArticleKind, Audience, Channel, Origin
from kefu.knowledge.models import Article, Wording
from kefu.syndication import services

PROBLEM = OpenApiResponse(description="problem+json with a stable `code`")
TAGS = ["knowledge"]


def _publisher(request) -> None:
    if request.user.role not in services.PUBLISHERS:
        raise PermissionDenied


# --- hub: national articles ----------------------------------------------------------------------------


class NationalArticleInput(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=40)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=1_000_000)
    kind = serializers.ChoiceField(choices=ArticleKind.values(), default=ArticleKind.USAGE)
    audience = serializers.ChoiceField(choices=Audience.values(), default=Audience.BOTH)
    business = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    levels = serializers.ListField(
        child=serializers.ChoiceField(choices=CustomerLevel.CHOICES), required=False, default=list
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=30
    )
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    review_by = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    publish = serializers.BooleanField(required=False, default=False, help_text="publish at once")

    def validate(self, data):
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            raise serializers.ValidationError({"valid_until": _("失效日期早于生效日期")})
        return data


class NationalArticleUpdate(NationalArticleInput):
    code = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class NationalArticleSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    kind = serializers.CharField()
    audience = serializers.CharField()
    business = serializers.SerializerMethodField()
    levels = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    status = serializers.CharField()
    version = fields.IntegerField()
    published_version = fields.IntegerField()
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    sent_to = serializers.SerializerMethodField(
        help_text="province nodes the hub sends national knowledge to"
    )

    def get_business(self, obj) -> str:
        return obj.business.code if obj.business_id else ""

    def get_sent_to(self, obj) -> list[str]:
        return services.province_codes()


class ActionInput(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _content(data: dict) -> tuple[dict, bool, str]:
    data = dict(data)
    publish, note = data.pop("publish", False), data.pop("note", "")
    data.pop("code", None)
    return data, publish, note


class NationalArticlesView(APIView):
    @extend_schema(
        operation_id="knowledge_national_articles",
        summary="National articles at the hub (ORG-2)",
        parameters=[OpenApiParameter("q", str, description="code or title contains"),
                    OpenApiParameter("status", str)],
        responses={200: NationalArticleSerializer(many=True), 403: PROBLEM},
        tags=TAGS,
    )  # fmt: skip
    def get(self, request):
        _publisher(request)
        articles = (
            Article.objects.filter(origin=Origin.NATIONAL).select_related("business").order_by("-updated_at")
        )
        if q := request.query_params.get("q", "").strip():
            articles = articles.filter(Q(code__icontains=q) | Q(title__icontains=q))
        if status := request.query_params.get("status"):
            articles = articles.filter(status=status)
        return Response({"results": NationalArticleSerializer(articles[:200], many=True).data})

    @extend_schema(
        operation_id="knowledge_national_article_create",
        summary="Write a national article (a draft, or published at once to every province)",
        request=NationalArticleInput,
        responses={201: NationalArticleSerializer, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM, 422: PROBLEM},
        tags=TAGS,
    )
    def post(self, request):
        _publisher(request)
        data = NationalArticleInput(data=request.data)
        data.is_valid(raise_exception=True)
        content, publish, note = _content(data.validated_data)
        article = services.national_article_save(
            actor=request.user,
            code=data.validated_data["code"],
            create=True,
            publish=publish,
            note=note,
            **content,
        )
        return Response(NationalArticleSerializer(article).data, status=201)


class NationalArticleView(APIView):
    @extend_schema(
        operation_id="knowledge_national_article",
        responses={200: NationalArticleSerializer, 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, code):
        _publisher(request)
        return Response(NationalArticleSerializer(services._national_article(code, lock=False)).data)

    @extend_schema(
        operation_id="knowledge_national_article_update",
        summary="Save a new version of a national article (a published one goes out again at once)",
        request=NationalArticleUpdate,
        responses={200: NationalArticleSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def patch(self, request, code):
        _publisher(request)
        data = NationalArticleUpdate(data=request.data)
        data.is_valid(raise_exception=True)
        content, publish, note = _content(data.validated_data)
        article = services.national_article_save(
            actor=request.user, code=code, create=False, publish=publish, note=note, **content
        )
        return Response(NationalArticleSerializer(article).data)


class NationalArticleActionView(APIView):
    ACTIONS = {"publish": services.national_article_publish, "retire": services.national_article_retire}

    @extend_schema(
        operation_id="knowledge_national_article_action",
        summary="publish (to every province) or retire (everywhere) a national article",
        request=ActionInput,
        responses={200: NationalArticleSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, code, action):
        _publisher(request)
        if action not in self.ACTIONS:
            from django.http import Http404

            raise Http404
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        article = self.ACTIONS[action](actor=request.user, code=code, note=data.validated_data["note"])
        return Response(NationalArticleSerializer(article).data)


# --- hub: national wording -----------------------------------------------------------------------------


class NationalWordingInput(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=40)
    title = serializers.CharField(max_length=200)
    problem = serializers.CharField(max_length=60)
    level = serializers.ChoiceField(
        choices=CustomerLevel.CHOICES, allow_blank=True, required=False, default=""
    )
    channel = serializers.ChoiceField(choices=Channel.values(), default=Channel.AGENT)
    text = serializers.CharField(max_length=100_000)
    business = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    review_by = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    publish = serializers.BooleanField(required=False, default=False)


class NationalWordingUpdate(NationalWordingInput):
    code = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class NationalWordingSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    problem = serializers.CharField()
    level = serializers.CharField()
    channel = serializers.CharField()
    text = serializers.CharField()
    status = serializers.CharField()
    version = fields.IntegerField()
    published_version = fields.IntegerField()
    published_at = serializers.DateTimeField()


class NationalWordingListView(APIView):
    @extend_schema(
        operation_id="knowledge_national_wording",
        responses={200: NationalWordingSerializer(many=True), 403: PROBLEM},
        tags=TAGS,
    )
    def get(self, request):
        _publisher(request)
        rows = Wording.objects.filter(origin=Origin.NATIONAL).order_by("-updated_at")[:200]
        return Response({"results": NationalWordingSerializer(rows, many=True).data})

    @extend_schema(
        operation_id="knowledge_national_wording_create",
        summary="Write national explanation wording (KB-4), a draft or published at once",
        request=NationalWordingInput,
        responses={201: NationalWordingSerializer, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request):
        _publisher(request)
        data = NationalWordingInput(data=request.data)
        data.is_valid(raise_exception=True)
        content, publish, note = _content(data.validated_data)
        wording = services.national_wording_save(
            actor=request.user,
            code=data.validated_data["code"],
            create=True,
            publish=publish,
            note=note,
            **content,
        )
        return Response(NationalWordingSerializer(wording).data, status=201)


class NationalWordingView(APIView):
    @extend_schema(
        operation_id="knowledge_national_wording_update",
        request=NationalWordingUpdate,
        responses={200: NationalWordingSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def patch(self, request, code):
        _publisher(request)
        data = NationalWordingUpdate(data=request.data)
        data.is_valid(raise_exception=True)
        content, publish, note = _content(data.validated_data)
        wording = services.national_wording_save(
            actor=request.user, code=code, create=False, publish=publish, note=note, **content
        )
        return Response(NationalWordingSerializer(wording).data)


class NationalWordingActionView(APIView):
    ACTIONS = {"publish": services.national_wording_publish, "retire": services.national_wording_retire}

    @extend_schema(
        operation_id="knowledge_national_wording_action",
        request=ActionInput,
        responses={200: NationalWordingSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, code, action):
        _publisher(request)
        if action not in self.ACTIONS:
            from django.http import Http404

            raise Http404
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        wording = self.ACTIONS[action](actor=request.user, code=code, note=data.validated_data["note"])
        return Response(NationalWordingSerializer(wording).data)


# --- province: overlays -------------------------------------------------------------------------------


class OverlayInput(serializers.Serializer):
    body = serializers.CharField(max_length=200_000, help_text="HTML; sanitised like article bodies")


class OverlaySerializer(serializers.Serializer):
    article = serializers.CharField(source="overlay.article.code")
    title = serializers.CharField(source="overlay.article.title")
    province = serializers.CharField(source="overlay.province.code")
    body = serializers.CharField(source="overlay.body")
    based_on_version = fields.IntegerField(source="overlay.based_on_version")
    national_version = fields.IntegerField(source="overlay.article.published_version")
    changed = serializers.BooleanField(help_text="the national version changed since the overlay was checked")
    updated_by = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(source="overlay.updated_at")

    def get_updated_by(self, obj) -> str:
        staff = obj.overlay.updated_by
        return staff.job_number if staff else ""


def _state(overlay) -> selectors.OverlayState:
    return selectors.OverlayState(
        overlay=overlay, changed=overlay.article.published_version > overlay.based_on_version
    )


def _province_of(request):
    if request.user.province_id is None:
        raise PermissionDenied
    return request.user.province_id


class OverlayView(APIView):
    @extend_schema(
        operation_id="knowledge_overlay",
        summary="This province's overlay on a national article",
        responses={200: OverlaySerializer, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, code):
        article = get_object_or_404(Article, code=code)
        state = selectors.overlay_for(article, _province_of(request))
        if state is None:
            raise NotFoundError(_("该知识没有本省补充"))
        return Response(OverlaySerializer(state).data)

    @extend_schema(
        operation_id="knowledge_overlay_save",
        summary="Write this province's overlay (based on the current national version)",
        request=OverlayInput,
        responses={200: OverlaySerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def put(self, request, code):
        services.overlay_target(request.user, code, lock=False)  # 403/404 before the body is read
        data = OverlayInput(data=request.data)
        data.is_valid(raise_exception=True)
        overlay = services.overlay_save(actor=request.user, code=code, body=data.validated_data["body"])
        return Response(OverlaySerializer(_state(overlay)).data)

    @extend_schema(
        operation_id="knowledge_overlay_delete",
        responses={204: None, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def delete(self, request, code):
        services.overlay_delete(actor=request.user, code=code)
        return Response(status=204)


class OverlayCheckView(APIView):
    @extend_schema(
        operation_id="knowledge_overlay_check",
        summary="Mark the overlay checked against the current national version",
        request=None,
        responses={200: OverlaySerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, code):
        overlay = services.overlay_check(actor=request.user, code=code)
        return Response(OverlaySerializer(_state(overlay)).data)


class OverlaysView(APIView):
    @extend_schema(
        operation_id="knowledge_overlays",
        summary="This province's overlays; changed=1: those whose national version changed",
        parameters=[OpenApiParameter("changed", bool)],
        responses={200: OverlaySerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        province = _province_of(request)
        changed = request.query_params.get("changed") in ("1", "true")
        rows = selectors.overlays_changed(province) if changed else selectors.overlays_of(province)
        return Response({"results": OverlaySerializer([_state(o) for o in rows[:500]], many=True).data})
