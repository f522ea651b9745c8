"""Several rows of one transaction in one statement (``kefu.core.compiled.insert_all``): the rows an
action leaves behind — its event, outbox message and audit row — written in one round trip on
PostgreSQL, one insert after the other on SQLite, with the same rows, keys and signals."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from kefu.core import audit, compiled
from kefu.core.models import AuditEvent, OutboxMessage
from kefu.workorders import services
from kefu.workorders.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


def test_insert_all_writes_every_row_sets_keys_and_tells_listeners(staff, accept):
    """WO-4, SYS-2: each row gets its key and every field (JSON included, defaults applied); every
    listener hears of every row; on PostgreSQL it is one statement."""
    order = accept()
    heard = []

    def before(sender, instance, **kwargs):
        heard.append(("pre", sender, instance.pk))

    def after(sender, instance, created, **kwargs):
        heard.append(("post", sender, instance.pk, created))

    message = OutboxMessage(topic="test.batch", payload={"号码": order.number, "n": [1, 2]})
    trail = audit.event(actor=staff.back, action="test.batch", obj=order, changes={"state": ["a", "b"]})
    for model in (OutboxMessage, AuditEvent):
        pre_save.connect(before, sender=model)
        post_save.connect(after, sender=model)
    try:
        with CaptureQueriesContext(connection) as queries:
            compiled.insert_all([message, trail])
    finally:
        for model in (OutboxMessage, AuditEvent):
            pre_save.disconnect(before, sender=model)
            post_save.disconnect(after, sender=model)
    assert len(queries.captured_queries) == (1 if connection.vendor == "postgresql" else 2)
    assert message.pk and trail.pk and not message._state.adding and not trail._state.adding
    assert [h[:2] for h in heard if h[0] == "pre"] == [("pre", OutboxMessage), ("pre", AuditEvent)]
    assert [h for h in heard if h[0] == "post"] == [
        ("post", OutboxMessage, message.pk, True),
        ("post", AuditEvent, trail.pk, True),
    ]
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.topic, stored.payload) == ("test.batch", {"号码": order.number, "n": [1, 2]})
    assert stored.created_at is not None  # auto_now_add applied
    row = AuditEvent.objects.get(pk=trail.pk)
    assert (row.actor_id, row.object_id, row.changes) == (staff.back.pk, str(order.pk), {"state": ["a", "b"]})


def test_insert_all_writes_all_rows_or_none(staff, accept):
    """WO-4: the rows go in together — when one of them is refused, none of them is written."""
    order = accept()
    before = (OutboxMessage.objects.count(), WorkOrderEvent.objects.count())
    duplicate = WorkOrderEvent(order=order, seq=1, action="comment", actor=staff.back, at=order.accepted_at)
    message = OutboxMessage(topic="test.batch", payload={})
    with pytest.raises(IntegrityError), transaction.atomic():
        compiled.insert_all([message, duplicate])  # (order, seq) is unique: seq 1 is the accept's
    assert (OutboxMessage.objects.count(), WorkOrderEvent.objects.count()) == before


def test_an_action_leaves_its_event_outbox_message_and_audit_row_in_one_statement(staff, accept):
    """WO-4, SYS-2: an action's event, outbox message and audit row reach PostgreSQL as one statement
    (one round trip instead of three) and all three are there afterwards."""
    order = accept()
    with CaptureQueriesContext(connection) as queries:
        services.order_dispatch(actor=staff.back, order=order)
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(inserts) == 1
        for table in ("workorders_workorderevent", "core_outboxmessage", "core_auditevent"):
            assert f'INSERT INTO "{table}"' in inserts[0]
    else:
        assert len(inserts) == 3
    assert WorkOrder.objects.get(pk=order.pk).state == "dispatched"
    assert WorkOrderEvent.objects.filter(order=order, seq=2, action="dispatch").exists()
    assert OutboxMessage.objects.filter(topic="workorder.dispatched", payload__number=order.number).exists()
    assert AuditEvent.objects.filter(action="workorders.dispatch", object_id=str(order.pk)).exists()


def test_an_accept_writes_its_key_with_its_event_and_still_replays(
    api_client_for, staff, subscriber, complaint_category
):
    """WO-1, WO-6: on PostgreSQL the accept sends two INSERTs — the order, then its event, outbox
    message, audit row and Idempotency-Key in one statement; the key still replays the order and
    refuses another body."""
    client = api_client_for(staff.agent)
    body = {"kind": "complaint", "subscriber": subscriber.number, "category": complaint_category.id}
    assert client.post("/api/v1/work-orders", body, format="json").status_code == 201  # today's counter
    with CaptureQueriesContext(connection) as queries:
        first = client.post("/api/v1/work-orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k-batch")
    assert first.status_code == 201
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(inserts) == 2 and 'INSERT INTO "workorders_idempotencykey"' in inserts[1]
    else:
        assert len(inserts) == 5
    again = client.post("/api/v1/work-orders", body, format="json", HTTP_IDEMPOTENCY_KEY="k-batch")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    other = client.post(
        "/api/v1/work-orders", {**body, "title": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-batch"
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert WorkOrder.objects.count() == 2


def test_a_compiled_query_works_out_its_converters_once(accept, staff, monkeypatch):
    """WO-4: a compiled read asks Django for its columns' converters on its first run only, and later
    runs still convert (the locked read of three orders gives each its own dates and holder)."""
    from django.db.models.sql.compiler import SQLCompiler

    from kefu.workorders.services import rows

    first, second = accept(), accept()
    services.order_dispatch(actor=staff.back, order=second)
    calls = []
    original = SQLCompiler.get_converters

    def counting(self, expressions):
        calls.append(len(expressions))
        return original(self, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counting)
    connection._kefu_compiled = {}  # plans made from here on
    with transaction.atomic():
        read = [rows.lock(order.number) for order in (first, second, first)]
    assert len(calls) == 1
    assert [o.pk for o in read] == [first.pk, second.pk, first.pk]
    assert [o.state for o in read] == ["accepted", "dispatched", "accepted"]
    assert all(o.accepted_at == WorkOrder.objects.get(pk=o.pk).accepted_at for o in read)
    assert read[1].holder_department.code == "CITY-3201"
