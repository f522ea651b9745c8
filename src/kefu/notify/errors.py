"""Stable error codes of the notify app (rendered as problem+json ``code``). Generic codes
(``validation_failed``) come from :class:`kefu.core.errors.ErrorCode`."""

from enum import StrEnum


class NotifyErrorCode(StrEnum):
    NO_PROVINCE = "no_province"  # the message belongs to no province the node knows
    INVALID_EMAIL = "invalid_email"
    INVALID_FAX = "invalid_fax"
