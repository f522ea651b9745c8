"""Customer authentication (AUTH-1, AUTH-5, AUTH-6, AUTH-7, AUTH-8): every method, the lock, grants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.identity.models import AuthAttempt, AuthGrant, AuthLock, PinPad, SecurityNoticeAck
from tests.identity.fixtures import KNOWN, WRONG, authenticate

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(make_staff, pin_pad_for):
    """A Nanjing hall staff member with a paired PIN pad (the customer keys the password on it)."""
    staff = make_staff("hall_staff", "JS", city="3201")
    pin_pad_for(staff)
    return staff


def test_password_success_answers_grant_and_logs(line, ivr, api_client_for):
    """AUTH-1, AUTH-8: number + service password, keyed into the IVR's own menu (its system account
    posts it directly); 200 with the grant, one attempt logged."""
    response = api_client_for(ivr).post(
        f"/api/v1/subscribers/{line.number}/authenticate",
        {"method": "password", "password": KNOWN, "channel": "ivr"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["authenticated"] is True and body["method"] == "password" and body["scope"] == "full"
    assert body["grant_expires_at"] and body["password_change_required"] is False
    assert body["second_factor_required"] is False and "password" not in body
    attempt = AuthAttempt.objects.get(number=line.number)
    assert attempt.success and attempt.staff == ivr and attempt.channel == "ivr"
    assert (attempt.level, attempt.network_type, attempt.user_type) == (
        line.level,
        line.network_type,
        line.user_type,
    )
    assert AuthGrant.objects.filter(staff=ivr, subscriber=line, scope="full").exists()


def test_pin_pad_password_grants_the_staff_member(line, hall, api_client_for):
    """AUTH-1, AUTH-3, AUTH-8: at the counter the customer keys the password on the pad paired with the
    hall staff member; the attempt and the full grant are the staff member's, channel hall."""
    response = authenticate(api_client_for(hall), line.number, password=KNOWN)
    assert response.status_code == 200 and response.json()["result"] == "pass"
    attempt = AuthAttempt.objects.get(number=line.number)
    assert attempt.success and attempt.staff == hall and attempt.channel == "hall"
    assert attempt.method == "password"
    assert AuthGrant.objects.filter(staff=hall, subscriber=line, scope="full").exists()
    assert not AuthGrant.objects.exclude(staff=hall).exists()  # the pad itself gets nothing


def test_wrong_password_counts_down_then_locks(line, hall, ivr, api_client_for):
    """AUTH-5: tries_left counts down; the third failure locks; while locked the customer is not even
    sent to the PIN pad for a fourth try (409 password_locked, nothing logged), and the IVR's own
    attempt with the right password is refused as locked (423), logged."""
    client = api_client_for(hall)
    first = authenticate(client, line.number, password=WRONG)
    assert first.status_code == 401 and first.json()["tries_left"] == 2
    second = authenticate(client, line.number, password=WRONG)
    assert second.json()["tries_left"] == 1
    third = authenticate(client, line.number, password=WRONG)
    assert third.status_code == 423 and third.json()["result"] == "locked"
    assert third.json()["locked_until"]
    fourth = authenticate(client, line.number, password=KNOWN)
    assert fourth.status_code == 409 and fourth.json()["code"] == "password_locked"
    assert AuthAttempt.objects.filter(number=line.number).count() == 3
    direct = api_client_for(ivr).post(
        f"/api/v1/subscribers/{line.number}/authenticate", {"method": "password", "password": KNOWN},
        format="json",
    )  # fmt: skip
    assert direct.status_code == 423 and direct.json()["code"] == "auth_locked"
    assert not AuthGrant.objects.filter(subscriber=line).exists()
    assert AuthAttempt.objects.filter(number=line.number, success=False).count() == 4
    assert AuthAttempt.objects.filter(number=line.number, reason="wrong_password").count() == 3
    assert AuthAttempt.objects.filter(number=line.number, reason="locked").count() == 1


def test_direct_failure_is_problem_json(line, ivr, api_client_for):
    """AUTH-5: a failed attempt on the endpoint is 401 problem+json auth_failed with tries_left."""
    response = api_client_for(ivr).post(
        f"/api/v1/subscribers/{line.number}/authenticate", {"method": "password", "password": WRONG},
        format="json",
    )  # fmt: skip
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "auth_failed" and response.json()["tries_left"] == 2


def test_lock_opens_after_period(line, hall, api_client_for, settings):
    """AUTH-5: after the configured period the lock opens and the counter starts afresh."""
    settings.KEFU_AUTH_LOCK_MINUTES = 10
    client = api_client_for(hall)
    for _ in range(3):
        authenticate(client, line.number, password=WRONG)
    lock = AuthLock.objects.get(subscriber=line)
    assert lock.locked_until - timezone.now() <= timedelta(minutes=10)
    assert lock.locked_until - timezone.now() > timedelta(minutes=9)
    AuthLock.objects.filter(pk=lock.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    again = authenticate(client, line.number, password=WRONG)
    assert again.status_code == 401 and again.json()["tries_left"] == 2
    assert authenticate(client, line.number, password=KNOWN).status_code == 200


def test_success_resets_counter(line, hall, api_client_for):
    """AUTH-5: a success resets the consecutive failures."""
    client = api_client_for(hall)
    authenticate(client, line.number, password=WRONG)
    authenticate(client, line.number, password=WRONG)
    assert authenticate(client, line.number, password=KNOWN).status_code == 200
    assert authenticate(client, line.number, password=WRONG).json()["tries_left"] == 2


def test_broadband_account(line, hall, api_client_for):
    """AUTH-1: broadband account (read by staff) + service password (keyed on the pad); a wrong account
    fails and counts."""
    line.broadband_account = "025000000123"
    line.save()
    client = api_client_for(hall)
    ok = authenticate(
        client, line.number, method="broadband", broadband_account="025000000123", password=KNOWN
    )
    assert ok.status_code == 200 and ok.json()["method"] == "broadband"
    bad = authenticate(client, line.number, method="broadband", broadband_account="025999", password=KNOWN)
    assert bad.status_code == 401 and bad.json()["tries_left"] == 2


def test_id_number_and_password(line, hall, api_client_for):
    """AUTH-1: ID number + service password on the pad (an x check digit in either case)."""
    client = api_client_for(hall)
    id_number = line.customer.id_number
    ok = authenticate(client, line.number, method="id_number", id_number=id_number.lower(), password=KNOWN)
    assert ok.status_code == 200
    bad = authenticate(
        client, line.number, method="id_number", id_number="320100199001011234", password=KNOWN
    )
    assert bad.status_code == 401
    wrong_password = authenticate(
        client, line.number, method="id_number", id_number=id_number, password=WRONG
    )
    assert wrong_password.status_code == 401 and wrong_password.json()["tries_left"] == 1


def test_membership_card(line, hall, api_client_for):
    """AUTH-1: club membership card + service password on the pad."""
    line.membership_card = "VIP3201000000042"
    line.save()
    client = api_client_for(hall)
    ok = authenticate(
        client, line.number, method="membership_card", card_number="VIP3201000000042", password=KNOWN
    )
    assert ok.status_code == 200
    bad = authenticate(client, line.number, method="membership_card", card_number="VIP1", password=KNOWN)
    assert bad.status_code == 401


def test_id_shown_by_hall_staff_only(line, make_staff, js_agent, api_client_for):
    """AUTH-1: an ID document shown in person, recorded by hall staff or a VIP manager; agents may not."""
    hall = make_staff("hall_staff", "JS")
    response = authenticate(
        api_client_for(hall), line.number, method="id_shown", id_number=line.customer.id_number
    )
    assert response.status_code == 200 and response.json()["scope"] == "full"
    assert AuthAttempt.objects.get(staff=hall).channel == "hall"
    refused = authenticate(
        api_client_for(js_agent), line.number, method="id_shown", id_number=line.customer.id_number
    )
    assert refused.status_code == 403 and refused.json()["code"] == "auth_method_not_allowed"
    mismatch = authenticate(api_client_for(hall), line.number, method="id_shown", id_number="X")
    assert mismatch.status_code == 401 and mismatch.json()["tries_left"] == 3  # no secret: not counted


def test_calling_number_gives_calling_line_grant(line, other_line, js_agent, api_client_for, answered_call):
    """AUTH-1: the calling number authenticates queries on the calling line itself, nothing more."""
    call = answered_call(js_agent, line.number)
    client = api_client_for(js_agent)
    ok = authenticate(client, line.number, method="calling_number", call_id=call.call_id)
    assert ok.status_code == 200 and ok.json()["scope"] == "calling_line"
    other = authenticate(client, other_line.number, method="calling_number", call_id=call.call_id)
    assert other.status_code == 401
    missing = authenticate(client, other_line.number, method="calling_number")
    assert missing.status_code == 400


def test_missing_fields_are_400_and_log_nothing(line, ivr, hall, api_client_for):
    """Bad input changes nothing: no attempt, no counter (on the endpoint and on a pad request)."""
    client = api_client_for(ivr)
    path = f"/api/v1/subscribers/{line.number}/authenticate"
    assert client.post(path, {"method": "password"}, format="json").status_code == 400
    assert client.post(path, {"method": "broadband", "password": KNOWN}, format="json").status_code == 400
    assert client.post(path, {"method": "telepathy"}, format="json").status_code == 400
    no_card = authenticate(api_client_for(hall), line.number, method="membership_card")
    assert no_card.status_code == 400 and no_card.json()["missing"] == ["card_number"]
    assert not AuthAttempt.objects.exists() and not AuthLock.objects.filter(failures__gt=0).exists()


def test_out_of_scope_number_is_404(zj_line, js_agent, ivr, api_client_for):
    """SYS-1: a ZJ number is not found for a JS agent or the JS IVR, whatever the body; nothing is
    logged. (A JS agent's service-password change is refused before the number is looked up: AUTH-3.)"""
    client = api_client_for(js_agent)
    for path in ("authenticate", "otp", "security-notice"):
        response = client.post(
            f"/api/v1/subscribers/{zj_line.number}/{path}", {"password": KNOWN}, format="json"
        )
        assert response.status_code == 404, path
    platform = api_client_for(ivr)
    for path, body in (
        ("authenticate", {"method": "password", "password": KNOWN}),
        ("service-password", {"old_password": KNOWN, "new_password": "604182"}),
    ):
        assert (
            platform.post(f"/api/v1/subscribers/{zj_line.number}/{path}", body, format="json").status_code
            == 404
        )
    refused = client.post(f"/api/v1/subscribers/{zj_line.number}/service-password",
                          {"old_password": KNOWN, "new_password": "604182"}, format="json")  # fmt: skip
    assert refused.status_code == 403 and refused.json()["code"] == "password_not_from_customer"
    assert not AuthAttempt.objects.exists()


def test_initial_password_must_be_changed(line, hall, api_client_for):
    """AUTH-6: success with an initial password says so; the change, keyed on the pad, takes old + new
    and clears it."""
    type(line).objects.filter(pk=line.pk).update(password_initial=True)
    client = api_client_for(hall)
    assert authenticate(client, line.number, password=KNOWN).json()["password_change_required"] is True

    def change(old, new):
        asked = client.post(
            "/api/v1/pin-pad/collections",
            {"number": line.number, "purpose": "password_change"},
            format="json",
        )
        pad = api_client_for(PinPad.objects.get(holder=hall).pad)
        return pad.post(
            f"/api/v1/password-collections/{asked.json()['id']}", {"digits": old, "new_digits": new},
            format="json",
        )  # fmt: skip

    weak = change(KNOWN, "111111")
    assert weak.status_code == 400 and weak.json()["code"] == "weak_service_password"
    wrong_old = change(WRONG, "604182")
    assert wrong_old.status_code == 200 and wrong_old.json()["result"] == "fail"
    assert wrong_old.json()["tries_left"] == 2
    line.refresh_from_db()
    assert line.password_initial is True
    changed = change(KNOWN, "604182")
    assert changed.status_code == 200 and changed.json()["result"] == "pass"
    line.refresh_from_db()
    assert line.password_initial is False
    assert authenticate(client, line.number, password="604182").json()["password_change_required"] is False


def test_security_notice_once_per_subscriber(line, ivr, js_agent, api_client_for):
    """AUTH-7: the notice is required the first time, then remembered per subscriber (anyone)."""
    platform = api_client_for(ivr)
    path = f"/api/v1/subscribers/{line.number}/authenticate"
    body = {"method": "password", "password": KNOWN}
    assert platform.post(path, body, format="json").json()["security_notice_required"] is True
    client = api_client_for(js_agent)
    assert client.post(f"/api/v1/subscribers/{line.number}/security-notice").status_code == 204
    assert client.post(f"/api/v1/subscribers/{line.number}/security-notice").status_code == 204
    assert SecurityNoticeAck.objects.filter(subscriber=line).count() == 1
    assert platform.post(path, body, format="json").json()["security_notice_required"] is False
