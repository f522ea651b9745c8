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
    """The IVR platform's account (it posts as an administrator, like the CTI adapter)."""
    return make_staff("administrator", "JS", job_number="ivr-js")


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


def authenticate(client, number, **body):
    body.setdefault("method", "password")
    return client.post(f"/api/v1/subscribers/{number}/authenticate", body, format="json")
