"""Request and response shapes of the authentication API. No response field ever carries a secret."""

from __future__ import annotations

from rest_framework import serializers

from kefu.contacts.choices import Channel
from kefu.core.api import fields
from kefu.identity.choices import (
    API_METHOD_CHOICES,
    COLLECTED_METHOD_CHOICES,
    STATS_DIMENSIONS,
    AuthMethod,
    CollectionPurpose,
    CollectionResult,
    CollectionState,
    Collector,
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
    contact_id = fields.IdField(required=False)
    channel = serializers.ChoiceField(choices=Channel.CHOICES, required=False)


class AuthenticatedSerializer(serializers.Serializer):
    authenticated = serializers.BooleanField()
    method = serializers.CharField()
    grant_expires_at = serializers.DateTimeField(allow_null=True)
    grant_expires_at_display = serializers.CharField(
        help_text="the same time as the desk shows it, in the server's time zone"
    )
    password_change_required = serializers.BooleanField()
    security_notice_required = serializers.BooleanField()
    scope = serializers.ChoiceField(choices=GrantScope.CHOICES, allow_blank=True)
    tries_left = fields.IntegerField()
    second_factor_required = serializers.BooleanField(
        help_text="self-service only: the password passed; the SMS code (method otp) opens the grant"
    )


class OtpSentSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField()


class ServicePasswordSerializer(serializers.Serializer):
    old_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=64)
    new_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=64)
    channel = serializers.ChoiceField(choices=Channel.CHOICES, required=False)


class CollectionRequestSerializer(serializers.Serializer):
    number = serializers.CharField(required=False, max_length=20, help_text="default: the calling number")
    method = serializers.ChoiceField(
        choices=COLLECTED_METHOD_CHOICES, required=False, default=AuthMethod.PASSWORD
    )
    id_number = serializers.CharField(required=False, max_length=32, help_text="method id_number")
    card_number = serializers.CharField(required=False, max_length=24, help_text="method membership_card")
    broadband_account = serializers.CharField(required=False, max_length=40, help_text="method broadband")


class PinPadRequestSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=20)
    method = serializers.ChoiceField(
        choices=COLLECTED_METHOD_CHOICES, required=False, default=AuthMethod.PASSWORD
    )
    purpose = serializers.ChoiceField(
        choices=CollectionPurpose.CHOICES, required=False, default=CollectionPurpose.AUTHENTICATE
    )
    id_number = serializers.CharField(required=False, max_length=32, help_text="method id_number")
    card_number = serializers.CharField(required=False, max_length=24, help_text="method membership_card")
    broadband_account = serializers.CharField(required=False, max_length=40, help_text="method broadband")


class CollectionSerializer(serializers.Serializer):
    id = fields.IntegerField()
    collector = serializers.ChoiceField(choices=Collector.CHOICES)
    purpose = serializers.ChoiceField(choices=CollectionPurpose.CHOICES)
    method = serializers.CharField()
    call_id = serializers.CharField(source="call.call_id", default="", read_only=True)
    number = serializers.CharField(source="subscriber.number")
    state = serializers.ChoiceField(choices=CollectionState.CHOICES)
    result = serializers.CharField(allow_blank=True)


class PadRequestSerializer(serializers.Serializer):
    """What the PIN pad's screen shows the customer: the masked number and what to key."""

    id = fields.IntegerField()
    purpose = serializers.ChoiceField(choices=CollectionPurpose.CHOICES)
    method = serializers.CharField()
    number_masked = serializers.SerializerMethodField()

    def get_number_masked(self, collection) -> str:
        number = collection.subscriber.number
        return f"{number[:3]}****{number[-4:]}" if len(number) > 7 else number


class PadPendingSerializer(serializers.Serializer):
    request = PadRequestSerializer(allow_null=True)


class DigitsSerializer(serializers.Serializer):
    digits = serializers.CharField(write_only=True, trim_whitespace=False, max_length=12)
    new_digits = serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=12, required=False,
        help_text="the new password, for a collection whose purpose is password_change",
    )  # fmt: skip


class CollectionResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=CollectionResult.CHOICES)
    tries_left = fields.IntegerField()
    locked_until = serializers.DateTimeField(allow_null=True)
    password_change_required = serializers.BooleanField()


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
    attempts = fields.IntegerField()
    successes = fields.IntegerField()


class StatsSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    by = serializers.CharField()
    attempts = fields.IntegerField()
    successes = fields.IntegerField()
    rows = StatsRowSerializer(many=True)
