"""Remote service API (SVC-1): one query about another province's subscriber, through the hub."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import fields
from kefu.remote import services

PROBLEM = OpenApiResponse(description="problem+json with a stable `code`")


class RemoteQueryRequestSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=11)
    home = serializers.CharField(max_length=20, help_text="the subscriber's home province code, e.g. ZJ")
    what = serializers.ChoiceField(choices=list(services.WHAT))
    verified_by = serializers.ChoiceField(choices=list(services.VERIFIED_BY))


class RemoteQueryView(APIView):
    @extend_schema(
        operation_id="remote_query",
        summary="Query another province's subscriber through the hub (SVC-1)",
        request=RemoteQueryRequestSerializer,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="home, number, what, customer, columns, rows"),
                   400: PROBLEM, 403: PROBLEM, 422: PROBLEM, 503: PROBLEM, 504: PROBLEM},
        tags=["remote"],
    )  # fmt: skip
    def post(self, request):
        data = RemoteQueryRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.remote_query(actor=request.user, **data.validated_data))


class RemoteComplaintRequestSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=11)
    home = serializers.CharField(max_length=20, help_text="the subscriber's home province code, e.g. ZJ")
    verified_by = serializers.ChoiceField(choices=list(services.VERIFIED_BY))
    category = fields.IdField(help_text="complaint category node id")
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    contact_method = serializers.CharField(max_length=10, required=False, allow_blank=True)


class RemoteComplaintView(APIView):
    @extend_schema(
        operation_id="remote_complaint",
        summary="Accept a complaint of another province's subscriber, for its home province (SVC-1)",
        request=RemoteComplaintRequestSerializer,
        responses={201: OpenApiResponse(OpenApiTypes.OBJECT, description="number, kind, state, home, crosslevel"),
                   400: PROBLEM, 403: PROBLEM, 503: PROBLEM},
        tags=["remote"],
    )  # fmt: skip
    def post(self, request):
        return _relay(request, RemoteComplaintRequestSerializer, services.remote_complaint)


def _relay(request, serializer_class, relay):
    """Validate the body, relay the request to the home province, answer 201 with the local order."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    v = dict(data.validated_data)
    order = relay(actor=request.user, **v)
    return Response(
        {"number": order.number, "kind": order.kind, "state": order.state, "home": v["home"].strip().upper(),
         "crosslevel": f"/api/v1/crosslevel/{order.number}"},
        status=201,
    )  # fmt: skip


class RemoteRequestSerializer(RemoteComplaintRequestSerializer):
    kind = serializers.ChoiceField(
        choices=list(services.REQUEST_KINDS),
        help_text="complaint, suggestion, or business_handling (only the categories KEFU_REMOTE_BUSINESS allows)",
    )
    category = fields.IdField(help_text="category node id of the kind's request type")


class RemoteRequestView(APIView):
    @extend_schema(
        operation_id="remote_request",
        summary="Accept a complaint, suggestion or allowed business of another province's subscriber (SVC-1)",
        request=RemoteRequestSerializer,
        responses={201: OpenApiResponse(OpenApiTypes.OBJECT, description="number, kind, state, home, crosslevel"),
                   400: PROBLEM, 403: PROBLEM, 503: PROBLEM},
        tags=["remote"],
    )  # fmt: skip
    def post(self, request):
        return _relay(request, RemoteRequestSerializer, services.remote_request)
