"""A small publish/subscribe bus for pushing events to browsers across processes and machines.

Production uses Redis pub/sub (``KEFU_BUS_URL=redis://host:6379/0``); the embedded default
(``KEFU_BUS_URL=db``) keeps messages in a table for a minute and lets subscribers poll it, so that
several web processes on one SQLite file still reach each other without any server.

Publishing happens after the surrounding transaction commits: a browser never hears of a change that
was rolled back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone


class Bus(Protocol):
    def publish(self, channel: str, message: dict) -> None: ...

    def listen(self, channels: list[str], *, timeout: float) -> Iterator[dict | None]:
        """Yield messages as they come; yield None every ``timeout`` seconds of silence (keep-alive)."""
        ...


class RedisBus:
    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url)

    def publish(self, channel: str, message: dict) -> None:
        self._redis.publish(f"kefu:{channel}", json.dumps(message, ensure_ascii=False))

    def listen(self, channels: list[str], *, timeout: float) -> Iterator[dict | None]:
        # Subscribed now, not at the first next(): whatever is published after listen() returns is heard.
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(*[f"kefu:{c}" for c in channels])
        return self._poll(pubsub, timeout)

    @staticmethod
    def _poll(pubsub, timeout: float) -> Iterator[dict | None]:
        try:
            while True:
                message = pubsub.get_message(timeout=timeout)
                yield json.loads(message["data"]) if message else None
        finally:
            pubsub.close()


class DatabaseBus:
    POLL_SECONDS = 0.2
    KEEP = timedelta(minutes=1)

    PURGE_EVERY = 5.0  # seconds between two purges of old rows by one process

    def __init__(self):
        self._purged_at = 0.0

    def publish(self, channel: str, message: dict) -> None:
        from kefu.core.models import BusMessage

        BusMessage.objects.create(channel=channel, payload=message)
        # Old rows go now and then, not on every publish: a purge is a transaction of its own.
        if time.monotonic() - self._purged_at >= self.PURGE_EVERY:
            self._purged_at = time.monotonic()
            BusMessage.objects.filter(created_at__lt=timezone.now() - self.KEEP).delete()

    def listen(self, channels: list[str], *, timeout: float) -> Iterator[dict | None]:
        from kefu.core.models import BusMessage

        # Taken now, not at the first next(): whatever is published after listen() returns is heard.
        last = BusMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
        return self._poll(channels, last, timeout)

    def _poll(self, channels: list[str], last: int, timeout: float) -> Iterator[dict | None]:
        from django.db import close_old_connections

        from kefu.core.models import BusMessage

        quiet_since = time.monotonic()
        try:
            while True:
                rows = list(
                    BusMessage.objects.filter(channel__in=channels, id__gt=last)
                    .order_by("id")
                    .values_list("id", "payload")
                )
                for row_id, payload in rows:
                    last = row_id
                    quiet_since = time.monotonic()
                    yield payload
                if time.monotonic() - quiet_since >= timeout:
                    quiet_since = time.monotonic()
                    yield None
                time.sleep(self.POLL_SECONDS)
        finally:
            close_old_connections()


@lru_cache(maxsize=1)
def get_bus() -> Bus:
    url = getattr(settings, "KEFU_BUS_URL", "db")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBus(url)
    return DatabaseBus()


def publish_on_commit(channel: str, message: dict) -> None:
    """Publish once the current transaction commits (at once when there is none)."""
    transaction.on_commit(lambda: get_bus().publish(channel, message))
