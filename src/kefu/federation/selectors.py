"""Federation reads: the per-peer status (queues, lag, last error), recent messages, metrics."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from kefu.core.models import OutboxMessage
from kefu.federation import peers
from kefu.federation.choices import InboxStatus
from kefu.federation.delivery import TOPIC
from kefu.federation.models import InboxMessage, PeerState


@dataclass
class PeerStatus:
    code: str
    role: str
    url: str
    pending: int  # queued for the peer, not yet acknowledged
    dead: int  # dead letters waiting for `kefu federation replay`
    delivered: int
    lag_seconds: float | None  # age of the oldest pending message
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    retry_at: datetime | None
    received: int  # messages received from the peer
    held: int  # received early, waiting for a predecessor

    def as_dict(self) -> dict:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        return data


def peer_status() -> list[PeerStatus]:
    """One line per peer (configured, or with messages on record) — three grouped queries."""
    now = timezone.now()
    outbox = {
        row["destination"]: row
        for row in OutboxMessage.objects.filter(topic=TOPIC)
        .values("destination")
        .annotate(
            # (annotation names differ from the model's fields: "dead" would shadow the column)
            n_pending=Count("id", filter=Q(delivered_at__isnull=True, dead=False)),
            n_dead=Count("id", filter=Q(dead=True, delivered_at__isnull=True)),
            n_delivered=Count("id", filter=Q(delivered_at__isnull=False)),
            oldest=Min("created_at", filter=Q(delivered_at__isnull=True, dead=False)),
        )
    }
    inbox = {
        row["sender"]: row
        for row in InboxMessage.objects.values("sender").annotate(
            n_received=Count("id"), n_held=Count("id", filter=Q(status=InboxStatus.HELD))
        )
    }
    states = {state.code: state for state in PeerState.objects.all()}
    configured = peers.all_peers()
    result = []
    for code in sorted(set(configured) | set(outbox) | set(inbox) | set(states)):
        peer, out, inn, state = (
            configured.get(code),
            outbox.get(code, {}),
            inbox.get(code, {}),
            states.get(code),
        )
        oldest = out.get("oldest")
        result.append(
            PeerStatus(
                code=code,
                role=peer.role if peer else "?",
                url=peer.url if peer else "",
                pending=out.get("n_pending", 0),
                dead=out.get("n_dead", 0),
                delivered=out.get("n_delivered", 0),
                lag_seconds=round((now - oldest).total_seconds(), 3) if oldest else None,
                last_success_at=state.last_success_at if state else None,
                last_error=state.last_error if state else "",
                last_error_at=state.last_error_at if state else None,
                retry_at=state.retry_at if state else None,
                received=inn.get("n_received", 0),
                held=inn.get("n_held", 0),
            )
        )
    return result


def inbox_recent(*, limit: int = 50, sender: str | None = None, type: str | None = None):
    rows = InboxMessage.objects.order_by("-id")
    if sender:
        rows = rows.filter(sender=sender)
    if type:
        rows = rows.filter(type=type)
    return rows[:limit]


def inbox_orders(*, limit: int = 50) -> list[dict]:
    """Orders this node received messages about, latest first: order, messages, last received."""
    return list(
        InboxMessage.objects.exclude(order_ref="")
        .values("order_ref")
        .annotate(
            messages=Count("id"), held=Count("id", filter=Q(status=InboxStatus.HELD)), last=Max("received_at")
        )
        .order_by("-last")[:limit]
    )


def outbox_recent(*, limit: int = 50, dead: bool | None = None):
    rows = OutboxMessage.objects.filter(topic=TOPIC).order_by("-id")
    if dead is not None:
        rows = rows.filter(dead=dead)
    return rows[:limit]


def metrics_gauges() -> dict:
    """Prometheus gauges per peer (registered with kefu.core.api.ops.metrics_hooks)."""
    try:
        status = peer_status()
    except ImproperlyConfigured:  # an unreadable peers file must not take /metrics down with it
        return {}
    labelled = lambda attr: [({"peer": s.code}, getattr(s, attr) or 0) for s in status]  # noqa: E731
    return {
        "kefu_federation_pending": ("Federation messages queued for a peer.", labelled("pending")),
        "kefu_federation_dead": ("Federation messages in the dead-letter list.", labelled("dead")),
        "kefu_federation_held": ("Received messages waiting for their predecessor.", labelled("held")),
        "kefu_federation_lag_seconds": ("Age of the oldest queued message.", labelled("lag_seconds")),
    }
