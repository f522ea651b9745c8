"""The JSON API of a second line's desk on its copies (WO-4): list, detail with the events, a desk
action, the query to the hub — the same four views for SIMS's SP orders and a platform's complaint
orders, built by :func:`desk_api` from what differs (the serializer, the list's filters, the tag)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.crosslevel import copies, selectors
from kefu.crosslevel.desk import SecondLineDesk
from kefu.crosslevel.serializers import CommentInput, OrderCopySerializer, page_params


class DeskApi(NamedTuple):
    """The views to mount: ``<prefix>``, ``<prefix>/<number>``, ``<prefix>/<number>/<action>`` (POST)
    and ``<prefix>/<number>/query``."""

    orders: type[APIView]
    order: type[APIView]
    action: type[APIView]
    query: type[APIView]

    def urls(self, name: str) -> list[URLPattern]:
        """The four paths under ``<name>s`` (``sp-orders``), named ``<name>s``, ``<name>``,
        ``<name>-query`` and ``<name>-action``; the query before the action, which takes any word."""
        return [
            path(f"{name}s", self.orders.as_view(), name=f"{name}s"),
            path(f"{name}s/<str:number>", self.order.as_view(), name=name),
            path(f"{name}s/<str:number>/query", self.query.as_view(), name=f"{name}-query"),
            path(f"{name}s/<str:number>/<str:action>", self.action.as_view(), name=f"{name}-action"),
        ]


def desk_api(
    *,
    desk: SecondLineDesk,
    serializer: type[OrderCopySerializer],
    tag: str,
    order_list: Callable[..., list],
    filters: tuple[str, ...] = ("state",),
    act: Callable[..., copies.OrderCopy] | None = None,
) -> DeskApi:
    """The desk's API views. ``order_list(user=…, before=…, limit=…, **filters)`` is the app's selector,
    ``filters`` the query parameters it takes (empty when absent); ``act`` the app's desk action (the
    desk's own :meth:`SecondLineDesk.act` unless the app adds to it). Each view answers 403 to a user
    who does not work this desk."""
    act = act or desk.act

    def check(request) -> None:
        if not desk.may_work(request.user):
            raise PermissionDenied

    class OrdersApi(APIView):
        @extend_schema(responses=serializer(many=True), tags=[tag])
        def get(self, request):
            check(request)
            params = request.query_params
            chosen = {name: params.get(name, "") for name in filters}
            orders = order_list(user=request.user, **chosen, **page_params(params))
            return Response({"results": serializer(orders, many=True).data})

    class OrderApi(APIView):
        @extend_schema(responses=serializer, tags=[tag])
        def get(self, request, number):
            check(request)
            order = desk.order_for(actor=request.user, number=number)
            events = selectors.copy_events(order, user=request.user)  # an SP reads its own part only
            data = serializer(order).data | {"events": copies.event_rows(order, events=events)}
            if "return_reason" in data:
                data["return_reason"] = selectors.return_reason_shown(order, events)
            return Response(data)

    class OrderActionApi(APIView):
        @extend_schema(request=CommentInput, responses=serializer, tags=[tag])
        def post(self, request, number, action):
            check(request)
            data = CommentInput(data=request.data)
            data.is_valid(raise_exception=True)
            order = act(actor=request.user, number=number, action=action, **data.validated_data)
            return Response(serializer(order).data)

    class OrderQueryApi(APIView):
        @extend_schema(
            tags=[tag],
            responses={
                200: OpenApiResponse(OpenApiTypes.OBJECT, description="the hub's copy (protocol §6.2)")
            },
        )
        def get(self, request, number):
            check(request)
            answer = desk.query_hub(desk.order_for(actor=request.user, number=number))
            return Response(selectors.hub_answer_for(answer, user=request.user))

    return DeskApi(OrdersApi, OrderApi, OrderActionApi, OrderQueryApi)
