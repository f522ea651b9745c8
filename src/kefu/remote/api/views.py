"""Remote service API (SVC-1): one query about another province's subscriber, through the hub."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

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
