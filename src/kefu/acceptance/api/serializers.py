from __future__ import annotations

from rest_framework import serializers

from kefu.acceptance.choices import AcceptanceAction
from kefu.contacts.choices import Channel
from kefu.customers.choices import ProductKind, SubscriptionStatus
from kefu.customers.models import Product


class ProductSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Product
        fields = ["code", "name", "kind", "kind_display", "monthly_fee", "business_code"]
        read_only_fields = fields


class SubscriptionSerializer(serializers.Serializer):
    """One subscription as the billing port reports it."""

    product_code = serializers.CharField()
    product_name = serializers.CharField()
    product_kind = serializers.ChoiceField(choices=ProductKind.CHOICES)
    monthly_fee = serializers.DecimalField(max_digits=12, decimal_places=2)
    business_code = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=SubscriptionStatus.CHOICES)


class SubscriptionChangeSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=AcceptanceAction.CHOICES)
    product = serializers.CharField(max_length=20, help_text="product code")
    replaces = serializers.CharField(max_length=20, required=False, help_text="for change: the code replaced")
    channel = serializers.ChoiceField(choices=Channel.CHOICES, required=False, default=Channel.HOTLINE)
    recording_ref = serializers.CharField(max_length=80, required=False, allow_blank=True)
    contact_id = serializers.IntegerField(required=False, min_value=1)
