"""AUTH-5: while a line's service password is locked after repeated wrong tries, nothing is sent to the
IVR or the PIN pad for the customer to key — refused with 409 password_locked (until when, in the
server's time zone), nothing written — and the desk shows those buttons disabled with the reason."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.models import AuditEvent
from kefu.identity.models import AuthLock, PasswordCollection

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(line):
    """The line's password locked for another 25 minutes; answers until when (server time zone)."""
    until = timezone.now() + timedelta(minutes=25)
    AuthLock.objects.update_or_create(subscriber=line, defaults={"failures": 3, "locked_until": until})
    return timezone.localtime(until)


def _written():
    return PasswordCollection.objects.count(), AuditEvent.objects.filter(
        action__contains="collection"
    ).count()


def _locked_answer(response, until):
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "password_locked"
    assert body["detail"] == f"服务密码连续输错已锁定，{until:%Y-%m-%d %H:%M} 后才能再次验证"
    assert body["locked_until"] == until.isoformat()


def test_ivr_collection_refused_while_locked(line, locked, js_agent, api_client_for, answered_call):
    """AUTH-5: the agent cannot send a locked caller to the IVR: 409 password_locked, no collection."""
    call = answered_call(js_agent, line.number)
    before = _written()
    response = api_client_for(js_agent).post(
        f"/api/v1/calls/{call.call_id}/password-collection", {}, format="json"
    )
    _locked_answer(response, locked)
    assert _written() == before


def test_pin_pad_collection_refused_while_locked(line, locked, make_staff, pin_pad_for, api_client_for):
    """AUTH-5: hall staff cannot send a locked customer to the PIN pad (password or a change of it)."""
    hall = make_staff("hall_staff", "JS")
    pin_pad_for(hall)
    before = _written()
    for purpose in ("authenticate", "password_change"):
        response = api_client_for(hall).post(
            "/api/v1/pin-pad/collections", {"number": line.number, "purpose": purpose}, format="json"
        )
        _locked_answer(response, locked)
    assert _written() == before


def test_collection_opens_again_when_the_lock_ends(line, js_agent, api_client_for, answered_call):
    """AUTH-5: a lock that has run out no longer refuses."""
    AuthLock.objects.create(subscriber=line, failures=3, locked_until=timezone.now() - timedelta(seconds=1))
    call = answered_call(js_agent, line.number)
    response = api_client_for(js_agent).post(
        f"/api/v1/calls/{call.call_id}/password-collection", {}, format="json"
    )
    assert response.status_code == 201, response.content


def _button(html: str, testid: str) -> str:
    return re.search(rf'<button[^>]*data-testid="{testid}"[^>]*>', html).group(0)


def test_desk_shows_the_ivr_button_disabled_with_the_reason(line, locked, js_agent, client):
    """AUTH-5: the customer view of a locked line shows the IVR button disabled, with the reason and the
    time the lock ends (server time zone)."""
    client.force_login(js_agent)
    html = client.get(f"/desk/customers/{line.number}/").content.decode()
    reason = f"服务密码连续输错已锁定，{locked:%Y-%m-%d %H:%M} 后才能再次验证"
    button = _button(html, "auth-ivr")
    assert " disabled" in button and reason in button
    note = re.search(r'<p[^>]*data-testid="auth-locked"[^>]*>([^<]*)</p>', html)
    assert note.group(1) == reason and "hidden" not in note.group(0)


def test_desk_ivr_button_enabled_when_not_locked(line, js_agent, client):
    """AUTH-5: without a lock the button is enabled and no lock note shows."""
    client.force_login(js_agent)
    html = client.get(f"/desk/customers/{line.number}/").content.decode()
    assert " disabled" not in _button(html, "auth-ivr")
    assert re.search(r'<p[^>]*data-testid="auth-locked"[^>]* hidden>', html)
