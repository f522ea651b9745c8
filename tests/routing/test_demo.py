"""The demo's routing data (issue 14): segments of every demo city, a hotline and skill queues per
demo province, seats for the demo's agents; loading twice adds nothing."""

from __future__ import annotations

import pytest

from kefu.core.demo import DEMO_PASSWORD, seed_demo_staff
from kefu.routing import client
from kefu.routing.demo import load_demo
from kefu.routing.models import RoutingQueue, Seat
from kefu.routing.segments import home_of

pytestmark = pytest.mark.django_db


def test_demo_routing_is_complete_and_idempotent(clock):
    """ORG-4, ORG-6: a Nanjing number is at home in Nanjing, a Beijing one out of the area; JS and ZJ
    each have a hotline queue and three skill queues; the demo agents have seats; a second load adds
    nothing; a Nanjing caller reaches the ready Nanjing agent."""
    seed_demo_staff()
    first = load_demo(password=DEMO_PASSWORD)
    assert first["queues"] == 8 and first["seats"] == 7
    assert load_demo(password=DEMO_PASSWORD) == {"segments": 0, "queues": 0, "seats": 0}
    assert home_of("13920112345") == ("JS", "3201")
    assert home_of("13901001234")[0] == "BJ"
    assert set(RoutingQueue.objects.filter(province__code="JS").values_list("skill", flat=True)) == {
        "", "complaint", "broadband", "callback"
    }  # fmt: skip
    assert Seat.objects.get(staff__job_number="js2002").skills == {"complaint": 3}
    r = client.router()
    r.set_state(job_number="js2001", state="ready")
    decision = r.offer(call_id="d1", queue="JS-10086", city="3201", level=0)
    assert decision["agent"] == "js2001" and decision["contact"].startswith("sip:js2001@")
