"""Fixtures shared by the identity, queries, acceptance and notify tests: lines (built by factories)
with a known service password, answered calls, and small helpers."""

from __future__ import annotations

import itertools

import pytest

from tests.factories import billing_catalog, line_with_history

KNOWN = "739184"  # the service password the tests set; searched for everywhere by the leak test
WRONG = "520931"
_calls = itertools.count(1)


@pytest.fixture
def catalog(db):
    """The billing catalog's products (plans, VAS, Monternet), for ordering and listing products."""
    billing_catalog()


def _with_known_password(subscriber):
    from kefu.customers.services import subscriber_set_service_password

    subscriber_set_service_password(actor=None, number=subscriber.number, password=KNOWN)
    subscriber.refresh_from_db()
    return subscriber


@pytest.fixture
def line(catalog):
    """A Nanjing line with two months of history whose service password is KNOWN (not initial)."""
    return _with_known_password(line_with_history(months=2, home="3201"))


@pytest.fixture
def other_line(catalog):
    """A second JS line (Suzhou), two months of history, service password KNOWN."""
    return _with_known_password(line_with_history(months=2, home="3205"))


@pytest.fixture
def zj_line(catalog):
    """A Hangzhou line, two months of history, service password KNOWN."""
    return _with_known_password(line_with_history(months=2, home="3301"))


@pytest.fixture
def ivr(make_staff):
    """The IVR platform's system account (AUTH-3: the only account that posts collected digits)."""
    return make_staff("ivr_system", "JS", job_number="ivr-js")


@pytest.fixture
def pin_pad_for(make_staff):
    """pin_pad_for(holder) -> the PIN pad account paired with ``holder`` (through the pairing service)."""
    from kefu.identity.services import pin_pad_pair

    def make(holder):
        pad = make_staff("pin_pad", holder.province.code, job_number=f"pad-{holder.job_number}")
        pin_pad_pair(actor=None, pad=pad, holder=holder)
        return pad

    return make


@pytest.fixture
def answered_call(db):
    """answered_call(agent, number) -> Call: ring and answer through the real CTI service."""
    from kefu.telephony import services as telephony

    def make(agent, number):
        call_id = f"call-{next(_calls)}"
        for kind in ("ring", "answer"):
            call = telephony.cti_event(
                actor=agent,
                kind=kind,
                call_id=call_id,
                calling_number=number,
                agent_job_number=agent.job_number,
            )
        return call

    return make


# methods whose secret the customer keys (AUTH-3): the helper has the customer key it on a device
_KEYED = ("password", "broadband", "id_number", "membership_card", "otp")
_FACTS = ("broadband_account", "id_number", "card_number")


class Reply:
    """The device's answer read as the authenticate endpoint's: 200 on pass, 401 on fail, 423 when
    locked, with ``authenticated``, ``method``, ``code``, ``tries_left`` and ``locked_until``."""

    def __init__(self, response, method):
        body = response.json()
        self.result = body["result"]
        self.status_code = {"pass": 200, "fail": 401, "locked": 423}[self.result]
        code = {"fail": "auth_failed", "locked": "auth_locked"}.get(self.result)
        self._body = {**body, "authenticated": self.result == "pass", "method": method, "code": code}
        self.content = response.content

    def json(self):
        return self._body


def _staff_of(client):
    """The staff member an APIClient speaks for: its bearer token (``api_client_for``) or
    ``force_authenticate``."""
    from rest_framework.authtoken.models import Token

    forced = getattr(client.handler, "_force_user", None)
    if forced is not None:
        return forced
    key = client._credentials["HTTP_AUTHORIZATION"].split()[1]
    return Token.objects.select_related("user").get(key=key).user


def _device(staff, role, job_number):
    """The IVR's system account of the staff member's province, or a PIN pad paired with them. The
    pairing is written directly so that any role's client can use the helper (the pairing service
    itself pairs hall staff and VIP managers only)."""
    from kefu.core.models import Staff
    from kefu.identity.models import PinPad

    device, _created = Staff.objects.get_or_create(
        job_number=job_number, defaults={"role": role, "province": staff.province, "city": staff.city}
    )
    if role == "pin_pad":
        PinPad.objects.update_or_create(pad=device, defaults={"holder": staff})
    return device


def authenticate(client, number, password=KNOWN, **body):
    """Authenticate the customer of ``number`` for the client's staff member the way AUTH-3 allows:
    with ``call_id`` the agent asks the IVR to collect on that call; otherwise the staff member asks
    their PIN pad. Either way the customer's device posts ``password`` (or ``otp``) and the grant is
    the staff member's. Methods without a secret (calling number, ID shown) go to the endpoint as
    before. Returns the endpoint's response or, after a device, a :class:`Reply`."""
    from rest_framework.test import APIClient

    method = body.pop("method", "password")
    if method not in _KEYED:
        return client.post(
            f"/api/v1/subscribers/{number}/authenticate", {"method": method, **body}, format="json"
        )
    staff = _staff_of(client)
    digits = body.pop("otp", None) if method == "otp" else password
    facts = {name: body[name] for name in _FACTS if name in body}
    if body.get("call_id"):
        asked = client.post(
            f"/api/v1/calls/{body['call_id']}/password-collection",
            {"number": number, "method": method, **facts},
            format="json",
        )
        device = _device(staff, "ivr_system", f"ivr-{staff.province.code.lower()}")
    else:
        device = _device(staff, "pin_pad", f"pad-{staff.job_number}")
        asked = client.post(
            "/api/v1/pin-pad/collections", {"number": number, "method": method, **facts}, format="json"
        )
    if asked.status_code != 201:
        return asked
    keypad = APIClient()
    keypad.force_authenticate(device)
    answer = keypad.post(
        f"/api/v1/password-collections/{asked.json()['id']}", {"digits": digits}, format="json"
    )
    return Reply(answer, method) if answer.status_code == 200 else answer


def change_service_password(client, number, old, new):
    """The customer changes the service password on the staff member's PIN pad (AUTH-3, AUTH-6)."""
    from rest_framework.test import APIClient

    staff = _staff_of(client)
    device = _device(staff, "pin_pad", f"pad-{staff.job_number}")
    asked = client.post(
        "/api/v1/pin-pad/collections", {"number": number, "purpose": "password_change"}, format="json"
    )
    assert asked.status_code == 201, asked.content
    keypad = APIClient()
    keypad.force_authenticate(device)
    return keypad.post(
        f"/api/v1/password-collections/{asked.json()['id']}",
        {"digits": old, "new_digits": new},
        format="json",
    )
