"""Explanation wording API (KB-4): the same workflow as articles, and the lookup of the wording to use
for a problem type, customer level and channel."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api.base import ModelSerializer
from kefu.core.choices import CustomerLevel
from kefu.core.errors import DomainError, NotFoundError
from kefu.knowledge import workflow
from kefu.knowledge.api.articles import (
    LIST_LIMIT,
    PROBLEM,
    TAGS,
    ApproveSerializer,
    DiffSerializer,
    ReasonSerializer,
    RestoreSerializer,
    business_from,
    int_param,
    require_manager,
)
from kefu.knowledge.choices import Channel, Status
from kefu.knowledge.errors import KnowledgeErrorCode
from kefu.knowledge.models import Wording, WordingVersion
from kefu.knowledge.reading import visible_to


class WordingVersionSerializer(ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="job_number", read_only=True)

    class Meta:
        model = WordingVersion
        fields = ["number", "title", "text", "note", "author", "created_at"]


class WordingSerializer(ModelSerializer):
    business = serializers.SlugRelatedField(slug_field="code", read_only=True)
    draft_status = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()

    class Meta:
        model = Wording
        fields = [
            "code",
            "title",
            "text",
            "problem",
            "level",
            "channel",
            "business",
            "valid_from",
            "valid_until",
            "review_by",
            "status",
            "draft_status",
            "version",
            "published_version",
            "published_at",
            "updated_at",
            "review_note",
            "stale",
            "origin",
        ]

    def get_draft_status(self, obj) -> str:
        return workflow.stage(obj)

    def get_stale(self, obj) -> bool:
        return workflow.is_stale(obj)


class WordingDetailSerializer(WordingSerializer):
    draft = serializers.SerializerMethodField(help_text="the pending version (editors and reviewers only)")

    class Meta(WordingSerializer.Meta):
        fields = [*WordingSerializer.Meta.fields, "draft"]

    def get_draft(self, obj) -> dict | None:
        if (
            not self.context.get("manager")
            or obj.version <= obj.published_version
            or obj.published_version == 0
        ):
            return None
        version = obj.versions.filter(number=obj.version).first()
        return WordingVersionSerializer(version).data if version else None


class WordingWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    text = serializers.CharField(required=False)
    problem = serializers.CharField(
        max_length=60, required=False, help_text="request-category code or a free key"
    )
    level = serializers.ChoiceField(choices=CustomerLevel.CHOICES, required=False, allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.CHOICES, required=False)
    business = serializers.CharField(required=False, allow_blank=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    review_by = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def fields_for_service(self) -> dict:
        data = dict(self.validated_data)
        if "business" in data:
            data["business"] = business_from(data["business"])
        return data


class WordingCreateSerializer(WordingWriteSerializer):
    code = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$", max_length=40)
    title = serializers.CharField(max_length=200)
    text = serializers.CharField()
    problem = serializers.CharField(max_length=60)


def _detail(request, wording: Wording, status_code: int = 200) -> Response:
    context = {"manager": workflow.may_manage(request.user)}
    return Response(WordingDetailSerializer(wording, context=context).data, status=status_code)


class WordingListView(APIView):
    @extend_schema(
        summary="Explanation wording (KB-4): every state for editors and reviewers, published for others",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values()),
            OpenApiParameter("problem", OpenApiTypes.STR),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values()),
        ],
        responses={200: WordingSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        wording = visible_to(Wording.objects.select_related("business"), request.user).order_by("code")
        if not workflow.may_manage(request.user):
            wording = wording.filter(status=Status.PUBLISHED)
        params = request.query_params
        if params.get("status") in Status:
            wording = wording.filter(status=params["status"])
        if params.get("problem"):
            wording = wording.filter(problem=params["problem"])
        if params.get("channel") in Channel:
            wording = wording.filter(channel=params["channel"])
        return Response(WordingSerializer(wording[:LIST_LIMIT], many=True).data)

    @extend_schema(
        summary="Write new wording as a draft (knowledge editors)",
        description="403 `not_an_editor`; 409 `wording_exists`; 400 `validation_failed`, `unknown_business`.",
        request=WordingCreateSerializer,
        responses={201: WordingDetailSerializer, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request):
        body = WordingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.fields_for_service()
        wording = workflow.wording_create(actor=request.user, note=data.pop("note", ""), **data)
        return _detail(request, wording, status.HTTP_201_CREATED)


class WordingLookupView(APIView):
    @extend_schema(
        summary="The wording to use now for a problem type, customer level and channel (KB-4)",
        description=(
            "The published, currently valid wording written for that level, else the one for every level; "
            "404 `no_wording` when there is none."
        ),
        parameters=[
            OpenApiParameter("problem", OpenApiTypes.STR, required=True),
            OpenApiParameter("level", OpenApiTypes.STR, enum=CustomerLevel.values()),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values(), description="default agent"),
        ],
        responses={200: WordingSerializer, 400: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request):
        params = request.query_params
        problem = (params.get("problem") or "").strip()
        level = params.get("level") or ""
        channel = params.get("channel") or Channel.AGENT
        errors = {}
        if not problem:
            errors["problem"] = [_("请指定问题类型")]
        if level and level not in CustomerLevel:
            errors["level"] = [_("未知的客户级别")]
        if channel not in Channel:
            errors["channel"] = [_("未知的使用渠道")]
        if errors:
            raise DomainError(
                "; ".join(f"{k}: {v[0]}" for k, v in errors.items()),
                code="validation_failed",
                status=400,
                errors=errors,
            )
        wording = workflow.current_wording(problem=problem, level=level, channel=channel)
        if wording is None:
            raise NotFoundError(_("没有适用的解释口径"), code=KnowledgeErrorCode.NO_WORDING)
        return Response(WordingSerializer(wording).data)


class WordingDetailView(APIView):
    @extend_schema(summary="One wording", responses={200: WordingDetailSerializer, 404: PROBLEM}, tags=TAGS)
    def get(self, request, code: str):
        wording = workflow.wording_get(code, actor=request.user)
        if not workflow.may_manage(request.user) and wording.status != Status.PUBLISHED:
            raise NotFoundError(
                _("没有编号为 %(code)s 的口径") % {"code": code}, code=KnowledgeErrorCode.UNKNOWN_WORDING
            )
        return _detail(request, wording)

    @extend_schema(
        summary="Edit wording: a new title or text is a new draft version; where it applies changes at once",
        description="409 `invalid_transition` while in review; 403 `not_an_editor`, `national_read_only`.",
        request=WordingWriteSerializer,
        responses={200: WordingDetailSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def patch(self, request, code: str):
        workflow.wording_get(code, actor=request.user)  # out of the reader's sight: 404 before the body
        body = WordingWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.fields_for_service()
        wording = workflow.wording_edit(actor=request.user, code=code, note=data.pop("note", ""), **data)
        return _detail(request, wording)


def _action_view(name: str, summary: str, request_serializer, call):
    class ActionView(APIView):
        @extend_schema(
            operation_id=f"knowledge_wording_{name}",
            summary=summary,
            request=request_serializer,
            responses={200: WordingDetailSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
            tags=TAGS,
        )
        def post(self, request, code: str):
            workflow.wording_get(code, actor=request.user)  # out of the reader's sight: 404 before the body
            data = {}
            if request_serializer is not None:
                body = request_serializer(data=request.data)
                body.is_valid(raise_exception=True)
                data = body.validated_data
            return _detail(request, call(request.user, code, data))

    ActionView.__name__ = f"Wording{name.title()}View"
    return ActionView


WordingSubmitView = _action_view(
    "submit", "Submit the draft for review", None, lambda u, c, d: workflow.wording_submit(actor=u, code=c)
)
WordingApproveView = _action_view(
    "approve",
    "Approve the version in review (403 `own_review` for its authors)",
    ApproveSerializer,
    lambda u, c, d: workflow.wording_approve(actor=u, code=c, note=d.get("note", "")),
)
WordingRejectView = _action_view(
    "reject",
    "Send the version in review back to draft with a reason",
    ReasonSerializer,
    lambda u, c, d: workflow.wording_reject(actor=u, code=c, reason=d.get("reason", "")),
)
WordingRetireView = _action_view(
    "retire",
    "Retire published wording",
    ReasonSerializer,
    lambda u, c, d: workflow.wording_retire(actor=u, code=c, reason=d.get("reason", "")),
)
WordingRestoreView = _action_view(
    "restore",
    "Restore an old version as a new draft",
    RestoreSerializer,
    lambda u, c, d: workflow.wording_restore(actor=u, code=c, number=d["version"]),
)


class WordingVersionsView(APIView):
    @extend_schema(
        summary="Every version of a wording, newest first",
        responses={200: WordingVersionSerializer(many=True), 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, code: str):
        require_manager(request.user)
        wording = workflow.wording_get(code, actor=request.user)
        return Response(
            WordingVersionSerializer(
                wording.versions.select_related("author").order_by("-number"), many=True
            ).data
        )


class WordingVersionView(APIView):
    @extend_schema(
        summary="One version of a wording",
        responses={200: WordingVersionSerializer, 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, code: str, number: int):
        require_manager(request.user)
        return Response(
            WordingVersionSerializer(
                workflow.wording_version(workflow.wording_get(code, actor=request.user), number)
            ).data
        )


class WordingDiffView(APIView):
    @extend_schema(
        summary="What changed between two versions of a wording",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, required=True),
            OpenApiParameter("to", OpenApiTypes.INT, required=True),
        ],
        responses={200: DiffSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, code: str):
        require_manager(request.user)
        found = workflow.wording_get(code, actor=request.user)  # out of sight: 404 before the query is read
        diff = workflow.wording_diff(found, int_param(request, "from"), int_param(request, "to"))
        return Response(DiffSerializer(diff).data)
