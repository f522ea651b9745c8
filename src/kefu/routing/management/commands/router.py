"""``kefu router``: the one process that decides which agent takes which call (ADR 0008)."""

from __future__ import annotations

import signal
import threading
import urllib.parse

from django.conf import settings
from django.core.management.base import BaseCommand

from kefu.routing.server import RouterLock, RouterProcess


class Command(BaseCommand):
    help = (
        "Run the call router: takes the router lock (a second one waits as a standby), rebuilds the ACD "
        "from the database and serves the web processes' commands on KEFU_ROUTER_URL's port."
    )

    def add_arguments(self, parser):
        url = urllib.parse.urlparse(getattr(settings, "KEFU_ROUTER_URL", "") or "http://127.0.0.1:8765")
        parser.add_argument("--host", default=url.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=url.port or 8765)

    def handle(self, *args, **options):
        stop = threading.Event()
        process: list[RouterProcess] = []

        def end(*_):
            stop.set()
            if process:
                process[0].shutdown()

        signal.signal(signal.SIGTERM, end)
        signal.signal(signal.SIGINT, end)
        lock = RouterLock()
        if not lock.wait(stop=stop, out=lambda text: self.stdout.write(text, ending="\n")):
            return
        router = RouterProcess(host=options["host"], port=options["port"], lock=lock)
        process.append(router)
        core = router.service.core
        self.stdout.write(
            f"router serving on http://{options['host']}:{options['port']}/ "
            f"({len(core.queues)} queues, {len(core.agents)} agents, {len(core.calls)} live calls restored)"
        )
        self.stdout.flush()
        if stop.is_set():
            return
        router.serve()
        if router.lost_lock:
            raise SystemExit(3)
