"""Reliability of the cross-level flow (WO-3, ORG-2): many orders through real nodes while the hub and
the province are killed (SIGKILL) at random moments and restarted. At the end every order is archived
on every node, each action was applied exactly once, and no outbox, held list or dead-letter list holds
anything. ``KEFU_FAULT_ORDERS`` sets the number of orders (the suite's default keeps CI affordable; the
1,000-order run is ``bench/federation_fault.py``, recorded in docs/benchmarks.md)."""

from __future__ import annotations

import os

import pytest

from tests.federation import fault, xl
from tests.federation.conftest import _base
from tests.federation.nodes import drop_databases

pytestmark = [pytest.mark.nodes, pytest.mark.django_db(transaction=False)]

ORDERS = int(os.environ.get("KEFU_FAULT_ORDERS", "100"))


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    federation = xl.start(_base(tmp_path_factory))
    try:
        yield federation
    finally:
        federation.stop()
        drop_databases(federation)


def test_orders_survive_the_hub_and_the_province_being_killed(fed):
    """WO-3 through crashes: KEFU_FAULT_ORDERS orders JS → HUB → SIMS → JS → archive while HUB and JS are
    SIGKILLed and restarted; every node ends in the same state, nothing applied twice, nothing lost."""
    desks = xl.Desks(fed)
    report = fault.run(fed, desks, n=ORDERS, kill=True, seed=7)
    assert len(report.kills) >= 4
    fault.verify(fed, n=ORDERS)
