"""Stable error codes of SP quality files (problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum


class SpQualityErrorCode(StrEnum):
    VALIDATION_FAILED = "validation_failed"  # e.g. a month not written YYYY-MM
    NOT_A_PROVINCE = "not_a_province"  # province files are made on a province node only
    ALREADY_ACCEPTED = "already_accepted"  # the hub accepted the file: it can no longer change
    NOT_GENERATED = "not_generated"  # no file for that month yet
