"""Capability query API (CAP-1..3): the catalog the form is built from, and one query through the hub."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.capability import selectors, services
from kefu.capability.api import serializers

PROBLEM = OpenApiResponse(description="problem+json with a stable `code`")
TAGS = ["capability"]


class CatalogView(APIView):
    @extend_schema(
        operation_id="capability_catalog",
        summary="Businesses, query types and their conditions (CAP-2, CAP-3)",
        responses={200: serializers.CapabilityBusinessSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        return Response(
            serializers.CapabilityBusinessSerializer(selectors.capability_catalog(), many=True).data
        )


class QueryView(APIView):
    @extend_schema(
        operation_id="capability_query",
        summary="Run one capability query or handling action through the hub (CAP-1)",
        description=(
            "Synchronous: province → hub → platform and back, within KEFU_CAPABILITY_TIMEOUT seconds. "
            "504 `peer_timeout` / 503 `peer_unavailable` carry a message for the agent naming the node "
            "that did not answer."
        ),
        request=serializers.CapabilityQueryRequestSerializer,
        responses={
            200: serializers.CapabilityAnswerSerializer,
            400: PROBLEM,
            403: PROBLEM,
            502: PROBLEM,
            503: PROBLEM,
            504: PROBLEM,
        },
        tags=TAGS,
    )
    def post(self, request):
        data = serializers.CapabilityQueryRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.capability_query(actor=request.user, **data.validated_data)
        return Response(answer)
