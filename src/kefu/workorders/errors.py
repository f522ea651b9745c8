"""Stable error codes of the work-order domain."""

from __future__ import annotations

from enum import StrEnum

from kefu.core.errors import ConflictError, DomainError


class WorkOrderErrorCode(StrEnum):
    INVALID_TRANSITION = "invalid_transition"
    ACTION_NOT_PERMITTED = "action_not_permitted"
    NOT_HOLDER = "not_holder"
    ACTION_NOT_IN_FLOW = "action_not_in_flow"
    REASON_REQUIRED = "reason_required"
    COMMENT_REQUIRED = "comment_required"
    SATISFACTION_REQUIRED = "satisfaction_required"
    CUSTOMER_DISSATISFIED = "customer_dissatisfied"
    FEEDBACK_REQUIRED = "feedback_required"
    ARCHIVE_DATA_REQUIRED = "archive_data_required"
    CATEGORY_MISMATCH = "category_mismatch"
    CATEGORY_REQUIRED = "category_required"
    UNKNOWN_HOLDER = "unknown_holder"
    HOLDER_REQUIRED = "holder_required"
    CONTACT_METHOD_REQUIRED = "contact_method_required"
    FAULT_CLASS_REQUIRED = "fault_class_required"
    CLOCK_ALREADY_PAUSED = "clock_already_paused"
    CLOCK_NOT_PAUSED = "clock_not_paused"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID_FLOW = "invalid_flow"
    UNKNOWN_FLOW = "unknown_flow"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    ATTACHMENT_TYPE_REFUSED = "attachment_type_refused"
    ATTACHMENT_MISSING = "attachment_missing"
    SUBSCRIBER_REQUIRED = "subscriber_required"
    # WO-9 coordination flows
    COORDINATION_DATA_REQUIRED = "coordination_data_required"
    COORDINATION_DATA_UNEXPECTED = "coordination_data_unexpected"
    ACCEPT_FROM_CITY_ONLY = "accept_from_city_only"
    OUTCOME_REQUIRED = "outcome_required"
    NO_URGE_PENDING = "no_urge_pending"
    NOT_A_BILLING_ADJUSTMENT = "not_a_billing_adjustment"
    ADJUSTMENT_ALREADY_DECIDED = "adjustment_already_decided"
    APPROVAL_REQUIRED = "approval_required"
    RESULT_ADDRESS_REQUIRED = "result_address_required"  # WO-7: no number or address to send the result to
    INVALID_CONTACT_ADDRESS = "invalid_contact_address"  # WO-7: an agreed address its port cannot send to


class WorkOrderError(DomainError):
    """A refused work-order operation (422 unless said otherwise)."""

    status = 422


class InvalidTransition(ConflictError):
    """The transition table has no entry for (state, action): 409, nothing changed."""

    code = WorkOrderErrorCode.INVALID_TRANSITION


class ActionNotPermitted(WorkOrderError):
    status = 403
    code = WorkOrderErrorCode.ACTION_NOT_PERMITTED


class PickerErrorCode(StrEnum):
    """Pickers and names typed where a code is expected (issue 12)."""

    UNKNOWN_PICKER = "unknown_picker"  # GET /api/v1/pickers/{kind} with a kind there is none of
    NAME_UNKNOWN = "name_unknown"  # a name that names nothing of its kind
    NAME_AMBIGUOUS = "name_ambiguous"  # a name several rows carry or match: the candidates come along
