"""The ``kefu router`` process: one RouterService for the deployment, behind a small HTTP server.

- **One decider.** The process takes a lock before it serves: ``pg_try_advisory_lock`` on PostgreSQL
  (held by a connection of its own for the process's life), an ``fcntl`` lock on
  ``KEFU_DATA_DIR/router.lock`` on SQLite. A second ``kefu router`` waits as a standby and takes over
  when the first one's lock goes (its process or connection ended).
- **One thread touches the core and the database.** HTTP requests (a thread each) hand their command
  to a single executor thread and wait for its answer; the same thread ticks every ``TICK`` seconds.
  A long poll (``wait_call``) waits in its HTTP thread on the service's condition, asking the executor
  again whenever a command changed something.
"""

from __future__ import annotations

import fcntl
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from kefu.routing.core import RoutingError

logger = logging.getLogger("kefu.routing")

TICK = 0.5
LOCK_KEY = 0x6B6566750E  # "kefu" + 14: the advisory lock of the router
MAX_WAIT = 120.0

# the commands a client may call (RouterService's public methods)
COMMANDS = frozenset(
    {
        "offer", "call", "ring", "answer", "hangup", "abandon", "no_answer", "set_state", "end_wrapup",
        "agent", "upsert_seat", "reload", "tick", "snapshot",
    }
)  # fmt: skip

STATUS = {
    "call_exists": 409,
    "unknown_call": 404,
    "unknown_queue": 404,
    "unknown_agent": 404,
    "agent_not_logged_in": 409,
    "agent_busy": 409,
    "call_not_offered": 409,
    "call_not_waiting": 409,
    "not_in_wrapup": 409,
    "invalid_state": 422,
    "bad_request": 400,
}


class RouterLock:
    """The lock that makes this process the only router (PostgreSQL advisory lock or a lock file)."""

    def __init__(self) -> None:
        self._file = None
        self._connection = None  # PostgreSQL: the session holding the advisory lock, ours alone
        self.postgres = connection.vendor == "postgresql"

    def try_acquire(self) -> bool:
        if self.postgres:
            if self._connection is None:
                self._connection = connection.get_new_connection(connection.get_connection_params())
                self._connection.autocommit = True
            with self._connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
                return bool(cursor.fetchone()[0])
        path = Path(settings.DATA_DIR) / "router.lock"
        handle = open(path, "a+")  # noqa: SIM115 - held open for the process's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        """Whether the lock is still ours: on PostgreSQL the session holding it may have ended (the
        server restarted, the connection was cut), and then a standby may already decide."""
        if not self.postgres:
            return self._file is not None
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                    "AND classid = %s AND objid = %s AND granted",
                    [LOCK_KEY >> 32, LOCK_KEY & 0xFFFFFFFF],
                )
                return cursor.fetchone()[0] > 0
        except Exception:  # the connection is gone, and the lock with it
            return False

    def wait(self, *, stop: threading.Event, every: float = 1.0, out=None) -> bool:
        announced = False
        while not stop.is_set():
            if self.try_acquire():
                return True
            if not announced and out is not None:
                out("another router holds the lock: waiting as a standby")
                announced = True
            stop.wait(every)
        return False


class RouterProcess:
    LOCK_CHECK = 5.0  # seconds between two checks that the router lock is still held

    def __init__(self, *, host: str, port: int, lock: RouterLock | None = None) -> None:
        self.lock = lock
        self.lost_lock = False

        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="router")
        # the service is built (and rebuilt from the database) in the executor's thread: that thread's
        # connection is the only one the core's persistence uses
        self.service = self.executor.submit(self._start).result()
        self.stop = threading.Event()
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True

    @staticmethod
    def _start():
        from kefu.routing.service import RouterService

        if connection.vendor == "postgresql":
            # The router's writes need not wait for the WAL flush: a crash of the router loses nothing
            # committed, and only a crash of the database server itself could lose the last few
            # milliseconds of commits (PostgreSQL's asynchronous commit; the data stays consistent).
            # It cuts each command's cost several-fold, and commands run one at a time.
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")
        return RouterService(auto_tick=False)

    def run(self, *args, **kw):
        return self.executor.submit(*args, **kw).result()

    def serve(self) -> None:
        ticker = threading.Thread(target=self._tick, name="router-tick", daemon=True)
        ticker.start()
        try:
            self.server.serve_forever(poll_interval=0.2)
        finally:
            self.stop.set()
            self.server.server_close()
            self.executor.submit(connections.close_all).result()
            self.executor.shutdown()

    def shutdown(self) -> None:
        self.stop.set()
        threading.Thread(target=self.server.shutdown, daemon=True).start()

    def _tick(self) -> None:
        checked = time.monotonic()
        while not self.stop.wait(TICK):
            if self.lock is not None and time.monotonic() - checked >= self.LOCK_CHECK:
                checked = time.monotonic()
                if not self.lock.held():
                    # another router may decide now: stop at once rather than decide twice
                    logger.error("router lock lost: stopping")
                    self.lost_lock = True
                    self.shutdown()
                    return
            try:
                self.run(self.service.tick)
            except Exception:  # a failing tick (database gone a moment) must not stop the router
                logger.exception("router tick failed")

    def wait_call(self, call_id: str, wait: float) -> dict:
        deadline = time.monotonic() + max(0.0, min(wait, MAX_WAIT))
        while True:
            version = self.service.version
            answer = self.run(self.service.call, call_id=call_id)
            remaining = deadline - time.monotonic()
            if answer["state"] != "queued" or remaining <= 0:
                return answer
            with self.service.changed:
                if self.service.version == version:
                    self.service.changed.wait(min(remaining, 1.0))

    def _handler(self):
        process = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # keep-alive with small answers: without TCP_NODELAY, Nagle's algorithm and the client's
            # delayed ACK hold each answer ~40 ms
            disable_nagle_algorithm = True

            def log_message(self, format, *args):  # noqa: A002 - the base class's name
                logger.debug("router: " + format, *args)

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802 - http.server's name
                if self.path == "/healthz":
                    return self._answer(200, {"ok": True, "agents": len(process.service.core.agents)})
                return self._answer(404, {"code": "not_found", "message": self.path})

            def do_POST(self):  # noqa: N802
                name = self.path.removeprefix("/commands/")
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    arguments = json.loads(self.rfile.read(length) or b"{}")
                    if not isinstance(arguments, dict):
                        raise ValueError("arguments must be an object")
                except ValueError as error:
                    return self._answer(400, {"code": "bad_request", "message": str(error)})
                try:
                    if name == "wait_call":
                        result = process.wait_call(
                            str(arguments.get("call_id", "")), float(arguments.get("wait", 0))
                        )
                    elif name in COMMANDS:
                        result = process.run(getattr(process.service, name), **arguments)
                    else:
                        return self._answer(404, {"code": "not_found", "message": f"no command {name}"})
                except RoutingError as error:
                    return self._answer(
                        STATUS.get(error.code, 409), {"code": error.code, "message": str(error)}
                    )
                except TypeError as error:
                    return self._answer(400, {"code": "bad_request", "message": str(error)})
                except Exception:
                    logger.exception("router command %s failed", name)
                    return self._answer(500, {"code": "internal_error", "message": f"command {name} failed"})
                return self._answer(200, result)

        return Handler
