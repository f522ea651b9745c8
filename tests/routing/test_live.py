"""``kefu simulate --live``: the driver plays the switch against the routing API (here the in-process
router through the API client, on the routing tests' clock: no server, no waiting)."""

import pytest

from kefu.routing.live import LivePlan, drive
from kefu.routing.models import AgentStateChange, RoutedCall


def _sender(api):
    def send(method, path, body):
        response = api.get(path) if method == "GET" else api.post(path, body, format="json")
        return response.status_code, response.json() if response.content else {}

    return send


@pytest.fixture
def admin_api(js_admin, api_client_for):
    return api_client_for(js_admin)


def test_live_driver_rings_answers_queues_and_ends_every_call(hotline, seat, admin_api, clock):
    """ORG-4, ST-1 (the demo's live mode): simulated callers from Nanjing numbers reach the one ready
    Nanjing agent through POST /routing/calls; each offered call is answered and hung up by CTI events,
    the others queue until the agent is free again or their patience runs out (abandon); every call ends
    and the agent went ready → ringing → talking → wrap-up."""
    agent = seat(["GRP-3201"], city="3201")
    plan = LivePlan(
        hotline="10086", calls_per_minute=6, talk_seconds=40, patience_seconds=50, minutes=3,
        prefixes=("1390250",), agents=(agent.job_number,), seed=3,
    )  # fmt: skip
    tally = drive(plan, _sender(admin_api), clock=clock, sleep=clock.advance)
    assert tally.errors == [] and tally.refused == 0
    assert tally.offered >= 5 and tally.answered >= 2 and tally.queued >= 1
    calls = RoutedCall.objects.filter(call_id__startswith="live-")
    assert calls.count() == tally.offered
    assert not calls.filter(state__in=["queued", "offered", "talking"]).exists()  # nothing left open
    assert calls.filter(state="abandoned").count() == tally.abandoned
    states = list(
        AgentStateChange.objects.filter(staff=agent).order_by("at", "id").values_list("state", flat=True)
    )
    assert states[:4] == ["ready", "ringing", "talking", "wrapup"]


def test_live_command_refuses_missing_token(capsys):
    """Bad input: --live without a token is a clear error and nothing is sent."""
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--token"):
        call_command("simulate", "--live", "http://127.0.0.1:9")
