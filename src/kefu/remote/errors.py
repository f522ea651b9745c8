"""Stable error codes of remote service (problem+json ``code``); failures on the way keep the
federation's own codes."""

from __future__ import annotations

from enum import StrEnum


class RemoteErrorCode(StrEnum):
    PERMISSION_DENIED = "permission_denied"
    VALIDATION_FAILED = "validation_failed"
    UNKNOWN_PROVINCE = "unknown_province"  # the hub has no such home province as a peer
    UNKNOWN_SUBSCRIBER = "unknown_subscriber"  # the number is not the home province's
    NOT_CALLING_LINE = "not_calling_line"  # "identified by calling number" without such a call
    ID_SHOWN_NOT_FOR_ROLE = "id_shown_not_for_role"  # an ID shown in person, claimed off the hall
