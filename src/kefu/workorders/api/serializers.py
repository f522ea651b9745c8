"""Input and output shapes of the work-order API."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.settings import api_settings

from kefu.core.api import fields
from kefu.core.api.base import ModelSerializer
from kefu.workorders.choices import (
    BroadbandFaultClass,
    ContactMethod,
    CoordinationKind,
    FaultProduct,
    InfoTopic,
    InstallOutcome,
    LineAction,
    RepairStatus,
    Satisfaction,
    WorkOrderKind,
)
from kefu.workorders.models import Attachment, CoordinationDetail, FlowDefinition, WorkOrder, WorkOrderEvent
from kefu.workorders.services import holder_of, peer_of


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {"kind": {"type": "string"}, "ref": {"type": "string"}, "name": {"type": "string"}},
    }
)
class HolderField(serializers.Field):
    """``{"kind", "ref", "name"}`` of a holder (``ref`` as taken by ``dispatch``'s ``to``)."""

    def __init__(self, *, peer: bool = False, **kwargs):
        self.peer = peer
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, order):
        holder = peer_of(order) if self.peer else holder_of(order)
        if not holder.kind:
            return None
        obj = holder.staff or holder.group or holder.department
        return {"kind": holder.kind, "ref": holder.ref, "name": getattr(obj, "name", str(obj))}


class AttachmentSerializer(ModelSerializer):
    url = serializers.SerializerMethodField()
    uploaded_by = serializers.SlugRelatedField(slug_field="job_number", read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "event",
            "url",
        ]

    def get_url(self, obj) -> str:
        return f"/api/v1/work-order-attachments/{obj.pk}"


class EventSerializer(ModelSerializer):
    actor = serializers.CharField(source="actor_job_number", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = WorkOrderEvent
        fields = [
            "seq",
            "action",
            "actor",
            "at",
            "comment",
            "state_before",
            "state_after",
            "holder_before",
            "holder_after",
            "data",
            "attachments",
        ]


class WorkOrderStateSerializer(ModelSerializer):
    """The answer of creating an order and of every action: where the order stands now (cheap to
    render: no related row beyond the holder). ``seq`` is the number of its last event."""

    holder = HolderField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    paused = serializers.BooleanField(source="is_paused", read_only=True)
    seq = fields.IntegerField(source="event_seq", read_only=True)

    class Meta:
        model = WorkOrder
        fields = [
            "number",
            "kind",
            "state",
            "holder",
            "accepted_at",
            "order_due_at",
            "step_due_at",
            "sla",
            "overdue",
            "paused",
            "urge_count",
            "rounds",
            "closed_at",
            "seq",
        ]


_STATE = WorkOrderStateSerializer()


def order_state(order: WorkOrder) -> dict:
    """``WorkOrderStateSerializer(order).data`` without building the serializer's fields again for
    every answer (they are built once per process; rendering reads them only)."""
    return _STATE.to_representation(order)


class CoordinationDetailSerializer(serializers.Serializer):
    kind = serializers.CharField()
    address = serializers.CharField()
    appointment_start = serializers.DateTimeField(allow_null=True)
    appointment_end = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    line_action = serializers.CharField()
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    line_state_after = serializers.CharField()
    amount = fields.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    approval = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.job_number", default=None, allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    balance_after = fields.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    topic = serializers.CharField()
    affected_area = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    applied_at = serializers.DateTimeField(allow_null=True)


class WorkOrderSerializer(ModelSerializer):
    """An order in lists. The list reads only :attr:`COLUMNS` (``QuerySet.only``) with the related
    rows of :func:`kefu.workorders.selectors.for_list`: no query per row, and no description, flow
    definition or staff row it does not show."""

    COLUMNS = (
        *("number", "kind", "state", "title", "urgent", "contact_number", "customer_level", "accepted_at"),
        *("order_due_at", "step_due_at", "sla", "overdue_at", "paused_at", "urge_count", "rounds"),
        *("closed_at", "oa_reference", "holder_kind", "category", "holder_group", "holder_department"),
        *("holder_staff", "flow__code", "province__code", "city__code", "business__code"),
    )

    flow = serializers.SerializerMethodField()
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    city = serializers.SlugRelatedField(slug_field="code", read_only=True)
    business = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_path = serializers.CharField(source="category.full_path", default="", read_only=True)
    holder = HolderField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    paused = serializers.BooleanField(source="is_paused", read_only=True)

    class Meta:
        model = WorkOrder
        fields = [
            "number",
            "kind",
            "flow",
            "state",
            "title",
            "urgent",
            "contact_number",
            "customer_level",
            "province",
            "city",
            "business",
            "category",
            "category_path",
            "holder",
            "accepted_at",
            "order_due_at",
            "step_due_at",
            "sla",
            "overdue",
            "paused",
            "urge_count",
            "rounds",
            "closed_at",
            "oa_reference",
        ]

    def get_flow(self, obj) -> str:
        return obj.flow.code if "flow" in obj._state.fields_cache else str(obj.flow_id)


class WorkOrderDetailSerializer(WorkOrderSerializer):
    """One order with its full history (WO-6) and the actions the reader may take now."""

    peer = HolderField(peer=True)
    handler = serializers.SlugRelatedField(slug_field="job_number", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="job_number", read_only=True)
    responsibility_cause = serializers.SlugRelatedField(slug_field="code", read_only=True)
    responsible_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    subscriber = serializers.SlugRelatedField(slug_field="number", read_only=True)
    events = EventSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    coordination = serializers.SerializerMethodField()
    # CON-1: the contact record the order was accepted in (through its service request)
    contact = fields.IntegerField(source="service_request.contact_id", default=None, read_only=True)

    class Meta(WorkOrderSerializer.Meta):
        fields = WorkOrderSerializer.Meta.fields + [
            "description",
            "subscriber",
            "service_request",
            "contact",
            "peer",
            "handler",
            "created_by",
            "result",
            "satisfaction",
            "contact_method",
            "contact_address",
            "fault_product",
            "fault_class",
            "repair_status",
            "responsibility_cause",
            "responsible_department",
            "time_limit_hours",
            "step_limit_hours",
            "round_the_clock",
            "paused_at",
            "pause_reason",
            "paused_seconds",
            "warned_at",
            "step_overdue_at",
            "overdue_at",
            "escalated_at",
            "last_urged_at",
            "urge_acknowledged_at",
            "oa_url",
            "coordination",
            "events",
            "attachments",
            "actions",
        ]

    @extend_schema_field(CoordinationDetailSerializer(allow_null=True))
    def get_coordination(self, obj) -> dict | None:
        """WO-9: a coordination order's own data and what its effect left; null for other orders
        (known from the cached flow version, so they cost no query)."""
        from kefu.workorders.flows import flow_version

        if flow_version(obj.flow_id).code not in CoordinationKind:
            return None
        detail = CoordinationDetail.objects.filter(order=obj).select_related("decided_by").first()
        return CoordinationDetailSerializer(detail).data if detail is not None else None

    def get_attachments(self, obj) -> list[dict]:
        items = [a for e in obj.events.all() for a in e.attachments.all()]
        return AttachmentSerializer(items, many=True).data

    def get_actions(self, obj) -> list[str]:
        from kefu.workorders.selectors import available_actions

        request = self.context.get("request")
        return available_actions(obj, request.user) if request is not None else []


# ---- WO-9: the coordination flows' own data (the create's nested objects) and actions


class InstallMoveInput(serializers.Serializer):
    """Installation or move (装移机): where, and the window agreed with the customer."""

    address = serializers.CharField(max_length=200)
    appointment_start = serializers.DateTimeField()
    appointment_end = serializers.DateTimeField()

    def validate(self, attrs):
        if attrs["appointment_end"] <= attrs["appointment_start"]:
            raise ValidationError({"appointment_end": [_("预约结束须晚于预约开始")]})
        return attrs


class SuspensionInput(serializers.Serializer):
    """Suspension or resumption (停复机) of the line: which, why and for which period."""

    line_action = serializers.ChoiceField(choices=LineAction.CHOICES)
    reason = serializers.CharField(max_length=200)
    period_start = serializers.DateField()
    period_end = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        end = attrs.get("period_end")
        if end is not None and end < attrs["period_start"]:
            raise ValidationError({"period_end": [_("截止日期不能早于起始日期")]})
        return attrs


class BillingAdjustmentInput(serializers.Serializer):
    """Billing adjustment (调账): a credit (positive) or a charge (negative), and why."""

    amount = fields.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("-99999.99"),
        max_value=Decimal("99999.99"),
        help_text="yuan; positive credits the account, negative charges it",
    )
    reason = serializers.CharField(max_length=200)

    def validate_amount(self, value):
        if value == 0:
            raise ValidationError(_("调整金额不能为0"))
        return value


class InfoSyncInput(serializers.Serializer):
    """Information a city feeds to the centre (信息同步)."""

    topic = serializers.ChoiceField(choices=InfoTopic.CHOICES)
    affected_area = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


COORDINATION_INPUTS: dict[str, type[serializers.Serializer]] = {
    CoordinationKind.INSTALL_MOVE: InstallMoveInput,
    CoordinationKind.SUSPENSION: SuspensionInput,
    CoordinationKind.BILLING_ADJUSTMENT: BillingAdjustmentInput,
    CoordinationKind.INFO_SYNC: InfoSyncInput,
}


class WorkOrderCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WorkOrderKind.CHOICES)
    subscriber = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="subscriber number"
    )
    contact_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    category = fields.IdField(required=False, allow_null=True, help_text="request-category node id")
    title = serializers.CharField(required=False, allow_blank=True, max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    flow = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="flow code (WO-9)"
    )
    service_request = fields.IdField(required=False, allow_null=True)
    contact_method = serializers.ChoiceField(choices=ContactMethod.CHOICES, required=False, allow_blank=True)
    contact_address = serializers.CharField(required=False, allow_blank=True, max_length=100)
    fault_product = serializers.ChoiceField(choices=FaultProduct.CHOICES, required=False, allow_blank=True)
    fault_class = serializers.ChoiceField(
        choices=BroadbandFaultClass.CHOICES, required=False, allow_blank=True
    )
    urgent = serializers.BooleanField(required=False, default=False)
    oa_reference = serializers.CharField(required=False, allow_blank=True, max_length=60)
    files = serializers.ListField(child=serializers.FileField(), required=False)
    # WO-9: the coordination flow named in ``flow`` needs its own data, in the object of its name
    install_move = InstallMoveInput(required=False)
    suspension = SuspensionInput(required=False)
    billing_adjustment = BillingAdjustmentInput(required=False)
    info_sync = InfoSyncInput(required=False)


_ONCE: dict[type, serializers.Serializer] = {}


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    """What ``serializer_class(data=data).is_valid(raise_exception=True)`` validates and raises, with
    the serializer's fields built once per process: DRF deep-copies every declared field for each new
    serializer, about a tenth of an accept's or an action's Python time. Validating only reads the
    fields (no state is kept on the serializer), so one instance serves every request and thread."""
    instance = _ONCE.get(serializer_class)
    if instance is None:
        instance = _ONCE.setdefault(serializer_class, serializer_class())
    try:
        return instance.run_validation(data)
    except ValidationError as exc:
        detail = exc.detail
        if isinstance(detail, list) and len(detail) == 1 and getattr(detail[0], "code", None) == "null":
            # what Serializer.errors makes of a null body
            detail = {api_settings.NON_FIELD_ERRORS_KEY: [ErrorDetail("No data provided", code="null")]}
        raise ValidationError(detail) from None


def create_input(data) -> dict:
    """The create's input, validated (:func:`validated`)."""
    return validated(WorkOrderCreateSerializer, data)


class _Files(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="multipart uploads"
    )


class CommentInput(_Files):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=8000)


class RequiredCommentInput(_Files):
    # Required by the engine, which refuses a blank one with comment_required (the desk, TMF621 and
    # the API alike), so it is not required here.
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=8000, help_text="required (comment_required)"
    )


class ReasonInput(_Files):
    # Required by the engine (reason_required), like RequiredCommentInput's comment.
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="required (reason_required)"
    )


class DispatchInput(CommentInput):
    to = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="department:<code> | group:<code> | staff:<job number>, or a holder's name (南京 → the "
        "city team); a name several holders match is refused (name_ambiguous) with the candidates",
    )


class ProcessInput(CommentInput):
    repair_status = serializers.ChoiceField(choices=RepairStatus.CHOICES, required=False, allow_blank=True)


class FeedbackInput(CommentInput):
    # Required by the engine (satisfaction_required); an unknown value is validation_failed.
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.CHOICES,
        required=False,
        allow_blank=True,
        help_text="required (satisfaction_required)",
    )
    method = serializers.ChoiceField(choices=ContactMethod.CHOICES, required=False, allow_blank=True)


class ArchiveInput(CommentInput):
    responsibility_cause = serializers.CharField(required=False, allow_blank=True, help_text="cause code")
    responsible_department = serializers.CharField(
        required=False, allow_blank=True, help_text="department code"
    )


class AttachInput(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CategoriseInput(serializers.Serializer):
    category = fields.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="request-category node id",
    )
    subscriber = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="the customer's number, when unknown"
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class OaLinkInput(serializers.Serializer):
    oa_reference = serializers.CharField(max_length=60)
    oa_url = serializers.URLField(required=False, allow_blank=True, max_length=300)


class FlowSerializer(ModelSerializer):
    class Meta:
        model = FlowDefinition
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "business_code",
            "category_code",
            "version",
            "is_current",
            "is_default",
            "definition",
            "published_at",
            "published_by",
            "note",
        ]
        read_only_fields = ["id", "version", "is_current", "published_at", "published_by"]


class FlowPublishSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    kind = serializers.ChoiceField(choices=WorkOrderKind.CHOICES, required=False, allow_blank=True)
    business_code = serializers.CharField(required=False, allow_blank=True, max_length=32)
    category_code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    is_default = serializers.BooleanField(required=False, allow_null=True, default=None)
    definition = serializers.JSONField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class TransitionSerializer(serializers.Serializer):
    state = serializers.CharField()
    action = serializers.CharField()
    target = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    who = serializers.CharField()


class OaExportSerializer(serializers.Serializer):
    results = serializers.ListField(child=serializers.DictField())


class ReplyInput(RequiredCommentInput):
    outcome = serializers.ChoiceField(
        choices=InstallOutcome.CHOICES,
        required=False,
        allow_blank=True,
        help_text="installation/move flow: the result (required there: outcome_required)",
    )


class ApprovalInput(serializers.Serializer):
    approved = serializers.BooleanField(help_text="true applies the adjustment through billing")
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="required to reject (reason_required)"
    )
