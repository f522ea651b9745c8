"""The fields the hub's and SIMS's copies of a cross-level order share in their APIs (WO-3)."""

from __future__ import annotations

from rest_framework import serializers


class OrderCopySerializer(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.CharField()
    origin = serializers.CharField()
    sp_code = serializers.CharField()
    rounds = serializers.IntegerField()
    urge_count = serializers.IntegerField()
    event_seq = serializers.IntegerField()
    result = serializers.CharField()
    updated_at = serializers.DateTimeField()
