"""Remote service end to end between real node processes (SVC-1, ORG-2): the JS agent asks about a ZJ
subscriber; the query goes JS → HUB → ZJ, ZJ answers from its billing data, the answer comes back to
the JS agent's screen. A home province that is down gives a clear message."""

from __future__ import annotations

import pytest

from tests.capability.harness import call, login, start, stop

pytestmark = [pytest.mark.nodes, pytest.mark.django_db(transaction=False)]


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    fed = start(tmp_path_factory, {"HUB": "hub", "JS": "province", "ZJ": "province"},
                env={"JS": {"KEFU_CAPABILITY_TIMEOUT": "4"}})  # fmt: skip
    try:
        yield fed
    finally:
        stop(fed)


@pytest.fixture(scope="module")
def zj_number(fed):
    """A Hangzhou mobile line with two months of bills, payments and points, built by the test
    factories inside the ZJ node (its ``kefu shell`` runs from the checkout, so ``tests`` imports)."""
    return fed["ZJ"].shell_value(
        "from tests.factories import line_with_history\n"
        "value = line_with_history(months=2, home='3301').number"
    )


_calls = iter(range(1, 1000))


def _ask(fed, token, number, what):
    """Ask as the JS agent, identified by calling number: the agent first answers a call from that
    number through the CTI API (the serving node checks the identification against the call)."""
    call_id = f"remote-node-{next(_calls)}"
    for kind in ("ring", "answer"):
        status, body = call(fed["JS"], "POST", "/api/v1/cti/events", token=token,
                            body={"event": kind, "call_id": call_id, "calling_number": number,
                                  "agent_job_number": "js1001"})  # fmt: skip
        assert status in (200, 201), body
    try:
        return call(fed["JS"], "POST", "/api/v1/remote/queries", token=token,
                    body={"number": number, "home": "ZJ", "what": what, "verified_by": "calling_number"})  # fmt: skip
    finally:
        # one call at a time per seat (KEFU_CALLS_PER_SEAT): hang up before the next question's call
        call(fed["JS"], "POST", "/api/v1/cti/events", token=token,
             body={"event": "hangup", "call_id": call_id, "calling_number": number,
                   "agent_job_number": "js1001"})  # fmt: skip


def test_js_agent_sees_a_zj_subscribers_balance_bills_and_points(fed, zj_number):
    """SVC-1: balance, bills and points of a ZJ subscriber, asked at the JS desk, relayed both ways."""
    token = login(fed["JS"], "js1001")
    for what in ("balance", "bills", "points"):
        status, answer = _ask(fed, token, zj_number, what)
        assert status == 200, (answer.get("code"), answer.get("detail"), answer.get("errors"))
        assert (answer["home"], answer["number"], answer["what"]) == ("ZJ", zj_number, what)
        assert answer["rows"]
    assert {m["sender"] for m in fed["HUB"].inbox("service.query")} == {"JS"}
    assert {m["sender"] for m in fed["ZJ"].inbox("service.home_query")} == {"HUB"}
    answered = fed["ZJ"].shell_value("from kefu.core.models import AuditEvent\n"
                                     "value = AuditEvent.objects.filter(action='remote.answer').count()")  # fmt: skip
    assert answered == 3


def test_a_number_that_is_not_the_home_provinces_is_refused_clearly(fed):
    token = login(fed["JS"], "js1001")
    status, problem = _ask(fed, token, "13000000001", "balance")
    assert (status, problem["code"]) == (422, "unknown_subscriber")
    assert "13000000001" in problem["detail"] and "ZJ" in problem["detail"]


def test_a_home_province_that_is_down_is_a_clear_message(fed, zj_number):
    token = login(fed["JS"], "js1001")
    fed["ZJ"].stop()
    try:
        status, problem = _ask(fed, token, zj_number, "balance")
        assert (status, problem["code"]) == (503, "peer_unavailable"), problem.get("detail")
        assert "ZJ" in problem["detail"]
    finally:
        fed["ZJ"].start()
