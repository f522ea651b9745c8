"""Error codes of authentication (stable: the desktop and integrators switch on them)."""

from enum import StrEnum


class AuthErrorCode(StrEnum):
    AUTH_FAILED = "auth_failed"
    AUTH_LOCKED = "auth_locked"
    AUTH_REQUIRED = "auth_required"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"
    METHOD_NOT_ALLOWED_FOR_ROLE = "auth_method_not_allowed"
    MISSING_FIELD = "validation_failed"
    NO_ACTIVE_CALL = "no_active_call"
    COLLECTION_DONE = "collection_already_done"
    OTP_NOT_SENT = "otp_not_sent"
