"""WO-9 on the desk: the new-order form takes a coordination flow's own data; the order page shows
it, asks the installation's result at the reply, lets the holder acknowledge an urge and a
supervisor decide a billing adjustment — each effect checked, and refusals shown as messages."""

from __future__ import annotations

import re
from decimal import Decimal

from kefu.core.models import Department
from kefu.customers.models import Account
from kefu.workorders.models import CoordinationDetail, WorkOrder
from tests.workorders_ui.test_pages import _act, _page


def _new(client, user, subscriber, flow, kind="business_handling", **fields):
    client.force_login(user)
    body = {"number": subscriber.number, "kind": kind, "description": "协同", "flow": flow, **fields}
    return client.post("/workorders/new/", body, follow=True)


def test_install_move_from_the_form_to_the_result(client, staff, subscriber):
    """WO-9: the form refuses an installation without its data (readable message, no order), takes
    one with address and window; the page shows the data and the reply records the result."""
    refused = _new(client, staff.agent, subscriber, "install_move", **{"install_move-address": "中山路1号"})
    shown = [str(m) for m in refused.context["messages"]]
    assert len(shown) == 1 and "appointment_start" in shown[0]
    assert WorkOrder.objects.count() == 0
    _new(
        client,
        staff.agent,
        subscriber,
        "install_move",
        **{
            "install_move-address": "中山路1号",
            "install_move-appointment_start": "2027-01-05T09:00",
            "install_move-appointment_end": "2027-01-05T11:00",
        },
    )
    order = WorkOrder.objects.get()
    page = _page(client, staff.back, f"/workorders/{order.number}/")
    assert 'data-testid="coordination"' in page and "中山路1号" in page
    _act(client, staff.back, order, "dispatch")
    _act(client, staff.city, order, "receive")
    assert 'data-testid="outcome"' in _page(client, staff.city, f"/workorders/{order.number}/")
    _act(client, staff.city, order, "reply", comment="已装机", outcome="moved")
    assert CoordinationDetail.objects.get(order=order).outcome == "moved"
    assert order.state == "replied"


def test_urge_acknowledged_from_the_order_page(client, staff, accept, drive):
    """WO-9: after an urge the holder's page offers the acknowledgement; submitting it records it."""
    order = drive(accept(), "dispatch")
    _act(client, staff.agent, order, "urge", comment="请加快")
    page = _page(client, staff.city, f"/workorders/{order.number}/")
    assert 'data-testid="urge-pending"' in page and 'data-testid="do-urge_ack"' in page
    assert 'data-testid="do-urge_ack"' not in _page(client, staff.back, f"/workorders/{order.number}/")
    _act(client, staff.city, order, "urge_ack", comment="已安排")
    assert order.urge_acknowledged_at is not None and not order.urge_pending


def test_supervisor_approves_an_adjustment_on_the_order_page(
    client, staff, subscriber, complaint_category, make_staff
):
    """WO-9: the approval form is the supervisor's only; approving from the page credits the account."""
    biller = make_staff(
        "back_office", "JS", job_number="JSBILL2", department=Department.objects.get(code="RESP-BILLING")
    )
    _new(
        client,
        staff.agent,
        subscriber,
        "billing_adjustment",
        kind="complaint",
        category=complaint_category.pk,
        **{"billing_adjustment-amount": "15.50", "billing_adjustment-reason": "误扣"},
    )
    order = WorkOrder.objects.get()
    _act(client, staff.back, order, "dispatch")
    _act(client, biller, order, "receive")
    _act(client, biller, order, "reply", comment="核实误扣")
    assert 'data-testid="do-approval"' not in _page(client, staff.back, f"/workorders/{order.number}/")
    assert 'data-testid="do-approval"' in _page(client, staff.supervisor, f"/workorders/{order.number}/")
    before = Account.objects.get(pk=subscriber.account_id).balance
    _act(client, staff.supervisor, order, "approval", approved="true", comment="同意")
    assert Account.objects.get(pk=subscriber.account_id).balance == before + Decimal("15.50")
    assert CoordinationDetail.objects.get(order=order).approval == "approved"


def test_a_city_feeds_information_to_the_centre_from_the_form(client, staff):
    """WO-9: a city handler's queue offers 新建工单; choosing 信息同步 on the form (the flow names its
    kind) creates an order the centre holds, with the topic shown on its page; the centre cannot."""
    assert 'data-testid="new-order"' in _page(client, staff.city, "/workorders/")
    client.force_login(staff.back)
    body = {
        "kind": "complaint",
        "description": "营业厅搬迁",
        "flow": "info_sync",
        "info_sync-topic": "outlet_change",
    }
    refused = client.post("/workorders/new/", body, follow=True)
    assert [str(m) for m in refused.context["messages"]] == ["信息同步由地市报送中心"]
    assert WorkOrder.objects.count() == 0
    client.force_login(staff.city)
    client.post("/workorders/new/", {**body, "info_sync-affected_area": "鼓楼区"}, follow=True)
    order = WorkOrder.objects.get()
    assert (order.kind, order.holder_department.kind, order.created_by) == (
        "business_handling",
        "centre",
        staff.city,
    )
    page = _page(client, staff.back, f"/workorders/{order.number}/")
    assert "营业网点变更" in page and "鼓楼区" in page


def test_the_form_refills_the_coordination_inputs_after_a_refusal(client, staff, subscriber):
    """WO-9: a refused new order (an installation without its window's end, a suspension without
    the line action, information sync from the hotline) shows the form again with the flow's inputs
    as they were typed — text, dates and choices — and no order is made."""
    typed = {
        "install_move-address": "南京市鼓楼区中山北路8号",
        "install_move-appointment_start": "2027-01-05T09:00",
        "suspension-reason": "客户出国半年",
        "suspension-period_start": "2027-02-01",
        "suspension-period_end": "2027-08-01",
        "billing_adjustment-amount": "-12.50",
        "info_sync-topic": "network_notice",
        "info_sync-affected_area": "玄武区",
    }

    for flow in ("install_move", "suspension", "info_sync"):
        page = _new(client, staff.agent, subscriber, flow, **typed)
        assert [str(m) for m in page.context["messages"]], flow  # refused, with a readable message
        html = page.content.decode()
        for name, value in typed.items():
            if name == "info_sync-topic":
                assert f'<option value="{value}" selected>' in html, flow
            else:
                assert re.search(rf'name="{name}"[^>]*value="{re.escape(value)}"', html), (flow, name)
        assert re.search(rf'<option value="{flow}" selected>', html)
    assert WorkOrder.objects.count() == 0

    page = _new(
        client, staff.agent, subscriber, "suspension", **typed, **{"suspension-line_action": "suspend"}
    )
    assert WorkOrder.objects.count() == 1  # the same inputs with the line action are accepted
