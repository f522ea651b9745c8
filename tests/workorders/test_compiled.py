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


class _Spy:
    """The default connection under another alias, counting the statements sent through it."""

    def __init__(self, real, alias: str):
        self._real, self.alias, self.sent = real, alias, []

    def __getattr__(self, name):
        return getattr(self._real, name)

    def cursor(self):
        real, sent = self._real.cursor(), self.sent

        class Cursor:
            def __getattr__(self, name):
                return getattr(real, name)

            def execute(self, sql, params=None):
                sent.append(sql)
                return real.execute(sql, params)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                real.close()

            def __iter__(self):
                return iter(real)

        return Cursor()


class _WorkOrdersElsewhere:
    """A router that reads work orders from ``replica`` and writes them and their events to ``primary``."""

    def db_for_read(self, model, **hints):
        return "replica" if model is WorkOrder else None

    def db_for_write(self, model, **hints):
        return "primary" if model in (WorkOrder, WorkOrderEvent) else None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database behind every alias, as with a primary and its replicas


@pytest.fixture
def elsewhere(settings):
    """Two more aliases served by the test database's own connection (so the test's transaction and
    rows are shared), each a spy of its own: which alias a statement ran on is what the spies saw."""
    from django.db import connections

    spies = {alias: _Spy(connections["default"], alias) for alias in ("replica", "primary")}
    for alias, spy in spies.items():
        connections[alias] = spy
    settings.DATABASE_ROUTERS = [_WorkOrdersElsewhere()]  # Django's setting_changed resets the router
    yield spies
    for alias in spies:
        delattr(connections._connections, alias)


def test_compiled_statements_follow_the_database_router(accept, staff, elsewhere):
    """WO-4 (kefu.core.compiled): a compiled read runs on the alias the router names for reads, a
    locking read and inserts/updates on the alias it names for writes, instances remember that alias,
    and each alias keeps its own compiled plans; models the router leaves alone stay on default."""
    order = accept()  # the accept's order and event inserts go to the write alias too
    inserted = [sql.split("(")[0] for sql in elsewhere["primary"].sent if sql.startswith("INSERT")]
    assert inserted == ['INSERT INTO "workorders_workorder" ', 'INSERT INTO "workorders_workorderevent" ']
    assert WorkOrder.objects.using("default").filter(pk=order.pk).exists()
    for spy in elsewhere.values():
        spy.sent.clear()
    read = compiled.CompiledQuery(lambda number: WorkOrder.objects.filter(number=number)[:1])
    assert read.alias() == "replica" and rows.LOCKED_READ.alias() == "primary"
    found = read.first(order.number)
    assert (found.pk, found._state.db) == (order.pk, "replica")
    assert len(elsewhere["replica"].sent) == 1 and not elsewhere["primary"].sent
    with transaction.atomic():
        locked = rows.lock(order.number)
    assert (locked.pk, locked._state.db) == (order.pk, "primary")
    assert len(elsewhere["primary"].sent) == 1
    event = compiled.insert(
        WorkOrderEvent(order=order, seq=99, action="query", actor_job_number="JSB001", state_after="accepted")
    )
    locked.title = "改到主库"
    compiled.update(locked, ["title"])
    assert event._state.db == "primary" and len(elsewhere["primary"].sent) == 3
    assert WorkOrder.objects.using("default").get(pk=order.pk).title == "改到主库"
    plans = connection._kefu_compiled  # one connection behind the three aliases: a table per alias
    assert read in plans["replica"] and read not in plans["primary"]
    assert rows.LOCKED_READ in plans["primary"] and rows.LOCKED_READ not in plans["replica"]
    message = compiled.insert(OutboxMessage(topic="test.default", payload={}))
    assert message._state.db == "default"
