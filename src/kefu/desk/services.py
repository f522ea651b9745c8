"""Writes made from the unified customer view: revealing personal data (audited) and editing the
non-core fields of a subscriber (VIEW-6, audited with before and after)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import DomainError, NotFoundError
from kefu.customers.models import Subscriber
from kefu.customers.services import subscriber_reveal_id_number

# Fields of a subscriber anyone who may work on the line can edit from the view (VIEW-6).
NON_CORE_FIELDS = ("interests", "mailing_address")
MAX_LENGTH = {"interests": 200, "mailing_address": 200}


def _scoped_subscriber(*, actor, number: str, lock: bool = False) -> Subscriber:
    queryset = Subscriber.objects.select_related("customer")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    subscriber = scope.restrict(queryset, actor).filter(number=number).first()
    if subscriber is None:
        raise NotFoundError(_("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": number})
    return subscriber


@transaction.atomic
def personal_data_reveal(*, actor, number: str) -> dict:
    """The unmasked personal data of a line, for a role that may see it (VIEW-1, SYS-2).

    The ID number is revealed through ``customers.services.subscriber_reveal_id_number`` (which audits
    it); the other personal fields shown with it are audited here, by name, never by value.
    """
    subscriber = _scoped_subscriber(actor=actor, number=number)
    id_number = subscriber_reveal_id_number(actor=actor, subscriber=subscriber)
    customer = subscriber.customer
    revealed = {
        "id_number": id_number,
        "address": customer.address,
        "email": customer.email,
        "mailing_address": subscriber.mailing_address,
        "birth_date": customer.birth_date.isoformat() if customer.birth_date else "",
    }
    audit.record(
        actor=actor,
        action="desk.customer_view.reveal_personal_data",
        obj=subscriber,
        changes={"fields": sorted(k for k in revealed if k != "id_number")},
    )
    return revealed


@transaction.atomic
def subscriber_update_non_core(*, actor, number: str, changes: dict[str, str]) -> Subscriber:
    """Edit interests and/or the mailing address of a line in the actor's scope (VIEW-6).

    Only the fields of ``NON_CORE_FIELDS``; unchanged values are ignored; the audit event keeps each
    field's value before and after.
    """
    unknown = sorted(set(changes) - set(NON_CORE_FIELDS))
    if unknown:
        raise DomainError(
            _("以下字段不能在客户视图中修改：%(f)s") % {"f": ", ".join(unknown)},
            code="not_editable",
            status=400,
        )
    for field, value in changes.items():
        if not isinstance(value, str) or len(value.strip()) > MAX_LENGTH[field]:
            raise DomainError(
                _("%(f)s 最长 %(n)s 个字") % {"f": field, "n": MAX_LENGTH[field]},
                code="validation_failed",
                status=400,
            )
    subscriber = _scoped_subscriber(actor=actor, number=number, lock=True)
    diff = {}
    for field, value in changes.items():
        before = getattr(subscriber, field)
        after = value.strip()
        if before != after:
            setattr(subscriber, field, after)
            diff[field] = {"before": before, "after": after}
    if diff:
        subscriber.save(update_fields=list(diff))
        audit.record(actor=actor, action="desk.customer_view.edit", obj=subscriber, changes=diff)
    return subscriber
