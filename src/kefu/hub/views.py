"""The hub operator's desk (WO-3): cross-level orders with their state, detail with every action that
passed through, urge and interim comment to either side; and a small JSON API for the same."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.errors import DomainError, NotFoundError
from kefu.crosslevel import copies
from kefu.crosslevel.serializers import OrderCopySerializer
from kefu.hub import selectors, services
from kefu.workorders.choices import WorkOrderState


def _operator(request) -> None:
    if request.user.role not in services.OPERATORS:
        raise PermissionDenied


@login_required
def order_list(request):
    _operator(request)
    state = request.GET.get("state", "")
    orders = selectors.order_list(
        user=request.user, state=state, target=request.GET.get("target", ""),
        origin=request.GET.get("origin", ""), before=_int(request.GET.get("before")),
    )  # fmt: skip
    return render(request, "hub/orders.html", {
        "orders": orders, "state": state, "states": WorkOrderState.CHOICES,
        "counts": selectors.counts(user=request.user),
        "next_before": orders[-1].pk if len(orders) == 100 else None,
    })  # fmt: skip


def _int(value):
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def order_detail(request, number):
    _operator(request)
    try:
        order = selectors.order_detail(user=request.user, number=number)
    except NotFoundError:
        raise Http404 from None
    if request.method == "POST":
        try:
            services.operator_act(
                actor=request.user, number=order.number, action=request.POST.get("action", ""),
                to=request.POST.get("to", "target"), comment=request.POST.get("comment", ""),
            )  # fmt: skip
            messages.success(request, "OK")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("hub:order", number=order.number)
    return render(request, "hub/order.html", {
        "order": order, "events": order.events.order_by("seq"),
        "may_act": bool(copies.actions_allowed(order.state, services.OPERATOR_ACTIONS)),
    })  # fmt: skip


# --- API -----------------------------------------------------------------------------------------


class HubOrderSerializer(OrderCopySerializer):
    target = serializers.CharField()


class ActInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=["target", "origin"], default="target")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class OrdersApi(APIView):
    @extend_schema(responses=HubOrderSerializer(many=True), tags=["hub"])
    def get(self, request):
        _operator(request)
        orders = selectors.order_list(
            user=request.user, state=request.query_params.get("state", ""),
            target=request.query_params.get("target", ""), before=_int(request.query_params.get("before")),
            limit=min(_int(request.query_params.get("limit")) or 100, 2000),
        )  # fmt: skip
        return Response({"results": HubOrderSerializer(orders, many=True).data})


class OrderApi(APIView):
    @extend_schema(responses=HubOrderSerializer, tags=["hub"])
    def get(self, request, number):
        _operator(request)
        order = selectors.order_detail(user=request.user, number=number)
        return Response(services.state_of(order, events=200) | {"event_seq": order.event_seq})


class OrderActionApi(APIView):
    @extend_schema(request=ActInput, responses=HubOrderSerializer, tags=["hub"])
    def post(self, request, number, action):
        _operator(request)
        data = ActInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.operator_act(actor=request.user, number=number, action=action, **data.validated_data)
        return Response(HubOrderSerializer(order).data)
