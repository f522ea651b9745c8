"""Stable error codes of SIMS (problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum

from kefu.core.errors import DomainError


class SimsErrorCode(StrEnum):
    SIMS_INVALID = "sims_invalid"
    NOT_ALLOWED = "not_allowed"  # a work-order event not sent by the hub
    PERMISSION_DENIED = "permission_denied"
    INVALID_TRANSITION = "invalid_transition"  # not a desk action, or not in the order's state
    REASON_REQUIRED = "reason_required"  # a return without its reason
    COMMENT_REQUIRED = "comment_required"
    VALIDATION_FAILED = "validation_failed"
    HOTLINE_INVALID = "hotline_invalid"  # SP-3: a fixed line, no extension
    MOBILE_INVALID = "mobile_invalid"  # SP-3: a mobile on the operator's network
    CONTACT_LOCKED = "contact_locked"  # SP-3: fixed during the contract


class SimsError(DomainError):
    """A refused SIMS operation (422 unless said otherwise)."""

    code = SimsErrorCode.SIMS_INVALID
