"""The least a Python web tier can do for a work-order transition: a bare WSGI app (no Django, no
ORM) that writes what the engine writes — the order row (every index of the real schema), an event,
an outbox message, an audit record, a Redis notification after commit — with one prepared statement
each. Used by ``workorder_floor.py`` only; it checks no flow, scope, holder or input, so what it
measures is a floor under any Python implementation, not a product.

Configured by environment: ``FLOOR_DSN`` (PostgreSQL), ``FLOOR_TEMPLATE`` (JSON ids of a template order,
event, outbox message and audit record to copy), ``FLOOR_BUS`` (Redis URL).
"""

from __future__ import annotations

import json
import os
from datetime import date

import psycopg
import redis

NEXT = {
    "dispatch": ("accepted", "dispatched"),
    "receive": ("dispatched", "processing"),
    "reply": ("processing", "replied"),
    "feedback": ("replied", "feedback"),
    "archive": ("feedback", "archived"),
}
TEMPLATE = json.loads(os.environ.get("FLOOR_TEMPLATE", "{}"))
_state: dict = {}


def _copy(conn, table: str, overrides: dict[str, str]) -> str:
    """``INSERT … SELECT`` copying the template row of ``table``, with ``overrides`` (column → SQL)."""
    columns = [
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id' "
            "ORDER BY ordinal_position",
            (table,),
        )
    ]
    values = ", ".join(overrides.get(c, c) for c in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM {table} WHERE id = %(template)s"


def _setup():
    if _state:
        return _state
    conn = psycopg.connect(os.environ["FLOOR_DSN"], prepare_threshold=0)
    conn.autocommit = True
    event_sql = _copy(
        conn,
        "workorders_workorderevent",
        {
            "order_id": "%(order)s",
            "seq": "%(seq)s",
            "action": "%(action)s",
            "at": "now()",
            "state_before": "%(before)s",
            "state_after": "%(after)s",
            "actor_id": "%(actor)s",
            "comment": "%(comment)s",
        },
    )
    outbox_sql = _copy(
        conn,
        "core_outboxmessage",
        {"topic": "%(topic)s", "payload": "%(payload)s", "created_at": "now()"},
    )
    audit_sql = _copy(
        conn,
        "core_auditevent",
        {
            "at": "now()",
            "action": "%(action)s",
            "object_id": "%(object)s",
            "actor_id": "%(actor)s",
            "changes": "%(changes)s",
        },
    )
    order_sql = (
        _copy(
            conn,
            "workorders_workorder",
            {
                "number": "%(number)s",
                "state": "'accepted'",
                "subscriber_id": "%(subscriber)s",
                "accepted_at": "now()",
                "created_at": "now()",
                "updated_at": "now()",
                "closed_at": "NULL",
                "event_seq": "1",
                "created_by_id": "%(actor)s",
            },
        )
        + " RETURNING id"
    )
    conn.autocommit = False
    _state.update(
        conn=conn,
        tokens={},
        bus=redis.Redis.from_url(os.environ.get("FLOOR_BUS", "redis://127.0.0.1:6379/15")),
        event=event_sql,
        outbox=outbox_sql,
        audit=audit_sql,
        order=order_sql,
    )
    return _state


def _actor(s, environ) -> int | None:
    key = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
    if key not in s["tokens"]:
        with s["conn"].transaction():
            row = s["conn"].execute("SELECT user_id FROM authtoken_token WHERE key = %s", (key,)).fetchone()
        s["tokens"][key] = row[0] if row else None
    return s["tokens"][key]


def _record(s, cur, *, order_id, number, seq, action, before, after, actor, comment=""):
    cur.execute(
        s["event"],
        {
            "template": TEMPLATE["event"],
            "order": order_id,
            "seq": seq,
            "action": action,
            "before": before,
            "after": after,
            "actor": actor,
            "comment": comment,
        },
    )
    payload = {"node": "JS", "number": number, "seq": seq, "event": {"action": action, "state_after": after}}
    cur.execute(
        s["outbox"],
        {"template": TEMPLATE["outbox"], "topic": f"workorder.{action}", "payload": json.dumps(payload)},
    )
    cur.execute(
        s["audit"],
        {
            "template": TEMPLATE["audit"],
            "action": f"workorders.{action}",
            "object": str(order_id),
            "actor": actor,
            "changes": json.dumps({"state": [before, after], "seq": seq}),
        },
    )


def _accept(s, actor, body) -> tuple[str, dict]:
    conn = s["conn"]
    with conn.transaction(), conn.cursor() as cur:
        subscriber = cur.execute(
            "SELECT id FROM customers_subscriber WHERE number = %s", (body["subscriber"],)
        ).fetchone()[0]
        today = date.today()
        value = cur.execute(
            "UPDATE workorders_ordernumbercounter SET value = value + 1 WHERE node = 'JS' AND day = %s "
            "RETURNING value",
            (today,),
        ).fetchone()
        if value is None:
            value = cur.execute(
                "INSERT INTO workorders_ordernumbercounter (node, day, value) VALUES ('JS', %s, 1) "
                "ON CONFLICT (node, day) DO UPDATE SET value = workorders_ordernumbercounter.value + 1 "
                "RETURNING value",
                (today,),
            ).fetchone()
        number = f"JS{today:%Y%m%d}{value[0]:07d}"
        order_id = cur.execute(
            s["order"],
            {"template": TEMPLATE["order"], "number": number, "subscriber": subscriber, "actor": actor},
        ).fetchone()[0]
        _record(
            s,
            cur,
            order_id=order_id,
            number=number,
            seq=1,
            action="accept",
            before="",
            after="accepted",
            actor=actor,
        )
    s["bus"].publish("workorders:floor", json.dumps({"number": number, "event": "accept"}))
    return "201 Created", {"number": number, "state": "accepted"}


def _act(s, actor, number, action, body) -> tuple[str, dict]:
    before, after = NEXT[action]
    conn = s["conn"]
    with conn.transaction(), conn.cursor() as cur:
        row = cur.execute(
            "SELECT id, state, event_seq FROM workorders_workorder WHERE number = %s FOR NO KEY UPDATE",
            (number,),
        ).fetchone()
        if row is None or row[1] != before:
            return "409 Conflict", {"code": "invalid_transition"}
        order_id, _, seq = row
        cur.execute(
            "UPDATE workorders_workorder SET state = %s, event_seq = %s, updated_at = now(), "
            "closed_at = CASE WHEN %s = 'archived' THEN now() END WHERE id = %s",
            (after, seq + 1, after, order_id),
        )
        _record(
            s,
            cur,
            order_id=order_id,
            number=number,
            seq=seq + 1,
            action=action,
            before=before,
            after=after,
            actor=actor,
            comment=body.get("comment", ""),
        )
    s["bus"].publish("workorders:floor", json.dumps({"number": number, "event": action}))
    return "200 OK", {"number": number, "state": after}


def app(environ, start_response):
    s = _setup()
    path = environ["PATH_INFO"]
    if path == "/healthz":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length) or b"{}")
    actor = _actor(s, environ)
    if actor is None:
        status, answer = "401 Unauthorized", {"code": "not_authenticated"}
    else:
        parts = path.strip("/").split("/")  # api v1 work-orders [number action]
        if len(parts) == 3:
            status, answer = _accept(s, actor, body)
        else:
            status, answer = _act(s, actor, parts[3], parts[4], body)
    data = json.dumps(answer).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
