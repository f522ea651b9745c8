"""Knowledge articles API (KB-1): list, create, read, edit (each save a new version), the workflow
actions, versions, diff and attachments. Writes call :mod:`kefu.knowledge.workflow`; refusals are
problem+json (``not_an_editor``, ``own_review``, ``invalid_transition``, ``article_exists``,
``unknown_article``, ``unknown_version``, ``unknown_business``, ``attachment_too_large``)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.catalog import selectors as catalog
from kefu.catalog.models import Business, CategoryNode
from kefu.core.api import fields
from kefu.core.api.base import ModelSerializer
from kefu.core.choices import CustomerLevel
from kefu.core.errors import DomainError, NotFoundError
from kefu.core.numbers import parse_int
from kefu.knowledge import workflow
from kefu.knowledge.choices import ArticleKind, Audience, Status
from kefu.knowledge.errors import KnowledgeErrorCode
from kefu.knowledge.models import Article, ArticleAttachment, ArticleVersion
from kefu.knowledge.reading import visible_to

PROBLEM = OpenApiResponse(description="problem+json")
TAGS = ["knowledge"]
LIST_LIMIT = 500


def require_manager(user) -> None:
    """Drafts, versions and diffs are for knowledge editors and reviewers."""
    if not workflow.may_manage(user):
        raise DomainError(
            _("只有知识管理员、班长和系统管理员可以查看草稿和历史版本"),
            code=KnowledgeErrorCode.NOT_AN_EDITOR,
            status=403,
        )


def business_from(value: str | None) -> Business | None:
    """A business by code or by any name it carries or carried; blank: none."""
    value = (value or "").strip()
    if not value:
        return None
    business = Business.objects.filter(code=value).first() or catalog.business_by_name(value)
    if business is None:
        raise DomainError(
            _("未知业务：%(b)s") % {"b": value},
            code=KnowledgeErrorCode.UNKNOWN_BUSINESS,
            status=400,
            errors={"business": [_("未知业务：%(b)s") % {"b": value}]},
        )
    return business


def int_param(request, name: str) -> int:
    value = request.query_params.get(name)
    if value is None:
        raise DomainError(
            _("缺少参数 %(name)s") % {"name": name},
            code="validation_failed",
            status=400,
            errors={name: ["required"]},
        )
    return parse_int(value, name=name, minimum=1)


# -- serializers -------------------------------------------------------------------------------------


class ArticleAttachmentSerializer(ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ArticleAttachment
        fields = ["id", "name", "size", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return obj.file.url if obj.file else ""


class ArticleVersionSerializer(ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="job_number", read_only=True)
    business = serializers.CharField(source="business_code")

    class Meta:
        model = ArticleVersion
        fields = [
            "number",
            "title",
            "body",
            "kind",
            "audience",
            "business",
            "levels",
            "tags",
            "valid_from",
            "valid_until",
            "note",
            "author",
            "created_at",
        ]


class ArticleVersionSummarySerializer(ArticleVersionSerializer):
    class Meta(ArticleVersionSerializer.Meta):
        fields = ["number", "title", "note", "author", "created_at"]


class ArticleSerializer(ModelSerializer):
    business = serializers.SlugRelatedField(slug_field="code", read_only=True)
    draft_status = serializers.SerializerMethodField(
        help_text="state of the pending version: draft, review or blank"
    )
    stale = serializers.SerializerMethodField(help_text="published and past its review date")

    class Meta:
        model = Article
        fields = [
            "code",
            "title",
            "body",
            "kind",
            "audience",
            "business",
            "category",
            "levels",
            "tags",
            "valid_from",
            "valid_until",
            "review_by",
            "status",
            "draft_status",
            "version",
            "published_version",
            "published_at",
            "updated_at",
            "needs_review",
            "needs_review_reason",
            "review_note",
            "stale",
            "origin",
        ]

    def get_draft_status(self, obj) -> str:
        return workflow.stage(obj)

    def get_stale(self, obj) -> bool:
        return workflow.is_stale(obj)


class ArticleSummarySerializer(ArticleSerializer):
    class Meta(ArticleSerializer.Meta):
        fields = [f for f in ArticleSerializer.Meta.fields if f != "body"]


class ArticleDetailSerializer(ArticleSerializer):
    draft = serializers.SerializerMethodField(help_text="the pending version (editors and reviewers only)")
    attachments = ArticleAttachmentSerializer(many=True, read_only=True)

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "draft", "attachments"]

    def get_draft(self, obj) -> dict | None:
        if (
            not self.context.get("manager")
            or obj.version <= obj.published_version
            or obj.published_version == 0
        ):
            return None
        version = obj.versions.filter(number=obj.version).first()
        return ArticleVersionSerializer(version).data if version else None


class ArticleWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(required=False, help_text="HTML; sanitised on save")
    kind = serializers.ChoiceField(choices=ArticleKind.CHOICES, required=False)
    audience = serializers.ChoiceField(choices=Audience.CHOICES, required=False)
    business = serializers.CharField(
        required=False, allow_blank=True, help_text="business code or any of its names"
    )
    category = fields.IdField(required=False, allow_null=True, help_text="request-category node id")
    levels = serializers.ListField(
        child=serializers.ChoiceField(choices=CustomerLevel.CHOICES), required=False
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False, max_length=30)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    review_by = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="what changed and why"
    )

    def fields_for_service(self) -> dict:
        data = dict(self.validated_data)
        if "business" in data:
            data["business"] = business_from(data["business"])
        if "category" in data:
            category = data["category"]
            if category is not None:
                node = CategoryNode.objects.filter(pk=category).first()
                if node is None:
                    raise serializers.ValidationError({"category": [_("未知的服务请求分类")]})
                data["category"] = node
        return data


class ArticleCreateSerializer(ArticleWriteSerializer):
    code = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$", max_length=40)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ApproveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class RestoreSerializer(serializers.Serializer):
    version = fields.IntegerField(min_value=1)


class ConfirmSerializer(serializers.Serializer):
    review_by = serializers.DateField(
        allow_null=True, help_text="the next review date (after today), or null"
    )


class DiffSerializer(serializers.Serializer):
    from_version = fields.IntegerField(source="from_number")
    to_version = fields.IntegerField(source="to_number")
    changed = serializers.ListField(child=serializers.CharField())
    unified = serializers.CharField()
    html = serializers.CharField(help_text="side-by-side table, every value escaped")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


# -- views -------------------------------------------------------------------------------------------

META_FIELDS = ("category", "review_by")


def _save(actor, code: str | None, serializer: ArticleWriteSerializer) -> Article:
    data = serializer.fields_for_service()
    note = data.pop("note", "")
    if code is None:
        return workflow.article_create(actor=actor, note=note, **data)
    meta = {name: data.pop(name) for name in META_FIELDS if name in data}
    if meta:
        workflow.article_set_meta(actor=actor, code=code, **meta)
    if data:
        return workflow.article_edit(actor=actor, code=code, note=note, **data)
    return workflow.article_get(code, actor=actor)


def _detail(request, article: Article, status_code: int = 200) -> Response:
    context = {"manager": workflow.may_manage(request.user)}
    return Response(ArticleDetailSerializer(article, context=context).data, status=status_code)


class ArticleListView(APIView):
    @extend_schema(
        summary="Knowledge articles (KB-1): every state for editors and reviewers, published ones for others",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values()),
            OpenApiParameter("draft_status", OpenApiTypes.STR, enum=[Status.DRAFT, Status.REVIEW]),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=ArticleKind.values()),
            OpenApiParameter("business", OpenApiTypes.STR, description="business code"),
            OpenApiParameter("stale", OpenApiTypes.BOOL, description="published and past the review date"),
            OpenApiParameter(
                "needs_review", OpenApiTypes.BOOL, description="flagged by a catalog change (SR-3)"
            ),
            OpenApiParameter("q", OpenApiTypes.STR, description="code or title contains"),
        ],
        responses={200: ArticleSummarySerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        articles = filter_articles(
            request.query_params, manager=workflow.may_manage(request.user), actor=request.user
        )
        return Response(
            ArticleSummarySerializer(articles.select_related("business")[:LIST_LIMIT], many=True).data
        )

    @extend_schema(
        summary="Write a new article as a draft (knowledge editors)",
        description="403 `not_an_editor`; 409 `article_exists`; 400 `validation_failed`, `unknown_business`.",
        request=ArticleCreateSerializer,
        responses={201: ArticleDetailSerializer, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request):
        body = ArticleCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        article = _save(request.user, None, body)
        return _detail(request, article, status.HTTP_201_CREATED)


def _flag(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    return value.lower() in ("1", "true", "yes", "on")


def filter_articles(params, *, manager: bool, actor):
    """The article list's filters (shared with the editor's page), over the articles ``actor`` sees."""
    articles = visible_to(Article.objects.all(), actor)
    if not manager:
        articles = articles.filter(status=Status.PUBLISHED)
    if params.get("status") in Status:
        articles = articles.filter(status=params["status"])
    if params.get("draft_status") in (Status.DRAFT, Status.REVIEW):
        wanted = params["draft_status"]
        articles = articles.filter(
            Q(published_version=0, status=wanted) | Q(published_version__gt=0, draft_status=wanted)
        )
    if params.get("kind") in ArticleKind:
        articles = articles.filter(kind=params["kind"])
    if params.get("business"):
        articles = articles.filter(business__code=params["business"])
    stale = _flag(params.get("stale"))
    today = timezone.localdate()
    if stale is True:
        articles = articles.filter(status=Status.PUBLISHED, review_by__lt=today)
    elif stale is False:
        articles = articles.exclude(status=Status.PUBLISHED, review_by__lt=today)
    needs_review = _flag(params.get("needs_review"))
    if needs_review is not None:
        articles = articles.filter(needs_review=needs_review)
    q = (params.get("q") or "").strip()
    if q:
        articles = articles.filter(Q(code__icontains=q) | Q(title__icontains=q))
    return articles.order_by("code")


class ArticleDetailView(APIView):
    @extend_schema(
        summary="One article: the published text (and, for editors and reviewers, the pending draft)",
        responses={200: ArticleDetailSerializer, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, code: str):
        article = workflow.article_get(code, actor=request.user)
        if not workflow.may_manage(request.user) and article.status != Status.PUBLISHED:
            raise NotFoundError(  # the same 404 as an unknown code
                _("没有编号为 %(code)s 的知识") % {"code": code}, code=KnowledgeErrorCode.UNKNOWN_ARTICLE
            )
        return _detail(request, article)

    @extend_schema(
        summary="Edit an article: a new draft version; a published article stays as published until approved",
        description=(
            "Content fields make a new version (`note` says why); `category` and `review_by` change at once. "
            "409 `invalid_transition` while the pending version is in review; 403 `not_an_editor`, "
            "`national_read_only`."
        ),
        request=ArticleWriteSerializer,
        responses={200: ArticleDetailSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def patch(self, request, code: str):
        workflow.article_get(code, actor=request.user)  # out of the reader's sight: 404 before the body
        body = ArticleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _detail(request, _save(request.user, code, body))


def _action_view(name: str, summary: str, description: str, request_serializer, call):
    class ActionView(APIView):
        @extend_schema(
            operation_id=f"knowledge_articles_{name}",
            summary=summary,
            description=description,
            request=request_serializer,
            responses={200: ArticleDetailSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
            tags=TAGS,
        )
        def post(self, request, code: str):
            workflow.article_get(code, actor=request.user)  # out of the reader's sight: 404 before the body
            data = {}
            if request_serializer is not None:
                body = request_serializer(data=request.data)
                body.is_valid(raise_exception=True)
                data = body.validated_data
            return _detail(request, call(request.user, code, data))

    ActionView.__name__ = f"Article{name.title()}View"
    return ActionView


ArticleSubmitView = _action_view(
    "submit",
    "Submit the draft for review (draft → review)",
    "409 `invalid_transition` unless there is a draft.",
    None,
    lambda user, code, data: workflow.article_submit(actor=user, code=code),
)
ArticleApproveView = _action_view(
    "approve",
    "Approve the version in review: it becomes the published text and is searchable",
    "403 `own_review` for anyone who wrote a version of the pending change; 409 `invalid_transition`.",
    ApproveSerializer,
    lambda user, code, data: workflow.article_approve(actor=user, code=code, note=data.get("note", "")),
)
ArticleRejectView = _action_view(
    "reject",
    "Send the version in review back to draft with a reason",
    "400 `validation_failed` without a reason; 409 `invalid_transition`.",
    ReasonSerializer,
    lambda user, code, data: workflow.article_reject(actor=user, code=code, reason=data.get("reason", "")),
)
ArticleRetireView = _action_view(
    "retire",
    "Retire a published article: out of the search and the readers' pages",
    "409 `invalid_transition` unless published.",
    ReasonSerializer,
    lambda user, code, data: workflow.article_retire(actor=user, code=code, reason=data.get("reason", "")),
)
ArticleRestoreView = _action_view(
    "restore",
    "Restore an old version: its content becomes a new draft version",
    "404 `unknown_version`; 409 `invalid_transition` while a version is in review.",
    RestoreSerializer,
    lambda user, code, data: workflow.article_restore(actor=user, code=code, number=data["version"]),
)
ArticleConfirmView = _action_view(
    "confirm",
    "Confirm a published article after review: clears the needs-review flag, sets the next review date",
    "409 `invalid_transition` unless published; 400 `validation_failed` for a date not after today.",
    ConfirmSerializer,
    lambda user, code, data: workflow.article_confirm(actor=user, code=code, review_by=data.get("review_by")),
)


class ArticleVersionsView(APIView):
    @extend_schema(
        summary="Every version of an article, newest first (editors and reviewers)",
        responses={200: ArticleVersionSummarySerializer(many=True), 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, code: str):
        require_manager(request.user)
        article = workflow.article_get(code, actor=request.user)
        versions = article.versions.select_related("author").order_by("-number")
        return Response(ArticleVersionSummarySerializer(versions, many=True).data)


class ArticleVersionView(APIView):
    @extend_schema(
        summary="One version of an article (editors and reviewers)",
        responses={200: ArticleVersionSerializer, 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, code: str, number: int):
        require_manager(request.user)
        return Response(
            ArticleVersionSerializer(
                workflow.article_version(workflow.article_get(code, actor=request.user), number)
            ).data
        )


class ArticleDiffView(APIView):
    @extend_schema(
        summary="What changed between two versions of an article",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, required=True),
            OpenApiParameter("to", OpenApiTypes.INT, required=True),
        ],
        responses={200: DiffSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, code: str):
        require_manager(request.user)
        found = workflow.article_get(code, actor=request.user)  # out of sight: 404 before the query is read
        diff = workflow.article_diff(found, int_param(request, "from"), int_param(request, "to"))
        return Response(DiffSerializer(diff).data)


class ArticleAttachmentsView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        summary="The files attached to an article",
        responses={200: ArticleAttachmentSerializer(many=True), 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, code: str):
        article = workflow.article_get(code, actor=request.user)
        return Response(ArticleAttachmentSerializer(article.attachments.all(), many=True).data)

    @extend_schema(
        summary="Attach a file to an article (knowledge editors)",
        description="413 `attachment_too_large` over `KEFU_ATTACHMENT_MAX_BYTES`; 415 `attachment_type_refused`.",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: ArticleAttachmentSerializer, 403: PROBLEM, 404: PROBLEM, 413: PROBLEM, 415: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, code: str):
        workflow.article_get(code, actor=request.user)  # out of the reader's sight: 404 before the body
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = workflow.attachment_add(
            actor=request.user, code=code, upload=body.validated_data["file"]
        )
        return Response(ArticleAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
