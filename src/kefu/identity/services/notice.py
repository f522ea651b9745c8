"""The one-time security notice (AUTH-7)."""

from __future__ import annotations

from django.db import transaction

from kefu.core import audit
from kefu.identity.models import (
    SecurityNoticeAck,
)
from kefu.identity.services.policy import subscriber_in_scope


@transaction.atomic
def security_notice_acknowledge(*, actor, number: str) -> SecurityNoticeAck:
    """Remember that the one-time security notice was played for this subscriber (idempotent)."""
    subscriber = subscriber_in_scope(actor, number)
    ack, created = SecurityNoticeAck.objects.get_or_create(
        subscriber=subscriber,
        defaults={"staff": actor if getattr(actor, "is_authenticated", False) else None},
    )
    if created:
        audit.record(actor=actor, action="identity.security_notice.acknowledge", obj=subscriber)
    return ack
