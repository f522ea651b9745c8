"""The live hub (kefu/core/live.py): one listener per web process fans the bus out to every open stream
of that process; a stream that ends leaves the hub at once."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from kefu.core import live
from kefu.core.bus import DatabaseBus, RedisBus

REDIS = "redis://127.0.0.1:6379/15"


def _run(scenario):
    """Run ``scenario()`` on an event loop of its own, in a thread of its own: a browser test of the same
    session may have left Playwright's loop running in this thread."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, scenario()).result()


async def _next(sub: live.Subscription, timeout: float = 2.0):
    return await asyncio.wait_for(sub.queue.get(), timeout)


def test_the_redis_hub_delivers_each_event_to_the_streams_of_its_channel_only():
    """VIEW-1, WO-6: with the Redis bus, one pattern subscription per process feeds every stream; an
    event published to an agent's channel reaches that agent's streams (two tabs' worth) and no other,
    a queue's event reaches every stream listening to that queue, and an unsubscribed stream is gone
    from the hub."""

    async def scenario():
        hub = live.Hub(REDIS)
        bus = RedisBus(REDIS)
        try:
            first = await hub.subscribe(["agent:lv1", "workorders:department:CITY-3201"])
            second = await hub.subscribe(["agent:lv1"])
            other = await hub.subscribe(["agent:lv2", "workorders:department:CITY-3201"])
            assert hub.streams == 0  # subscribed, but no response has started reading yet
            for sub in (first, second, other):
                hub.claim(sub)
            assert hub.streams == 3
            bus.publish("agent:lv1", {"type": "screen_pop", "n": 1})
            assert await _next(first) == {"type": "screen_pop", "n": 1}
            assert await _next(second) == {"type": "screen_pop", "n": 1}
            bus.publish("workorders:department:CITY-3201", {"type": "workorder", "number": "W1"})
            assert await _next(first) == {"type": "workorder", "number": "W1"}
            assert await _next(other) == {"type": "workorder", "number": "W1"}
            assert second.queue.empty()  # the queue event was not for it, the screen pop not for other
            hub.unsubscribe(second)
            assert hub.streams == 2
            bus.publish("agent:lv1", {"type": "hangup", "n": 2})
            assert await _next(first) == {"type": "hangup", "n": 2}
            await asyncio.sleep(0.1)
            assert second.queue.empty() and other.queue.empty()
        finally:
            await hub.stop()
        assert hub.streams == 0  # a stopped hub ends its streams: they reconnect elsewhere
        assert await _next(first) is live.CLOSED

    _run(scenario)


def test_a_subscription_whose_response_never_starts_is_dropped():
    """VIEW-1: a browser that leaves while the stream's view runs (a quick page change) leaves a
    subscription no response reads; the hub drops it after a few seconds instead of feeding it."""

    async def scenario():
        hub = live.Hub(REDIS)
        hub.CLAIM_SECONDS = 0.05
        try:
            gone = await hub.subscribe(["agent:gone"])
            kept = await hub.subscribe(["agent:kept"])
            hub.claim(kept)
            await asyncio.sleep(0.2)
            assert "agent:gone" not in hub._by_channel
            assert hub._by_channel["agent:kept"] == {kept}
            assert not gone.claimed and hub.streams == 1
        finally:
            await hub.stop()

    _run(scenario)


def test_a_stream_that_falls_too_far_behind_is_ended_not_grown():
    """VIEW-1: a stream whose browser stopped reading is ended once its queue is full (the browser
    reconnects and fetches a snapshot) rather than holding an ever-growing backlog."""

    async def scenario():
        hub = live.Hub(REDIS)
        sub = live.Subscription(channels=frozenset({"agent:slow"}))
        hub.claim(sub)
        for n in range(live.QUEUE_SIZE + 1):
            hub.deliver("agent:slow", {"n": n})
        assert hub.streams == 0
        assert await _next(sub) is live.CLOSED

    _run(scenario)


@pytest.mark.committing
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_table_hub_polls_once_for_all_streams_and_skips_what_came_before():
    """VIEW-1: with the embedded table bus one poll per process serves every stream; a stream gets what
    is published on its channels after it subscribed, not what was published before it."""
    DatabaseBus().publish("agent:tb1", {"type": "notice", "title": "before"})

    async def scenario():
        hub = live.Hub("db")
        try:
            mine = await hub.subscribe(["agent:tb1"])
            theirs = await hub.subscribe(["agent:tb2"])
            await asyncio.to_thread(DatabaseBus().publish, "agent:tb2", {"type": "notice", "title": "theirs"})
            await asyncio.to_thread(DatabaseBus().publish, "agent:tb1", {"type": "notice", "title": "after"})
            assert await _next(mine) == {"type": "notice", "title": "after"}
            assert await _next(theirs) == {"type": "notice", "title": "theirs"}
            await asyncio.sleep(3 * hub.POLL_SECONDS)
            assert mine.queue.empty() and theirs.queue.empty()
        finally:
            await hub.stop()

    _run(scenario)
