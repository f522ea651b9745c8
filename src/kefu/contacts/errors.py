"""Error codes of the contacts domain."""

from enum import StrEnum

from kefu.core.errors import DomainError


class ContactErrorCode(StrEnum):
    ALREADY_CLOSED = "contact_already_closed"
    NOT_CORRECTABLE = "contact_field_not_correctable"
    CORRECTION_FORBIDDEN = "contact_correction_forbidden"
    REASON_REQUIRED = "contact_reason_required"
    INVALID_LINK = "contact_invalid_link"
    IMPORT_REJECTED = "contact_import_rejected"
    IMPORT_UNREADABLE = "contact_import_unreadable"
    EXPORT_TOO_LARGE = "contact_export_too_large"
    UNKNOWN_SUBSCRIBER = "unknown_subscriber"
    INVALID_TIMES = "contact_invalid_times"
    CALLBACK_NOT_ASSIGNED = "callback_not_assigned"  # only the assignee (or a supervisor) completes it
    CALLBACK_NOT_OPEN = "callback_not_open"
    CALLBACK_NO_ASSIGNEE = "callback_no_assignee"
    CALLBACK_NUMBER_REQUIRED = "callback_number_required"
    WRAP_UP_REASON_REQUIRED = "wrap_up_reason_required"  # no reason, or one not in the active list
    WRAP_UP_SUMMARY_TOO_LONG = "wrap_up_summary_too_long"
    WRAP_UP_FORBIDDEN = "wrap_up_forbidden"  # only the contact's own agent, or a supervisor
    ALREADY_WRAPPED_UP = "contact_already_wrapped_up"  # afterwards: a correction, with history


class ContactError(DomainError):
    status = 422
