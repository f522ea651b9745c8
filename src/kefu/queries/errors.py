"""Stable error codes of the queries app (rendered as problem+json ``code``). Generic codes
(``validation_failed``) come from :class:`kefu.core.errors.ErrorCode`."""

from enum import StrEnum


class QueryErrorCode(StrEnum):
    UNKNOWN_CONTACT = "unknown_contact"
    INVALID_RECIPIENT = "invalid_recipient"  # results by SMS go to the queried number only
    NO_EMAIL_ADDRESS = "no_email_address"
