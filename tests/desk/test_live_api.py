"""The live snapshot (``GET /api/v1/desk/live``): what the desk fetches when its stream (re)connects
and every ten seconds while it is down, so that nothing published during the gap is missed."""

from __future__ import annotations

import pytest

from kefu.bulletins.choices import Audience
from kefu.bulletins.services import notice_publish
from kefu.workorders import services as wo
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def _cti(api, kind, agent, number, call_id):
    body = {"event": kind, "call_id": call_id, "calling_number": number, "agent_job_number": agent.job_number}
    response = api.post("/api/v1/cti/events", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_snapshot_names_the_call_in_progress_and_forgets_it_after_hangup(js_agent, api_client_for):
    """VIEW-1: a screen pop missed while the stream was down is recovered from the snapshot: the
    agent's answered call with its contact and the caller's view; a ringing call as ringing; after the
    hangup no call."""
    caller = SubscriberFactory(home="3201")
    api = api_client_for(js_agent)
    assert api.get("/api/v1/desk/live").json()["call"] is None

    _cti(api, "ring", js_agent, caller.number, "LV-1")
    ringing = api.get("/api/v1/desk/live").json()["call"]
    assert ringing["call_id"] == "LV-1" and ringing["state"] == "ringing"

    answered = _cti(api, "answer", js_agent, caller.number, "LV-1")
    call = api.get("/api/v1/desk/live").json()["call"]
    assert call["state"] == "active"
    assert call["number"] == caller.number
    assert call["contact_id"] == answered["contact_id"]
    assert call["known"] is True
    assert call["view_url"] == f"/desk/customers/{caller.number}/"

    _cti(api, "hangup", js_agent, caller.number, "LV-1")
    assert api.get("/api/v1/desk/live").json()["call"] is None


def test_the_snapshot_counts_unread_notices_and_open_orders_in_the_agents_queues(make_staff, api_client_for):
    """SYS-1, WO-6: the snapshot carries the unread notices of the top bar and the open orders in each
    of the agent's queues (their own, and each holder they belong to); another agent's call is not
    theirs."""
    handler = make_staff("city_handler", "JS", city="3201")
    back = make_staff("back_office", "JS")
    supervisor = make_staff("supervisor", "JS")
    other = make_staff("hotline_agent", "JS")
    api_client_for(other).post(
        "/api/v1/cti/events",
        {
            "event": "ring",
            "call_id": "LV-X",
            "calling_number": "13900000001",
            "agent_job_number": other.job_number,
        },
        format="json",
    )
    order = wo.order_accept(
        actor=back, data=wo.OrderInput(kind="suggestion", contact_number="13951700001")
    ).order
    wo.order_dispatch(actor=back, order=order.number, to=wo.holder_parse("department:CITY-3201"))
    notice_publish(actor=supervisor, title="早班提醒", body="九点开会", audience=Audience.EVERYONE)

    snapshot = api_client_for(handler).get("/api/v1/desk/live").json()
    assert snapshot["call"] is None
    assert snapshot["notices_unread"] == 1
    queues = {queue["key"]: queue for queue in snapshot["queues"]}
    assert queues["mine"]["open"] == 1
    assert queues["department:CITY-3201"]["open"] == 1
    assert queues["department:CITY-3201"]["label"]


def test_the_snapshot_is_for_signed_in_staff_only(client):
    """VIEW-1: without a session or token the snapshot is refused with problem+json."""
    response = client.get("/api/v1/desk/live")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")
