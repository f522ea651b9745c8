"""Shapes of query results (the billing port's records) and of the send request."""

from __future__ import annotations

from rest_framework import serializers

from kefu.core.api import fields
from kefu.queries.choices import OrderKind, QueryKind, SendMethod


class BillSerializer(serializers.Serializer):
    month = serializers.DateField()
    voice_fee = fields.DecimalField(max_digits=12, decimal_places=2)
    sms_fee = fields.DecimalField(max_digits=12, decimal_places=2)
    data_fee = fields.DecimalField(max_digits=12, decimal_places=2)
    vas_fee = fields.DecimalField(max_digits=12, decimal_places=2)
    other_fee = fields.DecimalField(max_digits=12, decimal_places=2)
    total_fee = fields.DecimalField(max_digits=12, decimal_places=2)
    amount_due = fields.DecimalField(max_digits=12, decimal_places=2)
    amount_paid = fields.DecimalField(max_digits=12, decimal_places=2)
    due_date = serializers.DateField()


class CallDetailSerializer(serializers.Serializer):
    start_at = serializers.DateTimeField()
    other_party = serializers.CharField()
    direction = serializers.CharField()
    duration_seconds = fields.IntegerField()
    call_type = serializers.CharField()
    fee = fields.DecimalField(max_digits=8, decimal_places=2)


class PaymentSerializer(serializers.Serializer):
    paid_at = serializers.DateTimeField()
    amount = fields.DecimalField(max_digits=12, decimal_places=2)
    channel = serializers.CharField()


class BalanceSerializer(serializers.Serializer):
    balance = fields.DecimalField(max_digits=12, decimal_places=2)
    arrears = fields.DecimalField(max_digits=12, decimal_places=2)
    pay_method = serializers.CharField()


class PointsSerializer(serializers.Serializer):
    """The thirteen figures of Q-2, for ``month``."""

    month = serializers.DateField()
    earned_this_month = fields.IntegerField()
    earned_total = fields.IntegerField()
    usable_this_month = fields.IntegerField()
    usable_total = fields.IntegerField()
    voided_this_month = fields.IntegerField()
    voided_total = fields.IntegerField()
    current_total = fields.IntegerField()
    redeemed_this_month = fields.IntegerField()
    redeemed_total = fields.IntegerField()
    activity_this_month = fields.IntegerField()
    activity_total = fields.IntegerField()
    redeemable = fields.IntegerField()
    not_redeemable = fields.IntegerField()


class OrderProgressSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrderKind.CHOICES)
    kind_display = serializers.CharField()
    type = serializers.CharField()
    type_display = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    repair_status = serializers.CharField(help_text="fault reports: the repair's progress (WO-8); else empty")
    repair_status_display = serializers.CharField()


class BillsQuerySerializer(serializers.Serializer):
    months = fields.IntegerField(min_value=1, max_value=24, required=False, default=6)


class CallDetailsQuerySerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False, help_text="YYYY-MM")


class PointsQuerySerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False, help_text="YYYY-MM")


class QueryResultSendSerializer(serializers.Serializer):
    what = serializers.ChoiceField(choices=QueryKind.CHOICES)
    method = serializers.ChoiceField(choices=SendMethod.CHOICES)
    to = serializers.CharField(required=False, max_length=120)
    call_id = serializers.CharField(required=False, max_length=64)
    contact_id = fields.IdField(required=False)


class QueryResultSentSerializer(serializers.Serializer):
    id = fields.IntegerField()
    channel = serializers.CharField()
    to = serializers.CharField()
    status = serializers.CharField()
