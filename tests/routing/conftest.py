"""A JS hotline with the seeds' tiers, Nanjing/Suzhou/public agents with seats, and a clock the test
drives (routing decisions never wait for real time here)."""

from __future__ import annotations

import pytest

from kefu.core.models import AgentGroup, Province
from kefu.routing import client
from kefu.routing.models import NumberSegment, RoutingQueue, Seat


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock(db):
    clock = Clock()
    client.forget(clock=clock)
    yield clock
    client.forget()


@pytest.fixture
def hotline(db, clock):
    """JS 10086: home city at once, public when all busy, other cities after 30 s; no answer twice
    sets not ready; fallback after 120 s; a complaint skill queue on 1008601."""
    js = Province.objects.get(code="JS")
    RoutingQueue.objects.create(
        code="JS-10086", name="江苏10086", province=js, hotline="10086", wrapup_seconds=10,
        max_no_answer=2, max_wait=120, fallback="sip:voicemail@127.0.0.1",
    )  # fmt: skip
    RoutingQueue.objects.create(
        code="JS-COMPLAINT", name="江苏投诉", province=js, hotline="1008601", skill="complaint",
        tiers=[{"groups": "@public", "wait": 0}], max_wait=120,
    )  # fmt: skip
    NumberSegment.objects.create(prefix="1390250", province=js, city_id=_city("3201"))
    NumberSegment.objects.create(prefix="1391200", province=js, city_id=_city("3205"))
    NumberSegment.objects.create(prefix="1390100", province=Province.objects.get(code="BJ"), city=None)
    return js


def _city(code: str) -> int:
    from kefu.core.models import City

    return City.objects.get(code=code).id


@pytest.fixture
def seat(make_staff):
    """seat(groups=[...], skills={}, **staff fields) -> Staff with a seat (logged out)."""

    def make(groups, skills=None, role="hotline_agent", city=None, **fields):
        staff = make_staff(role, "JS", city, **fields)
        s = Seat.objects.create(
            staff=staff, skills=skills or {}, contact=f"sip:{staff.job_number}@127.0.0.1:5070"
        )
        s.groups.set(AgentGroup.objects.filter(code__in=groups))
        client.router().upsert_seat(job_number=staff.job_number)
        return staff

    return make
