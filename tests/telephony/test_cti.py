"""CTI events and screen pop (VIEW-1): answer opens a contact and pushes the pop; hangup closes it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.contacts.models import ContactRecord
from kefu.core.bus import DatabaseBus, get_bus
from kefu.core.models import BusMessage
from kefu.telephony.models import Call
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller(db):
    """A Nanjing line calling in."""
    return SubscriberFactory(home="3201")


def _event(api, kind, agent, number, call_id="C1", at=None):
    body = {
        "event": kind,
        "call_id": call_id,
        "calling_number": number,
        "called_number": "10086",
        "agent_job_number": agent.job_number,
    }
    if at:
        body["time"] = at.isoformat()
    return api.post("/api/v1/cti/events", body, format="json")


def test_answer_pops_and_opens_contact_hangup_closes(
    js_agent, caller, api_client_for, settings, django_capture_on_commit_callbacks
):
    """VIEW-1, CON-1: answer → one contact opens and a screen pop is published; hangup → closed with duration."""
    settings.KEFU_BUS_URL = "db"
    api = api_client_for(js_agent)
    start = timezone.now() - timedelta(seconds=120)
    assert _event(api, "ring", js_agent, caller.number, at=start).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        answered = _event(api, "answer", js_agent, caller.number, at=start)
    assert answered.status_code == 200
    contact = ContactRecord.objects.get(call_id="C1")
    assert contact.subscriber_id == caller.id and contact.status == "open"
    pops = [m.payload for m in BusMessage.objects.filter(channel=f"agent:{js_agent.job_number}")]
    assert [p["type"] for p in pops if p["type"] == "screen_pop"] == ["screen_pop"]
    pop = next(p for p in pops if p["type"] == "screen_pop")
    assert pop["number"] == caller.number and pop["contact_id"] == contact.pk
    assert pop["view_url"] == f"/desk/customers/{caller.number}/"

    # a repeated answer changes nothing
    _event(api, "answer", js_agent, caller.number)
    assert ContactRecord.objects.filter(call_id="C1").count() == 1

    assert (
        _event(api, "hangup", js_agent, caller.number, at=start + timedelta(seconds=95)).json()["state"]
        == "ended"
    )
    contact.refresh_from_db()
    assert contact.status == "closed"
    assert contact.duration_seconds == 95
    assert Call.objects.get(call_id="C1").contact_id == contact.pk


def test_caller_from_other_province_still_gets_a_contact(js_agent, api_client_for, db):
    """VIEW-1, SYS-1: an unknown or out-of-scope caller gets a contact without a subscriber and no view URL."""
    api = api_client_for(js_agent)
    _event(api, "ring", js_agent, "13999999999", call_id="C2")
    _event(api, "answer", js_agent, "13999999999", call_id="C2")
    contact = ContactRecord.objects.get(call_id="C2")
    assert contact.subscriber_id is None
    assert contact.province.code == "JS"


def test_other_agents_calls_are_refused(js_agent, make_staff, api_client_for, db):
    """VIEW-1: an agent may only report their own calls; bad events change nothing."""
    other = make_staff("hotline_agent", "JS")
    response = _event(api_client_for(other), "answer", js_agent, "13800000000", call_id="C3")
    assert response.status_code == 403
    bad = api_client_for(js_agent).post(
        "/api/v1/cti/events",
        {"event": "explode", "call_id": "C4", "calling_number": "x", "agent_job_number": js_agent.job_number},
        format="json",
    )
    assert bad.status_code == 400
    assert not Call.objects.exists()


def test_database_bus_delivers_to_listener(db):
    """VIEW-1: the embedded bus hands a published message to a listener on the same channel only."""
    bus = DatabaseBus()
    listener = bus.listen(["agent:x"], timeout=0.5)
    bus.publish("agent:y", {"type": "not-for-x"})
    bus.publish("agent:x", {"type": "screen_pop", "n": 1})
    assert next(listener) == {"type": "screen_pop", "n": 1}
    listener.close()


def test_redis_bus_delivers_to_listener():
    """VIEW-1: in production the push goes through Redis pub/sub (the local Redis server)."""
    from kefu.core.bus import RedisBus

    bus = RedisBus("redis://127.0.0.1:6379/15")
    listener = bus.listen(["agent:r"], timeout=0.5)
    bus.publish("agent:q", {"type": "not-for-r"})
    bus.publish("agent:r", {"type": "screen_pop", "n": 2})
    received = next(m for m in listener if m is not None)
    assert received == {"type": "screen_pop", "n": 2}
    listener.close()


def test_the_desk_stream_also_carries_work_orders_arriving_at_the_agents_queues(
    db, make_staff, client, settings, django_capture_on_commit_callbacks
):
    """VIEW-1, WO-6: the agent's event stream listens to their own channel and to the queues they
    belong to, so an order dispatched to a city team reaches its city handlers' desks at once; another
    team's orders do not."""
    from kefu.workorders import services as wo

    settings.KEFU_BUS_URL = "db"
    get_bus.cache_clear()
    handler = make_staff("city_handler", "JS", city="3201")
    back = make_staff("back_office", "JS")
    order = wo.order_accept(
        actor=back, data=wo.OrderInput(kind="suggestion", contact_number="13951700001")
    ).order
    client.force_login(handler)
    response = client.get("/telephony/events")
    stream = iter(response.streaming_content)
    assert next(stream).startswith(b"retry:")
    bus = get_bus()
    bus.publish("workorders:department:CITY-3202", {"type": "workorder", "number": "NOT-MINE"})
    with django_capture_on_commit_callbacks(execute=True):  # the engine publishes after commit
        wo.order_dispatch(actor=back, order=order.number, to=wo.holder_parse("department:CITY-3201"))
    chunk = next(stream).decode()
    assert chunk.startswith("event: workorder") and order.number in chunk and "NOT-MINE" not in chunk
    assert '"state": "dispatched"' in chunk
    response.close()
    get_bus.cache_clear()
