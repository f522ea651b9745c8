"""The agent's live stream (Server-Sent Events): screen pops, call state and work orders arriving at
the agent's queues, pushed over the bus.

It carries telephony and work-order events alike, so it is part of the desk (an entry point that
assembles), not of ``telephony``, which sits below the work-order engine. Its path and URL name stay
``/telephony/events`` and ``telephony:events`` (``stream_urlpatterns``, mounted by the province's URL
conf), as the desk's script and integrations know them.

Two ways to serve it, chosen by the request:
- under ASGI (``kefu serve``: uvicorn workers) an open stream is a coroutine reading a queue of the
  process's live hub (:mod:`kefu.core.live`); it holds no thread and no database connection, and it
  ends as soon as the browser goes away (Django cancels the iterator on ``http.disconnect``);
- under WSGI (pytest-django's live server, ``kefu runserver``) a WSGI server would read an async
  iterator to its end before sending a byte, so the stream stays the synchronous loop over
  ``Bus.listen`` it always was: it holds its thread until the keep-alive finds the browser gone.
"""

from __future__ import annotations

import json
import logging

from asgiref.sync import SyncToAsync, sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

from kefu.core import live
from kefu.core.bus import get_bus
from kefu.desk.wallboard_views import opens_wallboard, wallboard_channel
from kefu.telephony.services import agent_channel
from kefu.workorders.queues import queue_channels

logger = logging.getLogger("kefu.live")

KEEPALIVE_SECONDS = 15
HELLO = "retry: 2000\n\n"  # the first line: sent once the stream listens


def _event(message: dict) -> str:
    return f"event: {message.get('type', 'message')}\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"


def _stream(channels: list[str]):
    # subscribed before the first byte goes out: whatever is published once the browser sees the
    # stream open is delivered
    listener = get_bus().listen(channels, timeout=KEEPALIVE_SECONDS)
    yield HELLO
    for message in listener:
        yield ": keep-alive\n\n" if message is None else _event(message)


def _close_thread_connections() -> None:
    """Close this thread's database connections, unless a test's transaction holds them."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def _release_request_thread() -> None:
    """Let go of the thread Django's ASGI handler keeps for this request's sync code (sessions,
    authentication, middleware): an open stream needs none, and a thousand idle threads per process
    would be a thousand stacks. Only asgiref's per-request executor is touched; if asgiref ever
    stops keeping it where it does today, the thread simply stays until the stream ends."""
    context = getattr(SyncToAsync, "thread_sensitive_context", None)
    executors = getattr(SyncToAsync, "context_to_thread_executor", None)
    current = context.get(None) if context is not None else None
    if current is None or executors is None:
        return
    executor = executors.pop(current, None)
    if executor is not None:
        executor.shutdown(wait=False)


async def _astream(hub: live.Hub, sub: live.Subscription):
    hub.claim(sub)
    try:
        # the request's sync thread is done (middleware ran, the view answered): close its database
        # connection there, then let the thread go; the stream itself only awaits its queue
        await sync_to_async(_close_thread_connections)()
        _release_request_thread()
        yield HELLO
        while True:
            message = await live.next_message(sub, timeout=KEEPALIVE_SECONDS)
            if message is live.CLOSED:
                return  # the hub lost its source: the browser reconnects and fetches a snapshot
            yield ": keep-alive\n\n" if message is None else _event(message)
    finally:
        # reached at once when the browser leaves: Django cancels the iterator on http.disconnect
        hub.unsubscribe(sub)


def _channels(user) -> list[str]:
    # the agent's own pushes (screen pop, call state, IVR result) and the work-order queues they
    # belong to (an order dispatched to their team, WO-6); supervisors also get the router's
    # wallboard snapshots of their province (at most one a second; issue 14)
    channels = [agent_channel(user.job_number), *queue_channels(user)]
    if opens_wallboard(user):
        channels.append(wallboard_channel(user))
    return channels


def _response(content) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # tell a reverse proxy not to buffer the stream
    return response


@login_required
async def agent_events(request):
    """``GET /telephony/events``: the signed-in member of staff's event stream (ASGI: async; WSGI:
    the synchronous loop, see the module's docstring)."""
    user = await request.auser()
    channels = await sync_to_async(_channels)(user)
    if isinstance(request, ASGIRequest):
        hub = live.get_hub()
        try:
            # subscribed before the headers go out: the browser's "open" means "listening"
            sub = await hub.subscribe(channels)
        except Exception:  # noqa: BLE001 - the bus is unreachable, whatever the error
            logger.warning("the live hub could not start; the stream is refused", exc_info=True)
            return HttpResponse(status=503, headers={"Retry-After": "5"})
        return _response(_astream(hub, sub))
    return _response(_stream(channels))


stream_urlpatterns = ([path("events", agent_events, name="events")], "telephony")
