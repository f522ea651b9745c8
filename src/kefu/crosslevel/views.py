"""Province pages and API of the cross-level flow: send an order to the hub (for SIMS or a target
province) and ask the hub for its state (WO-3, WO-4)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import fields
from kefu.core.errors import DomainError, NotFoundError
from kefu.crosslevel import labels, services
from kefu.crosslevel.errors import CrossLevelError, CrossLevelErrorCode
from kefu.crosslevel.models import CrossLink
from kefu.crosslevel.pages import act_and_redirect
from kefu.federation.errors import PeerError


@login_required
def order_page(request, order_number):
    """The cross-level panel of one order: where it went, the form to send it to the hub, the hub's
    answer to a query."""
    try:
        order = services.scoped_order(request.user, order_number)
    except NotFoundError:
        raise Http404 from None
    link = CrossLink.objects.filter(order=order).first()
    if request.method == "POST":
        return act_and_redirect(request, lambda: services.order_send_to_hub(
            actor=request.user, number=order.number, target=request.POST.get("target", ""),
            sp_code=request.POST.get("sp_code", ""), comment=request.POST.get("comment", ""),
        ), "crosslevel:order", order_number=order.number, done=lambda _order: _sent(order.number))  # fmt: skip
    hub_state = hub_error = None
    if request.GET.get("query") and link is not None:
        try:
            hub_state = services.order_hub_state(actor=request.user, number=order.number)
        except (PeerError, DomainError) as exc:
            hub_error = exc.message
    return render(request, "crosslevel/order.html", {
        "order": order, "link": link, "targets": services.targets(), "hub_state": hub_state,
        "hub_error": hub_error,
    })  # fmt: skip


def _sent(number: str) -> str:
    """What the province sent to whom: "已派发至一级客服枢纽 HUB，处理方：SIMS(梦网SP投诉) · SP901234"."""
    link = CrossLink.objects.get(order__number=number)
    target = labels.node_label(link.target) + (f" · {link.sp_code}" if link.sp_code else "")
    return gettext("已派发至%(hub)s，处理方：%(target)s（工单 %(number)s）") % {
        "hub": labels.node_label(link.peer), "target": target, "number": number,
    }  # fmt: skip


class SendInput(serializers.Serializer):
    target = serializers.CharField(max_length=20)
    sp_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class LinkSerializer(serializers.Serializer):
    number = serializers.CharField()
    role = serializers.CharField()
    peer = serializers.CharField()
    target = serializers.CharField()
    sp_code = serializers.CharField()
    state = serializers.CharField(source="order.state")
    event_seq = fields.IntegerField(source="order.event_seq")


class CrossLevelApi(APIView):
    """The order's cross-level link (where it went) and its local state."""

    @extend_schema(responses=LinkSerializer, tags=["crosslevel"])
    def get(self, request, order_number):
        order = services.scoped_order(request.user, order_number)
        link = CrossLink.objects.filter(order=order).select_related("order").first()
        if link is None:
            raise CrossLevelError(
                "not a cross-level order", code=CrossLevelErrorCode.NOT_CROSSLEVEL, status=404
            )
        return Response(LinkSerializer(link).data)


class SendApi(APIView):
    """Send the order to the hub (WO-3): for SIMS (``target=SIMS`` with ``sp_code``) or a province."""

    @extend_schema(request=SendInput, responses=LinkSerializer, tags=["crosslevel"])
    def post(self, request, order_number):
        services.scoped_order(request.user, order_number)  # out of scope: 404 before the body is read
        data = SendInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_send_to_hub(actor=request.user, number=order_number, **data.validated_data)
        link = CrossLink.objects.select_related("order").get(order__number=order_number)
        return Response(LinkSerializer(link).data)


class HubStateApi(APIView):
    """Query (查询): the hub's record of the order, asked synchronously (504/503 when it does not
    answer in time)."""

    @extend_schema(
        tags=["crosslevel"],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="the hub's copy (protocol §6.2)")},
    )
    def get(self, request, order_number):
        return Response(services.order_hub_state(actor=request.user, number=order_number))
