"""SMS one-time passwords, IVR password collection, statistics and `kefu servicepassword`
(AUTH-1, AUTH-3, AUTH-4, AUTH-8)."""

from __future__ import annotations

import io
import sys
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.utils import timezone

from kefu.core.models import AuditEvent, BusMessage
from kefu.identity.models import AuthAttempt, AuthGrant, AuthLock, OtpChallenge
from kefu.notify.models import OutgoingMessage
from tests.identity.fixtures import KNOWN, WRONG, authenticate

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_otp(monkeypatch):
    """Make the next one-time password predictable (the real one only reaches the customer's phone)."""
    import kefu.identity.services as services

    monkeypatch.setattr(services.pysecrets, "randbelow", lambda n: 482913)
    return "482913"


@pytest.fixture
def hall(make_staff, pin_pad_for):
    """A JS hall staff member (province-wide, SVC-1) with a paired PIN pad."""
    staff = make_staff("hall_staff", "JS")
    pin_pad_for(staff)
    return staff


def test_otp_send_and_verify(line, hall, api_client_for, fixed_otp):
    """AUTH-1, AUTH-3: SMS one-time password through the SMS port; the outbox shows it masked; the
    customer keys it on the pad; it verifies once, for queries on that line only (a staff channel)."""
    client = api_client_for(hall)
    sent = client.post(f"/api/v1/subscribers/{line.number}/otp")
    assert sent.status_code == 202 and sent.json()["expires_at"]
    message = OutgoingMessage.objects.get(number=line.number)
    assert message.to == line.number and message.purpose == "otp" and message.channel == "sms"
    assert fixed_otp not in message.text and "******" in message.text and "验证码" in message.text
    assert fixed_otp not in OtpChallenge.objects.get(subscriber=line).code_hash
    wrong = authenticate(client, line.number, method="otp", otp="000001")
    assert wrong.status_code == 401 and wrong.json()["tries_left"] == 2
    ok = authenticate(client, line.number, method="otp", otp=fixed_otp)
    assert ok.status_code == 200 and ok.json()["method"] == "otp"
    assert AuthGrant.objects.get(staff=hall, subscriber=line).scope == "calling_line"
    again = authenticate(client, line.number, method="otp", otp=fixed_otp)
    assert again.status_code == 401  # used once


def test_otp_expires(line, hall, api_client_for, fixed_otp):
    """AUTH-1: an expired code fails (reason otp_expired in the log)."""
    client = api_client_for(hall)
    client.post(f"/api/v1/subscribers/{line.number}/otp")
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = authenticate(client, line.number, method="otp", otp=fixed_otp)
    assert response.status_code == 401
    assert AuthAttempt.objects.get(number=line.number).reason == "otp_expired"


def test_otp_refused_while_locked(line, js_agent, api_client_for):
    """AUTH-5: no code is sent to a locked subscriber."""
    AuthLock.objects.create(subscriber=line, failures=3, locked_until=timezone.now() + timedelta(minutes=5))
    response = api_client_for(js_agent).post(f"/api/v1/subscribers/{line.number}/otp")
    assert response.status_code == 423 and not OutgoingMessage.objects.exists()


def test_ivr_collection_end_to_end(line, js_agent, ivr, api_client_for, answered_call,
                                   django_capture_on_commit_callbacks):  # fmt: skip
    """AUTH-3: the agent asks, the IVR posts the digits, the agent sees pass/fail only, pushed."""
    call = answered_call(js_agent, line.number)
    agent = api_client_for(js_agent)
    asked = agent.post(f"/api/v1/calls/{call.call_id}/password-collection", {}, format="json")
    assert asked.status_code == 201 and asked.json()["state"] == "waiting"
    collection_id = asked.json()["id"]
    path = f"/api/v1/ivr/password-collections/{collection_id}"
    refused = agent.post(path, {"digits": KNOWN}, format="json")  # the agent never posts
    assert refused.status_code == 403 and refused.json()["code"] == "password_not_from_customer"
    with django_capture_on_commit_callbacks(execute=True):
        answered = api_client_for(ivr).post(path, {"digits": KNOWN}, format="json")
    assert answered.status_code == 200
    assert answered.json() == {
        "result": "pass",
        "tries_left": 3,
        "locked_until": None,
        "password_change_required": False,
    }
    seen = agent.get(path).json()
    assert seen["state"] == "done" and seen["result"] == "pass" and "digits" not in seen
    message = BusMessage.objects.get(channel=f"agent:{js_agent.job_number}", payload__type="ivr_auth")
    assert message.payload["result"] == "pass" and message.payload["number"] == line.number
    assert KNOWN not in str(message.payload)
    grant = AuthGrant.objects.get(staff=js_agent, subscriber=line)
    assert grant.scope == "full" and grant.call_id == call.call_id
    attempt = AuthAttempt.objects.get(number=line.number)
    assert attempt.method == "ivr_password" and attempt.staff == js_agent
    repeated = api_client_for(ivr).post(path, {"digits": KNOWN}, format="json")
    assert repeated.status_code == 409


def test_ivr_collection_fail_and_lock(line, js_agent, ivr, api_client_for, answered_call,
                                      django_capture_on_commit_callbacks):  # fmt: skip
    """AUTH-3, AUTH-5: wrong digits answer fail, the third answers locked; pushed with tries_left."""
    call = answered_call(js_agent, line.number)
    agent, platform = api_client_for(js_agent), api_client_for(ivr)
    results = []
    for _ in range(3):
        collection = agent.post(f"/api/v1/calls/{call.call_id}/password-collection", {}, format="json").json()
        with django_capture_on_commit_callbacks(execute=True):
            answer = platform.post(f"/api/v1/ivr/password-collections/{collection['id']}", {"digits": WRONG},
                                   format="json")  # fmt: skip
        results.append(answer.json()["result"])
    assert results == ["fail", "fail", "locked"]
    pushed = [m.payload for m in BusMessage.objects.filter(payload__type="ivr_auth").order_by("id")]
    assert [p["tries_left"] for p in pushed] == [2, 1, 0] and pushed[-1]["locked_until"]
    assert not AuthGrant.objects.exists()


def test_ivr_collection_only_for_own_active_call(line, js_agent, make_staff, api_client_for, answered_call):
    """AUTH-3: only the agent handling the call may ask; an ended call cannot be asked for."""
    from kefu.telephony import services as telephony

    call = answered_call(js_agent, line.number)
    colleague = api_client_for(make_staff("hotline_agent", "JS"))
    assert colleague.post(f"/api/v1/calls/{call.call_id}/password-collection").status_code == 403
    telephony.cti_event(actor=js_agent, kind="hangup", call_id=call.call_id, calling_number=line.number,
                        agent_job_number=js_agent.job_number)  # fmt: skip
    ended = api_client_for(js_agent).post(f"/api/v1/calls/{call.call_id}/password-collection")
    assert ended.status_code == 409 and ended.json()["code"] == "no_active_call"


def test_statistics_by_dimension(line, other_line, js_agent, hall, make_staff, api_client_for, answered_call):
    """AUTH-8: identifications and successes by day and by channel / level / network type; supervisors only."""
    client = api_client_for(js_agent)
    call = answered_call(js_agent, line.number)
    authenticate(client, line.number, password=KNOWN, call_id=call.call_id)  # through the IVR
    authenticate(client, line.number, password=WRONG, call_id=call.call_id)
    authenticate(api_client_for(hall), other_line.number, password=KNOWN)  # through the hall's pad
    supervisor = api_client_for(make_staff("supervisor", "JS"))
    stats = supervisor.get("/api/v1/authentication-stats", {"by": "channel"}).json()
    assert stats["attempts"] == 3 and stats["successes"] == 2
    by_channel = {row["value"]: (row["attempts"], row["successes"]) for row in stats["rows"]}
    assert by_channel == {"hotline": (2, 1), "hall": (1, 1)}
    assert {row["day"] for row in stats["rows"]} == {timezone.localdate().isoformat()}
    for dimension in ("customer_type", "user_type", "level", "network_type"):
        rows = supervisor.get("/api/v1/authentication-stats", {"by": dimension}).json()["rows"]
        assert sum(r["attempts"] for r in rows) == 3
    level_rows = supervisor.get("/api/v1/authentication-stats", {"by": "level"}).json()["rows"]
    assert line.level in {r["value"] for r in level_rows}
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    empty = supervisor.get("/api/v1/authentication-stats", {"since": yesterday, "until": yesterday}).json()
    assert empty["attempts"] == 0
    assert client.get("/api/v1/authentication-stats").status_code == 403
    zj_supervisor = api_client_for(make_staff("supervisor", "ZJ"))
    assert zj_supervisor.get("/api/v1/authentication-stats").json()["attempts"] == 0


def _stdin(monkeypatch, text):
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_servicepassword_command_reads_stdin(line, monkeypatch, make_staff):
    """AUTH-4, AUTH-6: `kefu servicepassword NUMBER` sets the password from a pipe, audited, lock opened."""
    hall = make_staff("hall_staff", "JS", job_number="hall01")
    AuthLock.objects.create(subscriber=line, failures=3, locked_until=timezone.now() + timedelta(minutes=5))
    _stdin(monkeypatch, "604182\n")
    out = io.StringIO()
    call_command("servicepassword", line.number, "--job-number", "hall01", stdout=out)
    line.refresh_from_db()
    assert check_password("604182", line.service_password) and not line.password_initial
    assert "604182" not in out.getvalue()
    assert not AuthLock.objects.get(subscriber=line).is_locked()
    assert AuditEvent.objects.filter(action="identity.service_password.reset", actor=hall).exists()


@pytest.mark.parametrize(
    ("number", "text", "fragment"),
    [("13900000000", "604182\n", "unknown_subscriber"), (None, "111111\n", "weak"), (None, "12ab\n", "6"),
     (None, "", "no password")],
)  # fmt: skip
def test_servicepassword_command_errors_change_nothing(line, monkeypatch, number, text, fragment):
    """AUTH-4: clear errors, nothing changed, the password not echoed."""
    before = line.service_password
    _stdin(monkeypatch, text)
    with pytest.raises(CommandError) as error:
        call_command("servicepassword", number or line.number)
    assert fragment in str(error.value)
    assert text.strip() == "" or text.strip() not in str(error.value)
    line.refresh_from_db()
    assert line.service_password == before
