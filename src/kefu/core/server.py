"""The gunicorn worker of ``kefu serve``: uvicorn's, with kefu's shutdown timing.

An open event stream never finishes by itself, so a graceful shutdown that waited for every request
would wait for ever (gunicorn's default: 30 s, then a kill). Streams get ``GRACE_SECONDS`` — the
browsers reconnect to whatever process serves next — and Ctrl-C on ``kefu demo`` returns in a few
seconds. Ordinary requests finish well within it.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from gunicorn.arbiter import Arbiter
from uvicorn.server import Server
from uvicorn_worker import UvicornWorker

from kefu.core import live

GRACE_SECONDS = 2
"""uvicorn's wait for open requests on shutdown (streams end at once, see ``_Server``); gunicorn's
``--graceful-timeout`` is one more."""


class _Server(Server):
    def handle_exit(self, sig, frame) -> None:
        super().handle_exit(sig, frame)
        # open streams end now rather than at the end of the grace period (a signal handler: the
        # hub is touched from the loop, not from here)
        self._loop.call_soon_threadsafe(live.end_all_streams)


class Worker(UvicornWorker):
    CONFIG_KWARGS = {
        "loop": "auto",
        "http": "auto",
        "lifespan": "off",  # Django speaks no lifespan protocol; uvicorn would say so at every start
        "timeout_graceful_shutdown": GRACE_SECONDS,
    }

    async def _serve(self) -> None:
        self.config.app = self.wsgi
        server = _Server(config=self.config)
        server._loop = asyncio.get_running_loop()
        # gunicorn's quick stop (its master got SIGINT: Ctrl-C) sends the workers SIGQUIT, which
        # uvicorn-worker only notes on gunicorn's side: the server kept serving until the kill at the
        # end of the graceful timeout. Here it stops the server like SIGTERM does.
        asyncio.get_running_loop().add_signal_handler(
            signal.SIGQUIT, server.handle_exit, signal.SIGTERM, None
        )
        await server.serve(sockets=self.sockets)
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)
