"""Stable error codes of capability queries (problem+json ``code``). A failure on the way to the
platform keeps the federation's own code (:class:`kefu.federation.errors.FederationErrorCode`); a
platform's refusal keeps the platform's code."""

from __future__ import annotations

from enum import StrEnum


class CapabilityErrorCode(StrEnum):
    PERMISSION_DENIED = "permission_denied"  # a role that may not ask (CAP-1)
    VALIDATION_FAILED = "validation_failed"  # an unknown query or bad conditions
    UNKNOWN_QUERY = "unknown_query"  # the hub knows no platform business of that name
