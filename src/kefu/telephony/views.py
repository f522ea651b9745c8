"""The agent's event stream (Server-Sent Events): screen pops and call state, pushed over the bus."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse

from kefu.core.bus import get_bus
from kefu.telephony.services import agent_channel

KEEPALIVE_SECONDS = 15


def _stream(job_number: str):
    yield "retry: 2000\n\n"
    for message in get_bus().listen([agent_channel(job_number)], timeout=KEEPALIVE_SECONDS):
        if message is None:
            yield ": keep-alive\n\n"
        else:
            yield f"event: {message.get('type', 'message')}\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"


@login_required
def agent_events(request):
    response = StreamingHttpResponse(_stream(request.user.job_number), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # tell a reverse proxy not to buffer the stream
    return response
