from __future__ import annotations

from rest_framework import serializers

from kefu.contacts.choices import Channel, Direction
from kefu.contacts.models import CallbackTask, ContactCorrection, ContactLink, ContactRecord, ServiceRequest
from kefu.core.api import fields
from kefu.core.api.base import ModelSerializer
from kefu.core.choices import RequestType


class ServiceRequestSerializer(ModelSerializer):
    category_path = serializers.CharField(source="category.full_path", default="", read_only=True)

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "request_type",
            "category",
            "category_path",
            "description",
            "module",
            "reference",
            "created_at",
        ]
        read_only_fields = ["id", "module", "created_at", "category_path"]


class ContactLinkSerializer(ModelSerializer):
    class Meta:
        model = ContactLink
        fields = ["from_contact", "to_contact", "kind", "created_at"]


class ContactRecordSerializer(ModelSerializer):
    staff = serializers.SlugRelatedField(slug_field="job_number", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_path = serializers.CharField(source="category.full_path", default="", read_only=True)
    requests = ServiceRequestSerializer(many=True, read_only=True)
    repeat_of = serializers.SerializerMethodField()
    wrap_up_reason = serializers.SlugRelatedField(slug_field="code", read_only=True)
    wrapped_up_by = serializers.SlugRelatedField(slug_field="job_number", read_only=True)

    class Meta:
        model = ContactRecord
        fields = [
            "id",
            "channel",
            "direction",
            "number",
            "staff",
            "province",
            "city",
            "started_at",
            "ended_at",
            "duration_seconds",
            "status",
            "request_type",
            "category",
            "category_path",
            "summary",
            "recording_ref",
            "call_id",
            "requests",
            "repeat_of",
            "held_seconds",
            "wrap_up_reason",
            "wrapped_up_at",
            "wrapped_up_by",
        ]

    def get_repeat_of(self, obj) -> list[int]:
        return [link.to_contact_id for link in obj.links_out.all()]


class ContactCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.CHOICES)
    direction = serializers.ChoiceField(choices=Direction.CHOICES, default=Direction.INBOUND)
    number = serializers.CharField(max_length=20)
    started_at = serializers.DateTimeField(required=False)
    ended_at = serializers.DateTimeField(required=False)
    request_type = serializers.ChoiceField(choices=RequestType.CHOICES, required=False, allow_blank=True)
    category = fields.IdField(required=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    recording_ref = serializers.CharField(required=False, allow_blank=True, max_length=80)


class ContactCloseSerializer(serializers.Serializer):
    ended_at = serializers.DateTimeField(required=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ContactCorrectionSerializer(ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="job_number", read_only=True)

    class Meta:
        model = ContactCorrection
        fields = ["field", "old_value", "new_value", "reason", "actor", "at"]


class CorrectionRequestSerializer(serializers.Serializer):
    changes = serializers.DictField(help_text="field -> new value; fields: request_type, category, summary")
    reason = serializers.CharField(max_length=200)


class LinkRequestSerializer(serializers.Serializer):
    to_contact = fields.IdField()


class ServiceRequestCreateSerializer(serializers.Serializer):
    request_type = serializers.ChoiceField(choices=RequestType.CHOICES)
    category = fields.IdField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ImportResultSerializer(serializers.Serializer):
    imported = fields.IntegerField()


class CallbackTaskSerializer(ModelSerializer):
    """A callback task (SR-2, WO-7): ``assignee`` is ``staff:<job number>`` or ``department:<code>``."""

    purpose_display = serializers.CharField(source="get_purpose_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    assignee = serializers.SerializerMethodField()
    done_by = serializers.SlugRelatedField(slug_field="job_number", read_only=True, allow_null=True)

    class Meta:
        model = CallbackTask
        fields = [
            "id",
            "purpose",
            "purpose_display",
            "state",
            "state_display",
            "number",
            "reference",
            "summary",
            "assignee",
            "due_at",
            "created_at",
            "done_by",
            "done_at",
            "outcome",
            "contact",
        ]
        read_only_fields = fields

    def get_assignee(self, task) -> str:
        if task.assignee_staff_id is not None:
            return f"staff:{task.assignee_staff.job_number}"
        return f"department:{task.assignee_department.code}"


class CallbackCompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=2000, help_text="what the customer was told, what they said")


class WrapUpReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="label")


class WrapUpSerializer(serializers.Serializer):
    """After-call work: the reason's code (one of ``GET /api/v1/wrap-up-reasons``) and the summary."""

    reason = serializers.CharField(max_length=32, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
