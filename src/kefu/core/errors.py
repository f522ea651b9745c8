"""RFC 9457 problem details with a stable ``code`` for every error kefu answers.

Domain code raises :class:`DomainError` (or a subclass) with a code from :class:`ErrorCode`; the DRF
exception handler and :class:`kefu.core.middleware.ProblemMiddleware` turn every error into
``application/problem+json``. A stack trace never leaves the server.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

logger = logging.getLogger("kefu.errors")

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    VALIDATION_FAILED = "validation_failed"
    INVALID_NUMBER = "invalid_number"  # not ASCII digits, or out of range (core/numbers.py)
    MALFORMED_BODY = "malformed_body"
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    LOGIN_LOCKED = "login_locked"
    PERMISSION_DENIED = "permission_denied"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    CONFLICT = "conflict"
    UNPROCESSABLE = "unprocessable"
    THROTTLED = "throttled"
    SERVICE_UNAVAILABLE = "service_unavailable"
    AUDIT_UNAVAILABLE = "audit_unavailable"  # a view of personal data whose audit row cannot be written
    INTERNAL = "internal_error"


TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    423: "Locked",
    429: "Too Many Requests",
    503: "Service Unavailable",
    500: "Internal Server Error",
}


class DomainError(Exception):
    """An error a user can act on: a stable code, an HTTP status and a readable message."""

    status = 422
    code: str = ErrorCode.UNPROCESSABLE

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None, **extra):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        if status:
            self.status = status
        self.extra = extra


class ConflictError(DomainError):
    status = 409
    code = ErrorCode.CONFLICT


class NotFoundError(DomainError):
    status = 404
    code = ErrorCode.NOT_FOUND


class ScopeError(DomainError):
    """Raised when a write targets data outside the user's scope."""

    status = 403
    code = ErrorCode.OUT_OF_SCOPE


class LoginLocked(DomainError):
    """Staff login: too many consecutive failures; the job number is locked for a while."""

    status = 423
    code = ErrorCode.LOGIN_LOCKED


class LoginFailed(DomainError):
    """Staff login: wrong job number or password (which one is not said)."""

    status = 401
    code = ErrorCode.AUTHENTICATION_FAILED


def problem(status: int, code: str, detail: str, *, instance: str = "", **extra) -> dict:
    body = {
        "type": f"https://kefu.dev/problems/{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "code": str(code),
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(status: int, code: str, detail: str, *, instance: str = "", headers=None, **extra):
    """A plain Django response (for middleware and non-DRF views)."""
    response = JsonResponse(
        problem(status, code, detail, instance=instance, **extra),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


_DRF_CODES = {
    drf.ParseError: ErrorCode.MALFORMED_BODY,
    drf.NotAuthenticated: ErrorCode.NOT_AUTHENTICATED,
    drf.AuthenticationFailed: ErrorCode.AUTHENTICATION_FAILED,
    drf.PermissionDenied: ErrorCode.PERMISSION_DENIED,
    drf.NotFound: ErrorCode.NOT_FOUND,
    drf.MethodNotAllowed: ErrorCode.METHOD_NOT_ALLOWED,
    drf.NotAcceptable: ErrorCode.NOT_ACCEPTABLE,
    drf.UnsupportedMediaType: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    drf.Throttled: ErrorCode.THROTTLED,
    drf.ValidationError: ErrorCode.VALIDATION_FAILED,
}


def flatten_detail(detail) -> str:
    """A validation error's detail (nested dicts and lists) as one line of text."""
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {flatten_detail(v)}" for k, v in detail.items())
    if isinstance(detail, list):
        return "; ".join(flatten_detail(v) for v in detail)
    return str(detail)


def problem_exception_handler(exc, context):
    """DRF's exception handler: every error as problem+json."""
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    headers = {}
    if isinstance(exc, DomainError):
        body = problem(exc.status, exc.code, exc.message, instance=instance, **exc.extra)
        return Response(body, status=exc.status, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(exc.message_dict if hasattr(exc, "message_dict") else exc.messages)
    if isinstance(exc, drf.APIException):
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), ErrorCode.BAD_REQUEST)
        extra = {}
        if isinstance(exc, drf.ValidationError):
            extra["errors"] = exc.detail
            detail = flatten_detail(exc.detail)
        else:
            detail = str(exc.detail)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
            extra["retry_after"] = int(exc.wait)
        status = exc.status_code
        body = problem(status, code, detail, instance=instance, **extra)
        return Response(body, status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers)
    logger.exception("unhandled error", extra={"path": instance})
    body = problem(500, ErrorCode.INTERNAL, "The server could not complete the request.", instance=instance)
    return Response(body, status=500, content_type=PROBLEM_CONTENT_TYPE)
