"""The SP desk as an SP's staff read it (issue 12 item 6; WO-6, SP-1, ORG-3): an SP reads only its own
part of an order's history — in the selector, so the page and the API alike —, sends are confirmed
with what went to whom, the home shows the SP's orders with their time left in colour, the sidebar
lists the SP's pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from kefu.crosslevel import labels, selectors
from kefu.desk.navigation import navigation_for
from kefu.sims import services
from kefu.sims.models import SpOrder
from tests.sims.test_sims import NUMBER, dispatch, sims, sp_staff  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

WRONG = "SP999999"


def misrouted_then_right():
    """The province first sends the order to an SP SIMS does not know (SIMS returns it at once), then,
    corrected, to SP901234."""
    assert dispatch(sp=WRONG)["state"] == "returned"
    assert dispatch(sp="SP901234")["state"] == "dispatched"
    return SpOrder.objects.get(number=NUMBER)


def test_an_sp_does_not_read_the_history_from_before_the_order_reached_it(sims, sp_staff, make_staff):  # noqa: F811
    """WO-6 / ORG-3: the misrouting to SP999999 and SIMS's return are not SP901234's to read; SIMS's
    administrator reads the whole history."""
    order = misrouted_then_right()
    assert [e.action for e in order.events.order_by("seq")] == ["dispatch", "return", "dispatch"]
    mine = selectors.copy_events(order, user=sp_staff)
    assert [(e.seq, e.action) for e in mine] == [(3, "dispatch")]
    assert selectors.return_reason_shown(order, mine) == ""
    admin = make_staff("administrator", None)
    assert [e.action for e in selectors.copy_events(order, user=admin)] == ["dispatch", "return", "dispatch"]
    # after the SP's own return the reason is its own again
    services.order_act(actor=sp_staff, number=NUMBER, action="return", comment="非本SP业务")
    order.refresh_from_db()
    mine = selectors.copy_events(order, user=sp_staff)
    assert [e.action for e in mine] == ["dispatch", "return"]
    assert selectors.return_reason_shown(order, mine) == "非本SP业务"


@override_settings(ROOT_URLCONF="kefu.urls.sims")
def test_the_page_and_the_api_hide_the_earlier_part_alike(sims, sp_staff, api_client_for):  # noqa: F811
    """The order page and ``GET /api/v1/sp-orders/<n>`` give SP901234 the same part of the history."""
    misrouted_then_right()
    client = Client()
    client.force_login(sp_staff)
    page = client.get(f"/sp/orders/{NUMBER}/").content.decode()
    assert WRONG not in page and "SIMS没有SP" not in page
    assert 'data-action="dispatch"' in page and 'data-action="return"' not in page
    body = api_client_for(sp_staff).get(f"/api/v1/sp-orders/{NUMBER}").json()
    assert [(e["seq"], e["action"], e["sp_code"]) for e in body["events"]] == [(3, "dispatch", "SP901234")]
    assert body["return_reason"] == ""
    listed = api_client_for(sp_staff).get("/api/v1/sp-orders").json()["results"]
    assert [(o["number"], o["return_reason"]) for o in listed] == [(NUMBER, "")]


def test_the_hubs_answer_is_cut_to_the_sps_part_too(sims, sp_staff):  # noqa: F811
    """A query to the hub answers with the hub's events: an SP reads the ones from its own dispatch on."""
    answer = {"state": "dispatched", "return_reason": "SIMS没有SP SP999999", "events": [
        {"seq": 1, "action": "dispatch", "sp_code": WRONG}, {"seq": 2, "action": "return", "sp_code": ""},
        {"seq": 3, "action": "dispatch", "sp_code": "SP901234"}, {"seq": 4, "action": "urge", "sp_code": ""},
    ]}  # fmt: skip
    shown = selectors.hub_answer_for(answer, user=sp_staff)
    assert [e["seq"] for e in shown["events"]] == [3, 4] and shown["return_reason"] == ""


@override_settings(ROOT_URLCONF="kefu.urls.sims")
def test_a_send_is_confirmed_with_what_went_to_whom(sims, sp_staff):  # noqa: F811
    """Item 6: after an action the SP reads what was sent to whom, not a bare "OK"."""
    dispatch()
    client = Client()
    client.force_login(sp_staff)
    page = client.post(f"/sp/orders/{NUMBER}/", {"action": "receive"}, follow=True).content.decode()
    assert f"接收已发送至一级客服枢纽 HUB（工单 {NUMBER}）" in page
    assert ">OK<" not in page
    page = client.post(f"/sp/orders/{NUMBER}/", {"action": "reply"}, follow=True).content.decode()
    assert "请填写处理结果或意见" in page and "msg-error" in page


@pytest.mark.parametrize(
    ("left_hours", "level"),
    [(30, "ok"), (24.5, "ok"), (24, "amber"), (5, "amber"), (4.8, "red"), (1, "red"), (-2, "red")],
    ids=["most", "just-over-half", "half", "quarter", "tenth", "little", "overdue"],
)
def test_time_left_is_coloured_green_amber_red(left_hours, level):
    """VIEW-6 colours: more than half left green (``ok``), half or less amber, a tenth or less or
    overdue red: the province queues' rule (kefu.workorders.timeleft) on the copies' own span."""
    now = timezone.now()
    left = labels.time_left(now - timedelta(hours=48 - left_hours), now + timedelta(hours=left_hours), now)
    assert left.level == level
    assert left.overdue is (left_hours < 0)


@override_settings(ROOT_URLCONF="kefu.urls.sims")
def test_the_sp_home_counts_its_orders_and_colours_their_time_left(sims, sp_staff):  # noqa: F811
    """Item 4/6: the SP's home counts its own orders per state (another SP's are not counted) and lists
    the replies due, overdue first, in colour; its sidebar lists the SP's pages and no node status."""
    now = timezone.now()
    for n, hours_left in (("JS20261122000001", -1), ("JS20261122000002", 20), ("JS20261122000003", 40)):
        dispatch(n)
        SpOrder.objects.filter(number=n).update(dispatched_at=now - timedelta(hours=48 - hours_left),
                                                reply_due_at=now + timedelta(hours=hours_left))  # fmt: skip
    dispatch("JS20261122000901", sp="SP902001")
    client = Client()
    client.force_login(sp_staff)
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    counts = dict((value, n) for value, _label, n in response.context["counts"])
    assert counts["dispatched"] == 3 and response.context["total"] == 3
    due = [(o.number, o.left.level) for o in response.context["due_rows"]]
    assert due == [("JS20261122000001", "red"), ("JS20261122000002", "amber"), ("JS20261122000003", "ok")]
    assert "tl-red" in page and "tl-amber" in page and "tl-ok" in page
    assert "JS20261122000901" not in page
    nav = [str(item.label) for item in navigation_for(response.wsgi_request)]
    assert nav == ["工作台", "SP投诉工单", "SP扣分", "SP服务信息", "SP服务质量"]
    assert client.get("/node/").status_code == 403
