"""Error codes and error classes of authentication (stable: the desktop and integrators switch on the
codes). Generic codes (``validation_failed``, ``permission_denied``) come from
:class:`kefu.core.errors.ErrorCode`."""

from enum import StrEnum

from kefu.core.errors import DomainError


class AuthErrorCode(StrEnum):
    AUTH_FAILED = "auth_failed"
    AUTH_LOCKED = "auth_locked"
    AUTH_REQUIRED = "auth_required"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"
    PASSWORD_UNCHANGED = "password_unchanged"
    METHOD_NOT_ALLOWED_FOR_ROLE = "auth_method_not_allowed"
    MISSING_FIELD = "validation_failed"
    NO_ACTIVE_CALL = "no_active_call"
    NOT_YOUR_CALL = "not_your_call"
    COLLECTION_DONE = "collection_already_done"
    OTP_NOT_SENT = "otp_not_sent"
    UNKNOWN_SUBSCRIBER = "unknown_subscriber"
    UNKNOWN_CONTACT = "unknown_contact"
    UNKNOWN_CALL = "unknown_call"
    UNKNOWN_COLLECTION = "unknown_collection"
    PASSWORD_NOT_FROM_CUSTOMER = "password_not_from_customer"
    FIRST_FACTOR_REQUIRED = "first_factor_required"
    NO_PIN_PAD = "no_pin_pad"
    # AUTH-5: a collection (IVR, PIN pad) asked for while the service password is locked
    PASSWORD_LOCKED = "password_locked"
    NOT_A_PIN_PAD_HOLDER = "not_a_pin_pad_holder"


class AuthFailed(DomainError):
    status = 401
    code = AuthErrorCode.AUTH_FAILED


class AuthLocked(DomainError):
    status = 423
    code = AuthErrorCode.AUTH_LOCKED


class AuthRequired(DomainError):
    status = 403
    code = AuthErrorCode.AUTH_REQUIRED


class PasswordNotFromCustomer(DomainError):
    """A service password or a one-time password from a session where staff, not the customer, would
    key it (AUTH-3). Nothing is checked, logged as an attempt or counted."""

    status = 403
    code = AuthErrorCode.PASSWORD_NOT_FROM_CUSTOMER
