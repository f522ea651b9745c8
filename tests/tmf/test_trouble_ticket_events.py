"""TMF621 event notifications through the hub (WO-4, WO-5, SYS-1): a listener registered with POST /hub
receives TroubleTicket events by POST, each valid against the official specification, delivered from
the transactional outbox with exponential back-off and a dead letter after N attempts. The listener is
a real HTTP server on localhost."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from kefu.core.models import OutboxMessage
from kefu.tmf.trouble_ticket import notifications
from kefu.workorders import sla
from tests.tmf.conftest import SPECS, assert_valid
from tests.workorders import conftest as work_order_fixtures

# the work-order engine's fixtures (subscribers, the people of an order's life, categories, drive)
globals().update(
    {
        name: getattr(work_order_fixtures, name)
        for name in ("accept", "cause", "complaint_category", "drive", "make_subscriber", "resp_department")
        + ("staff", "subscriber", "zj_subscriber")
    }
)
SPECS.setdefault("TMF621", "TMF621-TroubleTicket-v4.0.0.swagger.json")
API = "TMF621"
HUB = "/tmf-api/troubleTicket/v4/hub"
NO_LAG = timedelta(0)


class Listener:
    """A callback endpoint: records every body; answers ``status`` (a list is used in turn)."""

    def __init__(self, statuses=(201,)):
        self.bodies: list[dict] = []
        self.statuses = list(statuses)
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                listener.bodies.append(json.loads(self.rfile.read(length)))
                status = listener.statuses.pop(0) if len(listener.statuses) > 1 else listener.statuses[0]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/listener"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.close()


def _register(client, url, query=""):
    body = {"callback": url, **({"query": query} if query else {})}
    response = client.post(HUB, body, format="json")
    assert response.status_code == 201
    return response.json()["id"]


def _run(now=None):
    """One pass of the beat's work, without the fan-out lag (the test's rows are committed)."""
    report = notifications.Report(fanned_out=notifications.fanout(now=now, lag_=NO_LAG))
    return notifications.deliver(now=now, report=report)


def test_order_life_reaches_the_listener_as_valid_events(
    staff, accept, drive, listener, api_client_for, make_staff, zj_subscriber, complaint_category
):
    """Accept, dispatch, receive, reply, feedback, archive: create, status-change and resolved events
    in order, every body valid against its TMF621 definition; a ZJ order is not told to a JS listener."""
    _register(api_client_for(staff.back), listener.url)
    order = drive(accept(), "dispatch", "receive", "reply", "feedback", "archive")
    from kefu.workorders import services

    services.order_accept(
        actor=make_staff("hotline_agent", "ZJ"),
        data=services.OrderInput(kind="complaint", subscriber=zj_subscriber, category=complaint_category),
    )
    report = _run()
    types = [(b["eventType"], b["event"]["troubleTicket"]["status"]) for b in listener.bodies]
    assert (report.fanned_out, report.delivered, report.retried, report.dead) == (7, 7, 0, 0)
    assert types == [
        ("TroubleTicketCreateEvent", "acknowledged"),
        ("TroubleTicketStatusChangeEvent", "inProgress"),  # dispatch
        ("TroubleTicketAttributeValueChangeEvent", "inProgress"),  # receive: still inProgress
        ("TroubleTicketStatusChangeEvent", "resolved"),
        ("TroubleTicketResolvedEvent", "resolved"),
        ("TroubleTicketAttributeValueChangeEvent", "resolved"),  # feedback
        ("TroubleTicketStatusChangeEvent", "closed"),
    ]
    for body in listener.bodies:
        assert_valid(API, body, body["eventType"])
        assert body["event"]["troubleTicket"]["id"] == order.number
    assert len({b["eventId"] for b in listener.bodies}) == len(listener.bodies)
    assert _run().delivered == 0  # nothing twice


def test_query_chooses_event_types_and_sweep_escalation_is_told(
    staff, accept, drive, listener, api_client_for
):
    """WO-5: with ``eventType=`` only those types come; the sweep's urge and escalation arrive as
    attribute changes."""
    _register(api_client_for(staff.back), listener.url, "eventType=TroubleTicketAttributeValueChangeEvent")
    order = drive(accept(), "dispatch")
    sla.sla_sweep(now=order.order_due_at + timedelta(minutes=1))
    _run()
    kinds = {b["eventType"] for b in listener.bodies}
    assert kinds == {"TroubleTicketAttributeValueChangeEvent"}
    titles = [b["title"] for b in listener.bodies]
    assert "超时升级" in titles and "催办" in titles
    for body in listener.bodies:
        assert_valid(API, body, "TroubleTicketAttributeValueChangeEvent")


def test_failed_deliveries_back_off_exponentially_then_go_dead(staff, accept, api_client_for, settings):
    """Delivery: a failing listener is retried after base × 2^(n-1) seconds; after N attempts the
    notification is dead."""
    settings.KEFU_TMF_NOTIFY_RETRY_BASE = 10
    settings.KEFU_TMF_NOTIFY_MAX_ATTEMPTS = 3
    failing = Listener(statuses=(500,))
    try:
        _register(api_client_for(staff.back), failing.url, "eventType=TroubleTicketCreateEvent")
        accept()
        now = timezone.now() + timedelta(seconds=1)  # after the notification row was made
        first = _run(now)
        assert (first.delivered, first.retried) == (0, 1)
        row = OutboxMessage.objects.get(topic=notifications.TOPIC)
        assert row.attempts == 1
        assert row.next_attempt_at == now + timedelta(seconds=10)
        assert _run(now + timedelta(seconds=9)).claimed == 0  # not due yet
        second = _run(now + timedelta(seconds=10))
        row.refresh_from_db()
        assert (second.retried, row.attempts, row.next_attempt_at) == (
            1,
            2,
            now + timedelta(seconds=30),  # 10 s later + 20 s
        )
        third = _run(now + timedelta(seconds=30))
        row.refresh_from_db()
        assert (third.dead, row.dead, row.attempts) == (1, True, 3)
        assert "HTTP 500" in row.last_error
        assert len(failing.bodies) == 3
    finally:
        failing.close()


def test_unregistered_listener_gets_nothing_more(staff, accept, listener, api_client_for):
    """After DELETE /hub/{id}, pending notifications go dead and no new ones are made."""
    client = api_client_for(staff.back)
    listener_id = _register(client, listener.url)
    accept()
    notifications.fanout(lag_=NO_LAG)
    assert client.delete(f"{HUB}/{listener_id}").status_code == 204
    accept()
    report = _run()
    assert (report.delivered, report.fanned_out) == (0, 0)
    assert listener.bodies == []
    assert OutboxMessage.objects.filter(topic=notifications.TOPIC, dead=True).count() == 1
