"""Stable error codes of the catalog (rendered as problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum


class CatalogErrorCode(StrEnum):
    BUSINESS_CODE_TAKEN = "business_code_taken"
    BUSINESS_NAME_TAKEN = "business_name_taken"
    BUSINESS_NAME_UNCHANGED = "business_name_unchanged"
    BUSINESS_ALREADY_OFFLINE = "business_already_offline"
    BUSINESS_ALREADY_ONLINE = "business_already_online"
    BUSINESS_INVALID = "business_invalid"
    EFFECTIVE_DATE_BEFORE_HISTORY = "effective_date_before_history"
    CATEGORY_REVISION_EMPTY = "category_revision_empty"
    CATEGORY_UNKNOWN = "category_unknown"
    CATEGORY_INVALID = "category_invalid"
    CATEGORY_DUPLICATE_NAME = "category_duplicate_name"
    CATEGORY_TOO_DEEP = "category_too_deep"
    CATEGORY_NAME_UNCHANGED = "category_name_unchanged"
