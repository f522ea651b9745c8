from __future__ import annotations

from rest_framework import serializers


class ConditionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=["number", "month", "date", "text", "choice"])
    required = serializers.BooleanField()
    max_length = serializers.IntegerField(required=False)
    choices = serializers.ListField(child=serializers.DictField(), required=False)


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class QueryTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["query", "handling"])
    conditions = ConditionSerializer(many=True)
    columns = ColumnSerializer(many=True)


class BusinessSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    queries = QueryTypeSerializer(many=True)


class QueryRequestSerializer(serializers.Serializer):
    business = serializers.CharField(max_length=32)
    query = serializers.CharField(max_length=40)
    conditions = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)


class QueryAnswerSerializer(serializers.Serializer):
    platform = serializers.CharField()
    business = serializers.CharField()
    query = serializers.CharField()
    kind = serializers.ChoiceField(choices=["query", "handling"])
    outcome = serializers.ChoiceField(choices=["ok", "empty", "refused"])
    message = serializers.CharField(allow_blank=True)
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField())
