"""The agent's live stream (Server-Sent Events): screen pops, call state and work orders arriving at
the agent's queues, pushed over the bus.

It carries telephony and work-order events alike, so it is part of the desk (an entry point that
assembles), not of ``telephony``, which sits below the work-order engine. Its path and URL name stay
``/telephony/events`` and ``telephony:events`` (``stream_urlpatterns``, mounted by the province's URL
conf), as the desk's script and integrations know them."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.urls import path

from kefu.core.bus import get_bus
from kefu.telephony.services import agent_channel
from kefu.workorders.queues import queue_channels

KEEPALIVE_SECONDS = 15


def _stream(channels: list[str]):
    # subscribed before the first byte goes out: whatever is published once the browser sees the
    # stream open is delivered
    listener = get_bus().listen(channels, timeout=KEEPALIVE_SECONDS)
    yield "retry: 2000\n\n"
    for message in listener:
        if message is None:
            yield ": keep-alive\n\n"
        else:
            yield f"event: {message.get('type', 'message')}\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"


@login_required
def agent_events(request):
    # the agent's own pushes (screen pop, call state, IVR result) and the work-order queues they
    # belong to (an order dispatched to their team, WO-6)
    channels = [agent_channel(request.user.job_number), *queue_channels(request.user)]
    response = StreamingHttpResponse(_stream(channels), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # tell a reverse proxy not to buffer the stream
    return response


stream_urlpatterns = ([path("events", agent_events, name="events")], "telephony")
