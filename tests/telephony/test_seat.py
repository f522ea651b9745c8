"""One call at a time per seat (VIEW-1, CON-1): ``KEFU_CALLS_PER_SEAT`` refuses a second call on a busy
seat, or — when raised — holds the call in progress; resume takes a held call back; every way a call
ends closes its contact record."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.contacts.models import ContactRecord
from kefu.core.models import AuditEvent, BusMessage
from kefu.telephony.models import Call
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def callers(db):
    """Three Nanjing lines calling in."""
    return [SubscriberFactory(home="3201") for _ in range(3)]


def _event(api, kind, agent, number, call_id, at=None):
    body = {"event": kind, "call_id": call_id, "calling_number": number, "agent_job_number": agent.job_number}
    if at:
        body["time"] = at.isoformat()
    return api.post("/api/v1/cti/events", body, format="json")


def _answer(api, agent, number, call_id, at=None):
    ring = _event(api, "ring", agent, number, call_id, at)
    if ring.status_code != 200:
        return ring
    return _event(api, "answer", agent, number, call_id, at)


def _rows():
    return (
        Call.objects.count(),
        ContactRecord.objects.count(),
        list(Call.objects.order_by("id").values_list("call_id", "state")),
        AuditEvent.objects.filter(action__startswith="call.").count(),
    )


def _pops(agent):
    rows = BusMessage.objects.filter(channel=f"agent:{agent.job_number}").order_by("id")
    return [m.payload for m in rows if m.payload["type"] == "screen_pop"]


def test_a_busy_seat_refuses_a_second_call_and_changes_nothing(js_agent, callers, api_client_for, settings):
    """VIEW-1, CON-1: with the default one call per seat, a ring or an answer of a second call while
    the first is answered is 409 ``seat_busy`` with a readable message; no call, contact or audit row
    is added and the first call stays answered with its contact open."""
    assert settings.KEFU_CALLS_PER_SEAT == 1
    api = api_client_for(js_agent)
    assert _answer(api, js_agent, callers[0].number, "A").status_code == 200
    before = _rows()

    ring = _event(api, "ring", js_agent, callers[1].number, "B")
    answer = _event(api, "answer", js_agent, callers[1].number, "B")

    for refused in (ring, answer):
        assert refused.status_code == 409
        assert refused["Content-Type"].startswith("application/problem+json")
        assert refused.json()["code"] == "seat_busy"
        assert "正在通话中" in refused.json()["detail"]
    assert _rows() == before
    first = Call.objects.get(call_id="A")
    assert first.state == "answered" and first.contact.status == "open"


def test_after_hangup_the_seat_takes_the_next_call(js_agent, callers, api_client_for):
    """VIEW-1: the seat is free again once its call hangs up."""
    api = api_client_for(js_agent)
    _answer(api, js_agent, callers[0].number, "A")
    assert _event(api, "hangup", js_agent, callers[0].number, "A").status_code == 200
    assert _answer(api, js_agent, callers[1].number, "B").json()["state"] == "answered"


def test_two_calls_per_seat_hold_and_resume(
    js_agent, callers, api_client_for, settings, django_capture_on_commit_callbacks
):
    """VIEW-1, CON-1: with KEFU_CALLS_PER_SEAT=2 answering a second call holds the first (its pop names
    the held call); a third is refused; resume swaps them and pops the resumed caller again; the time
    on hold is counted on the call and on its contact record."""
    settings.KEFU_CALLS_PER_SEAT = 2
    settings.KEFU_BUS_URL = "db"
    api = api_client_for(js_agent)
    t0 = timezone.now() - timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        _answer(api, js_agent, callers[0].number, "A", t0)
        second = _answer(api, js_agent, callers[1].number, "B", t0 + timedelta(seconds=60))
    assert second.status_code == 200
    a, b = Call.objects.get(call_id="A"), Call.objects.get(call_id="B")
    assert (a.state, b.state) == ("held", "answered")
    pop = _pops(js_agent)[-1]
    assert pop["call_id"] == "B"
    assert pop["held"] == [{"call_id": "A", "number": callers[0].number, "contact_id": a.contact_id}]

    third = _answer(api, js_agent, callers[2].number, "C", t0 + timedelta(seconds=70))
    assert third.status_code == 409 and third.json()["code"] == "seat_busy"
    assert not Call.objects.filter(call_id="C").exists()

    with django_capture_on_commit_callbacks(execute=True):
        resumed = _event(api, "resume", js_agent, callers[0].number, "A", t0 + timedelta(seconds=100))
    assert resumed.status_code == 200 and resumed.json()["state"] == "answered"
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, b.state) == ("answered", "held")
    assert a.held_seconds == 40 and a.contact.held_seconds == 40
    pop = _pops(js_agent)[-1]
    assert pop["call_id"] == "A" and pop["resumed"] is True
    assert pop["view_url"] == f"/desk/customers/{callers[0].number}/"
    assert [h["call_id"] for h in pop["held"]] == ["B"]
    assert AuditEvent.objects.filter(action="call.hold").count() == 2
    assert AuditEvent.objects.filter(action="call.resume").count() == 1


def test_no_contact_is_left_open_whichever_call_hangs_up(js_agent, callers, api_client_for, settings):
    """CON-1: hanging up a held call closes its contact (with its time on hold), and so does hanging up
    the call in progress; at the end no contact record of the seat is open."""
    settings.KEFU_CALLS_PER_SEAT = 2
    api = api_client_for(js_agent)
    t0 = timezone.now() - timedelta(minutes=10)
    _answer(api, js_agent, callers[0].number, "A", t0)
    _answer(api, js_agent, callers[1].number, "B", t0 + timedelta(seconds=30))

    held_hangup = _event(api, "hangup", js_agent, callers[0].number, "A", t0 + timedelta(seconds=50))
    assert held_hangup.json()["state"] == "ended"
    first = ContactRecord.objects.get(call_id="A")
    assert first.status == "closed" and first.held_seconds == 20 and first.duration_seconds == 50
    assert Call.objects.get(call_id="B").state == "answered"

    _event(api, "hangup", js_agent, callers[1].number, "B", t0 + timedelta(seconds=90))
    assert not ContactRecord.objects.filter(staff=js_agent, status="open").exists()
    assert not Call.objects.filter(agent=js_agent, state__in=("answered", "held")).exists()


def test_resume_needs_a_held_call(js_agent, callers, api_client_for):
    """VIEW-1: resume of a call that is not on hold is 409 ``call_not_held``; of an unknown call 404
    ``unknown_call``; of the call in progress it changes nothing (a repeated event)."""
    api = api_client_for(js_agent)
    _answer(api, js_agent, callers[0].number, "A")
    again = _event(api, "resume", js_agent, callers[0].number, "A")
    assert again.status_code == 200 and again.json()["state"] == "answered"
    _event(api, "hangup", js_agent, callers[0].number, "A")
    before = _rows()
    ended = _event(api, "resume", js_agent, callers[0].number, "A")
    assert ended.status_code == 409 and ended.json()["code"] == "call_not_held"
    unknown = _event(api, "resume", js_agent, callers[1].number, "nope")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_call"
    assert _rows() == before


def test_an_unknown_caller_pops_the_finder_not_the_previous_view(
    js_agent, api_client_for, settings, django_capture_on_commit_callbacks
):
    """VIEW-1: a caller the system does not know pops the finder with the number (find_url), so the
    desk leaves the previous customer's view."""
    settings.KEFU_BUS_URL = "db"
    api = api_client_for(js_agent)
    with django_capture_on_commit_callbacks(execute=True):
        _answer(api, js_agent, "13999999999", "U")
    pop = _pops(js_agent)[-1]
    assert pop["known"] is False and pop["view_url"] == ""
    assert pop["find_url"] == "/desk/customers/?q=13999999999"


def test_hangup_after_the_contact_was_closed_by_hand_still_ends_the_call(js_agent, callers, api_client_for):
    """CON-1: a contact closed through the API before the PBX's hangup does not make the hangup fail
    (it used to answer 409 and leave the call answered for good): the call ends, the seat is free."""
    api = api_client_for(js_agent)
    call = _answer(api, js_agent, callers[0].number, "A").json()
    assert api.post(f"/api/v1/contacts/{call['contact_id']}/close", {}, format="json").status_code == 200
    assert _event(api, "hangup", js_agent, callers[0].number, "A").json()["state"] == "ended"
    assert _answer(api, js_agent, callers[1].number, "B").status_code == 200
