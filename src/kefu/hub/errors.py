"""Stable error codes of the hub (problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum

from kefu.core.errors import DomainError


class HubErrorCode(StrEnum):
    CROSSLEVEL_INVALID = "crosslevel_invalid"
    NOT_PARTY = "not_party"  # the sender is neither the order's origin nor its handling party
    PERMISSION_DENIED = "permission_denied"
    INVALID_TRANSITION = "invalid_transition"  # not an operator action, or not in the copy's state
    COMMENT_REQUIRED = "comment_required"
    TARGET_REQUIRED = "target_required"  # the order has no handling party to send to


class HubError(DomainError):
    """A refused hub operation (422 unless said otherwise)."""

    code = HubErrorCode.CROSSLEVEL_INVALID
