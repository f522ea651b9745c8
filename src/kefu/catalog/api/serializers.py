from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kefu.catalog.models import (
    Business,
    BusinessName,
    CategoryNode,
    CategoryVersion,
    ResponsibilityCause,
    TimeLimit,
)
from kefu.core.api import fields
from kefu.core.api.base import ModelSerializer
from kefu.core.models import Department


class BusinessNameSerializer(ModelSerializer):
    class Meta:
        model = BusinessName
        fields = ["name", "valid_from", "valid_until"]


class CategoryVersionSerializer(ModelSerializer):
    business = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CategoryVersion
        fields = ["business", "number", "business_name", "is_current", "published_at", "published_by", "note"]


class BusinessSerializer(ModelSerializer):
    class Meta:
        model = Business
        fields = [
            "code",
            "name",
            "kind",
            "status",
            "online_since",
            "offline_since",
            "second_line",
            "capability_queries",
        ]


class BusinessDetailSerializer(BusinessSerializer):
    names = BusinessNameSerializer(many=True, read_only=True)
    current_category_version = serializers.SerializerMethodField()
    category_versions = serializers.SerializerMethodField()

    class Meta(BusinessSerializer.Meta):
        fields = [
            *BusinessSerializer.Meta.fields,
            "description",
            "names",
            "current_category_version",
            "category_versions",
        ]

    @extend_schema_field(CategoryVersionSerializer(allow_null=True))
    def get_current_category_version(self, obj: Business):
        current = next((v for v in obj.category_versions.all() if v.is_current), None)
        return CategoryVersionSerializer(current).data if current else None

    @extend_schema_field(serializers.ListField(child=fields.IntegerField()))
    def get_category_versions(self, obj: Business) -> list[int]:
        return sorted(v.number for v in obj.category_versions.all())


class CategoryNodeSerializer(ModelSerializer):
    business = serializers.SlugRelatedField(slug_field="code", read_only=True)
    version = fields.IntegerField(source="version.number", read_only=True)
    is_current = serializers.BooleanField(source="version.is_current", read_only=True)
    business_name = serializers.CharField(source="version.business_name", read_only=True)
    parent = fields.PrimaryKeyRelatedField(read_only=True)
    path = serializers.CharField(source="full_path", read_only=True)

    class Meta:
        model = CategoryNode
        fields = [
            "id",
            "code",
            "name",
            "request_type",
            "business",
            "business_name",
            "version",
            "is_current",
            "parent",
            "depth",
            "position",
            "path",
        ]


class CategoryNodeDetailSerializer(CategoryNodeSerializer):
    path_names = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    class Meta(CategoryNodeSerializer.Meta):
        fields = [*CategoryNodeSerializer.Meta.fields, "path_names", "children"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_path_names(self, obj: CategoryNode) -> list[str]:
        from kefu.catalog.selectors import category_path_names

        return category_path_names(obj)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, obj: CategoryNode) -> list[dict]:
        return [{"id": child.id, "code": child.code, "name": child.name} for child in obj.children.all()]


class ResponsibilityCauseSerializer(ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    default_department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ResponsibilityCause
        fields = ["code", "name", "parent", "default_department", "active", "position"]


class ResponsibleDepartmentSerializer(ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "active"]


class TimeLimitSerializer(ModelSerializer):
    business = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category = fields.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = TimeLimit
        fields = [
            "id",
            "request_type",
            "business",
            "category",
            "category_code",
            "customer_type",
            "customer_level",
            "order_hours",
            "step_hours",
            "round_the_clock",
            "note",
        ]
