"""The live hub: one bus listener per web process feeds every open event stream of that process.

Under ASGI an open Server-Sent Events stream is a coroutine waiting on an :class:`asyncio.Queue`; it
holds no thread and no database connection. What fills the queues is ONE listener per process (and
per event loop): with the Redis bus a single ``redis.asyncio`` connection pattern-subscribed to
``kefu:*``; with the embedded table bus a single task that polls the table every 0.2 s with one query
for every channel some stream of this process wants. A stream subscribes with its channels, reads its
queue and unsubscribes when it ends — at once when the browser goes away, since Django cancels a
streaming response's iterator on ``http.disconnect``.

When the listener loses its source (Redis restarts, the database goes away) every stream of the
process is ended with :data:`CLOSED`: the browsers reconnect and fetch a snapshot of what they may
have missed (``/api/v1/desk/live``), and the next subscriber starts a new listener.

Publishing stays in :mod:`kefu.core.bus` (sync, after commit); the WSGI path of the stream keeps using
``Bus.listen`` there.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings

logger = logging.getLogger("kefu.live")

CLOSED = object()
"""Put on a subscriber's queue when the hub stops: the stream ends and the browser reconnects."""

QUEUE_SIZE = 256  # a stream this far behind is stuck: it is ended rather than let grow without bound


@dataclass(eq=False)
class Subscription:
    """One open stream: the channels it listens to and the queue the hub fills."""

    channels: frozenset[str]
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    since: int = 0  # table bus: rows up to this id were published before the stream subscribed
    claimed: bool = False  # the stream's response has started reading it (see Hub.subscribe)


class Hub:
    """Channel → subscriptions of this process and event loop, and the one listener that feeds them."""

    def __init__(self, url: str):
        self.url = url
        self._by_channel: dict[str, set[Subscription]] = {}
        self._listener: asyncio.Task | None = None
        self._ready: asyncio.Future | None = None
        self._cursor = 0  # table bus: the newest row id the poll has seen
        self.delivered = 0  # messages put on queues (tests and the debug counter read it)

    # ---- subscribers ----
    @property
    def streams(self) -> int:
        """How many streams are open on this process (each subscription once, from its first byte)."""
        return len({sub for subs in self._by_channel.values() for sub in subs if sub.claimed})

    CLAIM_SECONDS = 5.0

    async def subscribe(self, channels: list[str]) -> Subscription:
        """Register a stream; once this returns, every message published to ``channels`` reaches it.

        The view subscribes before it answers, so that the browser's "open" (the response's headers)
        means "listening". A response Django never starts to send (the browser left while the view
        ran, e.g. a quick page change) never reads it: unless :meth:`claim`-ed within
        ``CLAIM_SECONDS`` it is dropped."""
        await self.start()
        sub = Subscription(channels=frozenset(channels), since=self._cursor)
        for channel in sub.channels:
            self._by_channel.setdefault(channel, set()).add(sub)
        asyncio.get_running_loop().call_later(self.CLAIM_SECONDS, self._drop_unclaimed, sub)
        return sub

    def claim(self, sub: Subscription) -> None:
        """The stream's response starts: keep its subscription (registering it again if it was
        dropped meanwhile, on a server too busy to start the response within ``CLAIM_SECONDS``)."""
        sub.claimed = True
        for channel in sub.channels:
            self._by_channel.setdefault(channel, set()).add(sub)

    def _drop_unclaimed(self, sub: Subscription) -> None:
        if not sub.claimed:
            self.unsubscribe(sub)

    def unsubscribe(self, sub: Subscription) -> None:
        for channel in sub.channels:
            subs = self._by_channel.get(channel)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._by_channel[channel]

    def deliver(self, channel: str, message: dict, *, row_id: int | None = None) -> None:
        for sub in list(self._by_channel.get(channel, ())):
            if row_id is not None and row_id <= sub.since:
                continue
            try:
                sub.queue.put_nowait(message)
                self.delivered += 1
            except asyncio.QueueFull:
                logger.warning("a live stream fell %s messages behind; ending it", QUEUE_SIZE)
                self.unsubscribe(sub)
                _end(sub)

    # ---- the listener ----
    async def start(self) -> None:
        """Start the listener if none runs and wait until it listens (raises when it cannot)."""
        if self._ready is None:
            self._ready = asyncio.get_running_loop().create_future()
            self._listener = asyncio.create_task(self._run(), name="kefu-live-listener")
        await asyncio.shield(self._ready)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            try:
                await self._listener
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - stopping whatever state it is in
                pass

    async def _run(self) -> None:
        ready = self._ready
        try:
            if self.url.startswith(("redis://", "rediss://", "unix://")):
                await self._listen_redis(ready)
            else:
                await self._poll_table(ready)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of the source ends the streams alike
            logger.warning("the live listener stopped: %s", exc)
            if not ready.done():
                ready.set_exception(exc)
                ready.exception()  # retrieved here: the waiting subscriber re-raises it
        finally:
            self._close_all()

    def end_streams(self) -> None:
        """End every open stream of this hub (the process is shutting down, or lost its source)."""
        subs = {sub for subs in self._by_channel.values() for sub in subs}
        self._by_channel.clear()
        for sub in subs:
            _end(sub)

    def _close_all(self) -> None:
        """End every stream and forget the listener: the next subscriber starts a fresh one."""
        self._ready = None
        self._listener = None
        self.end_streams()

    async def _listen_redis(self, ready: asyncio.Future) -> None:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(self.url)
        pubsub = client.pubsub()
        try:
            await pubsub.psubscribe("kefu:*")
            while True:
                message = await pubsub.get_message(timeout=30.0)
                if message is None:
                    continue
                if message["type"] == "psubscribe":
                    if not ready.done():
                        ready.set_result(True)
                    continue
                if message["type"] != "pmessage":
                    continue
                channel = message["channel"].decode()[len("kefu:") :]
                if channel in self._by_channel:
                    self.deliver(channel, json.loads(message["data"]))
        finally:
            await pubsub.aclose()
            await client.aclose()

    POLL_SECONDS = 0.2

    async def _poll_table(self, ready: asyncio.Future) -> None:
        # One thread of its own keeps the one database connection of the poll between two polls.
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kefu-live-poll")
        loop = asyncio.get_running_loop()
        try:
            self._cursor = await loop.run_in_executor(executor, _table_head)
            ready.set_result(True)
            while True:
                await asyncio.sleep(self.POLL_SECONDS)
                wanted = list(self._by_channel)
                head, rows = await loop.run_in_executor(executor, _table_rows, self._cursor, wanted)
                self._cursor = head
                for row_id, channel, payload in rows:
                    self.deliver(channel, payload, row_id=row_id)
        finally:
            executor.submit(_close_connections)
            executor.shutdown(wait=False)


def _end(sub: Subscription) -> None:
    """Drop what the stream has not read yet and tell it to end (it reads :data:`CLOSED` next)."""
    while not sub.queue.empty():
        sub.queue.get_nowait()
    sub.queue.put_nowait(CLOSED)


async def next_message(sub: Subscription, *, timeout: float):
    """The stream's next message, :data:`CLOSED` when the hub ended it, or None after ``timeout``
    seconds of silence (a keep-alive is due)."""
    try:
        return await asyncio.wait_for(sub.queue.get(), timeout)
    except TimeoutError:
        return None


def _table_head() -> int:
    from kefu.core.models import BusMessage

    return BusMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _table_rows(cursor: int, channels: list[str]) -> tuple[int, list[tuple[int, str, dict]]]:
    """The newest row id, and the rows after ``cursor`` up to it on ``channels``: every channel some
    stream of this process wants, in one query."""
    from kefu.core.models import BusMessage

    head = _table_head()
    if not channels or head <= cursor:
        return max(head, cursor), []
    rows = list(
        BusMessage.objects.filter(id__gt=cursor, id__lte=head, channel__in=channels)
        .order_by("id")
        .values_list("id", "channel", "payload")
    )
    return head, rows


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def get_hub() -> Hub:
    """This event loop's hub (one per web process under uvicorn; tests run loops of their own)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(getattr(settings, "KEFU_BUS_URL", "db"))
    return hub


def open_streams() -> int:
    """Streams open on this process, over every event loop's hub (the ``/metrics`` gauge)."""
    return sum(hub.streams for hub in list(_hubs.values()))


def end_all_streams() -> None:
    """End every stream of this process (``kefu serve`` calls it on the event loop when asked to stop):
    the responses complete, their connections close, and the shutdown needs no grace period."""
    for hub in list(_hubs.values()):
        hub.end_streams()
