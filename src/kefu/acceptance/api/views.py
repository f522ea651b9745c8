"""Business acceptance API (BA-1) and the product list."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.acceptance import selectors, services
from kefu.acceptance.api import serializers
from kefu.customers.choices import ProductKind
from kefu.customers.models import Product
from kefu.identity import services as identity
from kefu.ports.billing import get_billing

PROBLEM = OpenApiResponse(description="problem+json")
TAGS = ["acceptance"]


@extend_schema(
    summary="Orderable products (plans, VAS, Monternet)",
    parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=ProductKind.values())],
    tags=TAGS,
)
class ProductListView(generics.ListAPIView):
    queryset = Product.objects.all()
    serializer_class = serializers.ProductSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        kind = self.request.query_params.get("kind")
        return selectors.products(kind=kind if kind in ProductKind else None)


@extend_schema(
    summary="The catalog as one line sees it: each product with whether it fits the line, and why not",
    description=(
        "The rule the acceptance applies (a product refused here is refused by `POST .../subscriptions` with "
        "`offer_not_eligible` or `already_subscribed`): the kind of line, brand, network and pay method the "
        "product needs, the product or plan the line already has, exclusive products, prerequisites. "
        "Eligible products come first; a plan is offered as a change of the current plan (`action`, `replaces`)."
    ),
    parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=ProductKind.values())],
    responses={200: serializers.LineProductSerializer(many=True), 404: PROBLEM},
    tags=TAGS,
)
class LineProductsView(APIView):
    def get(self, request, number: str):
        subscriber = identity.subscriber_in_scope(request.user, number)
        kind = request.query_params.get("kind")
        rows = selectors.line_products(
            line=selectors.line_of(subscriber), kind=kind if kind in ProductKind else None
        )
        return Response(serializers.LineProductSerializer(rows, many=True).data)


class SubscriptionsView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        identity.subscriber_in_scope(request.user, kwargs["number"])

    @extend_schema(
        summary="The subscriber's subscriptions, newest first",
        responses={200: serializers.SubscriptionSerializer(many=True), 404: PROBLEM},
        tags=TAGS,
    )
    def get(self, request, number: str):
        return Response(
            serializers.SubscriptionSerializer(get_billing().subscriptions(number), many=True).data
        )

    @extend_schema(
        summary="Order, change or cancel a product (BA-1)",
        description=(
            "The product must fit the line (see `GET .../products`): 422 `offer_not_eligible` (409 when it is "
            "exclusive with a product held) or 409 `already_subscribed`, each with a `reason`; nothing is written. "
            "Needs a full authentication grant (403 `auth_required`), a changed initial password (403 "
            "`password_change_required`), a local subscriber (422 `not_local_subscriber`) and, by telephone, a "
            "recording reference (422 `recording_ref_required`; taken from the contact record when it has one). "
            "Writes a contact record (or adds to `contact_id`) with a business-handling service request. "
            "Answers the new subscription list; headers `X-Order-Number` and `X-Contact-Id` name the acceptance."
        ),
        request=serializers.SubscriptionChangeSerializer,
        responses={
            201: serializers.SubscriptionSerializer(many=True),
            403: PROBLEM,
            404: PROBLEM,
            409: PROBLEM,
            422: PROBLEM,
        },
        tags=TAGS,
    )
    def post(self, request, number: str):
        data = serializers.SubscriptionChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        acceptance = services.subscription_change(
            actor=request.user,
            number=number,
            action=v["action"],
            product=v["product"],
            replaces=v.get("replaces"),
            channel=v["channel"],
            recording_ref=v.get("recording_ref", ""),
            contact_id=v.get("contact_id"),
        )
        rows = get_billing().subscriptions(number)
        return Response(
            serializers.SubscriptionSerializer(rows, many=True).data,
            status=status.HTTP_201_CREATED,
            headers={"X-Order-Number": acceptance.order_number, "X-Contact-Id": str(acceptance.contact_id)},
        )


class DataChangeView(APIView):
    def initial(self, request, *args, **kwargs):
        # out of scope is 404 whatever the body (the service checks it again, under lock)
        super().initial(request, *args, **kwargs)
        identity.subscriber_in_scope(request.user, kwargs["number"])

    @extend_schema(
        summary="Change customer data (BA-1): contact details, transfer of ownership, SIM, suspend/resume",
        description=(
            "Through the billing port, with the guards of every acceptance: a full authentication grant (403 "
            "`auth_required`), a changed initial password (403 `password_change_required`), a local subscriber "
            "(422 `not_local_subscriber`), a line not closed (422 `subscriber_not_active`) and, by telephone, a "
            "recording reference (422 `recording_ref_required`). Billing refuses what it cannot do: "
            "`line_state_conflict` (409), `same_sim`, `same_owner`. Writes a contact record (or adds to "
            "`contact_id`) with a business-handling service request; the answer's `details` mask personal data. "
            "After a transfer of ownership the new owner must set a service password before the next business."
        ),
        request=serializers.DataChangeSerializer,
        responses={
            201: serializers.DataChangeResultSerializer,
            400: PROBLEM,
            403: PROBLEM,
            404: PROBLEM,
            409: PROBLEM,
            422: PROBLEM,
        },
        tags=TAGS,
    )
    def post(self, request, number: str):
        data = serializers.DataChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        change, channel = fields.pop("change"), fields.pop("channel")
        recording_ref, contact_id = fields.pop("recording_ref", ""), fields.pop("contact_id", None)
        acceptance = services.customer_data_change(
            actor=request.user,
            number=number,
            change=change,
            data=fields,
            channel=channel,
            recording_ref=recording_ref,
            contact_id=contact_id,
        )
        return Response(
            serializers.DataChangeResultSerializer(acceptance).data, status=status.HTTP_201_CREATED
        )
