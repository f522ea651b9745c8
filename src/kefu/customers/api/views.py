"""Subscriber API: a scope-limited, read-only list and detail (SYS-1, VIEW-1), and the account
manager of the customer owning a line (SVC-2)."""

from __future__ import annotations

import re

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core import audit
from kefu.core.api.base import ScopedReadOnlyViewSet
from kefu.core.choices import CustomerLevel, NetworkType
from kefu.core.errors import DomainError
from kefu.customers import services
from kefu.customers.api.serializers import (
    AccountManagerAssignSerializer,
    AccountManagerSerializer,
    SubscriberSerializer,
)
from kefu.customers.choices import Brand, SubscriberStatus
from kefu.customers.errors import CustomerErrorCode
from kefu.customers.models import Subscriber

PROBLEM = OpenApiResponse(description="problem+json")

# A subscriber number: a mobile number (11 digits from 1) or a fixed line with its area code.
NUMBER_RE = re.compile(r"^(1\d{10}|0\d{9,11})$")


class SubscriberFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(
        field_name="number", lookup_expr="startswith", help_text="number prefix, e.g. 139"
    )
    status = django_filters.ChoiceFilter(choices=SubscriberStatus.CHOICES)
    brand = django_filters.ChoiceFilter(choices=Brand.CHOICES)
    level = django_filters.ChoiceFilter(choices=CustomerLevel.CHOICES)
    network_type = django_filters.ChoiceFilter(choices=NetworkType.CHOICES)
    home_city = django_filters.CharFilter(field_name="home_city__code", help_text="city code, e.g. 3201")

    class Meta:
        model = Subscriber
        fields = ["number", "status", "brand", "level", "network_type", "home_city"]


@extend_schema_view(
    list=extend_schema(
        summary="List subscribers within the caller's data scope",
        description="Keyset pagination (cursor). ID numbers are masked; no password data is ever returned.",
        tags=["customers"],
    ),
    retrieve=extend_schema(
        summary="One subscriber by number",
        description="404 (problem+json) for an unknown number or one outside the caller's scope; 400 "
        "`invalid_subscriber_number` for a malformed number.",
        parameters=[OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH)],
        tags=["customers"],
    ),
)
class SubscriberViewSet(ScopedReadOnlyViewSet):
    queryset = Subscriber.objects.select_related("customer", "home_province", "home_city")
    serializer_class = SubscriberSerializer
    filterset_class = SubscriberFilter
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_object(self):
        number = self.kwargs[self.lookup_field]
        if not NUMBER_RE.match(number):
            raise DomainError(
                _("号码格式不正确"), code=CustomerErrorCode.INVALID_NUMBER, status=400, number=number
            )
        return super().get_object()

    def list(self, request, *args, **kwargs):
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        # SYS-2: one row for one page of many people — the filter and the numbers shown, one INSERT
        filters = {key: value for key, value in request.query_params.items() if key != "cursor"}
        audit.record_view(
            actor=request.user,
            object_type="customers.subscriber.list",
            object_id=filters.get("number", ""),
            sections=["header"],
            details={"filters": filters, "numbers": [row.number for row in page]},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        subscriber = self.get_object()
        audit.record_view(  # SYS-2: one row per read of a named person's line
            actor=request.user,
            obj=subscriber,
            object_type="customers.subscriber",
            object_id=subscriber.number,
            sections=["header"],
        )
        return Response(self.get_serializer(subscriber).data)


def _manager_body(customer) -> dict:
    manager = customer.account_manager
    return {
        "customer_name": customer.name,
        "customer_type": customer.customer_type,
        "account_manager": manager.job_number if manager is not None else "",
        "account_manager_name": manager.name if manager is not None else "",
    }


class AccountManagerView(APIView):
    """SVC-2: the account manager of the customer owning a line; supervisors and administrators assign."""

    @extend_schema(
        summary="The account manager of the customer owning the number (SVC-2)",
        responses={200: AccountManagerSerializer, 404: PROBLEM},
        tags=["customers"],
    )
    def get(self, request, number: str):
        subscriber = services.subscriber_in_scope(actor=request.user, number=number)
        return Response(_manager_body(subscriber.customer))

    @extend_schema(
        summary="Assign (or remove) the account manager of the customer owning the number (SVC-2)",
        description=(
            "Supervisors and administrators only (403 `permission_denied`). 400 `not_an_account_manager` "
            "when the job number is no active VIP manager of the customer's province; 422 "
            "`not_vip_or_enterprise` for a customer who is neither VIP nor enterprise. Audited."
        ),
        request=AccountManagerAssignSerializer,
        responses={200: AccountManagerSerializer, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 422: PROBLEM},
        tags=["customers"],
    )
    def put(self, request, number: str):
        services.subscriber_in_scope(actor=request.user, number=number)  # out of scope: 404 before all
        body = AccountManagerAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        customer = services.customer_assign_account_manager(
            actor=request.user, number=number, manager=body.validated_data.get("account_manager") or None
        )
        return Response(_manager_body(customer))
