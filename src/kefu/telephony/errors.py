"""Stable error codes of telephony (rendered as problem+json ``code``). Generic codes
(``validation_failed``) come from :class:`kefu.core.errors.ErrorCode`."""

from enum import StrEnum


class TelephonyErrorCode(StrEnum):
    UNKNOWN_AGENT = "unknown_agent"
    CALL_AGENT_MISMATCH = "call_agent_mismatch"
