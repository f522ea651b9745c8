"""Enumerate every route of the URL conf, so scope and schema tests cover new endpoints by themselves."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver

API_PREFIXES = ("api/v1/", "tmf-api/", "federation/")
UI_EXCLUDE = ("admin/", "api/", "i18n/", "static/", "healthz", "readyz", "metrics", "login/", "logout/")
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Route:
    route: str  # Django route text, e.g. "api/v1/subscribers/<str:number>"
    callback: object
    name: str | None
    params: list[str] = field(default_factory=list)

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API_PREFIXES)

    @property
    def openapi_path(self) -> str:
        # drf-spectacular names a primary-key parameter "id"
        return "/" + _PARAM.sub(
            lambda m: "{" + {"pk": "id"}.get(m.group("name"), m.group("name")) + "}", self.route
        )

    def path_with(self, values: dict[str, str]) -> str:
        return "/" + _PARAM.sub(lambda m: str(values[m.group("name")]), self.route)

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def actions(self) -> dict[str, str]:
        """HTTP method -> handler for DRF viewsets; for plain views, the methods they define."""
        mapping = getattr(self.callback, "actions", None)
        if mapping:
            return dict(mapping)
        cls = self.view_class
        if cls is None:
            return {"get": "get", "post": "post"}
        return {m: m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)}


def _regex_to_route(regex: str) -> str:
    """Turn a router's regex (e.g. ^subscribers/(?P<number>[^/.]+)$) into route text."""
    text = regex.lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    text = text.replace("\\.", ".")
    if "(" in text or "[" in text or "?" in text or "\\" in text:
        return ""
    return text


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        pattern = entry.pattern
        text = getattr(pattern, "_route", None)
        if text is None:
            text = _regex_to_route(pattern.regex.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + text)
        elif isinstance(entry, URLPattern):
            if not text and pattern.regex.pattern not in ("^$", ""):
                continue  # format-suffix duplicates and other regex-only routes
            full = prefix + text
            params = [m.group("name") for m in _PARAM.finditer(full)]
            yield Route(route=full, callback=entry.callback, name=entry.name, params=params)


def all_routes(resolver) -> list[Route]:
    seen = set()
    routes = []
    for route in _walk(resolver.url_patterns):
        if route.route in seen:
            continue
        seen.add(route.route)
        routes.append(route)
    return routes


def api_routes(resolver) -> list[Route]:
    return [r for r in all_routes(resolver) if r.is_api]


def ui_routes(resolver) -> list[Route]:
    return [r for r in all_routes(resolver) if not r.is_api and not r.route.startswith(UI_EXCLUDE)]
