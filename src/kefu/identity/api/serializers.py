"""Request and response shapes of the authentication API. No response field ever carries a secret."""

from __future__ import annotations

from rest_framework import serializers

from kefu.contacts.choices import Channel
from kefu.identity.choices import (
    API_METHOD_CHOICES,
    STATS_DIMENSIONS,
    CollectionResult,
    CollectionState,
    GrantScope,
)


class AuthenticateSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=API_METHOD_CHOICES)
    password = serializers.CharField(required=False, write_only=True, trim_whitespace=False, max_length=64)
    broadband_account = serializers.CharField(required=False, max_length=40)
    id_number = serializers.CharField(required=False, max_length=32)
    card_number = serializers.CharField(required=False, max_length=24)
    otp = serializers.CharField(required=False, write_only=True, max_length=12)
    call_id = serializers.CharField(required=False, max_length=64)
    contact_id = serializers.IntegerField(required=False, min_value=1)
    channel = serializers.ChoiceField(choices=Channel.CHOICES, required=False)


class AuthenticatedSerializer(serializers.Serializer):
    authenticated = serializers.BooleanField()
    method = serializers.CharField()
    grant_expires_at = serializers.DateTimeField(allow_null=True)
    password_change_required = serializers.BooleanField()
    security_notice_required = serializers.BooleanField()
    scope = serializers.ChoiceField(choices=GrantScope.CHOICES)
    tries_left = serializers.IntegerField()


class OtpSentSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField()


class ServicePasswordSerializer(serializers.Serializer):
    old_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=64)
    new_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=64)
    channel = serializers.ChoiceField(choices=Channel.CHOICES, required=False)


class CollectionRequestSerializer(serializers.Serializer):
    number = serializers.CharField(required=False, max_length=20, help_text="default: the calling number")


class CollectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    call_id = serializers.CharField(source="call.call_id")
    number = serializers.CharField(source="subscriber.number")
    state = serializers.ChoiceField(choices=CollectionState.CHOICES)
    result = serializers.CharField(allow_blank=True)


class DigitsSerializer(serializers.Serializer):
    digits = serializers.CharField(write_only=True, trim_whitespace=False, max_length=12)


class CollectionResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=CollectionResult.CHOICES)


class StatsQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    by = serializers.ChoiceField(
        choices=[(d, d) for d in STATS_DIMENSIONS], required=False, default="channel"
    )


class StatsRowSerializer(serializers.Serializer):
    day = serializers.DateField()
    value = serializers.CharField()
    label = serializers.CharField()
    attempts = serializers.IntegerField()
    successes = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    by = serializers.CharField()
    attempts = serializers.IntegerField()
    successes = serializers.IntegerField()
    rows = StatsRowSerializer(many=True)
