from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kefu.acceptance.choices import AcceptanceAction, DataChange
from kefu.contacts.choices import Channel
from kefu.core.api import fields
from kefu.core.api.base import ModelSerializer
from kefu.customers.choices import IdType, ProductKind, SubscriptionStatus
from kefu.customers.models import Product


class ProductSerializer(ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Product
        fields = [
            "code", "name", "kind", "kind_display", "monthly_fee", "business_code",
            # which lines it fits (empty: any), as kefu.customers.eligibility reads them
            "line_types", "brands", "network_types", "pay_methods", "requires", "exclusive_group",
        ]  # fmt: skip
        read_only_fields = fields


class LineProductSerializer(serializers.Serializer):
    """One catalog product as one line sees it (``selectors.LineProduct``)."""

    code = serializers.CharField(source="product.code")
    name = serializers.CharField(source="product.name")
    kind = serializers.CharField(source="product.kind")
    kind_display = serializers.CharField(source="product.get_kind_display")
    monthly_fee = fields.DecimalField(source="product.monthly_fee", max_digits=12, decimal_places=2)
    business_code = serializers.CharField(source="product.business_code")
    action = serializers.ChoiceField(choices=AcceptanceAction.CHOICES, help_text="how it would be accepted")
    replaces = serializers.CharField(allow_null=True, help_text="for a plan change: the current plan's code")
    eligible = serializers.BooleanField(source="verdict.eligible")
    reason = serializers.CharField(
        source="verdict.reason", help_text="why not (offer_not_eligible's reason); empty when eligible"
    )
    reason_text = serializers.CharField(source="verdict.message", help_text="the reason, readable")


class SubscriptionSerializer(serializers.Serializer):
    """One subscription as the billing port reports it."""

    product_code = serializers.CharField()
    product_name = serializers.CharField()
    product_kind = serializers.ChoiceField(choices=ProductKind.CHOICES)
    monthly_fee = fields.DecimalField(max_digits=12, decimal_places=2)
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
    contact_id = fields.IdField(required=False)


class DataChangeSerializer(serializers.Serializer):
    """A change of customer data (BA-1): ``change`` names it, and the fields it needs:
    ``contact_details`` → email / contact_phone / mailing_address (the new values; a blank one
    clears it); ``ownership_transfer`` → owner_name, owner_id_type, owner_id_number
    (+ owner_contact_phone); ``sim_replacement`` → iccid; ``suspend`` / ``resume`` → reason."""

    change = serializers.ChoiceField(choices=DataChange.CHOICES)
    channel = serializers.ChoiceField(choices=Channel.CHOICES, required=False, default=Channel.HOTLINE)
    recording_ref = serializers.CharField(max_length=80, required=False, allow_blank=True)
    contact_id = fields.IdField(required=False)
    email = serializers.EmailField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.RegexField(r"^[0-9+\-]{5,20}$", required=False, allow_blank=True)
    mailing_address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    owner_name = serializers.CharField(max_length=60, required=False)
    owner_id_type = serializers.ChoiceField(choices=IdType.CHOICES, required=False)
    owner_id_number = serializers.RegexField(r"^[0-9A-Za-z]{6,32}$", required=False)
    owner_contact_phone = serializers.RegexField(r"^[0-9+\-]{5,20}$", required=False, allow_blank=True)
    iccid = serializers.RegexField(r"^[0-9]{19,20}$", required=False, help_text="19 or 20 digits")
    reason = serializers.CharField(max_length=200, required=False)

    NEEDS = {
        DataChange.CONTACT_DETAILS: (),
        DataChange.OWNERSHIP_TRANSFER: ("owner_name", "owner_id_type", "owner_id_number"),
        DataChange.SIM_REPLACEMENT: ("iccid",),
        DataChange.SUSPEND: ("reason",),
        DataChange.RESUME: ("reason",),
    }

    def validate(self, attrs):
        missing = [f for f in self.NEEDS[attrs["change"]] if not attrs.get(f)]
        if missing:
            raise serializers.ValidationError({f: [_("该项必填")] for f in missing})
        if attrs["change"] == DataChange.CONTACT_DETAILS and not any(
            f in attrs for f in ("email", "contact_phone", "mailing_address")
        ):
            raise serializers.ValidationError({"email": [_("请至少填写一项联系方式")]})
        return attrs


class DataChangeResultSerializer(serializers.Serializer):
    order_number = serializers.CharField()
    change = serializers.CharField(source="action")
    contact_id = fields.IntegerField()
    details = serializers.JSONField(help_text="what changed; personal data masked")
