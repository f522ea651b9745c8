"""Stable error codes of the province's side of the cross-level flow (problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum

from kefu.core.errors import DomainError


class CrossLevelErrorCode(StrEnum):
    CROSSLEVEL_INVALID = "crosslevel_invalid"  # e.g. a cross-region order sent on to the hub again
    HUB_NOT_CONFIGURED = "hub_not_configured"  # 503: no hub among this node's peers
    TARGET_REQUIRED = "target_required"  # SIMS, an own platform or another province
    SP_CODE_REQUIRED = "sp_code_required"  # a Monternet complaint names its SP
    NOT_CROSSLEVEL = "not_crosslevel"  # the order was never sent to the hub
    NOT_ALLOWED = "not_allowed"  # a work-order event not sent by the hub
    NOT_OWN_PLATFORM = "not_own_platform"  # PLATFORM chosen for an order whose business has no platform


class CrossLevelError(DomainError):
    """A refused cross-level operation (422 unless said otherwise)."""

    code = CrossLevelErrorCode.CROSSLEVEL_INVALID
