"""Notice API representations (SYS-1)."""

from __future__ import annotations

from rest_framework import serializers

from kefu.bulletins.choices import Audience, NoticeKind
from kefu.bulletins.models import Notice, NoticeReceipt
from kefu.core.api import fields
from kefu.core.api.base import ModelSerializer


class NoticePublishSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoticeKind.CHOICES, default=NoticeKind.NOTICE)
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=4000)
    audience = serializers.ChoiceField(choices=Audience.CHOICES)
    target = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=400,
        help_text="the role, group code, city code, or job numbers separated by commas",
    )
    requires_ack = serializers.BooleanField(default=True)


class NoticeSerializer(ModelSerializer):
    author = serializers.CharField(source="author.job_number")
    author_name = serializers.CharField(source="author.name")

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "audience",
            "target",
            "requires_ack",
            "author",
            "author_name",
            "published_at",
            "recipient_count",
        ]


class SentNoticeSerializer(NoticeSerializer):
    """For authors: how many recipients read and acknowledged the notice."""

    read_count = fields.IntegerField()
    ack_count = fields.IntegerField()

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "read_count", "ack_count"]


class ReceiptSerializer(ModelSerializer):
    """One notice as its recipient has it: the notice, when it was read and acknowledged."""

    notice = NoticeSerializer()

    class Meta:
        model = NoticeReceipt
        fields = ["notice", "read_at", "acknowledged_at"]


class InboxSerializer(serializers.Serializer):
    unread = fields.IntegerField()
    results = ReceiptSerializer(many=True)


class UnreadSerializer(serializers.Serializer):
    unread = fields.IntegerField()


class RecipientSerializer(ModelSerializer):
    job_number = serializers.CharField(source="staff.job_number")
    name = serializers.CharField(source="staff.name")

    class Meta:
        model = NoticeReceipt
        fields = ["job_number", "name", "read_at", "acknowledged_at"]


class NoticeFollowSerializer(serializers.Serializer):
    notice = SentNoticeSerializer()
    recipients = RecipientSerializer(many=True)
