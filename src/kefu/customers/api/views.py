"""Subscriber API: a scope-limited, read-only list and detail (SYS-1, VIEW-1)."""

from __future__ import annotations

import re

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from kefu.core.api.base import ScopedReadOnlyViewSet
from kefu.core.choices import CustomerLevel, NetworkType
from kefu.core.errors import DomainError
from kefu.customers.api.serializers import SubscriberSerializer
from kefu.customers.choices import Brand, SubscriberStatus
from kefu.customers.errors import CustomerErrorCode
from kefu.customers.models import Subscriber

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
