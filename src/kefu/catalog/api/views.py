"""Read API of the business catalog (reference data: every signed-in user reads, nobody writes here;
changes go through the services, e.g. from the admin)."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from kefu.catalog import selectors
from kefu.catalog.api.serializers import (
    BusinessDetailSerializer,
    BusinessSerializer,
    CategoryNodeDetailSerializer,
    CategoryNodeSerializer,
    ResponsibilityCauseSerializer,
    ResponsibleDepartmentSerializer,
    TimeLimitSerializer,
)
from kefu.catalog.choices import BusinessKind, BusinessStatus
from kefu.catalog.models import Business, CategoryNode, ResponsibilityCause, TimeLimit
from kefu.core.api import fields
from kefu.core.api.base import KeysetPagination, ReadOnlyOrAdministrator
from kefu.core.choices import CustomerLevel, CustomerType, RequestType
from kefu.core.numbers import is_digits, lookup_id, parse_int


class CatalogPagination(KeysetPagination):
    page_size = 200
    ordering = "id"


class BusinessFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BusinessStatus.CHOICES)
    kind = django_filters.ChoiceFilter(choices=BusinessKind.CHOICES)
    search = django_filters.CharFilter(method="filter_search", label="code, current name or any old name")

    class Meta:
        model = Business
        fields = ["status", "kind", "capability_queries"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(selectors.business_search_condition(value))


class BusinessViewSet(viewsets.ReadOnlyModelViewSet):
    """Businesses (SR-3) with their status and, in detail, their name history and category version."""

    queryset = Business.objects.all()
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    permission_classes = [ReadOnlyOrAdministrator]
    pagination_class = None
    filterset_class = BusinessFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("names", "category_versions")
        return queryset

    def get_serializer_class(self):
        return BusinessDetailSerializer if self.action == "retrieve" else BusinessSerializer


class CategoryNodeFilter(django_filters.FilterSet):
    business = django_filters.CharFilter(field_name="business__code")
    request_type = django_filters.ChoiceFilter(choices=RequestType.CHOICES)
    version = django_filters.CharFilter(
        method="filter_version", label='version number; default: the current version; "all" for every version'
    )
    parent = django_filters.CharFilter(method="filter_parent", label='parent node id, or "none" for problems')
    depth = django_filters.NumberFilter()
    code = django_filters.CharFilter()
    business_status = django_filters.ChoiceFilter(
        field_name="business__status", choices=BusinessStatus.CHOICES
    )

    class Meta:
        model = CategoryNode
        fields = ["business", "request_type", "version", "parent", "depth", "code"]

    def filter_queryset(self, queryset):
        # Without ?version= the list shows current versions only: what an agent may choose today.
        if not self.data.get("version"):
            queryset = queryset.filter(version__is_current=True)
        return super().filter_queryset(queryset)

    def filter_version(self, queryset, name, value):
        if value == "all":
            return queryset
        if not is_digits(value):
            raise ValidationError({"version": 'a version number or "all"'})
        return queryset.filter(version__number=parse_int(value, name="version", minimum=1))

    def filter_parent(self, queryset, name, value):
        if value in ("none", "null", "root"):
            return queryset.filter(parent__isnull=True)
        parent = lookup_id(value, name="parent")
        if parent is None:
            raise ValidationError({"parent": 'a node id or "none"'})
        return queryset.filter(parent_id=parent)


class CategoryNodeViewSet(viewsets.ReadOnlyModelViewSet):
    """Request categories (SR-3): request type → business → problem → detail, versioned per business.

    A node of an old version stays readable by id, with the path it had.
    """

    queryset = CategoryNode.objects.select_related("version", "business")
    permission_classes = [ReadOnlyOrAdministrator]
    pagination_class = CatalogPagination

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("children")
        return queryset

    def get_serializer_class(self):
        return CategoryNodeDetailSerializer if self.action == "retrieve" else CategoryNodeSerializer

    @property
    def filterset_class(self):
        # Detail lookups reach every version; only the list defaults to the current ones.
        return CategoryNodeFilter if self.action == "list" else None


class ResponsibilityCauseViewSet(viewsets.ReadOnlyModelViewSet):
    """Responsibility causes (SR-4), a two-level classification."""

    queryset = ResponsibilityCause.objects.select_related("parent", "default_department")
    serializer_class = ResponsibilityCauseSerializer
    lookup_field = "code"
    permission_classes = [ReadOnlyOrAdministrator]
    pagination_class = None
    filterset_fields = {"active": ["exact"], "parent__code": ["exact", "isnull"]}


class ResponsibleDepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Responsible departments (SR-4): the core departments of kind "responsible"."""

    queryset = selectors.responsible_departments()
    serializer_class = ResponsibleDepartmentSerializer
    lookup_field = "code"
    permission_classes = [ReadOnlyOrAdministrator]
    pagination_class = None
    filterset_fields = {"active": ["exact"]}


class TimeLimitFilter(django_filters.FilterSet):
    request_type = django_filters.ChoiceFilter(choices=RequestType.CHOICES)
    business = django_filters.CharFilter(
        method="filter_business", label='business code, or "none" for defaults'
    )
    customer_level = django_filters.CharFilter(
        method="filter_level", label='customer level, or "any" for the rows that apply to every level'
    )
    customer_type = django_filters.CharFilter(
        method="filter_type",
        label='customer type (enterprise), or "any" for the rows that apply to every type',
    )

    class Meta:
        model = TimeLimit
        fields = [
            "request_type",
            "business",
            "category_code",
            "customer_type",
            "customer_level",
            "round_the_clock",
        ]

    def filter_business(self, queryset, name, value):
        if value in ("none", "null"):
            return queryset.filter(business__isnull=True)
        return queryset.filter(business__code=value)

    def filter_level(self, queryset, name, value):
        return queryset.filter(customer_level="" if value == "any" else value)

    def filter_type(self, queryset, name, value):
        return queryset.filter(customer_type="" if value == "any" else value)


class TimeLimitResolveQuery(serializers.Serializer):
    category = fields.IdField(required=False)
    request_type = serializers.ChoiceField(choices=RequestType.CHOICES, required=False)
    customer_level = serializers.ChoiceField(choices=CustomerLevel.CHOICES, required=False, allow_blank=True)
    customer_type = serializers.ChoiceField(choices=CustomerType.CHOICES, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs.get("category") and not attrs.get("request_type"):
            raise serializers.ValidationError("give a category or a request_type")
        return attrs


@extend_schema_view(list=extend_schema(summary="Time limits per category and customer level (WO-5)"))
class TimeLimitViewSet(viewsets.ReadOnlyModelViewSet):
    """Time limits (WO-5, TIER-1)."""

    queryset = TimeLimit.objects.select_related("business")
    serializer_class = TimeLimitSerializer
    permission_classes = [ReadOnlyOrAdministrator]
    pagination_class = CatalogPagination
    filterset_class = TimeLimitFilter

    @extend_schema(
        summary="The time limit that applies to an order",
        parameters=[
            OpenApiParameter("category", OpenApiTypes.INT, description="request-category node id"),
            OpenApiParameter("request_type", OpenApiTypes.STR, enum=RequestType.values()),
            OpenApiParameter("customer_level", OpenApiTypes.STR, enum=CustomerLevel.values()),
            OpenApiParameter("customer_type", OpenApiTypes.STR, enum=CustomerType.values()),
        ],
        responses={200: TimeLimitSerializer},
    )
    @action(detail=False, methods=["get"], url_path="resolve", filterset_class=None, pagination_class=None)
    def resolve(self, request):
        query = TimeLimitResolveQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        category = None
        if query.validated_data.get("category"):
            category = (
                CategoryNode.objects.select_related("parent")
                .filter(pk=query.validated_data["category"])
                .first()
            )
            if category is None:
                raise ValidationError({"category": "no such request category"})
        row = selectors.time_limit_for(
            category,
            query.validated_data.get("customer_level") or "",
            request_type=query.validated_data.get("request_type"),
            customer_type=query.validated_data.get("customer_type") or "",
        )
        if row is None:
            raise ValidationError({"category": "no time limit applies"})
        return Response(TimeLimitSerializer(row).data)
