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
