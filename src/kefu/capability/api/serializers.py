from __future__ import annotations

from rest_framework import serializers

from kefu.core.api import fields


class CapabilityConditionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=["number", "month", "date", "text", "choice"])
    required = serializers.BooleanField()
    max_length = fields.IntegerField(required=False)
    choices = serializers.ListField(child=serializers.DictField(), required=False)


class CapabilityColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class CapabilityQueryTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField(help_text="query | handling")
    conditions = CapabilityConditionSerializer(many=True)
    columns = CapabilityColumnSerializer(many=True)


class CapabilityBusinessSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    queries = CapabilityQueryTypeSerializer(many=True)


class CapabilityQueryRequestSerializer(serializers.Serializer):
    business = serializers.CharField(max_length=32)
    query = serializers.CharField(max_length=40)
    conditions = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class CapabilityAnswerSerializer(serializers.Serializer):
    platform = serializers.CharField()
    business = serializers.CharField()
    query = serializers.CharField()
    kind = serializers.CharField(help_text="query | handling")
    outcome = serializers.ChoiceField(choices=["ok", "empty", "refused"])
    message = serializers.CharField(allow_blank=True)
    columns = CapabilityColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField())
