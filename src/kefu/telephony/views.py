"""The agent's event stream (Server-Sent Events): screen pops, call state and work orders arriving at
the agent's queues, pushed over the bus."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse

from kefu.core.bus import get_bus
from kefu.telephony.services import agent_channel

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
    from kefu.workorders.queues import queue_channels

    # the agent's own pushes (screen pop, call state, IVR result) and the work-order queues they
    # belong to (an order dispatched to their team, WO-6)
    channels = [agent_channel(request.user.job_number), *queue_channels(request.user)]
    response = StreamingHttpResponse(_stream(channels), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # tell a reverse proxy not to buffer the stream
    return response
