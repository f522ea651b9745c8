"""Stable error codes of the reference business platform (problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum


class PlatformErrorCode(StrEnum):
    UNKNOWN_QUERY = "unknown_query"  # the platform does not offer this business/query
    VALIDATION_FAILED = "validation_failed"  # the query's conditions are not valid
