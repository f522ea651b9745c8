"""The desk's event stream under ASGI (``kefu serve``): an async view fed by the process's live hub,
which drops the stream as soon as the browser disconnects. (The WSGI path, used by pytest-django's
live server, is covered in tests/telephony/test_cti.py and tests/bulletins/test_notices.py.)"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.test import Client

from kefu.core import live
from kefu.core.bus import RedisBus

REDIS = "redis://127.0.0.1:6379/15"


def _run(scenario):
    """Run ``scenario()`` on an event loop of its own, in a thread of its own: a browser test of the same
    session may have left Playwright's loop running in this thread."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, scenario()).result()


pytestmark = [pytest.mark.committing, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _scope(session: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/telephony/events",
        "raw_path": b"/telephony/events",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", f"sessionid={session}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def test_the_asgi_stream_delivers_and_leaves_the_hub_when_the_browser_disconnects(make_staff, settings):
    """VIEW-1: under ASGI the stream of a signed-in agent gets the screen pop published to the agent's
    channel (not another agent's), and when the browser goes away (``http.disconnect``) the request
    ends at once and the hub no longer holds the stream."""
    settings.KEFU_BUS_URL = REDIS
    agent = make_staff("hotline_agent", "JS")
    client = Client()
    client.force_login(agent)
    session = client.cookies["sessionid"].value

    async def scenario():
        gone = asyncio.Event()
        sent: list[dict] = []
        body = bytearray()
        got = asyncio.Event()

        asked = []

        async def receive():
            asked.append(1)
            if len(asked) == 1:
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)
            body.extend(message.get("body", b""))
            got.set()

        async def body_contains(text: str) -> None:
            while text.encode() not in body:
                got.clear()
                await asyncio.wait_for(got.wait(), 5)

        request = asyncio.create_task(ASGIHandler()(_scope(session), receive, send))
        await body_contains("retry: ")
        assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
        headers = {name.lower(): value for name, value in sent[0]["headers"]}
        assert headers[b"content-type"] == b"text/event-stream"
        hub = live.get_hub()
        assert hub.streams == 1
        bus = RedisBus(REDIS)
        bus.publish("agent:someone-else", {"type": "screen_pop", "call_id": "NOT-MINE"})
        bus.publish(f"agent:{agent.job_number}", {"type": "screen_pop", "call_id": "MINE"})
        await body_contains('"MINE"')
        assert b"NOT-MINE" not in body
        assert b"event: screen_pop\ndata: " in body

        gone.set()  # the browser closes the tab
        await asyncio.wait_for(request, 2)
        assert hub.streams == 0
        await hub.stop()

    _run(scenario)


def test_the_asgi_stream_asks_a_stranger_to_sign_in():
    """VIEW-1: the stream stays behind the login under ASGI too: no session, a redirect to the login."""

    async def scenario():
        sent: list[dict] = []
        asked = []

        async def receive():
            asked.append(1)
            if len(asked) == 1:
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the browser stays

        async def send(message):
            sent.append(message)

        await asyncio.wait_for(ASGIHandler()(_scope("nobody"), receive, send), 5)
        return sent[0]

    start = _run(scenario)
    assert start["status"] == 302
    assert any(name.lower() == b"location" and b"/login/" in value for name, value in start["headers"])
