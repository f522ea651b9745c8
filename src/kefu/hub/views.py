"""The hub operator's desk (WO-3): cross-level orders with their state, detail with every action that
passed through, urge and interim comment to either side; and a small JSON API for the same."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.errors import NotFoundError
from kefu.crosslevel import copies, labels
from kefu.crosslevel.pages import PAGE, act_and_redirect, desk_home, left_of, list_context, sent_message
from kefu.crosslevel.serializers import CommentInput, OrderCopySerializer, int_or_none, page_params
from kefu.hub import selectors, services
from kefu.hub.models import HubOrder


def _operator(request) -> None:
    if request.user.role not in services.OPERATORS:
        raise PermissionDenied


@login_required
def home(request):
    """The hub operator's home: the orders per state, the nearest deadlines in colour, the latest."""
    return desk_home(
        request, model=HubOrder, roles=services.OPERATORS, title=_("枢纽工作台"), list_url="hub:orders",
        order_url="hub:order", start="created_at", due="due_at", party_title=_("处理方"),
        party=lambda o: labels.node_label(o.target) + (f" · {o.sp_code}" if o.sp_code else ""),
    )  # fmt: skip


@login_required
def order_list(request):
    _operator(request)
    state = request.GET.get("state", "")
    number = request.GET.get("number", "").strip()
    orders = selectors.order_list(
        user=request.user, state=state, target=request.GET.get("target", ""), number=number,
        origin=request.GET.get("origin", ""), before=int_or_none(request.GET.get("before")), limit=PAGE,
    )  # fmt: skip
    for order in orders:
        order.left = left_of(order, start=order.created_at, due=order.due_at)
    targets, origins = selectors.parties(user=request.user)
    context = list_context(orders, state=state) | {
        "counts": selectors.counts(user=request.user), "number": number, "targets": targets, "origins": origins,
    }  # fmt: skip
    return render(request, "hub/orders.html", context)


@login_required
def order_detail(request, number):
    _operator(request)
    try:
        order = selectors.order_detail(user=request.user, number=number)
    except NotFoundError:
        raise Http404 from None
    if request.method == "POST":
        action, to = request.POST.get("action", ""), request.POST.get("to", "target")
        return act_and_redirect(request, lambda: services.operator_act(
            actor=request.user, number=order.number, action=action, to=to,
            comment=request.POST.get("comment", ""),
        ), "hub:order", number=order.number, done=lambda done: sent_message(
            action, number=done.number, to=done.target if to == "target" else done.origin,
        ))  # fmt: skip
    return render(request, "hub/order.html", {
        "order": order, "events": order.events.order_by("seq"), "return_reason": order.return_reason,
        "may_act": bool(copies.actions_allowed(order.state, services.OPERATOR_ACTIONS)),
        "left": left_of(order, start=order.created_at, due=order.due_at),
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
