"""``POST /api/v1/knowledge/uses``: what the agent did with knowledge during a contact (SR-1, KB-4) —
opened an article, answered the customer with it, copied or read out a wording. The desk's copy
button posts here. Sending by SMS and the unanswered consultation are the desk's forms (they send
and create orders)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import fields
from kefu.core.errors import DomainError
from kefu.knowledge import reading, usage
from kefu.knowledge.choices import UseKind
from kefu.knowledge.errors import KnowledgeErrorCode

PROBLEM = OpenApiResponse(description="problem+json")


class UseInput(serializers.Serializer):
    contact = fields.IdField()
    kind = serializers.ChoiceField([UseKind.OPENED, UseKind.ANSWERED, UseKind.WORDING])
    article = serializers.CharField(max_length=40, required=False, allow_blank=True)
    wording = serializers.CharField(max_length=40, required=False, allow_blank=True)
    request = fields.IdField(required=False, allow_null=True)


USE_OUTPUT = inline_serializer(
    "KnowledgeUseRecorded",
    fields={
        "id": fields.IntegerField(),
        "kind": serializers.CharField(),
        "contact": fields.IntegerField(),
        "request": fields.IntegerField(allow_null=True),
        "article": serializers.CharField(allow_null=True),
        "article_version": fields.IntegerField(allow_null=True),
        "wording": serializers.CharField(allow_null=True),
        "wording_version": fields.IntegerField(allow_null=True),
    },
)


def _article(code: str, actor):
    article = reading.article_for_reader(code or "", actor=actor)
    if article is None:
        raise DomainError(_("知识不存在或未发布"), code=KnowledgeErrorCode.UNKNOWN_ARTICLE, status=404)
    return article


def _wording(code: str, actor):
    wording = reading.wording_for_reader(code or "", actor=actor)
    if wording is None:
        raise DomainError(_("解释口径不存在或未发布"), code=KnowledgeErrorCode.UNKNOWN_WORDING, status=404)
    return wording


class KnowledgeUseView(APIView):
    @extend_schema(
        summary="Record that an article was opened or answered the customer, or a wording was used (SR-1, KB-4)",
        description=(
            "`contact`: the contact record the agent is serving (their own, after-call work not yet "
            "written: else 403/409 `contact_closed`; out of scope: 404 `not_found`). `opened`/`answered` "
            "name an `article` (code; 404 `unknown_article`), `answered` goes on the contact's consultation "
            "request (`request`, else the latest, else a new one); `wording` names a `wording` (code; 404 "
            "`unknown_wording`). The published version is recorded."
        ),
        request=UseInput,
        responses={201: USE_OUTPUT, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=["knowledge"],
    )
    def post(self, request):
        body = UseInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        kind = data["kind"]
        if kind == UseKind.WORDING:
            use = usage.wording_used(
                actor=request.user,
                contact=data["contact"],
                wording=_wording(data.get("wording"), request.user),
            )
        elif kind == UseKind.ANSWERED:
            use = usage.article_answered(
                actor=request.user,
                contact=data["contact"],
                article=_article(data.get("article"), request.user),
                request_id=data.get("request"),
            )
        else:
            use = usage.article_opened(
                actor=request.user,
                contact=data["contact"],
                article=_article(data.get("article"), request.user),
            )
        return Response(
            {
                "id": use.pk,
                "kind": use.kind,
                "contact": use.contact_id,
                "request": use.request_id,
                "article": use.article.code if use.article_id else None,
                "article_version": use.article_version,
                "wording": use.wording.code if use.wording_id else None,
                "wording_version": use.wording_version,
            },
            status=status.HTTP_201_CREATED,
        )
