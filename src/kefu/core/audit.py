"""Audit (SYS-2): one append-only event per write, per personal-data reveal and per view of a named
person's data.

Services call :func:`record` inside their transaction, so an audit row exists exactly when the change
it describes does. Reads that show personal data call :func:`record_view` before they render: the row
is committed first, and a view whose row cannot be written is refused (503 ``audit_unavailable``), so
no one sees personal data without a trace.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from kefu.core import compiled
from kefu.core.context import current
from kefu.core.errors import DomainError, ErrorCode
from kefu.core.models import AuditEvent

VIEW = "view"  # the action of every audited read (SYS-2)

# Keys that never reach an audit payload, whatever a caller passes.
SECRET_KEYS = {"password", "service_password", "new_password", "old_password", "token", "otp", "digits"}


def _clean(changes: dict[str, Any] | None) -> dict[str, Any]:
    if not changes:
        return {}
    cleaned = {}
    for key, value in changes.items():
        if key in SECRET_KEYS:
            cleaned[key] = "***"
        elif isinstance(value, dict):
            cleaned[key] = _clean(value)
        else:
            cleaned[key] = value if isinstance(value, str | int | float | bool | list | None) else str(value)
    return cleaned


def record(**fields) -> AuditEvent:
    """Append one audit event: :func:`event`'s arguments. ``province_id``/``city_id`` place it in a
    data scope; when omitted they are taken from the object (``province_id``/``home_province_id`` and
    the city alike)."""
    return compiled.insert(event(**fields))


def event(
    *,
    actor,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, Any] | None = None,
    province_id: int | None = None,
    city_id: int | None = None,
) -> AuditEvent:
    """The audit event :func:`record` appends, not yet written: for a caller that writes it together
    with other rows of the same transaction (``compiled.insert_all``)."""
    context = current.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if province_id is None:
            province_id = getattr(obj, "home_province_id", None) or getattr(obj, "province_id", None)
        if city_id is None:
            city_id = getattr(obj, "home_city_id", None) or getattr(obj, "city_id", None)
    if province_id is None and actor is not None and getattr(actor, "is_authenticated", False):
        province_id = actor.province_id
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent(
        actor=actor if authenticated else None,
        actor_job_number=actor.job_number if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        province_id=province_id,
        city_id=city_id,
        source_ip=context.source_ip,
        channel=context.channel,
        changes=_clean(changes),
    )


def record_view(
    *,
    actor,
    object_type: str,
    object_id: str,
    sections: list[str],
    obj: Model | None = None,
    province_id: int | None = None,
    city_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """SYS-2: one audit row for one view of a named person's data — who (the actor), the subject
    (``object_type``/``object_id``: a number, a customer, a contact record), the ``sections`` shown,
    when (``at``) and from where (the request context) — committed before the caller renders.

    One compiled INSERT: outside a transaction it is its own transaction and commits when it returns
    (one round trip and one WAL flush, no BEGIN/COMMIT round trips); inside one (a test,
    ``ATOMIC_REQUESTS``) it runs in a savepoint, so a failure leaves the outer transaction usable. If
    the row cannot be written the view is refused with 503 ``audit_unavailable``."""
    fields = {
        "actor": actor,
        "action": VIEW,
        "obj": obj,
        "object_type": object_type,
        "object_id": str(object_id)[:64],
        "changes": {"sections": list(sections), **(details or {})},
        "province_id": province_id,
        "city_id": city_id,
    }
    try:
        if not transaction.get_connection().in_atomic_block:
            return record(**fields)  # autocommit: committed when the statement completes
        with transaction.atomic():
            return record(**fields)
    except DatabaseError as exc:
        raise DomainError(
            _("无法记录本次查看，暂不能显示客户资料，请稍后再试"),
            code=ErrorCode.AUDIT_UNAVAILABLE,
            status=503,
        ) from exc
