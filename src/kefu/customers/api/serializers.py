"""Subscriber API representations. The ID number is always masked here and the service password
(hash) is never part of any representation (AUTH-3, AUTH-4)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kefu.core.api.base import ModelSerializer
from kefu.customers.models import Subscriber


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SubscriberSerializer(ModelSerializer):
    """What the unified view header shows (VIEW-1): home location, name, level, brand, customer type,
    masked ID number; plus user type and status."""

    customer_name = serializers.CharField(source="customer.name")
    customer_type = serializers.CharField(source="customer.customer_type")
    customer_type_display = serializers.CharField(source="customer.get_customer_type_display")
    id_type = serializers.CharField(source="customer.id_type")
    id_number = serializers.SerializerMethodField(help_text="masked, e.g. 3201**********1234")
    level_display = serializers.CharField(source="get_level_display")
    brand_display = serializers.CharField(source="get_brand_display")
    network_type_display = serializers.CharField(source="get_network_type_display")
    user_type_display = serializers.CharField(source="get_user_type_display")
    status_display = serializers.CharField(source="get_status_display")
    home_province = PlaceSerializer()
    home_city = PlaceSerializer()

    class Meta:
        model = Subscriber
        fields = [
            "number",
            "customer_name",
            "customer_type",
            "customer_type_display",
            "user_name",
            "id_type",
            "id_number",
            "brand",
            "brand_display",
            "network_type",
            "network_type_display",
            "level",
            "level_display",
            "user_type",
            "user_type_display",
            "home_province",
            "home_city",
            "status",
            "status_display",
            "opened_at",
            "password_initial",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_id_number(self, obj: Subscriber) -> str:
        return obj.customer.masked_id_number


class AccountManagerAssignSerializer(serializers.Serializer):
    """SVC-2: the job number of the account manager to assign; empty or null takes the manager away."""

    account_manager = serializers.CharField(allow_blank=True, allow_null=True, max_length=20)


class AccountManagerSerializer(serializers.Serializer):
    customer_name = serializers.CharField()
    customer_type = serializers.CharField()
    account_manager = serializers.CharField(allow_blank=True, help_text="job number, empty when none")
    account_manager_name = serializers.CharField(allow_blank=True)
