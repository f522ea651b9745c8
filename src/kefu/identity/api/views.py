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
from kefu.core.formats import local_datetime
from kefu.identity import selectors, services
from kefu.identity.api import serializers
from kefu.identity.choices import AuthMethod

PROBLEM = OpenApiResponse(description="problem+json")
TAGS = ["identity"]


def _body(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _fact(v) -> str:
    """The fact staff read from a document, for the method that takes one."""
    return v.get("id_number") or v.get("card_number") or v.get("broadband_account") or ""


class AuthenticateView(APIView):
    @extend_schema(
        summary="Authenticate the customer of a number (AUTH-1)",
        description=(
            "200 on success with the grant. 401 `auth_failed` with `tries_left`; 423 `auth_locked` with "
            "`locked_until` after three consecutive failures (AUTH-5). `password_change_required` "
            "(AUTH-6) and `security_notice_required` (AUTH-7) tell the desktop what must happen next. "
            "A service password or SMS code is taken only from the IVR's system account and self-service "
            "sessions: anyone else gets 403 `password_not_from_customer` (AUTH-3; staff ask the IVR or "
            "their PIN pad to collect it)."
        ),
        request=serializers.AuthenticateSerializer,
        responses={
            200: serializers.AuthenticatedSerializer,
            401: PROBLEM,
            403: PROBLEM,
            404: PROBLEM,
            409: PROBLEM,
            423: PROBLEM,
        },
        tags=TAGS,
    )
    def post(self, request, number: str):
        if request.data.get("method") in AuthMethod.CUSTOMER_KEYED:
            services.require_customer_keyed(request.user)  # AUTH-3 first: refused whatever the number
        services.subscriber_in_scope(request.user, number)
        v = dict(_body(serializers.AuthenticateSerializer, request))
        method = v.pop("method")
        channel = v.pop("channel", None)
        outcome = services.authenticate(
            actor=request.user, number=number, method=method, channel=channel, **v
        )
        return Response(
            {
                "authenticated": not outcome.second_factor_required,
                "method": outcome.method,
                "grant_expires_at": outcome.grant_expires_at,
                "grant_expires_at_display": local_datetime(outcome.grant_expires_at),
                "password_change_required": outcome.password_change_required,
                "security_notice_required": outcome.security_notice_required,
                "scope": outcome.scope,
                "tries_left": outcome.tries_left,
                "second_factor_required": outcome.second_factor_required,
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
        description=(
            "400 for a weak or malformed new password; 401/423 as for authenticate; 403 "
            "`password_not_from_customer` from a staff session (at a counter: a PIN pad collection with "
            "purpose `password_change`)."
        ),
        request=serializers.ServicePasswordSerializer,
        responses={204: None, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 423: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, number: str):
        services.require_customer_keyed(request.user)  # AUTH-3 first: refused whatever the number
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
        description=(
            "409 `password_locked` (with `locked_until`, server time zone) while the line's service password "
            "is locked after repeated wrong tries (AUTH-5): nothing is sent to the IVR. 409 `no_active_call` "
            "when the call is not answered; 403 `not_your_call`."
        ),
        request=serializers.CollectionRequestSerializer,
        responses={201: serializers.CollectionSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, call_id: str):
        v = _body(serializers.CollectionRequestSerializer, request)
        collection = services.password_collection_request(
            actor=request.user, call_id=call_id, number=v.get("number"), method=v["method"], fact=_fact(v)
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
        summary="The device posts the digits the customer keyed (AUTH-3); staff never post this",
        description=(
            "Only the device the collection was addressed to: the IVR's system account for a call, the "
            "PIN pad paired with the staff member for a pad request; anyone else 403 "
            "`password_not_from_customer`, nothing counted. Answers pass, fail or locked only; the staff "
            "member's desktop learns it by push (`ivr_auth`)."
        ),
        request=serializers.DigitsSerializer,
        responses={200: serializers.CollectionResultSerializer, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request, collection_id: int):
        services.require_device(request.user)  # AUTH-3 first: staff are refused whatever they send
        v = _body(serializers.DigitsSerializer, request)
        collection, outcome = services.password_collection_submit(
            actor=request.user,
            collection_id=collection_id,
            digits=v["digits"],
            new_digits=v.get("new_digits"),
        )
        # what the device may tell the customer who keyed: never the secret, nor the grant
        return Response(
            {
                "result": collection.result,
                "tries_left": outcome.tries_left,
                "locked_until": outcome.locked_until,
                "password_change_required": outcome.password_change_required,
            }
        )


class PinPadRequestView(APIView):
    @extend_schema(
        summary="Ask the paired PIN pad to collect the customer's password or SMS code (AUTH-3)",
        description=(
            "Hall staff and VIP managers: the customer keys the secret on the pad; the grant is the staff "
            "member's. The ID number, card or broadband account read from the document goes here (kept "
            "as a salted HMAC only). 409 `no_pin_pad` without a paired pad; 409 `password_locked` (with "
            "`locked_until`) while the line's service password is locked (AUTH-5): nothing reaches the pad."
        ),
        request=serializers.PinPadRequestSerializer,
        responses={201: serializers.CollectionSerializer, 400: PROBLEM, 404: PROBLEM, 409: PROBLEM},
        tags=TAGS,
    )
    def post(self, request):
        v = _body(serializers.PinPadRequestSerializer, request)
        collection = services.pin_pad_request(
            actor=request.user, number=v["number"], method=v["method"], fact=_fact(v), purpose=v["purpose"]
        )
        return Response(serializers.CollectionSerializer(collection).data, status=status.HTTP_201_CREATED)


class PinPadPendingView(APIView):
    @extend_schema(
        summary="The PIN pad's screen: the request of its paired staff member waiting for the customer",
        responses={200: serializers.PadPendingSerializer, 403: PROBLEM},
        tags=TAGS,
    )
    def get(self, request):
        collection = services.pin_pad_pending(actor=request.user)
        data = serializers.PadRequestSerializer(collection).data if collection else None
        return Response({"request": data})


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
