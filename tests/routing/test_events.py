"""What the router tells the desk and the wallboard over the bus (issue 14 items 2 and 5): the agent's
state on every change, the offered call, and the province's wallboard at most once a second."""

from __future__ import annotations

import pytest

from kefu.routing import client

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    sent: list[tuple[str, dict]] = []

    class Bus:
        def publish(self, channel, message):
            sent.append((channel, message))

    monkeypatch.setattr("kefu.core.bus.get_bus", lambda: Bus())
    return sent


def test_agent_events_and_the_wallboard(hotline, seat, clock, published, django_capture_on_commit_callbacks):
    """Issue 14: agent_state on agent:<job> for ready → ringing → talking → wrap-up, offered with the
    caller's number, and one wallboard message for JS with the queue's figures, not more than once a
    second."""
    agent = seat(["GRP-3201"])
    job = agent.job_number
    r = client.router()
    with django_capture_on_commit_callbacks(execute=True):
        r.set_state(job_number=job, state="ready")
        r.offer(call_id="e1", queue="JS-10086", city="3201", level=0, calling_number="13902501234")
        r.answer(call_id="e1", agent=job)
        r.hangup(call_id="e1")
    mine = [m for channel, m in published if channel == f"agent:{job}"]
    assert [m["state"] for m in mine if m["type"] == "agent_state"] == [
        "ready",
        "ringing",
        "talking",
        "wrapup",
    ]
    assert {"type": "offered", "call_id": "e1", "number": "13902501234", "queue": "JS-10086"} in mine
    ringing = next(m for m in mine if m.get("state") == "ringing")
    assert ringing["call_id"] == "e1" and ringing["since"]

    published.clear()
    clock.advance(2)
    with django_capture_on_commit_callbacks(execute=True):
        r.tick()
        r.tick()  # within the same second: no second message
    boards = [(c, m) for c, m in published if c.startswith("wallboard:")]
    assert len(boards) == 1
    channel, board = boards[0]
    assert channel == "wallboard:JS" and board["type"] == "wallboard"
    assert board["queues"]["JS-10086"]["counts"]["answered"] == 1
    assert "JS-COMPLAINT" in board["queues"] and "GRP-3201" in board["groups"]
    assert not any(code.startswith("GRP-33") for code in board["groups"])  # ZJ's groups are ZJ's
