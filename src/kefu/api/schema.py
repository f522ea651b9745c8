"""The OpenAPI document, built once per process and language, and built ahead at start-up.

drf-spectacular walks every endpoint and serializer on each request to ``/api/schema/``: about two
seconds of CPU here, and far more on a loaded server, which made ``/api/docs/`` take many seconds to
open. The document only changes with the code, so a process builds it once per language and URL conf
and serves that copy; ``schema_warm_in_background`` builds the default language's document when the
web process starts (``kefu.wsgi``), so the first reader waits for nothing. A request arriving while the
warm-up still runs waits for it instead of building a second copy.

The rendered bytes are cached too (per media type): rendering 300 kB of YAML costs as much again.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

logger = logging.getLogger("kefu.api.schema")

_lock = threading.Lock()
_documents: dict[tuple, dict] = {}
_rendered: dict[tuple, tuple[bytes, str]] = {}


def forget_schema() -> None:
    """Drop the built documents (tests that change the URL conf or settings)."""
    with _lock:
        _documents.clear()
        _rendered.clear()


def _key(version, language: str | None = None) -> tuple:
    return (language or translation.get_language(), version, get_urlconf() or settings.ROOT_URLCONF)


class CachedSchemaView(SpectacularAPIView):
    """``/api/schema/``: drf-spectacular's view serving the document built once per process, and its
    rendering once per media type."""

    _render_key: tuple | None = None

    @extend_schema(exclude=True)  # as drf-spectacular's own view: the document does not list itself
    def get(self, request, *args, **kwargs):
        language = request.GET.get("lang") if settings.USE_I18N and request.GET.get("lang") else None
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (*_key(version, language), request.accepted_media_type)
        cached = _rendered.get(key)
        if cached is not None:
            content, content_type, disposition = cached
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = disposition
            return response
        self._render_key = key
        return super().get(request, *args, **kwargs)

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = _key(version)
        with _lock:
            document = _documents.get(key)
            if document is None:
                started = time.perf_counter()
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                document = _documents[key] = generator.get_schema(request=request, public=self.serve_public)
                logger.info(
                    "OpenAPI document built", extra={"seconds": round(time.perf_counter() - started, 2)}
                )
        filename = self._get_filename(request, version)
        return Response(data=document, headers={"Content-Disposition": f'inline; filename="{filename}"'})

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._render_key is not None and response.status_code == 200 and isinstance(response, Response):
            response.render()
            _rendered[self._render_key] = (
                response.content,
                response["Content-Type"],
                response.get("Content-Disposition", ""),
            )
        return response


def schema_warm() -> None:
    """Build the default language's document now, rendered as Swagger UI asks for it (JSON)."""
    request = RequestFactory().get("/api/schema/", HTTP_ACCEPT="application/json,*/*")
    with translation.override(settings.LANGUAGE_CODE):
        CachedSchemaView.as_view()(request)


def schema_warm_in_background() -> threading.Thread | None:
    """Start building the document in a daemon thread, so that a web process answers its first
    ``/api/docs/`` at once; off when ``KEFU_SCHEMA_WARM`` is false."""
    if not settings.KEFU_SCHEMA_WARM:
        return None
    try:
        reverse("schema")
    except NoReverseMatch:  # a node without the API document (hub, SIMS, platform)
        return None

    def run() -> None:
        try:
            schema_warm()
        except Exception:  # the page still builds on demand; a failed warm-up must not kill the worker
            logger.exception("OpenAPI warm-up failed")
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="kefu-schema-warm", daemon=True)
    thread.start()
    return thread
