"""How web processes reach the router: ``router()``.

With ``KEFU_ROUTER_URL`` set (``http://127.0.0.1:8765``) every command goes to the one ``kefu router``
process over HTTP (ADR 0008), so several web processes agree on one decision per call by
construction. Without it (unit tests, a single process) the router runs in this process: the same
:class:`kefu.routing.service.RouterService`, so the same code path (command → core → persistence).
Either way a command answers a JSON-able dict or raises :class:`kefu.routing.core.RoutingError`.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse
from collections.abc import Callable

from django.conf import settings

from kefu.routing.core import RoutingError

_local = None
_local_lock = threading.Lock()
_clock: Callable[[], float] = time.time


def router_url() -> str:
    return (getattr(settings, "KEFU_ROUTER_URL", "") or "").rstrip("/")


def router():
    """The router of this deployment: a client of ``kefu router``, or the in-process one."""
    url = router_url()
    if url:
        return RemoteRouter(url)
    global _local
    with _local_lock:
        if _local is None:
            from kefu.routing.service import RouterService

            _local = RouterService(clock=_clock)
        return _local


def now() -> float:
    """The routing clock (seconds since the epoch; a test may set another with :func:`forget`)."""
    return _clock()


def forget(*, clock: Callable[[], float] | None = None) -> None:
    """Drop the in-process router (it is rebuilt from the database on next use), optionally with
    another clock: tests roll the database back between them and drive time themselves."""
    global _local, _clock
    with _local_lock:
        _local = None
        _clock = clock or time.time


class RemoteRouter:
    """The ``kefu router`` process, called over HTTP: ``POST {url}/commands/{name}`` with the keyword
    arguments as a JSON object; 200 with the result, 4xx with ``{"code", "message"}``. Each thread keeps
    one keep-alive connection (a new one after the router restarted)."""

    TIMEOUT = 10.0
    _connections = threading.local()

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = urllib.parse.urlparse(url)
        self._host, self._port = parsed.hostname or "127.0.0.1", parsed.port or 80

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        pool = self._connections.__dict__.setdefault("by_url", {})
        connection = pool.get(self.url)
        if connection is None:
            connection = pool[self.url] = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        return connection

    def _command(self, name: str, timeout: float | None = None, **arguments):
        body = json.dumps(arguments).encode()
        headers = {"Content-Type": "application/json"}
        for attempt in (1, 2):
            connection = self._connection(timeout or self.TIMEOUT)
            try:
                connection.request("POST", f"/commands/{name}", body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                connection.close()  # a kept connection the router closed (it restarted): once more
                if attempt == 2:
                    raise RoutingError(
                        "router_unavailable", f"the router at {self.url} does not answer: {error}"
                    )
            except OSError as error:
                connection.close()
                raise RoutingError("router_unavailable", f"the router at {self.url} does not answer: {error}")
        try:
            answer = json.loads(data)
        except ValueError:
            answer = {}
        if response.status != 200:
            raise RoutingError(
                answer.get("code", "router_unavailable"), answer.get("message", f"HTTP {response.status}")
            )
        return answer

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda **arguments: self._command(name, **arguments)

    def wait_call(self, call_id: str, *, wait: float) -> dict:
        return self._command("wait_call", timeout=wait + self.TIMEOUT, call_id=call_id, wait=wait)

    def snapshot(self) -> dict:
        return self._command("snapshot")

    def now(self) -> float:
        return time.time()
