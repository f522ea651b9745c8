"""The SP desk on SIMS (SP-1, SP-3, WO-4): SP complaint orders (list, detail, receive, process, reply,
return with a reason, comment, urge, query the hub), points history with the monthly statement, and the
SP duty profile with its contact history; plus a small JSON API for the orders."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.errors import NotFoundError
from kefu.crosslevel import copies
from kefu.crosslevel.pages import PAGE, act_and_redirect, list_context
from kefu.crosslevel.serializers import CommentInput, OrderCopySerializer, int_or_none, page_params
from kefu.federation.errors import PeerError
from kefu.sims import selectors, services
from kefu.sims.models import PointEvent, SpPointRule


def _desk(request) -> None:
    if request.user.role not in services.DESK_ROLES:
        raise PermissionDenied


@login_required
def order_list(request):
    _desk(request)
    state = request.GET.get("state", "")
    orders = selectors.order_list(
        user=request.user, state=state, before=int_or_none(request.GET.get("before")), limit=PAGE
    )
    return render(request, "sims/orders.html", list_context(orders, state=state))


@login_required
def order_detail(request, number):
    _desk(request)
    try:
        order = services.order_for(actor=request.user, number=number)
    except NotFoundError:
        raise Http404 from None
    if request.method == "POST":
        return act_and_redirect(request, lambda: services.order_act(
            actor=request.user, number=order.number, action=request.POST.get("action", ""),
            comment=request.POST.get("comment", ""),
        ), "sims:order", number=order.number)  # fmt: skip
    hub_state = hub_error = None
    if request.GET.get("query"):
        try:
            hub_state = services.query_hub(order)
        except PeerError as exc:
            hub_error = exc.message
    actions = copies.actions_allowed(order.state, services.DESK_ACTIONS)
    return render(request, "sims/order.html", {
        "order": order, "events": order.events.order_by("seq"), "actions": actions,
        "hub_state": hub_state, "hub_error": hub_error,
    })  # fmt: skip


def _month(value: str | None) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@login_required
def points(request):
    """SP points: rules, the monthly statement of each SP in scope, and the deduction history."""
    _desk(request)
    month = _month(request.GET.get("month"))
    sps = list(selectors.sp_list(user=request.user))
    return render(request, "sims/points.html", {
        "month": month, "rules": SpPointRule.objects.all(), "events": PointEvent.CHOICES,
        "statements": [services.statement(sp=sp, month=month) for sp in sps[:200]],
        "history": selectors.points_history(user=request.user, sp_code=request.GET.get("sp", "")),
    })  # fmt: skip


@login_required
def profiles(request):
    _desk(request)
    return render(request, "sims/profiles.html", {"sps": selectors.sp_list(user=request.user)[:500]})


@login_required
def profile(request, code):
    """SP-3 duty profile: hotline (fixed line, 7x24), service mobile, contact; the change history."""
    _desk(request)
    sp = selectors.sp_list(user=request.user).filter(code=code).first()
    if sp is None:
        raise Http404
    if request.method == "POST":
        return act_and_redirect(request, lambda: services.sp_profile_update(actor=request.user, code=sp.code, **{
            field: request.POST.get(field, getattr(sp, field))
            for field in ("hotline", "service_mobile", "contact_name", "contact_phone")
        }), "sims:profile", code=sp.code)  # fmt: skip
    return render(request, "sims/profile.html", {
        "sp": sp, "history": selectors.contact_history(user=request.user, sp=sp),
        "under_contract": sp.under_contract(timezone.localdate()),
    })  # fmt: skip


# --- API -----------------------------------------------------------------------------------------


class SpOrderSerializer(OrderCopySerializer):
    title = serializers.CharField()
    return_reason = serializers.CharField()
    satisfaction = serializers.CharField()


class OrdersApi(APIView):
    @extend_schema(responses=SpOrderSerializer(many=True), tags=["sims"])
    def get(self, request):
        _desk(request)
        params = request.query_params
        orders = selectors.order_list(user=request.user, state=params.get("state", ""), **page_params(params))
        return Response({"results": SpOrderSerializer(orders, many=True).data})


class OrderApi(APIView):
    @extend_schema(responses=SpOrderSerializer, tags=["sims"])
    def get(self, request, number):
        _desk(request)
        order = services.order_for(actor=request.user, number=number)
        return Response(SpOrderSerializer(order).data | {"events": copies.event_rows(order)})


class OrderActionApi(APIView):
    @extend_schema(request=CommentInput, responses=SpOrderSerializer, tags=["sims"])
    def post(self, request, number, action):
        _desk(request)
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_act(actor=request.user, number=number, action=action, **data.validated_data)
        return Response(SpOrderSerializer(order).data)


class OrderQueryApi(APIView):
    @extend_schema(
        tags=["sims"],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="the hub's copy (protocol §6.2)")},
    )
    def get(self, request, number):
        _desk(request)
        return Response(services.query_hub(services.order_for(actor=request.user, number=number)))
