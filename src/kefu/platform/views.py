"""The platform node's pages: the requests it answered and its blacklists (read-only, administrators);
the second line's complaint desk (list, detail, receive, process, reply with the result, return with a
reason, comment, urge, query the hub — ORG-3, WO-4); and a small JSON API for the orders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.capability import definitions as defs
from kefu.core.choices import Role
from kefu.core.errors import NotFoundError
from kefu.crosslevel import copies
from kefu.crosslevel.pages import PAGE, act_and_redirect, list_context
from kefu.crosslevel.serializers import CommentInput, OrderCopySerializer, int_or_none, page_params
from kefu.federation.errors import PeerError
from kefu.platform import complaints, selectors
from kefu.platform.models import BlacklistEntry, PlatformRequest


@login_required
def requests_page(request):
    if request.user.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    labels = {b.code: b.name for b in defs.BUSINESSES}
    queries = {(b.code, q.code): q.label for b in defs.BUSINESSES for q in b.queries}
    rows = [
        {
            "r": r,
            "business": labels.get(r.business, r.business),
            "query": queries.get((r.business, r.query), r.query),
        }
        for r in PlatformRequest.objects.all()[:100]
    ]
    blacklist = [
        {"e": e, "business": labels.get(e.business, e.business)}
        for e in BlacklistEntry.objects.order_by("-updated_at")[:50]
    ]
    return render(request, "platform/requests.html", {"rows": rows, "blacklist": blacklist})


# --- the complaint desk ----------------------------------------------------------------------------


def _desk(request) -> None:
    if request.user.role not in complaints.DESK_ROLES:
        raise PermissionDenied


@login_required
def order_list(request):
    _desk(request)
    state, business = request.GET.get("state", ""), request.GET.get("business", "")
    orders = selectors.order_list(
        user=request.user, state=state, business=business, before=int_or_none(request.GET.get("before")),
        limit=PAGE,
    )  # fmt: skip
    return render(request, "platform/orders.html", list_context(orders, state=state) | {
        "counts": selectors.counts(user=request.user), "business": business,
        "businesses": list(complaints.BUSINESSES.items()),
    })  # fmt: skip


@login_required
def order_detail(request, number):
    _desk(request)
    try:
        order = complaints.order_for(actor=request.user, number=number)
    except NotFoundError:
        raise Http404 from None
    if request.method == "POST":
        return act_and_redirect(request, lambda: complaints.order_act(
            actor=request.user, number=order.number, action=request.POST.get("action", ""),
            comment=request.POST.get("comment", ""),
        ), "platform:order", number=order.number)  # fmt: skip
    hub_state = hub_error = None
    if request.GET.get("query"):
        try:
            hub_state = complaints.query_hub(order)
        except PeerError as exc:
            hub_error = exc.message
    return render(request, "platform/order.html", {
        "order": order, "events": order.events.order_by("seq"),
        "actions": copies.actions_allowed(order.state, complaints.DESK_ACTIONS),
        "business_label": complaints.BUSINESSES.get(order.business, order.business_name or order.business),
        "hub_state": hub_state, "hub_error": hub_error,
    })  # fmt: skip


# --- API -----------------------------------------------------------------------------------------


class PlatformOrderSerializer(OrderCopySerializer):
    business = serializers.CharField()
    title = serializers.CharField()
    handler = serializers.CharField()
    return_reason = serializers.CharField()
    satisfaction = serializers.CharField()


class OrdersApi(APIView):
    @extend_schema(responses=PlatformOrderSerializer(many=True), tags=["platform"])
    def get(self, request):
        _desk(request)
        params = request.query_params
        orders = selectors.order_list(
            user=request.user, state=params.get("state", ""), business=params.get("business", ""),
            **page_params(params),
        )  # fmt: skip
        return Response({"results": PlatformOrderSerializer(orders, many=True).data})


class OrderApi(APIView):
    @extend_schema(responses=PlatformOrderSerializer, tags=["platform"])
    def get(self, request, number):
        _desk(request)
        order = complaints.order_for(actor=request.user, number=number)
        return Response(PlatformOrderSerializer(order).data | {"events": copies.event_rows(order)})


class OrderActionApi(APIView):
    @extend_schema(request=CommentInput, responses=PlatformOrderSerializer, tags=["platform"])
    def post(self, request, number, action):
        _desk(request)
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = complaints.order_act(actor=request.user, number=number, action=action, **data.validated_data)
        return Response(PlatformOrderSerializer(order).data)


class OrderQueryApi(APIView):
    @extend_schema(
        tags=["platform"],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="the hub's copy (protocol §6.2)")},
    )
    def get(self, request, number):
        _desk(request)
        return Response(complaints.query_hub(complaints.order_for(actor=request.user, number=number)))
