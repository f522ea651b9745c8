"""Fixtures shared by the identity, queries, acceptance and notify tests: seeded lines with a known
service password, answered calls, and small helpers."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command

KNOWN = "739184"  # the service password the tests set; searched for everywhere by the leak test
WRONG = "520931"
_calls = itertools.count(1)


@pytest.fixture
def seeded(db):
    call_command("seed", subscribers=3, province="JS", months=2, verbosity=0)
    call_command("seed", subscribers=3, province="ZJ", months=2, verbosity=0)


def _open_js_lines():
    """Seeded JS lines that are not closed (a closed line's plan has ended; which seeded lines are
    closed follows their ids, and PostgreSQL's ids differ from run to run)."""
    from kefu.customers.models import Subscriber

    return Subscriber.objects.filter(home_province__code="JS").exclude(status="closed").order_by("id")


def _with_known_password(subscriber):
    from kefu.customers.services import subscriber_set_service_password

    subscriber_set_service_password(actor=None, number=subscriber.number, password=KNOWN)
    type(subscriber).objects.filter(pk=subscriber.pk).update(status="active")
    subscriber.refresh_from_db()
    return subscriber


@pytest.fixture
def line(seeded):
    """A JS line (Nanjing or another JS city) whose service password is KNOWN (not initial)."""

    return _with_known_password(_open_js_lines().first())


@pytest.fixture
def other_line(seeded):

    return _with_known_password(_open_js_lines()[1])


@pytest.fixture
def zj_line(seeded):
    from kefu.customers.models import Subscriber

    return _with_known_password(Subscriber.objects.filter(home_province__code="ZJ").order_by("id").first())


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
