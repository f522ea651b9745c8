"""Outbox API: the SMS the local adapter (or a gateway) was given, scope-limited, newest first."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from kefu.core.api.base import KeysetPagination, ModelSerializer, ScopedQuerysetMixin
from kefu.notify.choices import MessageChannel
from kefu.notify.models import OutgoingMessage


class OutgoingMessageSerializer(ModelSerializer):
    sent_by = serializers.SlugRelatedField(slug_field="job_number", read_only=True, allow_null=True)
    purpose_display = serializers.CharField(source="get_purpose_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = OutgoingMessage
        fields = [
            "id",
            "channel",
            "purpose",
            "purpose_display",
            "to",
            "subject",
            "text",
            "sender",
            "status",
            "status_display",
            "number",
            "sent_by",
            "created_at",
        ]
        read_only_fields = fields


class OutboxPagination(KeysetPagination):
    ordering = "-id"


@extend_schema(
    summary="Messages sent by SMS (the local adapter's outbox)",
    description="Scope-limited, newest first, keyset pagination. One-time passwords are masked.",
    parameters=[OpenApiParameter("number", OpenApiTypes.STR, description="only messages about this number")],
    tags=["notify"],
)
class SmsOutboxView(ScopedQuerysetMixin, generics.ListAPIView):
    queryset = OutgoingMessage.objects.select_related("sent_by")
    serializer_class = OutgoingMessageSerializer
    pagination_class = OutboxPagination
    filter_backends = []

    def get_queryset(self):
        rows = super().get_queryset().filter(channel=MessageChannel.SMS)
        number = self.request.query_params.get("number")
        return rows.filter(number=number) if number else rows
