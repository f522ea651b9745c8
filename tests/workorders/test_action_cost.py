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


def test_an_accept_reads_its_category_once_per_process(api_client_for, staff, subscriber, complaint_category):
    """WO-1, WO-6: category nodes are immutable, so the accept reads a node once per process: the
    next accept on the same category sends no query for it, and the order still takes the node, its
    title and the time limit resolved from it."""
    client = api_client_for(staff.agent)
    body = {"kind": "complaint", "subscriber": subscriber.number, "category": complaint_category.id}
    assert client.post("/api/v1/work-orders", body, format="json").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/work-orders", body, format="json")
    assert response.status_code == 201
    assert not any('FROM "catalog_categorynode"' in q["sql"] for q in queries.captured_queries)
    order = WorkOrder.objects.get(number=response.json()["number"])
    assert order.category_id == complaint_category.id and order.title == complaint_category.name
    assert order.time_limit_hours and order.order_due_at is not None
    missing = client.post("/api/v1/work-orders", {**body, "category": 10**9}, format="json")
    assert missing.status_code == 422 and missing.json()["code"] == "validation_failed"


def test_a_remembered_category_node_is_built_anew_for_every_caller(complaint_category):
    """WO-1: the node cache hands out new instances (no caller sees another's changes) with the
    parent and the business code attached; the business's other fields are read when asked, so a
    renamed business shows its new name."""
    from kefu.catalog import nodes
    from kefu.catalog.models import Business

    first = nodes.node(complaint_category.id)
    first.name = "changed by a caller"
    with CaptureQueriesContext(connection) as queries:
        second = nodes.node(complaint_category.id)
        assert second.parent.code == complaint_category.parent.code
        assert second.business.code == complaint_category.business.code
    assert len(queries.captured_queries) == 0
    assert second is not first and second.name == complaint_category.name
    Business.objects.filter(pk=complaint_category.business_id).update(name="改名后的业务")
    assert nodes.node(complaint_category.id).business.name == "改名后的业务"
    assert nodes.node(10**9) is None


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {},
        {"kind": "nonsense"},
        {"kind": "complaint", "category": "x", "title": "t" * 200},
        {"kind": "complaint", "contact_method": "pigeon", "urgent": "maybe"},
    ],
)
def test_create_refuses_bad_input_as_its_serializer_does(api_client_for, staff, body):
    """WO-6: the create's input, validated by one serializer built per process, is refused with
    exactly the errors a fresh ``WorkOrderCreateSerializer`` gives, and nothing is written."""
    import json

    from kefu.workorders.api.serializers import WorkOrderCreateSerializer

    expected = WorkOrderCreateSerializer(data=body)
    assert not expected.is_valid()
    response = api_client_for(staff.agent).post(
        "/api/v1/work-orders", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == json.loads(json.dumps(expected.errors))
    assert WorkOrder.objects.count() == 0
