"""The federation protocol inside one node (ORG-2, WO-3 foundation): signature, timestamp window,
inbox de-duplication, per-order sequence, apply-and-record in one transaction, outbox delivery with
back-off, dead letters and replay. Peers are faked only at the HTTP edge (``transport.post``)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from kefu.core.errors import DomainError
from kefu.core.models import AuditEvent, OutboxMessage
from kefu.federation import client, delivery, selectors, services, transport
from kefu.federation.envelope import encode, envelope, sign
from kefu.federation.models import InboxMessage, OrderSequence, PeerState
from kefu.federation.registry import handles
from tests.federation.conftest import HUB_KEY

URL = "/federation/v1/messages"
HUB_KEY_BYTES = HUB_KEY.encode()


@handles("test.note", senders={"hub"})
def _note(message):
    """Records an audit event per applied message, so tests see what was applied and in which order."""
    if message.payload.get("reject"):
        raise DomainError("the note is refused", code="note_refused")
    if message.payload.get("crash"):
        raise RuntimeError("boom")
    from kefu.core import audit

    audit.record(actor=None, action="test.note", object_id=str(message.payload.get("n", "")))
    return {"noted": message.payload.get("n")}


def _notes() -> list[str]:
    return list(
        AuditEvent.objects.filter(action="test.note").order_by("id").values_list("object_id", flat=True)
    )


def _post(
    client,
    *,
    type="test.note",
    payload=None,
    order="",
    seq=None,
    key=HUB_KEY_BYTES,
    sender="HUB",
    receiver="JS",
    now=None,
    mode="event",
    body=None,
    id=None,
):
    if body is None:
        body = encode(
            envelope(
                type=type,
                sender=sender,
                receiver=receiver,
                payload=payload or {},
                order=order,
                seq=seq,
                mode=mode,
                id=id,
            ),
            now=now,
        )
    return client.generic(
        "POST",
        URL,
        body,
        content_type="application/json",
        HTTP_X_KEFU_SENDER=sender,
        HTTP_X_KEFU_SIGNATURE=sign(key, body),
    ), body


@pytest.fixture
def node(peers_file, db):
    return peers_file


# --- inbound: refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (dict(key=b"some-other-key-of-enough-length"), 401, "bad_signature"),
        (dict(sender="XX"), 403, "unknown_peer"),
        (dict(now=datetime.now(UTC) - timedelta(seconds=900)), 401, "stale_timestamp"),
        (dict(now=datetime.now(UTC) + timedelta(seconds=900)), 401, "stale_timestamp"),
        (dict(receiver="ZJ"), 400, "wrong_receiver"),
        (dict(type="no.such.type"), 400, "unknown_type"),
        (dict(body=b"{not json"), 400, "malformed_message"),
        (dict(body=b"[1, 2]"), 400, "malformed_message"),
        (dict(order="JS1", seq=None), 400, "malformed_message"),
        (dict(order="JS1", seq=0), 400, "malformed_message"),
    ],
    ids=[
        "bad-signature",
        "unknown-peer",
        "stale-past",
        "stale-future",
        "wrong-receiver",
        "unknown-type",
        "not-json",
        "not-object",
        "order-without-seq",
        "seq-zero",
    ],
)
def test_refused_messages_change_nothing(node, client, change, status, code):
    """Reliability: each faulty message is refused with problem+json and a stable code; nothing is
    recorded or applied, so the sender's retry or replay can still deliver the right one."""
    response, _ = _post(client, payload={"n": 1}, **change)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert InboxMessage.objects.count() == 0
    assert _notes() == []


def test_unsigned_request_is_refused(node, client):
    response = client.post(URL, {"v": 1}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (401, "not_signed")


def test_sender_role_must_be_allowed_for_the_type(node, client, settings):
    """ORG-3: a handler names the roles that may send its type; a province may not send test.note."""
    from tests.federation.conftest import ZJ_KEY

    response, _ = _post(client, sender="ZJ", key=ZJ_KEY.encode(), payload={"n": 1})
    assert (response.status_code, response.json()["code"]) == (403, "not_allowed")


def test_oversized_message_is_refused(node, client, settings):
    settings.KEFU_FEDERATION_MAX_BODY = 100
    response, _ = _post(client, payload={"n": "x" * 200})
    assert (response.status_code, response.json()["code"]) == (413, "message_too_large")


# --- inbound: apply once, in order ---------------------------------------------------------------------


def test_message_is_applied_once_and_a_copy_is_acknowledged(node, client):
    """Inbox de-duplication by message id: the copy answers 200 "duplicate" and applies nothing."""
    response, body = _post(client, payload={"n": 7})
    assert response.status_code == 200
    assert response.json() == {
        "status": "applied",
        "id": json.loads(body)["id"],
        "result": {"noted": 7},
        "node": "JS",
    }
    again = client.generic(
        "POST",
        URL,
        body,
        content_type="application/json",
        HTTP_X_KEFU_SENDER="HUB",
        HTTP_X_KEFU_SIGNATURE=sign(HUB_KEY.encode(), body),
    )
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert _notes() == ["7"]


def test_rejected_message_rolls_back_and_answers_422(node, client):
    """A handler's DomainError: 422 with the handler's code; no inbox row, so a replay can try again."""
    response, _ = _post(client, payload={"reject": True})
    assert (response.status_code, response.json()["code"]) == (422, "note_refused")
    assert InboxMessage.objects.count() == 0


def test_crashing_handler_answers_500_and_records_nothing(node, client):
    response, _ = _post(client, payload={"crash": True})
    assert (response.status_code, response.json()["code"]) == (500, "handler_failed")
    assert "boom" not in response.content.decode()  # never internals
    assert InboxMessage.objects.count() == 0


def test_messages_of_an_order_apply_in_sequence_whatever_the_arrival(node, client):
    """WO-3 foundation: 3, 1, 2 arrive; 3 is held (202), 1 applies, 2 applies and releases 3."""
    answers = []
    for seq in (3, 1, 2):
        response, _ = _post(client, order="JS20260101000001", seq=seq, payload={"n": seq})
        answers.append((response.status_code, response.json()["status"]))
    assert answers == [(202, "held"), (200, "applied"), (200, "applied")]
    assert _notes() == ["1", "2", "3"]
    assert OrderSequence.objects.get(direction="in", peer="HUB", order_ref="JS20260101000001").value == 3
    assert set(InboxMessage.objects.values_list("status", flat=True)) == {"applied"}


def test_sequences_are_per_order(node, client):
    assert _post(client, order="A", seq=1, payload={"n": "a1"})[0].status_code == 200
    assert _post(client, order="B", seq=1, payload={"n": "b1"})[0].status_code == 200
    assert _post(client, order="B", seq=3, payload={"n": "b3"})[0].status_code == 202
    assert _post(client, order="A", seq=2, payload={"n": "a2"})[0].status_code == 200
    assert _notes() == ["a1", "b1", "a2"]


def test_held_message_that_fails_stays_held_with_its_error(node, client):
    """A held message whose handler fails when released stays held (nothing lost), its error shown,
    and is applied by the delivery loop's retry once it can be."""
    _post(client, order="C", seq=2, payload={"n": 2, "crash": True})
    response, _ = _post(client, order="C", seq=1, payload={"n": 1})
    assert response.status_code == 200
    held = InboxMessage.objects.get(order_ref="C", seq=2)
    assert (held.status, held.last_error) == ("held", "RuntimeError: boom")
    assert selectors.peer_status()[0].held == 1
    # the cause goes away (here: the payload is corrected in place, as an operator fix would)
    held.envelope["payload"]["crash"] = False
    held.save()
    assert services.held_retry() == 1
    assert _notes() == ["1", "2"]


def test_synchronous_request_returns_the_handler_result_and_repeats_it(node, client):
    """Queries are request/response: the answer carries the result; the same id gets the same answer."""
    response, body = _post(client, type="echo", mode="request", payload={"q": 1})
    assert response.status_code == 200
    assert response.json()["result"] == {"node": "JS", "role": "province", "echo": {"q": 1}}
    again = client.generic(
        "POST",
        URL,
        body,
        content_type="application/json",
        HTTP_X_KEFU_SENDER="HUB",
        HTTP_X_KEFU_SIGNATURE=sign(HUB_KEY.encode(), body),
    )
    assert again.json()["status"] == "duplicate"
    assert again.json()["result"]["echo"] == {"q": 1}


# --- sending --------------------------------------------------------------------------------------------


def test_send_writes_the_outbox_in_the_callers_transaction(node):
    """Outbox row in the same transaction as the state change: rolled back together."""
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.send(to="HUB", type="ping", payload={}, order="JS1")
            raise RuntimeError("the state change failed")
    assert OutboxMessage.objects.filter(topic=delivery.TOPIC).count() == 0
    assert not OrderSequence.objects.exists()


def test_send_numbers_messages_per_order_and_peer(node):
    with transaction.atomic():
        for to, order in (("HUB", "JS1"), ("HUB", "JS1"), ("HUB", "JS2"), ("ZJ", "JS1"), ("HUB", "")):
            services.send(to=to, type="ping", payload={}, order=order)
    rows = [
        (r.destination, r.payload["order"], r.payload["seq"])
        for r in OutboxMessage.objects.filter(topic=delivery.TOPIC).order_by("id")
    ]
    assert rows == [
        ("HUB", "JS1", 1),
        ("HUB", "JS1", 2),
        ("HUB", "JS2", 1),
        ("ZJ", "JS1", 1),
        ("HUB", "", None),
    ]


def test_send_to_an_unknown_peer_fails_loudly(node):
    with pytest.raises(DomainError) as caught:
        services.send(to="XX", type="ping", payload={})
    assert caught.value.code == "peer_not_configured"


def test_delivery_is_kicked_on_commit(node, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            services.send(to="HUB", type="ping", payload={})
    assert callbacks == [delivery.kick]


# --- delivery -------------------------------------------------------------------------------------------


class FakePeers:
    """Stands in for the peers' HTTP endpoints: answers are scripted per call."""

    def __init__(self, monkeypatch, answers):
        self.answers = list(answers)
        self.posted = []
        monkeypatch.setattr(transport, "post", self.post)

    def post(self, peer, body, *, timeout):
        self.posted.append((peer.code, json.loads(body)))
        answer = self.answers.pop(0) if self.answers else (200, {"status": "applied"})
        if isinstance(answer, Exception):
            raise answer
        return answer


def _queue(*items):
    with transaction.atomic():
        return [services.send(to=to, type="ping", payload={}, order=order) for to, order in items]


def test_delivery_posts_each_peers_messages_in_order_and_marks_them(node, monkeypatch):
    fake = FakePeers(monkeypatch, [])
    ids = _queue(("HUB", "JS1"), ("ZJ", ""), ("HUB", "JS1"))
    report = delivery.deliver_all()
    assert (report.delivered, report.dead) == (3, 0)
    assert [(code, body["id"]) for code, body in fake.posted] == [
        ("HUB", ids[0]),
        ("HUB", ids[2]),
        ("ZJ", ids[1]),
    ]
    assert all("timestamp" in body for _, body in fake.posted)
    assert not delivery.pending().exists()
    assert PeerState.objects.get(code="HUB").last_success_at is not None


def test_unreachable_peer_is_backed_off_and_nothing_is_lost(node, monkeypatch):
    """A peer down: the first message is retried with back-off, the peer is paused (one probe, not
    one failure per queued message), the others stay queued; status shows the error."""
    fake = FakePeers(monkeypatch, [transport.TransportError("HUB unreachable: Connection refused")])
    _queue(("HUB", "JS1"), ("HUB", "JS1"), ("ZJ", ""))
    report = delivery.deliver_all()
    assert (report.delivered, report.retried, report.dead) == (1, 1, 0)  # ZJ's went through
    assert [code for code, _ in fake.posted] == ["HUB", "ZJ"]
    hub = {s.code: s for s in selectors.peer_status()}["HUB"]
    assert (hub.pending, hub.dead) == (2, 0)
    assert "Connection refused" in hub.last_error and hub.retry_at is not None
    assert delivery.deliver_all().claimed == 0  # paused until retry_at
    PeerState.objects.filter(code="HUB").update(retry_at=timezone.now())
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert delivery.deliver_all().delivered == 2
    assert {s.code: s for s in selectors.peer_status()}["HUB"].pending == 0


def test_permanent_refusal_goes_to_dead_letters_and_replay_resends(node, monkeypatch):
    """400/409/413/422 will not change by retrying: dead letter at once, with the peer's error;
    `kefu federation replay` puts it back (same id, so a receiver that has it answers duplicate)."""
    fake = FakePeers(monkeypatch, [(422, {"code": "note_refused", "detail": "the note is refused"})])
    (message_id,) = _queue(("HUB", "JS1"))
    report = delivery.deliver_all()
    assert report.dead == 1
    row = OutboxMessage.objects.get(topic=delivery.TOPIC)
    assert (row.dead, row.last_error) == (True, "HTTP 422 note_refused: the note is refused")
    call_command("federation", "replay", "--peer", "HUB", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert delivery.deliver_all().delivered == 1
    assert [body["id"] for _, body in fake.posted] == [message_id, message_id]
    assert AuditEvent.objects.filter(action="federation.dead_letter_replay").count() == 1


def test_retries_end_in_the_dead_letters_after_max_attempts(node, monkeypatch, settings):
    settings.KEFU_FEDERATION_MAX_ATTEMPTS = 3
    FakePeers(monkeypatch, [(500, {"code": "handler_failed"})] * 3)
    _queue(("HUB", ""))
    for _ in range(3):
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        delivery.deliver_all()
    row = OutboxMessage.objects.get(topic=delivery.TOPIC)
    assert (row.dead, row.attempts) == (True, 3)
    assert row.last_error.startswith("gave up after 3 attempts")


def test_a_long_outage_sends_nothing_to_the_dead_letters(node, monkeypatch, settings):
    """Nothing lost on a peer that is down: rounds that find the peer unreachable, or refusing the
    whole link (503), count no attempt towards KEFU_FEDERATION_MAX_ATTEMPTS; when it is back the
    message goes through."""
    settings.KEFU_FEDERATION_MAX_ATTEMPTS = 3
    down = [transport.TransportError("HUB unreachable: Connection refused")] * 4
    FakePeers(monkeypatch, [*down, (503, {"code": "unavailable"})] * 2)
    _queue(("HUB", ""))
    for _ in range(10):
        PeerState.objects.update(retry_at=None)
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        assert delivery.deliver_all().dead == 0
    row = OutboxMessage.objects.get(topic=delivery.TOPIC)
    assert (row.dead, row.attempts, row.delivered_at) == (False, 0, None)
    assert "unavailable" in row.last_error
    PeerState.objects.update(retry_at=None)
    assert delivery.deliver_all().delivered == 1


def test_a_slow_post_holds_up_only_its_own_order(node, monkeypatch, settings):
    """ORG-2/WO-3: a peer's messages about different orders are posted side by side (up to
    KEFU_FEDERATION_PEER_CONCURRENCY at once), so one slow answer does not hold up the other orders;
    each order's own messages still go one after the other, in their sequence."""
    settings.KEFU_FEDERATION_PEER_CONCURRENCY = 2
    js2_through = threading.Event()
    overtaken = []
    posted = []

    def post(peer, body, *, timeout):
        message = json.loads(body)
        posted.append((message["order"], message["seq"]))
        if (message["order"], message["seq"]) == ("JS1", 1):
            overtaken.append(js2_through.wait(timeout=10))  # slow: answers once JS2 is through
        if (message["order"], message["seq"]) == ("JS2", 2):
            js2_through.set()
        return 200, {"status": "applied"}

    monkeypatch.setattr(transport, "post", post)
    _queue(("HUB", "JS1"), ("HUB", "JS2"), ("HUB", "JS1"), ("HUB", "JS2"))
    report = delivery.deliver_all()
    assert (report.delivered, report.retried, report.dead) == (4, 0, 0)
    assert overtaken == [True]  # JS2's two messages went while JS1's first was still unanswered
    assert posted.index(("JS1", 2)) > posted.index(("JS2", 2))  # JS1's second waited for its first
    assert [seq for order, seq in posted if order == "JS1"] == [1, 2]
    assert [seq for order, seq in posted if order == "JS2"] == [1, 2]
    assert not delivery.pending().exists()
    assert PeerState.objects.get(code="HUB").last_success_at is not None


def test_a_peer_down_stops_every_lane_and_loses_nothing(node, monkeypatch, settings):
    """ORG-2: when the peer is unreachable, the posts running side by side stop, the peer is backed
    off once (not once per lane) and every message stays queued, none dead-lettered."""
    settings.KEFU_FEDERATION_PEER_CONCURRENCY = 4
    fake = FakePeers(monkeypatch, [transport.TransportError("HUB unreachable: Connection refused")] * 4)
    _queue(("HUB", "JS1"), ("HUB", "JS2"), ("HUB", "JS3"), ("HUB", "JS1"))
    report = delivery.deliver_all()
    assert (report.delivered, report.dead) == (0, 0)
    assert 1 <= report.retried <= 3 and len(fake.posted) == report.retried  # at most one per lane
    assert ("JS1", 2) not in [(body["order"], body["seq"]) for _, body in fake.posted]
    state = PeerState.objects.get(code="HUB")
    assert state.failures == 1 and state.retry_at is not None
    assert delivery.pending().count() == 4
    fake.answers.clear()  # the peer is back
    PeerState.objects.filter(code="HUB").update(retry_at=timezone.now())
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert delivery.deliver_all().delivered == 4
    assert not delivery.pending().exists()


def test_lanes_keep_an_order_together_and_leave_the_rest_apart(node):
    """ORG-2: the unit of parallel posting is the order: its messages form one lane, in id order; a
    message without an order is a lane of its own."""
    _queue(("HUB", "JS1"), ("HUB", ""), ("HUB", "JS2"), ("HUB", "JS1"), ("HUB", ""))
    rows = list(OutboxMessage.objects.filter(topic=delivery.TOPIC).order_by("id"))
    lanes = delivery.lanes_of(rows)
    assert [[(r.payload["order"], r.payload["seq"]) for r in lane] for lane in lanes] == [
        [("JS1", 1), ("JS1", 2)],
        [("", None)],
        [("JS2", 1)],
        [("", None)],
    ]


def test_backoff_grows_exponentially_up_to_the_cap(settings):
    settings.KEFU_FEDERATION_RETRY_BASE = 1
    settings.KEFU_FEDERATION_RETRY_MAX = 60
    waits = [delivery.backoff(n) for n in (1, 2, 3, 4, 10)]
    assert [
        round(w / e, 1) >= 0.9 and w / e <= 1.1 for w, e in zip(waits, (1, 2, 4, 8, 60), strict=True)
    ] == [True] * 5


# --- synchronous requests -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "code", "text"),
    [
        (transport.TransportError("no answer", timeout=True), "peer_timeout", "秒内未应答"),
        (transport.TransportError("HUB unreachable: refused"), "peer_unavailable", "无法连接"),
        ((403, {"code": "unknown_peer", "detail": "'JS' is not a peer"}), "peer_refused", "拒绝"),
    ],
    ids=["timeout", "down", "refused"],
)
def test_request_failures_give_a_clear_message_never_a_hang(node, monkeypatch, answer, code, text):
    """CAP-1: a slow or absent peer gives the agent a clear message (which node, what happened)."""
    FakePeers(monkeypatch, [answer])
    with pytest.raises(DomainError) as caught:
        client.request(to="HUB", type="echo", payload={}, timeout=0.5)
    assert caught.value.code == code
    assert "HUB" in caught.value.message and text in caught.value.message


def test_request_within_an_expired_deadline_is_not_sent(node, monkeypatch):
    fake = FakePeers(monkeypatch, [])
    with pytest.raises(DomainError) as caught:
        client.request(to="HUB", type="echo", payload={}, deadline=datetime.now(UTC) - timedelta(seconds=1))
    assert caught.value.code == "peer_timeout"
    assert fake.posted == []


def test_request_carries_its_deadline(node, monkeypatch):
    fake = FakePeers(monkeypatch, [(200, {"status": "applied", "result": {"ok": 1}})])
    assert client.request(to="HUB", type="echo", payload={}, timeout=2) == {"ok": 1}
    ((_, body),) = fake.posted
    assert body["mode"] == "request" and body["deadline"] > body["timestamp"]


# --- status, metrics, roles ----------------------------------------------------------------------------


def test_status_command_lists_every_peer(node, monkeypatch, capsys):
    FakePeers(monkeypatch, [transport.TransportError("HUB unreachable: refused")])
    _queue(("HUB", ""))
    delivery.deliver_all()
    call_command("federation", "status", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["node"] == "JS"
    hub = {p["code"]: p for p in data["peers"]}["HUB"]
    assert (hub["role"], hub["pending"], hub["dead"]) == ("hub", 1, 0)
    assert hub["last_error"] == "HUB unreachable: refused" and hub["lag_seconds"] >= 0


def test_metrics_show_federation_queues(node, client):
    _queue(("HUB", ""))
    text = client.get("/metrics").content.decode()
    assert 'kefu_federation_pending{peer="HUB"} 1' in text


def test_keys_never_appear_in_reprs(node):
    from kefu.federation import peers

    assert HUB_KEY not in repr(peers.get("HUB"))


@pytest.mark.parametrize("role", ["hub", "sims", "platform"])
def test_role_desk_shows_only_the_roles_pages(role, db, make_staff, client, peers_file, settings):
    """ORG-2/ORG-3: a hub/SIMS/platform node serves its own desk at / (the role's home) and its node
    status at /node/, and no province screen or API."""
    settings.KEFU_ROLE = role
    urlconf = f"kefu.urls.{role}"
    staff = make_staff("administrator", None, is_staff=True)
    with override_settings(ROOT_URLCONF=urlconf):
        client.force_login(staff)
        response = client.get("/")
        assert response.status_code == 200
        assert response.templates[0].name == "crosslevel/home.html"
        assert client.get("/node/").templates[0].name == "crosslevel/node.html"
        assert client.get("/api/v1/subscribers").status_code == 404
        assert client.get("/healthz").status_code == 200
        other = make_staff("hotline_agent", "JS")
        client.force_login(other)
        assert client.get("/").status_code == 403
