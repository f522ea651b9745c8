"""Query API (Q-1..4). Each view: parse, call one query service, render. The current call and contact
record are named by the query parameters ``call_id`` / ``contact_id`` or the headers ``X-Call-Id`` /
``X-Contact-Id`` (both optional)."""

from __future__ import annotations

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.errors import DomainError, ErrorCode
from kefu.core.numbers import lookup_id
from kefu.identity import services as identity
from kefu.queries import services
from kefu.queries.api import serializers
from kefu.queries.services import QueryContext

PROBLEM = OpenApiResponse(description="problem+json")
TAGS = ["queries"]
CONTEXT_PARAMETERS = [
    OpenApiParameter(
        "call_id", OpenApiTypes.STR, description="the agent's active call (or header X-Call-Id)"
    ),
    OpenApiParameter(
        "contact_id", OpenApiTypes.INT, description="the open contact record (or header X-Contact-Id)"
    ),
]
ERRORS = {403: PROBLEM, 404: PROBLEM}


def _context(request) -> QueryContext:
    call_id = request.query_params.get("call_id") or request.headers.get("X-Call-Id") or None
    contact = request.query_params.get("contact_id") or request.headers.get("X-Contact-Id") or None
    contact_id = (
        lookup_id(contact, name="contact_id") if contact is not None else None
    )  # ³, past 64 bits: 400
    if contact is not None and contact_id is None:
        raise DomainError("contact_id", code=ErrorCode.VALIDATION_FAILED, status=400)
    return QueryContext(call_id=call_id, contact_id=contact_id)


def _query(serializer_class, request):
    data = serializer_class(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _month(value: str | None) -> date | None:
    if not value:
        return None
    year, month = value.split("-")
    return date(int(year), int(month), 1)


class QueryView(APIView):
    """Resolves the number in scope first, so an out-of-scope number is 404 whatever else is wrong."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        identity.subscriber_in_scope(request.user, kwargs["number"])


class BillsView(QueryView):
    @extend_schema(
        summary="Monthly bills (Q-1)",
        parameters=[serializers.BillsQuerySerializer, *CONTEXT_PARAMETERS],
        responses={200: serializers.BillSerializer(many=True), **ERRORS},
        tags=TAGS,
    )
    def get(self, request, number: str):
        v = _query(serializers.BillsQuerySerializer, request)
        rows = services.query_bills(
            actor=request.user, number=number, months=v["months"], context=_context(request)
        )
        return Response(serializers.BillSerializer(rows, many=True).data)


class CallDetailsView(QueryView):
    @extend_schema(
        summary="Call details of one month (Q-1)",
        parameters=[serializers.CallDetailsQuerySerializer, *CONTEXT_PARAMETERS],
        responses={200: serializers.CallDetailSerializer(many=True), **ERRORS},
        tags=TAGS,
    )
    def get(self, request, number: str):
        v = _query(serializers.CallDetailsQuerySerializer, request)
        rows = services.query_call_details(
            actor=request.user, number=number, month=_month(v.get("month")), context=_context(request)
        )
        return Response(serializers.CallDetailSerializer(rows, many=True).data)


class PaymentsView(QueryView):
    @extend_schema(
        summary="Payment history (Q-1)",
        parameters=CONTEXT_PARAMETERS,
        responses={200: serializers.PaymentSerializer(many=True), **ERRORS},
        tags=TAGS,
    )
    def get(self, request, number: str):
        rows = services.query_payments(actor=request.user, number=number, context=_context(request))
        return Response(serializers.PaymentSerializer(rows, many=True).data)


class BalanceView(QueryView):
    @extend_schema(
        summary="Balance and arrears (Q-1)",
        parameters=CONTEXT_PARAMETERS,
        responses={200: serializers.BalanceSerializer, **ERRORS},
        tags=TAGS,
    )
    def get(self, request, number: str):
        record = services.query_balance(actor=request.user, number=number, context=_context(request))
        return Response(serializers.BalanceSerializer(record).data)


class PointsView(QueryView):
    @extend_schema(
        summary="The thirteen points figures (Q-2)",
        parameters=[serializers.PointsQuerySerializer, *CONTEXT_PARAMETERS],
        responses={200: serializers.PointsSerializer, **ERRORS},
        tags=TAGS,
    )
    def get(self, request, number: str):
        v = _query(serializers.PointsQuerySerializer, request)
        figures = services.query_points(
            actor=request.user, number=number, month=_month(v.get("month")), context=_context(request)
        )
        return Response(serializers.PointsSerializer(figures).data)


class OrdersView(QueryView):
    @extend_schema(
        summary="Progress of the subscriber's orders (Q-3)",
        parameters=CONTEXT_PARAMETERS,
        responses={200: serializers.OrderProgressSerializer(many=True), **ERRORS},
        tags=TAGS,
    )
    def get(self, request, number: str):
        rows = services.query_orders(actor=request.user, number=number, context=_context(request))
        return Response(serializers.OrderProgressSerializer(rows, many=True).data)


class QueryResultSendView(QueryView):
    @extend_schema(
        summary="Send a query result by SMS or email (Q-4)",
        description="The text is Chinese; it goes through the SMS or email port and is kept in the outbox. "
        "SMS go to the queried number itself; email to `to` or the customer's registered address.",
        request=serializers.QueryResultSendSerializer,
        responses={202: serializers.QueryResultSentSerializer, 400: PROBLEM, 422: PROBLEM, **ERRORS},
        tags=TAGS,
    )
    def post(self, request, number: str):
        data = serializers.QueryResultSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        context = _context(request)
        context = QueryContext(
            call_id=v.get("call_id") or context.call_id, contact_id=v.get("contact_id") or context.contact_id
        )
        message = services.query_result_send(
            actor=request.user,
            number=number,
            what=v["what"],
            method=v["method"],
            to=v.get("to"),
            context=context,
        )
        return Response(
            {"id": message.id, "channel": message.channel, "to": message.to, "status": message.status},
            status=status.HTTP_202_ACCEPTED,
        )
