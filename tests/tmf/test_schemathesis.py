"""Property-based run of the official TMF621, TMF683 and TMF629 v4 files against kefu in-process
(schemathesis): every GET and POST operation the files declare, with inputs generated from the files
— out-of-range numbers, non-ASCII digits, odd strings and bodies included — answers something other
than a server error (WO-6, CON-4, CON-7, SYS-1: bad input is 400, never 500).

A stage of its own in ``make test`` (marker ``schemathesis``): a fixed seed and a bounded number of
examples per operation, so a run is repeatable and takes well under two minutes. The files are the
vendored ones of ``tests/tmf/specs/``, unchanged.
"""

from __future__ import annotations

import json

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from rest_framework.authtoken.models import Token
from schemathesis.generation.modes import GenerationMode

from kefu.contacts import services as contact_services
from kefu.workorders import services as order_services
from tests.factories import SubscriberFactory
from tests.tmf.conftest import SPEC_DIR, SPECS

pytestmark = pytest.mark.schemathesis

EXAMPLES = 10  # per operation and phase
SEED = 621683629
APIS = ("TMF621", "TMF683", "TMF629")
METHODS = ("GET", "POST")
APP = WSGIHandler()


def _schema(api: str):
    raw = json.loads((SPEC_DIR / SPECS[api]).read_text(encoding="utf-8"))
    schema = schemathesis.openapi.from_dict(raw).include(method=list(METHODS))
    schema.app = APP
    return schema


SCHEMAS = {api: _schema(api) for api in APIS}
OPERATIONS = [(api, result.ok()) for api, schema in SCHEMAS.items() for result in schema.get_all_operations()]
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
IDS = [f"{api}-{op.method.upper()}-{op.path}" for api, op in OPERATIONS]
# Numbers a client may send that are none kefu can take: past 64 bits, a superscript, Arabic-Indic
# and full-width digits, negative, past 32 bits (the two found by schemathesis first, in TMF683).
BAD_NUMBERS = ("16494126762297409929216", "³", "٣", "１２", "-1", "2147483648", "9223372036854775808")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes an old database connection when a request starts and finishes; the test's
    transaction lives on that connection (Django's own test client disconnects the same signals)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(make_staff, db) -> dict:
    """A JS back-office user's token, and a little data for the lists and lookups to render: a line
    with a contact record and a ticket in triage."""
    agent = make_staff("hotline_agent", "JS")
    back = make_staff("back_office", "JS")
    line = SubscriberFactory(home="3201")
    contact_services.contact_create(
        actor=agent,
        data=contact_services.ContactInput(
            channel="hotline",
            subscriber=line,
            summary="查询话费",
            request_type="query",
            started_at=timezone.now(),
        ),
    )
    order_services.order_accept(
        actor=agent,
        data=order_services.OrderInput(
            kind="complaint", subscriber=line, description="宽带掉线", triage=True
        ),
    )
    token, _ = Token.objects.get_or_create(user=back)
    return {"Authorization": f"Bearer {token.key}"}


def _no_server_error(case, headers: dict) -> int:
    response = case.call(headers=headers)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} {case.query or ''} answered {response.status_code}: "
        f"{response.text[:300]}"
    )
    return response.status_code


def _parameters(api: str, operation) -> list[tuple[str, str]]:
    """(location, name) of the operation's query and path parameters, as the file declares them."""
    raw = json.loads((SPEC_DIR / SPECS[api]).read_text(encoding="utf-8"))
    declared = raw["paths"][operation.path][operation.method.lower()].get("parameters", [])
    return [(p["in"], p["name"]) for p in declared if p.get("in") in ("query", "path")]


def test_every_get_and_post_operation_is_covered():
    """CON-7: the run covers the GET and POST operations of all three files (none silently dropped)."""
    covered = {(api, op.method.upper(), op.path) for api, op in OPERATIONS}
    assert {("TMF621", "POST", "/troubleTicket"), ("TMF621", "GET", "/troubleTicket/{id}")} <= covered
    assert {("TMF683", "GET", "/partyInteraction"), ("TMF683", "GET", "/partyInteraction/{id}")} <= covered
    assert {("TMF629", "GET", "/customer"), ("TMF629", "POST", "/customer")} <= covered
    assert {method for _api, method, _path in covered} == set(METHODS)


@pytest.mark.parametrize(("api", "operation"), OPERATIONS, ids=IDS)
def test_generated_requests_get_no_server_error(api, operation, bearer):
    """SYS-1, CON-7: requests generated from the file — valid ones and ones that break it — never
    answer 5xx (fixed seed, EXAMPLES of each kind)."""
    statuses: list[int] = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        @SETTINGS
        @hypothesis.seed(SEED)
        def check(case):
            statuses.append(_no_server_error(case, bearer))

        check()
    assert statuses, "no request was generated"


@pytest.mark.parametrize(("api", "operation"), OPERATIONS, ids=IDS)
def test_bad_numbers_in_every_parameter_get_no_server_error(api, operation, bearer):
    """SYS-1: every query and path parameter of the operation, given each number kefu cannot take
    (BAD_NUMBERS), answers no 5xx; ``offset``/``limit`` and numeric ids answer 400 invalid_number."""
    parameters = _parameters(api, operation)
    in_path = {name: "1" for location, name in parameters if location == "path"}
    for location, name in parameters:
        for value in BAD_NUMBERS:
            if location == "path":
                case = operation.Case(path_parameters={**in_path, name: value})
            else:
                case = operation.Case(path_parameters=in_path, query={name: value})
            response = case.call(headers=bearer)
            assert response.status_code < 500, f"{name}={value!r} answered {response.status_code}"
            if name in ("offset", "limit"):
                assert (response.status_code, response.json()["code"]) == (400, "invalid_number"), (
                    name,
                    value,
                )
