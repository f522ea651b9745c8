"""Stable error codes of the reference business platform (problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum

from kefu.core.errors import DomainError


class PlatformErrorCode(StrEnum):
    UNKNOWN_QUERY = "unknown_query"  # the platform does not offer this business/query
    VALIDATION_FAILED = "validation_failed"  # the query's conditions are not valid
    NOT_ALLOWED = "not_allowed"  # a work-order event not sent by the hub
    PERMISSION_DENIED = "permission_denied"  # not the platform's second-line staff
    INVALID_TRANSITION = "invalid_transition"  # not a desk action, or not in the order's state
    REASON_REQUIRED = "reason_required"  # a return without its reason
    RESULT_REQUIRED = "result_required"  # a reply without its result (or progress/comment without text)


class PlatformError(DomainError):
    """A refused platform operation (422 unless said otherwise)."""

    code = PlatformErrorCode.VALIDATION_FAILED
