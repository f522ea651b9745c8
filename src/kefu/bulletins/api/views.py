"""Notice API (SYS-1): one view per operation, each calling one service or selector."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.bulletins import selectors, services
from kefu.bulletins.api import serializers

PROBLEM = OpenApiResponse(description="problem+json")
TAGS = ["bulletins"]


class NoticeListView(APIView):
    @extend_schema(
        summary="My notices, newest first, with my unread count (SYS-1)",
        responses={200: serializers.InboxSerializer},
        tags=TAGS,
    )
    def get(self, request):
        return Response(
            {
                "unread": selectors.unread_count(request.user),
                "results": serializers.ReceiptSerializer(selectors.inbox(request.user), many=True).data,
            }
        )

    @extend_schema(
        summary="Publish a notice or internal message to everyone, a role, a group, a city or persons (SYS-1)",
        description=(
            "Supervisors and administrators only (403 `permission_denied`); recipients are the active staff "
            "of the author's scope the audience names. 400 `unknown_target` for an unknown role, group, city or "
            "job number, `no_recipients` when nobody matches. Each recipient's desk stream gets a `notice` event."
        ),
        request=serializers.NoticePublishSerializer,
        responses={201: serializers.NoticeSerializer, 400: PROBLEM, 403: PROBLEM},
        tags=TAGS,
    )
    def post(self, request):
        body = serializers.NoticePublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notice = services.notice_publish(actor=request.user, **body.validated_data)
        return Response(serializers.NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class UnreadCountView(APIView):
    @extend_schema(
        summary="How many of my notices I have not opened (SYS-1)",
        responses={200: serializers.UnreadSerializer},
        tags=TAGS,
    )
    def get(self, request):
        return Response({"unread": selectors.unread_count(request.user)})


class SentNoticesView(APIView):
    @extend_schema(
        summary="Notices of my scope with read and acknowledgement counts (supervisors, administrators)",
        responses={200: serializers.SentNoticeSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        return Response(serializers.SentNoticeSerializer(selectors.sent(request.user), many=True).data)


class NoticeFollowView(APIView):
    @extend_schema(
        summary="One notice of my scope with who read and acknowledged it, and when (authors)",
        responses={200: serializers.NoticeFollowSerializer, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, notice_id: int):
        notice, receipts = selectors.notice_for_author(request.user, notice_id)
        return Response(
            {
                "notice": serializers.SentNoticeSerializer(notice).data,
                "recipients": serializers.RecipientSerializer(receipts, many=True).data,
            }
        )


class NoticeReadView(APIView):
    @extend_schema(
        summary="Open one of my notices: the first opening marks it read (SYS-1)",
        request=None,
        responses={200: serializers.ReceiptSerializer, 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, notice_id: int):
        receipt = services.notice_open(actor=request.user, notice_id=notice_id)
        return Response(serializers.ReceiptSerializer(receipt).data)


class NoticeAcknowledgeView(APIView):
    @extend_schema(
        summary="Acknowledge one of my notices (who and when are kept for the author, SYS-1)",
        description="403 `not_a_recipient` for a notice that was not sent to the caller.",
        request=None,
        responses={200: serializers.ReceiptSerializer, 403: PROBLEM, 404: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, notice_id: int):
        receipt = services.notice_acknowledge(actor=request.user, notice_id=notice_id)
        return Response(serializers.ReceiptSerializer(receipt).data)
