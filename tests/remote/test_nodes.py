"""Remote service end to end between real node processes (SVC-1, ORG-2): the JS agent asks about a ZJ
subscriber; the query goes JS → HUB → ZJ, ZJ answers from its billing data, the answer comes back to
the JS agent's screen. A home province that is down gives a clear message."""

from __future__ import annotations

import pytest

from tests.capability.harness import call, login, start, stop

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    fed = start(tmp_path_factory, {"HUB": "hub", "JS": "province", "ZJ": "province"},
                env={"JS": {"KEFU_CAPABILITY_TIMEOUT": "4"}})  # fmt: skip
    try:
        # ten lines: some are fixed lines, and the queries need a mobile one
        fed["ZJ"].kefu("seed", "--subscribers", "10", "--province", "ZJ", "--months", "2")
        yield fed
    finally:
        stop(fed)


@pytest.fixture(scope="module")
def zj_number(fed):
    """A ZJ mobile line: the seed also makes fixed lines (``0579…``, twelve digits), which the remote
    query refuses as numbers — which kind comes first by id differs from run to run."""
    found = fed["ZJ"].shell_value(
        "import re\n"
        "from kefu.customers.models import Subscriber\n"
        "lines = Subscriber.objects.filter(home_province__code='ZJ').order_by('id').values_list('number', flat=True)\n"
        "value = [[n for n in lines if re.fullmatch(r'1\\d{10}', n)][:1], list(lines[:20])]"
    )
    assert found[0], f"ZJ holds no mobile line after its seed; its lines: {found[1]}"
    return found[0][0]


def _ask(fed, token, number, what):
    return call(fed["JS"], "POST", "/api/v1/remote/queries", token=token,
                body={"number": number, "home": "ZJ", "what": what, "verified_by": "calling_number"})  # fmt: skip


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
