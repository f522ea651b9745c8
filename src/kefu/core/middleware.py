"""Request context for audit, Prometheus counters, and problem+json for errors outside DRF."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect

from kefu.core import devices, metrics, numbers
from kefu.core.context import RequestContext, current
from kefu.core.errors import PROBLEM_CONTENT_TYPE, DomainError, ErrorCode, problem, problem_response

logger = logging.getLogger("kefu.request")

API_PREFIXES = ("/api/", "/tmf-api/", "/federation/")


def client_ip(request) -> str | None:
    """The client's address; X-Forwarded-For counts only when a trusted proxy sent the request."""
    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and remote in settings.KEFU_TRUSTED_PROXIES:
        return forwarded.split(",")[0].strip() or remote
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith(API_PREFIXES) else "web"
        token = current.set(RequestContext(source_ip=client_ip(request), channel=channel))
        try:
            return self.get_response(request)
        finally:
            current.reset(token)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "unmatched"
        metrics.observe_request(request.method, route, response.status_code, time.perf_counter() - started)
        return response


class ProblemMiddleware:
    """API paths never answer with an HTML error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIXES)
            and response.status_code in (404, 405, 500)
            and "json" not in response.get("Content-Type", "")
        ):
            code = {404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED}.get(
                response.status_code, ErrorCode.INTERNAL
            )
            return problem_response(
                response.status_code,
                code,
                "No such resource." if response.status_code == 404 else "Error.",
                instance=request.get_full_path(),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A row id in an API path (``pk``, ``id``, ``…_id``) that is digits but not ASCII ones, or a
        number past 64 bits, is bad input (400 ``invalid_number``) before any view reads it: the one
        check for every endpoint, native and TMF (``core/numbers.py``)."""
        if not request.path.startswith(API_PREFIXES):
            return None
        for name, value in view_kwargs.items():
            if isinstance(value, str) and (name in ("pk", "id") or name.endswith("_id")):
                try:
                    numbers.lookup_id(value, name=name)
                except DomainError as exc:
                    body = problem(400, exc.code, exc.message, instance=request.get_full_path())
                    if request.path.startswith("/tmf-api/"):
                        # TMF's Error shape besides RFC 9457's, as kefu.tmf.common renders it
                        body.update(reason=body["title"], message=exc.message, status="400")
                        body["@type"] = "Error"
                    return JsonResponse(
                        body,
                        status=400,
                        content_type=PROBLEM_CONTENT_TYPE,
                        json_dumps_params={"ensure_ascii": False},
                    )
        return None

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIXES):
            return None
        if isinstance(exception, Http404):
            return problem_response(404, ErrorCode.NOT_FOUND, "No such resource.", instance=request.path)
        logger.exception("unhandled error", extra={"path": request.path})
        return problem_response(
            500, ErrorCode.INTERNAL, "The server could not complete the request.", instance=request.path
        )


class ChineseByDefaultMiddleware:
    """zh-Hans unless the user chose otherwise with the language switch (its cookie).

    Django would follow the browser's Accept-Language; a centre's desktops must show Chinese whatever
    the browser was installed with, so the header is ignored and only an explicit choice counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class DeviceAccountMiddleware:
    """A device's session (a PIN pad, ``core/devices.py``) opens only its screen's views: another page
    sends it back to its screen, another API endpoint answers 403 problem+json."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not devices.is_device(user):
            return None
        match = request.resolver_match
        if devices.device_may_open(user, match.view_name if match else None):
            return None
        if request.path.startswith(API_PREFIXES):
            return problem_response(
                403,
                ErrorCode.PERMISSION_DENIED,
                "A PIN pad account is only for the customer to key a password.",
                instance=request.get_full_path(),
            )
        return redirect(devices.DEVICE_HOME[user.role])
