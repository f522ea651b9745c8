"""The table bus (the embedded stand-in for Redis pub/sub that tells desks of work-order changes,
WO-4): what it costs a write."""

from __future__ import annotations

import pytest
from django.db import connection

from kefu.core import bus
from kefu.core.models import BusMessage

pytestmark = pytest.mark.django_db


def test_the_table_bus_is_unlogged_on_postgresql_and_still_delivers():
    """WO-4: on PostgreSQL the bus table is UNLOGGED (a publish does not wait for a WAL flush);
    a published message is still read back by a listener, on either database."""
    listener = bus.DatabaseBus().listen(["workorders:department:CENTRE-JS"], timeout=0.01)
    bus.DatabaseBus().publish("workorders:department:CENTRE-JS", {"number": "JS20261122000001"})
    assert next(listener) == {"number": "JS20261122000001"}
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = %s", [BusMessage._meta.db_table])
        assert cursor.fetchone() == ("u",)
