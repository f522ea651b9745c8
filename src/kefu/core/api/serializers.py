from __future__ import annotations

from rest_framework import serializers

from kefu.core.api.base import ModelSerializer
from kefu.core.models import AgentGroup, AuditEvent, City, Department, Province, Staff


class TokenRequestSerializer(serializers.Serializer):
    job_number = serializers.CharField(max_length=20)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class ProvinceSerializer(ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "gb_code", "name", "name_en"]


class CitySerializer(ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = City
        fields = ["code", "area_code", "name", "name_en", "province"]


class DepartmentSerializer(ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Department
        fields = ["code", "name", "kind", "province", "city", "active"]


class AgentGroupSerializer(ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AgentGroup
        fields = ["code", "name", "province", "city", "is_public"]


class StaffSerializer(ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True)
    scope = serializers.CharField(source="scope_kind", read_only=True)

    class Meta:
        model = Staff
        fields = ["job_number", "name", "role", "province", "city", "sp_code", "scope", "is_active"]


class AuditEventSerializer(ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor_job_number",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "province",
            "city",
            "source_ip",
            "channel",
            "changes",
        ]
