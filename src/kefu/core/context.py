"""Who is acting and from where, for the current request (read by audit)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    source_ip: str | None = None
    channel: str = ""


current: ContextVar[RequestContext] = ContextVar("kefu_request_context", default=RequestContext())  # noqa: B039 - frozen
