"""Federation writes: queue a message for a peer, receive one, replay dead letters.

Sending (``send``) only appends to the transactional outbox inside the caller's transaction; the
delivery worker (:mod:`kefu.federation.delivery`) posts it after commit. Receiving
(``message_receive``) verifies, de-duplicates, orders and applies a message in one transaction; the
HTTP answer is written only after that transaction commits.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.core import audit
from kefu.core.errors import DomainError
from kefu.core.models import OutboxMessage
from kefu.federation import delivery, peers, registry
from kefu.federation.choices import Direction, InboxStatus, Mode
from kefu.federation.envelope import Message, envelope, from_dict, parse, verify
from kefu.federation.errors import FederationError
from kefu.federation.errors import FederationErrorCode as Code
from kefu.federation.models import InboxMessage, OrderSequence, PeerState

logger = logging.getLogger("kefu.federation")

TOPIC = delivery.TOPIC


# --- sending ----------------------------------------------------------------------------------------


def _next_sequence(direction: str, peer: str, order: str) -> OrderSequence:
    """The link's sequence row for ``order``, locked until the transaction ends (serialises the
    numbering of concurrent messages about the same order)."""
    sequence, _ = OrderSequence.objects.select_for_update().get_or_create(
        direction=direction, peer=peer, order_ref=order
    )
    return sequence


def send(*, to: str, type: str, payload: dict, order: str = "") -> str:
    """Queue message ``type`` with ``payload`` for peer ``to``; return the message id.

    Call it inside the transaction that makes the change the message reports: the outbox row
    commits with it or not at all. With ``order`` (an order number) the message gets the next number
    of that order's sequence on this link, and the receiver applies the order's messages strictly in
    that sequence. Delivery starts right after commit and is retried until the peer acknowledges.
    """
    if peers.get(to) is None:
        raise FederationError(f"No peer {to!r} in the peers file.", code=Code.PEER_NOT_CONFIGURED, status=500)
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as exc:
        raise FederationError(f"The payload is not JSON: {exc}", code=Code.MALFORMED_MESSAGE)
    with transaction.atomic():
        seq = None
        if order:
            sequence = _next_sequence(Direction.OUT, to, order)
            sequence.value += 1
            sequence.save(update_fields=["value"])
            seq = sequence.value
        body = envelope(
            type=type,
            sender=settings.KEFU_NODE_CODE,
            receiver=to,
            payload=payload,
            order=order,
            seq=seq,
        )
        OutboxMessage.objects.create(topic=TOPIC, destination=to, payload=body)
        transaction.on_commit(delivery.kick)
    return body["id"]


# --- receiving ----------------------------------------------------------------------------------------


def _refuse(code: str, status: int, detail: str, **extra) -> FederationError:
    logger.warning("federation message refused", extra={"code": code, "detail": detail, **extra})
    return FederationError(detail, code=code, status=status, **extra)


def message_receive(*, body: bytes, sender: str | None, signature: str | None) -> tuple[int, dict]:
    """Verify and apply one incoming message; return (HTTP status, JSON answer).

    Raises :class:`FederationError` (refused: the answer is problem+json with its code) or the
    handler's :class:`DomainError` (the message was understood but rejected: 422).
    """
    if len(body) > settings.KEFU_FEDERATION_MAX_BODY:
        raise _refuse(Code.TOO_LARGE, 413, f"The message exceeds {settings.KEFU_FEDERATION_MAX_BODY} bytes.")
    if not sender or not signature:
        raise _refuse(
            Code.NOT_SIGNED, 401, "Federation messages must carry X-Kefu-Sender and X-Kefu-Signature."
        )
    peer = peers.get(sender)
    if peer is None:
        raise _refuse(
            Code.UNKNOWN_PEER, 403, f"{sender[:20]!r} is not a peer of this node.", sender=sender[:20]
        )
    if not verify(peer.key, body, signature):
        raise _refuse(Code.BAD_SIGNATURE, 401, "The signature does not match the body.", sender=peer.code)
    message = parse(body)
    if message.sender != peer.code:
        raise _refuse(Code.MALFORMED_MESSAGE, 400, "'sender' differs from the X-Kefu-Sender header.")
    if message.receiver != settings.KEFU_NODE_CODE:
        raise _refuse(
            Code.WRONG_RECEIVER, 400, f"This node is {settings.KEFU_NODE_CODE}, not {message.receiver[:20]}."
        )
    skew = abs((datetime.now(UTC) - message.timestamp).total_seconds())
    if skew > settings.KEFU_FEDERATION_CLOCK_SKEW:
        raise _refuse(
            Code.STALE_TIMESTAMP,
            401,
            f"The timestamp is {skew:.0f} s away from this node's clock "
            f"(allowed: {settings.KEFU_FEDERATION_CLOCK_SKEW} s).",
            sender=peer.code,
        )
    handler = registry.handler_for(message.type, role=settings.KEFU_ROLE)
    if handler is None:
        raise _refuse(
            Code.UNKNOWN_TYPE, 400, f"A {settings.KEFU_ROLE} node does not handle {message.type!r} messages."
        )
    if handler.senders is not None and peer.role not in handler.senders:
        raise _refuse(Code.NOT_ALLOWED, 403, f"A {peer.role} may not send {message.type!r} messages.")
    message = replace(message, sender_role=peer.role)
    data = json.loads(body)
    if message.mode == Mode.REQUEST:
        return 200, _answer_request(handler, message, data)
    return _apply_event(handler, message, data)


def _checked_result(result) -> dict | None:
    if result is not None and not isinstance(result, dict):
        raise TypeError("a federation handler must return a dict or None")
    return result


def _answer_request(handler: registry.Handler, message: Message, data: dict) -> dict:
    """A synchronous request: run the handler outside a transaction (it may wait on another node) and
    remember its result, so a repeated request id gets the same answer without running again."""
    existing = InboxMessage.objects.filter(message_id=message.id).first()
    if existing is not None:
        return {"status": "duplicate", "id": message.id, "result": existing.result}
    result = _checked_result(handler.fn(message))
    try:
        with transaction.atomic():
            InboxMessage.objects.create(
                message_id=message.id,
                sender=message.sender,
                type=message.type,
                mode=message.mode,
                order_ref=message.order,
                seq=message.seq,
                status=InboxStatus.APPLIED,
                envelope=data,
                result=result,
                applied_at=timezone.now(),
            )
    except IntegrityError:
        pass  # the same request ran twice at once; both answers are the handler's
    return {"status": "applied", "id": message.id, "result": result}


def _apply_event(handler: registry.Handler, message: Message, data: dict) -> tuple[int, dict]:
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = InboxMessage.objects.create(
                    message_id=message.id,
                    sender=message.sender,
                    type=message.type,
                    mode=message.mode,
                    order_ref=message.order,
                    seq=message.seq,
                    status=InboxStatus.HELD,
                    envelope=data,
                )
        except IntegrityError:
            return 200, {"status": "duplicate", "id": message.id}
        if not message.order:
            result = _checked_result(handler.fn(message))
            _mark_applied(row, result)
            return 200, {"status": "applied", "id": message.id, "result": result}
        sequence = _next_sequence(Direction.IN, message.sender, message.order)
        if message.seq <= sequence.value:
            # Not a copy (that has the same id, caught above): a different message claiming a number
            # already used. Applying or dropping it could both be wrong, so it is refused loudly.
            raise _refuse(
                Code.SEQUENCE_CONFLICT,
                409,
                f"Sequence number {message.seq} of order {message.order} was already applied "
                f"under another message id.",
            )
        if message.seq > sequence.value + 1:
            logger.info(
                "federation message held",
                extra={"sender": message.sender, "order": message.order, "seq": message.seq},
            )
            return 202, {"status": "held", "id": message.id, "expected_seq": sequence.value + 1}
        result = _checked_result(handler.fn(message))
        _mark_applied(row, result)
        sequence.value = message.seq
        _drain(sequence)
        sequence.save(update_fields=["value"])
        return 200, {"status": "applied", "id": message.id, "result": result}


def _mark_applied(row: InboxMessage, result: dict | None) -> None:
    row.status = InboxStatus.APPLIED
    row.result = result
    row.applied_at = timezone.now()
    row.last_error = ""
    row.save(update_fields=["status", "result", "applied_at", "last_error"])


def _drain(sequence: OrderSequence) -> int:
    """Apply the held messages that now come next in ``sequence`` (locked by the caller); each in a
    savepoint, stopping at the first that fails (it stays held, with its error, and is retried)."""
    applied = 0
    while True:
        row = InboxMessage.objects.filter(
            sender=sequence.peer,
            order_ref=sequence.order_ref,
            seq=sequence.value + 1,
            status=InboxStatus.HELD,
        ).first()
        if row is None:
            return applied
        peer = peers.get(row.sender)
        message = replace(from_dict(row.envelope), sender_role=peer.role if peer else "")
        handler = registry.handler_for(message.type, role=settings.KEFU_ROLE)
        try:
            if handler is None:
                raise FederationError(f"No handler for {message.type!r}.", code=Code.UNKNOWN_TYPE)
            with transaction.atomic():
                result = _checked_result(handler.fn(message))
                _mark_applied(row, result)
        except Exception as exc:  # the held message stays held with its error; nothing is lost
            error = exc.message if isinstance(exc, DomainError) else f"{exc.__class__.__name__}: {exc}"
            logger.warning(
                "held federation message failed",
                extra={"sender": row.sender, "order": row.order_ref, "seq": row.seq, "error": error},
            )
            InboxMessage.objects.filter(pk=row.pk).update(last_error=error[:2000])
            return applied
        sequence.value += 1
        applied += 1


def held_retry() -> int:
    """Apply held messages whose predecessor has meanwhile been applied (a handler that failed while
    draining, e.g. on a transient error). Run by the delivery loop; returns how many were applied."""
    applied = 0
    links = (
        InboxMessage.objects.filter(status=InboxStatus.HELD)
        .values_list("sender", "order_ref")
        .distinct()[:200]
    )
    for sender, order in list(links):
        with transaction.atomic():
            sequence = _next_sequence(Direction.IN, sender, order)
            drained = _drain(sequence)
            if drained:
                sequence.save(update_fields=["value"])
            applied += drained
    return applied


# --- dead letters ----------------------------------------------------------------------------------------


@transaction.atomic
def dead_letter_replay(*, actor=None, peer: str | None = None, ids: list[int] | None = None) -> int:
    """Put dead-lettered messages back in the queue (all, one peer's, or the given outbox ids).

    The messages keep their ids and sequence numbers, so a receiver that did apply one answers
    "duplicate" and nothing is applied twice."""
    rows = OutboxMessage.objects.filter(topic=TOPIC, dead=True, delivered_at__isnull=True)
    if peer:
        rows = rows.filter(destination=peer)
    if ids:
        rows = rows.filter(pk__in=ids)
    chosen = list(rows.values_list("pk", flat=True))
    if not chosen:
        return 0
    OutboxMessage.objects.filter(pk__in=chosen).update(dead=False, attempts=0, next_attempt_at=timezone.now())
    if peer:
        PeerState.objects.filter(code=peer).update(retry_at=None, failures=0)
    audit.record(
        actor=actor,
        action="federation.dead_letter_replay",
        object_type="federation.outbox",
        object_id=peer or "",
        changes={"replayed": chosen[:1000], "count": len(chosen)},
    )
    transaction.on_commit(delivery.kick)
    return len(chosen)
