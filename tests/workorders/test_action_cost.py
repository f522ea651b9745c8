"""What one action costs the database: the queries an action sends and the columns it writes
(WO-4, WO-6). Speed itself is measured by bench/workorder_throughput.py, not here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.workorders import services
from kefu.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def _updates(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "workorders_workorder" in q["sql"]
    ]


def test_an_action_writes_only_the_columns_it_changed(accept, staff):
    """WO-4: dispatch updates state, holder, peer and the step clock; columns it leaves alone
    (description, title, subscriber) are not in its UPDATE, and the order reads back as saved."""
    order = accept(description="原始描述")
    with CaptureQueriesContext(connection) as queries:
        services.order_dispatch(actor=staff.back, order=order)
    [update] = _updates(queries)
    assert '"state"' in update and '"holder_department_id"' in update and '"event_seq"' in update
    for untouched in ('"description"', '"title"', '"subscriber_id"', '"accepted_at"'):
        assert untouched not in update
    saved = WorkOrder.objects.get(pk=order.pk)
    assert saved.state == "dispatched" and saved.description == "原始描述" and saved.event_seq == 2
    assert saved.holder_department.code == "CITY-3201" and saved.peer_department.code == "CENTRE-JS"


def test_a_flow_version_is_read_once_per_process(accept, staff):
    """WO-4, SYS-3: flow versions are never edited, so the engine reads an order's flow version once
    and the next actions on orders of that version send no query for it."""
    first, second = accept(), accept()
    services.order_dispatch(actor=staff.back, order=first)
    with CaptureQueriesContext(connection) as queries:
        services.order_dispatch(actor=staff.back, order=second)
    assert not any('FROM "workorders_flowdefinition"' in q["sql"] for q in queries.captured_queries)
    assert WorkOrder.objects.get(pk=second.pk).state == "dispatched"


def test_an_action_through_the_api_checks_the_scope_once(api_client_for, accept, staff):
    """WO-6: a valid action on an order in scope costs no separate existence query before the
    locked read; an out-of-scope order is still 404 (tests/core/test_scope_walk.py walks them all)."""
    order = accept()
    client = api_client_for(staff.back)
    client.get("/api/v1/me")  # the token is checked once, then remembered
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/work-orders/{order.number}/dispatch", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "dispatched"
    assert not any(q["sql"].startswith("SELECT 1 AS") for q in queries.captured_queries)
