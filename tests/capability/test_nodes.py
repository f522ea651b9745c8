"""Capability queries end to end between real node processes (CAP-1..3, ORG-2, ORG-3): the JS agent's
query goes JS → HUB → PLAT and back over signed HTTP; handling changes the platform's data; a slow
platform and an absent one give the agent a clear message within the province's timeout."""

from __future__ import annotations

import pytest

from tests.capability.harness import call, login
from tests.waits import wait_for

pytestmark = [pytest.mark.nodes, pytest.mark.django_db(transaction=False)]
NUMBER = "13912340002"


@pytest.fixture(scope="module")
def fed(platform_federation):
    """HUB, JS (capability timeout 3 s) and PLAT, shared with tests/platform/test_nodes.py."""
    return platform_federation


@pytest.fixture(scope="module")
def token(fed):
    return login(fed["JS"], "js1001")


def _ask(fed, token, business, query, **conditions):
    return call(fed["JS"], "POST", "/api/v1/capability/queries", token=token,
                body={"business": business, "query": query, "conditions": conditions})  # fmt: skip


def test_catalog_and_query_cross_province_hub_and_platform(fed, token):
    """CAP-1: the 7 steps' request and answer — province asks, hub sorts and forwards, platform
    answers, the hub relays, the province shows it."""
    status, catalog = call(fed["JS"], "GET", "/api/v1/capability/catalog", token=token)
    assert status == 200 and len(catalog) == 5
    status, answer = _ask(fed, token, "mobile_payment", "account_balance", number=NUMBER)
    assert status == 200, answer
    assert (answer["platform"], answer["outcome"], answer["rows"][0]["number"]) == ("PLAT", "ok", NUMBER)
    assert [m["sender"] for m in fed["HUB"].inbox("capability.query")] == ["JS"]
    assert [m["sender"] for m in fed["PLAT"].inbox("capability.forward")] == ["HUB"]


def test_blacklist_handling_changes_the_platform_data(fed, token):
    """CAP-2: 黑名单屏蔽 through the hub, then the blacklist query shows the new state."""
    status, before = _ask(fed, token, "mobile_video", "blacklist", number=NUMBER)
    assert (status, before["outcome"]) == (200, "empty")
    status, done = _ask(fed, token, "mobile_video", "blacklist_block", number=NUMBER, reason="客户要求")
    assert (status, done["outcome"], done["rows"][0]["state"]) == (200, "ok", "屏蔽")
    status, again = _ask(fed, token, "mobile_video", "blacklist_block", number=NUMBER)
    assert (status, again["outcome"]) == (200, "refused")
    status, after = _ask(fed, token, "mobile_video", "blacklist", number=NUMBER)
    assert after["rows"][0]["state"] == "屏蔽"


def test_a_slow_platform_is_a_clear_timeout_message(fed, token):
    """CAP-1 reliability: the platform answers after the province's 3 s; the agent gets 504
    peer_timeout naming the platform, sent by the hub before the province gives up."""
    plat = fed["PLAT"]
    plat.stop()
    plat.extra_env["KEFU_PLATFORM_DELAY"] = "6"
    plat.start()
    try:
        status, problem = _ask(fed, token, "mobile_game", "points_balance", number=NUMBER)
        assert status == 504, problem
        assert problem["code"] == "peer_timeout"
        assert "PLAT" in problem["detail"] and "未在时限内应答" in problem["detail"]
    finally:
        plat.stop()
        plat.extra_env.pop("KEFU_PLATFORM_DELAY")
        plat.start()


def test_an_absent_platform_is_a_clear_unavailable_message(fed, token):
    plat = fed["PLAT"]
    plat.stop()
    try:
        status, problem = _ask(fed, token, "mobile_reading", "vouchers", number=NUMBER)
        assert (status, problem["code"]) == (503, "peer_unavailable")
        assert "PLAT" in problem["detail"]
    finally:
        plat.start()
    status, answer = wait_for(
        lambda: (r := _ask(fed, token, "mobile_reading", "vouchers", number=NUMBER))[0] == 200 and r,
        message="the platform back",
    )
    assert answer["rows"]


def test_the_platform_keeps_a_log_of_the_requests(fed, token):
    """ORG-3: the platform logs what the hub asked (its read-only page lists it)."""
    _ask(fed, token, "mobile_payment", "account_balance", number=NUMBER)
    _ask(fed, token, "mobile_game", "blacklist_add", number=NUMBER)
    out = fed["PLAT"].kefu("shell", "-c", "from kefu.platform.models import PlatformRequest; "
                                          "print(sorted({r.query for r in PlatformRequest.objects.all()}))").stdout  # fmt: skip
    assert "account_balance" in out and "blacklist_add" in out
