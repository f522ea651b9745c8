"""Delivery of queued federation messages (outbox rows of topic ``federation.message``).

Three things drive it, all running the same :func:`deliver_once`:
- a thread in the process that committed a message, woken on commit (:func:`kick`) — low latency;
- ``kefu federation deliver``, a loop polling every ``KEFU_FEDERATION_POLL`` seconds — retries;
- the Celery beat task ``federation.deliver_pending`` — a safety net where no loop runs.

Rows are claimed under a lease (``next_attempt_at`` moved forward in the claiming transaction, with
``SKIP LOCKED`` on PostgreSQL), so concurrent deliverers rarely post the same row; if they do, or if a
process dies between the peer's answer and marking the row, the receiver's inbox recognises the id.
Delivery is at least once; the effect, exactly once.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from kefu.core.models import OutboxMessage
from kefu.federation import peers, transport
from kefu.federation.envelope import encode

logger = logging.getLogger("kefu.federation.delivery")

TOPIC = "federation.message"
LEASE = timedelta(seconds=60)
# Answers that will not change by trying again: the message goes to the dead letters at once.
PERMANENT = {400, 409, 413, 422}
# Answers that say the peer (not the message) has a problem: the whole peer is backed off.
PEER_LEVEL = {401, 403, 404, 502, 503, 504}


@dataclass
class Report:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Report) -> None:
        self.claimed += other.claimed
        self.delivered += other.delivered
        self.retried += other.retried
        self.dead += other.dead
        self.errors += other.errors


def backoff(attempt: int) -> float:
    """Seconds to wait before attempt ``attempt + 1``: exponential, capped, with ±10% jitter."""
    base = settings.KEFU_FEDERATION_RETRY_BASE * (2 ** max(attempt - 1, 0))
    return min(base, settings.KEFU_FEDERATION_RETRY_MAX) * random.uniform(0.9, 1.1)  # noqa: S311 - jitter


def pending():
    return OutboxMessage.objects.filter(topic=TOPIC, delivered_at__isnull=True, dead=False)


def _claim(limit: int) -> list[OutboxMessage]:
    from kefu.federation.models import PeerState

    now = timezone.now()
    blocked = list(PeerState.objects.filter(retry_at__gt=now).values_list("code", flat=True))
    with transaction.atomic():
        rows = pending().filter(next_attempt_at__lte=now).exclude(destination__in=blocked).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows[:limit])
        if claimed:
            OutboxMessage.objects.filter(pk__in=[r.pk for r in claimed]).update(next_attempt_at=now + LEASE)
    return claimed


def _short(answer: dict, status: int) -> str:
    code = answer.get("code") or "error"
    return f"HTTP {status} {code}: {str(answer.get('detail') or '')[:300]}"


def _retry(row: OutboxMessage, error: str, report: Report) -> None:
    attempts = row.attempts + 1
    if attempts >= settings.KEFU_FEDERATION_MAX_ATTEMPTS:
        _dead(row, f"gave up after {attempts} attempts; last: {error}", report, attempts=attempts)
        return
    OutboxMessage.objects.filter(pk=row.pk).update(
        attempts=attempts,
        last_error=error[:2000],
        next_attempt_at=timezone.now() + timedelta(seconds=backoff(attempts)),
    )
    report.retried += 1


def _defer(row: OutboxMessage, error: str, report: Report) -> None:
    """The peer, not the message, failed (unreachable, or it refuses the whole link): record the error
    and give the row back without counting an attempt. The peer's back-off decides when it is tried
    again, so a peer that is down for hours loses nothing to the dead letters."""
    OutboxMessage.objects.filter(pk=row.pk).update(last_error=error[:2000], next_attempt_at=timezone.now())
    report.retried += 1


def _dead(row: OutboxMessage, error: str, report: Report, *, attempts: int | None = None) -> None:
    OutboxMessage.objects.filter(pk=row.pk).update(
        attempts=attempts or row.attempts + 1, last_error=error[:2000], dead=True
    )
    report.dead += 1
    logger.error(
        "federation message dead-lettered",
        extra={"outbox_id": row.pk, "peer": row.destination, "type": row.payload.get("type"), "error": error},
    )


def _peer_failed(code: str, error: str) -> None:
    from kefu.federation.models import PeerState

    now = timezone.now()
    state, _ = PeerState.objects.get_or_create(code=code)
    failures = state.failures + 1
    PeerState.objects.filter(pk=state.pk).update(
        failures=failures,
        last_error=error[:2000],
        last_error_at=now,
        retry_at=now + timedelta(seconds=backoff(failures)),
    )


def _peer_ok(code: str) -> None:
    from kefu.federation.models import PeerState

    updated = PeerState.objects.filter(code=code).update(
        last_success_at=timezone.now(), failures=0, retry_at=None
    )
    if not updated:
        PeerState.objects.get_or_create(code=code, defaults={"last_success_at": timezone.now()})


def lanes_of(rows: list[OutboxMessage]) -> list[list[OutboxMessage]]:
    """Split one peer's claimed rows (in id order) into lanes that may be posted side by side: all
    messages of one order in one lane, in id order, so the receiver gets each order's numbers in
    sequence (it would hold one that overtook its predecessor, but need not); a message without an
    order is a lane of its own."""
    lanes: list[list[OutboxMessage]] = []
    by_order: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        order = (row.payload or {}).get("order") or ""
        if not order:
            lanes.append([row])
        elif order in by_order:
            by_order[order].append(row)
        else:
            by_order[order] = [row]
            lanes.append(by_order[order])
    return lanes


@dataclass
class _Posted:
    """What one post got — the peer's (status, answer) or the transport error; without a row, the end
    of that peer's posts in this round."""

    code: str
    row: OutboxMessage | None = None
    status: int = 0
    answer: dict = field(default_factory=dict)
    error: transport.TransportError | None = None


def _post_peer(peer: peers.Peer, rows: list[OutboxMessage], results: queue.SimpleQueue) -> None:
    """Post one peer's rows, up to ``KEFU_FEDERATION_PEER_CONCURRENCY`` lanes (orders) at once, each
    lane's rows one after the other; put every outcome on ``results`` as it comes, then the end marker.
    HTTP only: the thread that claimed the rows records the outcomes, on its own connection."""
    lanes = deque(lanes_of(rows))
    stop = threading.Event()  # the peer is down or refuses the whole link: no more posts this round

    def work() -> None:
        try:
            lanes_until_stopped()
        except Exception:  # a bug here must not hang the round; the rows' lease brings them back
            logger.exception("federation posting failed", extra={"peer": peer.code})

    def lanes_until_stopped() -> None:
        while not stop.is_set():
            try:
                lane = lanes.popleft()
            except IndexError:
                return
            for row in lane:
                if stop.is_set():
                    return
                try:
                    status, answer = transport.post(
                        peer, encode(row.payload), timeout=settings.KEFU_FEDERATION_TIMEOUT
                    )
                except transport.TransportError as exc:
                    stop.set()
                    results.put(_Posted(peer.code, row, error=exc))
                    return
                if status in PEER_LEVEL:
                    stop.set()
                results.put(_Posted(peer.code, row, status, answer))

    try:
        width = min(settings.KEFU_FEDERATION_PEER_CONCURRENCY, len(lanes))
        if width <= 1:
            work()
            return
        threads = [
            threading.Thread(target=work, name=f"kefu-fed-{peer.code}", daemon=True) for _ in range(width)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        results.put(_Posted(peer.code))


class _PeerRound:
    """What one peer answered in a round, recorded row by row by the claiming thread."""

    def __init__(self, rows: list[OutboxMessage]) -> None:
        self.rows = rows
        self.posted: set[int] = set()
        self.answered = False  # applied, held or refused for good: the peer itself is fine
        self.failure = ""  # unreachable, or a refusal of the whole link

    def record(self, posted: _Posted, report: Report) -> None:
        row = posted.row
        self.posted.add(row.pk)
        if posted.error is not None:
            self.failure = str(posted.error)
            _defer(row, self.failure, report)
            report.errors.append(self.failure)
            return
        if posted.status in (200, 202):
            OutboxMessage.objects.filter(pk=row.pk).update(
                delivered_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
            report.delivered += 1
            self.answered = True
            return
        error = _short(posted.answer, posted.status)
        report.errors.append(error)
        if posted.status in PERMANENT:
            _dead(row, error, report)
            self.answered = True
            return
        if posted.status in PEER_LEVEL:
            self.failure = error
            _defer(row, error, report)
            return
        _retry(row, error, report)

    def finish(self, code: str) -> None:
        if self.failure:
            # The peer is down or refuses the link: give the rest back at once; the peer's back-off
            # decides when they are tried again.
            rest = [row.pk for row in self.rows if row.pk not in self.posted]
            OutboxMessage.objects.filter(pk__in=rest).update(next_attempt_at=timezone.now())
            _peer_failed(code, self.failure)
        elif self.answered:
            _peer_ok(code)


# Steps that turn other outbox rows into federation messages (e.g. the cross-level work-order relay,
# ``kefu.crosslevel.relay``); each runs in its own transaction before every claim.
producers: list = []


def _produce() -> None:
    for produce in producers:
        try:
            produce()
        except Exception:  # a failing producer must not stop delivery; it runs again next round
            logger.exception(
                "federation producer failed", extra={"producer": getattr(produce, "__name__", "")}
            )


def deliver_once(*, limit: int = 200) -> Report:
    """Claim due messages, post them and record the answers; return what happened.

    Peers are posted to in parallel (``KEFU_FEDERATION_DELIVERY_THREADS``) and, within a peer, several
    orders at once (``KEFU_FEDERATION_PEER_CONCURRENCY``), each order's messages in sequence: a slow
    answer holds up only its own order. The posting threads do HTTP only; this thread alone touches
    the database, so a round needs no connection beyond the caller's."""
    _produce()
    report = Report()
    rows = _claim(limit)
    if not rows:
        return report
    report.claimed = len(rows)
    by_peer: dict[str, list[OutboxMessage]] = defaultdict(list)
    for row in rows:
        by_peer[row.destination].append(row)
    rounds: dict[str, _PeerRound] = {}
    targets: list[tuple[peers.Peer, list[OutboxMessage]]] = []
    for code, batch in by_peer.items():
        peer = peers.get(code)
        if peer is None:
            error = f"no peer {code!r} in the peers file"
            for row in batch:
                _retry(row, error, report)
            _peer_failed(code, error)
            continue
        rounds[code] = _PeerRound(batch)
        targets.append((peer, batch))
    results: queue.SimpleQueue = queue.SimpleQueue()
    width = max(1, min(settings.KEFU_FEDERATION_DELIVERY_THREADS, len(targets)))
    with ThreadPoolExecutor(max_workers=width, thread_name_prefix="kefu-fed") as pool:
        for peer, batch in targets:
            pool.submit(_post_peer, peer, batch, results)
        waiting = len(targets)
        while waiting:
            posted = results.get()
            if posted.row is None:
                rounds[posted.code].finish(posted.code)
                waiting -= 1
            else:
                rounds[posted.code].record(posted, report)
    return report


def deliver_all(*, limit: int = 200, rounds: int = 100) -> Report:
    """Deliver until nothing due is left (or ``rounds`` batches); used after commit and by commands."""
    total = Report()
    for _ in range(rounds):
        report = deliver_once(limit=limit)
        total.add(report)
        if report.claimed == 0:
            break
    return total


# --- delivery right after commit --------------------------------------------------------------------


class _Kicker:
    """One daemon thread per process, woken whenever a transaction that queued a message commits."""

    def __init__(self) -> None:
        self.wake = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def kick(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="kefu-fed-kick", daemon=True)
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            try:
                # The thread keeps its connection from one wake to the next (within CONN_MAX_AGE):
                # opening one per commit costs a PostgreSQL node milliseconds on every hop.
                close_old_connections()
                deliver_all()
            except Exception:  # never let the thread die; the delivery loop retries anyway
                logger.exception("delivery after commit failed")
                connections.close_all()


_kicker = _Kicker()


def kick() -> None:
    """Deliver soon, in the background (registered with ``transaction.on_commit`` by ``send``)."""
    if settings.KEFU_FEDERATION_DELIVER_ON_COMMIT:
        _kicker.kick()
