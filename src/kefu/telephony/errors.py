"""Stable error codes of telephony (rendered as problem+json ``code``). Generic codes
(``validation_failed``) come from :class:`kefu.core.errors.ErrorCode`."""

from enum import StrEnum


class TelephonyErrorCode(StrEnum):
    UNKNOWN_AGENT = "unknown_agent"
    CALL_AGENT_MISMATCH = "call_agent_mismatch"
    SEAT_BUSY = "seat_busy"  # the seat already holds KEFU_CALLS_PER_SEAT calls
    CALL_NOT_HELD = "call_not_held"  # resume of a call that is not on hold
    NOT_IN_CALL = "contact_not_in_call"  # a contact named as the current call's is not
    UNKNOWN_CALL = "unknown_call"  # hangup or resume of a call never rung nor answered
