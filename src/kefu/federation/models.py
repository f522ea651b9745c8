"""State the federation keeps on each node.

Outgoing messages are rows of the core transactional outbox (:class:`kefu.core.models.OutboxMessage`,
topic ``federation.message``, destination = the peer's code); this app adds what the outbox lacks:

- :class:`InboxMessage` — every message received, by its UUID (de-duplication, held messages, results
  of synchronous requests);
- :class:`OrderSequence` — per order and peer, the last sequence number assigned (out) or applied (in);
- :class:`PeerState` — per peer, the delivery health: last success, last error, back-off.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.federation.choices import Direction, InboxStatus, Mode


class InboxMessage(models.Model):
    """A message received from a peer. The unique ``message_id`` makes delivery idempotent: a second
    copy of the same message is acknowledged and not applied again."""

    message_id = models.UUIDField(_("消息标识"), unique=True)
    sender = models.CharField(_("发送方"), max_length=20)
    type = models.CharField(_("类型"), max_length=60)
    mode = models.CharField(_("方式"), max_length=8, choices=Mode, default=Mode.EVENT)
    order_ref = models.CharField(_("工单"), max_length=40, blank=True, default="")
    seq = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=InboxStatus)
    envelope = models.JSONField(_("消息"), default=dict)
    result = models.JSONField(_("结果"), null=True, blank=True)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    applied_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True, default="")

    scope_fields = None  # machine data, never exposed through the API

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["sender", "order_ref", "seq"], name="fed_inbox_order_seq"),
            models.Index(
                fields=["sender", "order_ref"], name="fed_inbox_held", condition=models.Q(status="held")
            ),
        ]
        verbose_name = _("收到的联邦消息")
        verbose_name_plural = _("收到的联邦消息")

    def __str__(self) -> str:
        return f"{self.type} {self.message_id} from {self.sender}"


class OrderSequence(models.Model):
    """The per-order sequence of one link: ``out`` — the last number given to a message for ``peer``
    about ``order_ref``; ``in`` — the last number applied from ``peer``. Contiguous per link, so the
    receiver knows exactly which message comes next."""

    direction = models.CharField(max_length=3, choices=Direction)
    peer = models.CharField(max_length=20)
    order_ref = models.CharField(max_length=40)
    value = models.PositiveIntegerField(default=0)

    scope_fields = None

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["direction", "peer", "order_ref"], name="fed_sequence_link_order")
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.peer} {self.order_ref} #{self.value}"


class PeerState(models.Model):
    """Delivery health of one peer: the worker backs off a peer that does not answer (``retry_at``)
    rather than trying each of its queued messages in turn."""

    code = models.CharField(max_length=20, unique=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    last_error_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)

    scope_fields = None

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
