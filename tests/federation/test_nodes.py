"""End to end between real node processes (ORG-2, ORG-3, WO-3 foundation): each node has its own
database, web server and delivery worker; messages cross real HTTP with real signatures."""

from __future__ import annotations

import json
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.waits import wait_for

pytestmark = [pytest.mark.nodes, pytest.mark.django_db(transaction=False)]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_synchronous_echo_crosses_nodes(federation):
    """ORG-2: `kefu federation ping HUB` on JS gets the hub's own answer over a signed request."""
    out = federation["JS"].kefu("federation", "ping", "HUB").stdout
    assert "node HUB (hub)" in out


def test_ping_through_both_outboxes_is_applied_once_each_way(federation):
    """ORG-2: a ping queued on JS is delivered by JS's worker, applied once on HUB, whose pong comes
    back through HUB's outbox and worker and is applied once on JS."""
    js, hub = federation["JS"], federation["HUB"]
    out = js.kefu("federation", "ping", "HUB", "--outbox", "--no-wait").stdout
    ping_id = out.split()[-1]
    pong = wait_for(
        lambda: [m for m in js.inbox("pong") if m["payload"]["ping_id"] == ping_id], message="the pong on JS"
    )
    assert len(pong) == 1
    assert [m["id"] for m in hub.inbox("ping")].count(ping_id) == 1
    wait_for(
        lambda: js.status()["HUB"]["pending"] == 0 and hub.status()["JS"]["pending"] == 0,
        message="empty queues",
    )
    assert js.status()["HUB"]["dead"] == 0


def test_each_role_shows_only_its_own_screens_and_endpoints(federation):
    """ORG-2/ORG-3: a hub node has no province API or desk; a province node has no hub desk."""
    hub, js = federation["HUB"], federation["JS"]
    assert _get(hub.url + "/api/v1/subscribers")[0] == 404
    assert _get(hub.url + "/tmf-api/troubleTicketManagement/v5/troubleTicket")[0] == 404
    assert _get(hub.url + "/healthz")[0] == 200
    assert _get(hub.url + "/metrics")[0] == 200
    status, body = _get(hub.url + "/login/")
    assert status == 200
    status, _ = _get(js.url + "/api/v1/subscribers")
    assert status in (401, 403)  # there, but needs a login


def test_wrong_signature_is_refused_and_changes_nothing(federation):
    """Reliability: a message signed with the wrong key is refused (401 bad_signature), not recorded."""
    hub = federation["HUB"]
    body, headers = federation.signed(sender="JS", receiver="HUB", key=b"not-the-shared-key-at-all")
    status, answer, content_type = hub.post_raw(body, headers)
    assert (status, answer["code"]) == (401, "bad_signature")
    assert content_type.startswith("application/problem+json")
    assert json.loads(body)["id"] not in {m["id"] for m in hub.inbox()}


def test_unknown_sender_and_unsigned_requests_are_refused(federation):
    hub = federation["HUB"]
    body, headers = federation.signed(sender="JS", receiver="HUB")
    status, answer, _ = hub.post_raw(body, {**headers, "X-Kefu-Sender": "XX"})
    assert (status, answer["code"]) == (403, "unknown_peer")
    status, answer, _ = hub.post_raw(body, {})
    assert (status, answer["code"]) == (401, "not_signed")


def test_replayed_message_is_acknowledged_and_applied_once(federation):
    """Reliability: the same signed message posted twice is applied once; the copy is acknowledged."""
    hub = federation["HUB"]
    body, headers = federation.signed(sender="JS", receiver="HUB", payload={"note": "replay"})
    first = hub.post_raw(body, headers)
    second = hub.post_raw(body, headers)
    assert (first[0], first[1]["status"]) == (200, "applied")
    assert (second[0], second[1]["status"]) == (200, "duplicate")
    message_id = json.loads(body)["id"]
    assert [m["id"] for m in hub.inbox("ping")].count(message_id) == 1


def test_replay_outside_the_time_window_is_refused(federation):
    """Reliability: a captured message re-sent after the clock-skew window is refused (stale_timestamp)."""
    hub = federation["HUB"]
    old = datetime.now(UTC) - timedelta(minutes=10)
    body, headers = federation.signed(sender="JS", receiver="HUB", now=old)
    status, answer, _ = hub.post_raw(body, headers)
    assert (status, answer["code"]) == (401, "stale_timestamp")


def test_malformed_bodies_are_refused_with_a_clear_error(federation):
    """Reliability: a body that is not JSON, or misses a field, is refused (400 malformed_message)."""
    hub = federation["HUB"]
    key = federation.key("JS", "HUB")
    from kefu.federation.envelope import sign

    for body, fragment in (
        (b"not json", "not UTF-8 JSON"),
        (b'{"v": 1, "id": "x"}', "'type'"),
        (
            json.dumps(
                {
                    "v": 1,
                    "id": "nope",
                    "type": "ping",
                    "mode": "event",
                    "sender": "JS",
                    "receiver": "HUB",
                    "payload": {},
                    "timestamp": datetime.now(UTC).isoformat(),
                }
            ).encode(),
            "UUID",
        ),
    ):
        status, answer, _ = hub.post_raw(body, {"X-Kefu-Sender": "JS", "X-Kefu-Signature": sign(key, body)})
        assert (status, answer["code"]) == (400, "malformed_message"), answer
        assert fragment in answer["detail"]


def test_out_of_order_message_waits_for_its_predecessor(federation):
    """WO-3 foundation: per-order sequence — seq 2 arriving first is held (202), applied right after
    seq 1; the hub's pongs, numbered in apply order, show 1 then 2."""
    hub = federation["HUB"]
    order = "JS" + uuid.uuid4().hex[:12]
    second = federation.signed(sender="JS", receiver="HUB", order=order, seq=2, payload={"note": "2"})
    first = federation.signed(sender="JS", receiver="HUB", order=order, seq=1, payload={"note": "1"})
    status, answer, _ = hub.post_raw(*second)
    assert (status, answer["status"], answer["expected_seq"]) == (202, "held", 1)
    status, answer, _ = hub.post_raw(*first)
    assert (status, answer["status"]) == (200, "applied")
    pings = [m for m in hub.inbox("ping") if m["order"] == order]
    assert sorted((m["seq"], m["status"]) for m in pings) == [(1, "applied"), (2, "applied")]
    # the pongs HUB sent back to JS carry the ping's seq in the order HUB applied them
    pongs = wait_for(
        lambda: (
            (p := [m for m in federation["JS"].inbox("pong") if m["order"] == order]) and len(p) == 2 and p
        ),
        message="both pongs on JS",
    )
    assert [m["payload"]["ping_seq"] for m in sorted(pongs, key=lambda m: m["seq"])] == [1, 2]
    # a copy of seq 1 is a duplicate; another message claiming seq 1 is a conflict
    assert hub.post_raw(*first)[1]["status"] == "duplicate"
    clash = federation.signed(sender="JS", receiver="HUB", order=order, seq=1)
    status, answer, _ = hub.post_raw(*clash)
    assert (status, answer["code"]) == (409, "sequence_conflict")


def test_peer_down_then_back_loses_nothing(federation):
    """Reliability: while ZJ is down, JS's pings wait in the outbox (status shows the error); when ZJ
    is back every ping is applied exactly once and every pong comes back."""
    js, zj = federation["JS"], federation["ZJ"]
    zj.stop()
    try:
        ids = [
            js.kefu("federation", "ping", "ZJ", "--outbox", "--no-wait").stdout.split()[-1] for _ in range(3)
        ]
        # "pending" leaves out the rows a delivery round is sending right now: wait for a moment between
        # rounds, when all three wait and the last round's error is recorded
        status = wait_for(
            lambda: (s := js.status()["ZJ"]) and s["last_error"] and s["pending"] == 3 and s,
            message="a delivery error with the three pings waiting",
        )
        assert "unreachable" in status["last_error"]
        echo = js.kefu("federation", "ping", "ZJ", check=False)
        assert echo.returncode != 0 and "peer_unavailable" in echo.stderr
    finally:
        zj.start()
    # "pending" leaves out rows a delivery round has claimed and is sending right now, so wait for the
    # pings themselves to be applied on ZJ, then for the queue to drain
    wait_for(
        lambda: set(ids) <= {m["id"] for m in zj.inbox("ping")},
        timeout=120,  # a restarted node on a loaded machine; no hurry is asserted here
        message="every ping applied on ZJ",
    )
    wait_for(lambda: js.status()["ZJ"]["pending"] == 0, message="JS's queue for ZJ to drain")
    received = [m["id"] for m in zj.inbox("ping")]
    assert all(received.count(i) == 1 for i in ids)
    wait_for(
        lambda: {m["payload"]["ping_id"] for m in js.inbox("pong")} >= set(ids),
        message="every pong back on JS",
    )
    assert js.status()["ZJ"]["dead"] == 0


NATIONAL = r"""
from kefu.knowledge.models import Article
a = Article.objects.filter(code=%r).first()
value = a and {"origin": a.origin, "province": a.province_id, "status": a.status, "title": a.title,
               "published_version": a.published_version,
               "versions": sorted(a.versions.values_list("number", flat=True))}
"""


def test_national_article_reaches_every_province_and_a_province_down_catches_up(federation):
    """ORG-2: the hub operator publishes a national article through the hub's API → JS and ZJ both hold
    it (national, no province, the hub's version); while ZJ is down a new version and the retirement
    wait in the hub's outbox, and when ZJ is back it gets both, in the end state the hub has."""
    from tests.capability.harness import call, login

    hub, js, zj = federation["HUB"], federation["JS"], federation["ZJ"]
    token = login(hub, "hub01")
    code = f"N-{uuid.uuid4().hex[:8]}"
    base = "/api/v1/knowledge/national/articles"
    status, body = call(
        hub, "POST", base, token=token,
        body={"code": code, "title": "5G消息开通说明", "body": "<p>发送 KT5G 到 10086</p>", "kind": "usage",
              "tags": ["5G"], "publish": True},
    )  # fmt: skip
    assert status == 201, body
    for node in (js, zj):
        got = wait_for(lambda n=node: n.shell_value(NATIONAL % code), message=f"{code} on {node.code}")
        assert (got["origin"], got["province"], got["status"]) == ("national", None, "published")
        assert got["published_version"] == 1
    zj.stop()
    try:
        status, body = call(
            hub, "PATCH", f"{base}/{code}", token=token, body={"title": "5G消息开通说明（新版）"}
        )
        assert (status, body["published_version"]) == (200, 2)
        status, body = call(hub, "POST", f"{base}/{code}/retire", token=token, body={})
        assert (status, body["status"]) == (200, "retired")
        wait_for(
            lambda: (js.shell_value(NATIONAL % code) or {}).get("status") == "retired", message="JS retired"
        )
        waiting = hub.shell_value(
            "from kefu.core.models import OutboxMessage\n"
            f"value = sorted(m.payload['type'] for m in OutboxMessage.objects.filter(destination='ZJ', "
            f"delivered_at__isnull=True) if m.payload['payload'].get('code') == {code!r})"
        )
        assert waiting == ["knowledge.article.published", "knowledge.article.retired"]
    finally:
        zj.start()
    got = wait_for(
        # the two messages are independent (no order reference): they may arrive either way round
        lambda: (
            (g := zj.shell_value(NATIONAL % code))
            and g["status"] == "retired"
            and g["versions"] == [1, 2]
            and g
        ),
        # a restarted node on a loaded machine, each probe a `kefu shell` process: no hurry is asserted
        timeout=120,
        message="ZJ to catch up",
    )
    assert (got["title"], got["published_version"]) == ("5G消息开通说明（新版）", 2)
    wait_for(lambda: hub.status()["ZJ"]["pending"] == 0, message="the hub's queue for ZJ to drain")
    assert hub.status()["ZJ"]["dead"] == 0 and hub.status()["JS"]["dead"] == 0
