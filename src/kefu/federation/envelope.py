"""The message envelope: building, signing, and checking what arrives.

On the wire a message is one JSON object (UTF-8), POSTed to ``/federation/v1/messages`` with two
headers: ``X-Kefu-Sender`` (the sender's node code, to pick the key) and ``X-Kefu-Signature``
(``sha256=<hex HMAC-SHA256 of the exact body bytes>``). The body carries its own ``timestamp``, so the
signature covers it: a captured message cannot be re-dated. See docs/protocol.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kefu.federation.choices import Mode
from kefu.federation.errors import FederationError
from kefu.federation.errors import FederationErrorCode as Code

VERSION = 1
SENDER_HEADER = "X-Kefu-Sender"
SIGNATURE_HEADER = "X-Kefu-Signature"
SIGNATURE_PREFIX = "sha256="


@dataclass(frozen=True)
class Message:
    """A protocol message as a handler sees it (already verified and de-duplicated)."""

    id: str
    type: str
    sender: str
    receiver: str
    payload: dict
    mode: str = Mode.EVENT
    order: str = ""
    seq: int | None = None
    timestamp: datetime | None = None
    created_at: datetime | None = None
    deadline: datetime | None = None
    sender_role: str = field(default="", compare=False)

    def remaining(self, *, now: datetime | None = None) -> float | None:
        """Seconds left before the requester gives up (synchronous requests), or None."""
        if self.deadline is None:
            return None
        return (self.deadline - (now or datetime.now(UTC))).total_seconds()


def new_id() -> str:
    return str(uuid.uuid4())


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def envelope(
    *,
    type: str,
    sender: str,
    receiver: str,
    payload: dict,
    mode: str = Mode.EVENT,
    order: str = "",
    seq: int | None = None,
    id: str | None = None,
    created_at: datetime | None = None,
    deadline: datetime | None = None,
) -> dict:
    """The message as stored in the outbox: everything but the timestamp, which is set per attempt."""
    body = {
        "v": VERSION,
        "id": id or new_id(),
        "type": type,
        "mode": mode,
        "sender": sender,
        "receiver": receiver,
        "order": order or "",
        "seq": seq,
        "created_at": _iso(created_at or datetime.now(UTC)),
        "payload": payload,
    }
    if deadline is not None:
        body["deadline"] = _iso(deadline)
    return body


def encode(body: dict, *, now: datetime | None = None) -> bytes:
    """Stamp the body with the current time and serialise it for one delivery attempt."""
    stamped = dict(body, timestamp=_iso(now or datetime.now(UTC)))
    return json.dumps(stamped, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(key: bytes, body: bytes) -> str:
    return SIGNATURE_PREFIX + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify(key: bytes, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(key, body), signature or "")


def _malformed(detail: str) -> FederationError:
    return FederationError(detail, code=Code.MALFORMED_MESSAGE, status=400)


def _parse_time(data: dict, name: str, *, required: bool) -> datetime | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _malformed(f"'{name}' must be an ISO 8601 time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _malformed(f"'{name}' is not an ISO 8601 time: {value[:40]!r}")
    if parsed.tzinfo is None:
        raise _malformed(f"'{name}' must carry a time zone")
    return parsed


def parse(body: bytes) -> Message:
    """Decode and check the envelope's shape; raise ``malformed_message`` saying what is wrong."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _malformed("The body is not UTF-8 JSON.")
    return from_dict(data)


def from_dict(data) -> Message:
    """Check a decoded envelope (as received, or as kept in the inbox) and build the Message."""
    if not isinstance(data, dict):
        raise _malformed("The body must be a JSON object.")
    if data.get("v") != VERSION:
        raise _malformed(f"'v' must be {VERSION}.")
    for name in ("id", "type", "sender", "receiver", "mode"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise _malformed(f"'{name}' must be a non-empty string.")
    try:
        message_id = str(uuid.UUID(data["id"]))
    except ValueError:
        raise _malformed("'id' must be a UUID.")
    if data["mode"] not in Mode.values():
        raise _malformed(f"'mode' must be one of {Mode.values()}.")
    if len(data["type"]) > 60:
        raise _malformed("'type' is longer than 60 characters.")
    if not isinstance(data.get("payload"), dict):
        raise _malformed("'payload' must be a JSON object.")
    order = data.get("order") or ""
    if not isinstance(order, str) or len(order) > 40:
        raise _malformed("'order' must be a string of at most 40 characters.")
    seq = data.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 1):
        raise _malformed("'seq' must be a positive integer or null.")
    if (seq is None) != (not order) and data["mode"] == Mode.EVENT:
        raise _malformed("'order' and 'seq' go together: both set or both empty.")
    return Message(
        id=message_id,
        type=data["type"],
        mode=data["mode"],
        sender=data["sender"],
        receiver=data["receiver"],
        order=order,
        seq=seq,
        payload=data["payload"],
        timestamp=_parse_time(data, "timestamp", required=True),
        created_at=_parse_time(data, "created_at", required=False),
        deadline=_parse_time(data, "deadline", required=False),
    )
