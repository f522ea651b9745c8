"""SYS-2: a work order's detail names the customer — the native detail and the TMF621 ticket reads
are each one ``view`` audit row, committed before the response leaves (503 when it cannot be)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _views():
    return AuditEvent.objects.filter(action="view")


def test_work_order_detail_is_one_view_row(accept, staff, subscriber, api_client_for):
    """SYS-2: each read of ``GET /api/v1/work-orders/{n}`` is one view row naming the order and its
    customer's number."""
    order = accept()
    api = api_client_for(staff.agent)
    before = _views().count()
    assert api.get(f"/api/v1/work-orders/{order.number}").status_code == 200
    assert api.get(f"/api/v1/work-orders/{order.number}").status_code == 200
    rows = _views().filter(object_type="workorders.workorder", object_id=order.number)
    assert rows.count() == 2 and _views().count() == before + 2
    row = rows.first()
    assert row.actor == staff.agent and row.changes["subscriber"] == subscriber.number
    assert row.province_id == order.province_id


def test_trouble_ticket_reads_are_one_view_row_each(accept, staff, subscriber, api_client_for):
    """SYS-2: a TMF621 ticket read is one row naming the order; one list page is one row naming the
    party asked about and the orders shown."""
    order = accept()
    api = api_client_for(staff.agent)
    before = _views().count()
    base = "/tmf-api/troubleTicket/v4/troubleTicket"
    assert api.get(f"{base}/{order.number}").status_code == 200
    one = _views().order_by("-id").first()
    assert (one.object_type, one.object_id) == ("tmf621.troubleticket", str(order.pk))
    listed = api.get(base, {"relatedParty.id": subscriber.number})
    assert listed.status_code == 200 and len(listed.json()) == 1
    row = _views().order_by("-id").first()
    assert row.object_type == "tmf621.troubleticket" and row.object_id == subscriber.number
    assert row.changes["ids"] == [order.pk]
    assert _views().count() == before + 2


def test_order_reads_refused_when_audit_cannot_be_written(
    accept, staff, subscriber, api_client_for, monkeypatch
):
    """SYS-2: when the view row cannot be written the work-order detail and the TMF621 reads answer
    503 audit_unavailable and the customer's number does not leave."""
    order = accept()
    from kefu.core import compiled

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(compiled, "insert", broken)
    api = api_client_for(staff.agent)
    base = "/tmf-api/troubleTicket/v4/troubleTicket"
    for url in (f"/api/v1/work-orders/{order.number}", f"{base}/{order.number}", base):
        response = api.get(url)
        assert response.status_code == 503, url
        assert response.json()["code"] == "audit_unavailable"
        assert subscriber.number not in response.content.decode()
