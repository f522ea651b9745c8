"""Authentication API (AUTH-1..8): one view per operation, each calling one service."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.choices import Role
from kefu.core.errors import DomainError, ErrorCode
from kefu.identity import selectors, services
from kefu.identity.api import serializers

PROBLEM = OpenApiResponse(description="problem+json")
TAGS = ["identity"]


def _body(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class AuthenticateView(APIView):
    @extend_schema(
        summary="Authenticate the customer of a number (AUTH-1)",
        description=(
            "200 on success with the grant. 401 `auth_failed` with `tries_left`; 423 `auth_locked` with "
            "`locked_until` after three consecutive failures (AUTH-5). `password_change_required` "
            "(AUTH-6) and `security_notice_required` (AUTH-7) tell the desktop what must happen next."
        ),
        request=serializers.AuthenticateSerializer,
        responses={200: serializers.AuthenticatedSerializer, 401: PROBLEM, 404: PROBLEM, 423: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, number: str):
        services.subscriber_in_scope(request.user, number)
        v = dict(_body(serializers.AuthenticateSerializer, request))
        method = v.pop("method")
        channel = v.pop("channel", None)
        outcome = services.authenticate(
            actor=request.user, number=number, method=method, channel=channel, **v
        )
        return Response(
            {
                "authenticated": True,
                "method": outcome.method,
                "grant_expires_at": outcome.grant_expires_at,
                "password_change_required": outcome.password_change_required,
                "security_notice_required": outcome.security_notice_required,
                "scope": outcome.scope,
                "tries_left": outcome.tries_left,
            }
        )


class OtpSendView(APIView):
    @extend_schema(
        summary="Send an SMS one-time password to the number (AUTH-1 second factor)",
        request=None,
        responses={202: serializers.OtpSentSerializer, 404: PROBLEM, 423: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, number: str):
        challenge = services.otp_send(actor=request.user, number=number)
        return Response({"expires_at": challenge.expires_at}, status=status.HTTP_202_ACCEPTED)


class SecurityNoticeView(APIView):
    @extend_schema(
        summary="Acknowledge the one-time security notice for the subscriber (AUTH-7)",
        request=None,
        responses={204: None, 404: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, number: str):
        services.security_notice_acknowledge(actor=request.user, number=number)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServicePasswordView(APIView):
    @extend_schema(
        summary="Change the service password with the old one (AUTH-6)",
        description="400 for a weak or malformed new password; 401/423 as for authenticate.",
        request=serializers.ServicePasswordSerializer,
        responses={204: None, 400: PROBLEM, 401: PROBLEM, 404: PROBLEM, 423: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, number: str):
        services.subscriber_in_scope(request.user, number)
        v = _body(serializers.ServicePasswordSerializer, request)
        services.service_password_change(
            actor=request.user,
            number=number,
            old_password=v["old_password"],
            new_password=v["new_password"],
            channel=v.get("channel", "hotline"),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordCollectionRequestView(APIView):
    @extend_schema(
        summary="Ask the IVR to collect the caller's service password for the agent's active call (AUTH-3)",
        request=serializers.CollectionRequestSerializer,
        responses={201: serializers.CollectionSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, call_id: str):
        v = _body(serializers.CollectionRequestSerializer, request)
        collection = services.password_collection_request(
            actor=request.user, call_id=call_id, number=v.get("number")
        )
        return Response(serializers.CollectionSerializer(collection).data, status=status.HTTP_201_CREATED)


class PasswordCollectionView(APIView):
    @extend_schema(
        summary="State and result of a password collection (never the digits)",
        responses={200: serializers.CollectionSerializer, 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, collection_id: int):
        collection = services.collection_in_scope(request.user, collection_id)
        return Response(serializers.CollectionSerializer(collection).data)

    @extend_schema(
        summary="The IVR posts the digits the caller keyed in (AUTH-3); the agent never posts this",
        description="Answers pass, fail or locked only; the agent's desktop learns it by push (`ivr_auth`).",
        request=serializers.DigitsSerializer,
        responses={200: serializers.CollectionResultSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, collection_id: int):
        services.collection_in_scope(request.user, collection_id)
        v = _body(serializers.DigitsSerializer, request)
        collection, _outcome = services.password_collection_submit(
            actor=request.user, collection_id=collection_id, digits=v["digits"]
        )
        return Response({"result": collection.result})


class MaySeeStatistics(permissions.BasePermission):
    message = _("只有班长或系统管理员可以查看认证统计")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR))


class AuthenticationStatsView(APIView):
    permission_classes = [MaySeeStatistics]

    @extend_schema(
        summary="Authentication statistics by day and one dimension (AUTH-8)",
        parameters=[serializers.StatsQuerySerializer],
        responses={200: serializers.StatsSerializer, 403: PROBLEM},
        tags=TAGS,
    )
    def get(self, request):
        query = serializers.StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        today = timezone.localdate()
        until = v.get("until") or today
        since = v.get("since") or until - timedelta(days=6)
        if since > until:
            raise DomainError(_("开始日期晚于结束日期"), code=ErrorCode.VALIDATION_FAILED, status=400)
        return Response(selectors.auth_stats(request.user, since=since, until=until, by=v["by"]))
