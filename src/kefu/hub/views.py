"""The hub operator's desk (WO-3): cross-level orders with their state, detail with every action that
passed through, urge and interim comment to either side; and a small JSON API for the same."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.errors import NotFoundError
from kefu.crosslevel import copies
from kefu.crosslevel.pages import PAGE, act_and_redirect, list_context
from kefu.crosslevel.serializers import CommentInput, OrderCopySerializer, int_or_none, page_params
from kefu.hub import selectors, services


def _operator(request) -> None:
    if request.user.role not in services.OPERATORS:
        raise PermissionDenied


@login_required
def order_list(request):
    _operator(request)
    state = request.GET.get("state", "")
    orders = selectors.order_list(
        user=request.user, state=state, target=request.GET.get("target", ""),
        origin=request.GET.get("origin", ""), before=int_or_none(request.GET.get("before")), limit=PAGE,
    )  # fmt: skip
    context = list_context(orders, state=state) | {"counts": selectors.counts(user=request.user)}
    return render(request, "hub/orders.html", context)


@login_required
def order_detail(request, number):
    _operator(request)
    try:
        order = selectors.order_detail(user=request.user, number=number)
    except NotFoundError:
        raise Http404 from None
    if request.method == "POST":
        return act_and_redirect(request, lambda: services.operator_act(
            actor=request.user, number=order.number, action=request.POST.get("action", ""),
            to=request.POST.get("to", "target"), comment=request.POST.get("comment", ""),
        ), "hub:order", number=order.number)  # fmt: skip
    return render(request, "hub/order.html", {
        "order": order, "events": order.events.order_by("seq"),
        "may_act": bool(copies.actions_allowed(order.state, services.OPERATOR_ACTIONS)),
    })  # fmt: skip


# --- API -----------------------------------------------------------------------------------------


class HubOrderSerializer(OrderCopySerializer):
    target = serializers.CharField()


class ActInput(CommentInput):
    to = serializers.ChoiceField(choices=["target", "origin"], default="target")


class OrdersApi(APIView):
    @extend_schema(responses=HubOrderSerializer(many=True), tags=["hub"])
    def get(self, request):
        _operator(request)
        params = request.query_params
        orders = selectors.order_list(
            user=request.user,
            state=params.get("state", ""),
            target=params.get("target", ""),
            **page_params(params),
        )
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
