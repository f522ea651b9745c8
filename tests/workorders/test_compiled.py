"""The action path's SQL compiled once per connection (``kefu.core.compiled``): the same rows and
instances as the ORM gives, the same refusals, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_save
from django.db.transaction import TransactionManagementError

from kefu.core import audit, compiled
from kefu.core.errors import NotFoundError
from kefu.core.models import AuditEvent, OutboxMessage
from kefu.workorders import services
from kefu.workorders.models import WorkOrder, WorkOrderEvent
from kefu.workorders.services import accept as accept_services
from kefu.workorders.services import rows

pytestmark = pytest.mark.django_db


def test_locked_read_gives_what_the_orm_gives_for_every_order(accept, staff):
    """WO-4: an action reads its order (and the holder departments) by the compiled locked read;
    the second order read through the same compiled statement is that order, not the first."""
    first, second = accept(), accept()
    services.order_dispatch(actor=staff.back, order=second)
    with transaction.atomic():
        for order in (first, second, first):
            locked = rows.lock(order.number)
            plain = WorkOrder.objects.select_related("holder_department").get(number=order.number)
            assert (locked.pk, locked.state, locked.holder_department_id) == (
                plain.pk,
                plain.state,
                plain.holder_department_id,
            )
            assert locked.accepted_at == plain.accepted_at  # converters applied (SQLite keeps text)
            assert locked.holder_department == plain.holder_department
    with transaction.atomic(), pytest.raises(NotFoundError) as missing:
        rows.lock("JS20990101999999")
    assert "JS20990101999999" in str(missing.value)


def test_a_locked_read_outside_a_transaction_is_refused(accept, monkeypatch):
    """WO-4: like the ORM's select_for_update, the compiled locked read never runs in autocommit
    (the test itself runs inside a transaction, so the connection is told it is in autocommit)."""
    order = accept()
    monkeypatch.setattr(connection, "get_autocommit", lambda: True)
    with pytest.raises(TransactionManagementError):
        rows.LOCKED_READ.fetch(order.number)


def test_insert_writes_every_field_and_tells_listeners(staff, accept):
    """SYS-2 / WO-4: audit events, order events and outbox messages written by the compiled insert
    carry every field (JSON included) and still reach post_save listeners (the outbox relay)."""
    order = accept()
    seen = []

    def listener(sender, instance, created, **kwargs):
        seen.append((sender, instance.pk, created))

    post_save.connect(listener, sender=OutboxMessage)
    try:
        message = compiled.insert(
            OutboxMessage(topic="test.topic", payload={"号码": order.number, "n": [1, 2]})
        )
    finally:
        post_save.disconnect(listener, sender=OutboxMessage)
    assert seen == [(OutboxMessage, message.pk, True)]
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.topic, stored.payload) == ("test.topic", {"号码": order.number, "n": [1, 2]})
    assert stored.created_at is not None  # auto_now_add applied

    event = audit.record(actor=staff.back, action="test.compiled", obj=order, changes={"state": ["a", "b"]})
    row = AuditEvent.objects.get(pk=event.pk)
    assert (row.actor_id, row.province_id, row.object_id, row.changes) == (
        staff.back.pk,
        order.province_id,
        str(order.pk),
        {"state": ["a", "b"]},
    )
    events = list(WorkOrderEvent.objects.filter(order=order).values_list("seq", "action", "state_after"))
    assert events == [(1, "accept", "accepted")]


def test_a_query_of_two_values_binds_each_in_its_place(staff, accept):
    """WO-1 (accept with an Idempotency-Key): the compiled key lookup finds a key by its own actor and key only."""
    from kefu.workorders.models import IdempotencyKey

    first, second = accept(), accept()
    compiled.insert(IdempotencyKey(actor=staff.agent, key="k-1", fingerprint="f1", order=first))
    compiled.insert(IdempotencyKey(actor=staff.back, key="k-1", fingerprint="f2", order=second))
    assert accept_services._IDEMPOTENCY_KEY.first(staff.agent.pk, "k-1").order == first
    assert accept_services._IDEMPOTENCY_KEY.first(staff.back.pk, "k-1").order == second
    assert accept_services._IDEMPOTENCY_KEY.first(staff.city.pk, "k-1") is None
    assert accept_services._IDEMPOTENCY_KEY.first(staff.agent.pk, "k-2") is None


def test_update_writes_the_named_fields_and_refuses_a_missing_row(accept):
    """WO-4: an action's UPDATE names only what changed (auto_now applied); a row that is gone is an
    error, never a silent no-op."""
    order = accept()
    before = WorkOrder.objects.get(pk=order.pk)
    order.title, order.description = "新标题", "not written"
    compiled.update(order, ["title", "updated_at"])
    after = WorkOrder.objects.get(pk=order.pk)
    assert (after.title, after.description) == ("新标题", before.description)
    assert after.updated_at >= before.updated_at
    order.pk = 10**9
    with pytest.raises(DatabaseError):
        compiled.update(order, ["title"])
