"""The supervisors' live wallboard (issue 14): the desk page /desk/routing/wallboard/, its JSON
GET /api/v1/routing/wallboard and the stream channel that pushes the router's snapshots to it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kefu.core.choices import Role
from kefu.core.models import City, Province
from kefu.desk import stream, wallboard_views
from kefu.desk.navigation import navigation_for
from kefu.routing import client as routing_client
from kefu.routing.core import Group, Queue, Router
from kefu.routing.models import AgentGroup, IntervalCount, RoutingQueue

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEN = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # an interval start (900 s intervals)
T0 = TEN.timestamp()
URL = "/api/v1/routing/wallboard"


class _Client:
    """What kefu.routing.client.router() answers: the router's live snapshot."""

    def __init__(self, router: Router, now: float) -> None:
        self.router, self.now = router, now

    def snapshot(self) -> dict:
        return self.router.snapshot(self.now)


@pytest.fixture
def routing(db, monkeypatch):
    """The 10000 hotline of Jiangsu with a Nanjing and a public group; two calls this interval (one
    answered after 4 s, one waiting 50 s), 09:45's interval stored, a stale row of 10:00 stored and
    yesterday's last interval stored."""
    js = Province.objects.get(code="JS")
    RoutingQueue.objects.create(code="10000", name="10000号百客服热线", province=js, hotline="10000")
    AgentGroup.objects.create(code="NJ", name="南京组", province=js, city=City.objects.get(code="3201"))
    AgentGroup.objects.create(code="PUB", name="公共组", province=js)
    router = Router(interval=900)
    router.configure(groups=[Group("NJ", "3201"), Group("PUB")], queues=[Queue("10000", hotline="10000")])
    router.upsert_agent("1001", groups=["NJ"])
    router.upsert_agent("9001", groups=["PUB"])
    router.set_state("1001", "ready", now=T0 + 1)
    router.offer("a", queue="10000", city="3201", now=T0 + 5)
    router.answer("a", agent="1001", now=T0 + 9)
    router.offer("b", queue="10000", city="3201", now=T0 + 10)
    monkeypatch.setattr(routing_client, "router", lambda: _Client(router, T0 + 60))

    def stored(start, **counts):
        IntervalCount.objects.create(queue_code="10000", start=start, **counts)

    stored(TEN - timedelta(minutes=15), offered=8, answered=6, answered_in_threshold=6, abandoned=2,
           abandoned_short=1, wait_answered=30.0, talk_seconds=600.0, wrapup_seconds=60.0, handled=6)  # fmt: skip
    stored(TEN, offered=1)  # the router's periodic save of the live interval: the snapshot wins
    stored(TEN.replace(hour=0) - timedelta(minutes=15), offered=40, answered=40)  # yesterday
    return router


def test_supervisor_sees_the_live_and_stored_figures(client, make_staff, routing):
    """ST-1, ST-2, SP-3: the supervisor's wallboard shows per queue the calls waiting and the longest
    wait, agents by state, this interval's figures from the live snapshot and the day's from today's
    stored intervals plus the live one (15秒人工接通率 = 7 of 10 requests); the page carries the
    same document for its script."""
    supervisor = make_staff(Role.SUPERVISOR, "JS")
    client.force_login(supervisor)
    board = client.get(URL).json()
    (queue,) = board["queues"]
    assert queue["name"] == "10000号百客服热线" and queue["threshold"] == 15
    assert queue["waiting"] == 1 and queue["longest_wait"] == 50.0
    assert queue["agents"]["talking"] == 1 and queue["agents"]["logged_out"] == 1
    assert (queue["interval"]["offered"], queue["interval"]["answered"]) == (2, 1)
    assert queue["interval"]["service_level"] == 0.5
    day = queue["day"]
    assert (day["offered"], day["answered"], day["answered_in_threshold"]) == (10, 7, 7)
    assert day["service_level"] == 0.7 and day["answer_rate"] == 0.7
    assert (day["abandoned"], day["abandoned_short"]) == (2, 1)
    assert day["asa"] == round((30 + 4) / 7, 1)
    assert day["aht"] == 110.0  # (600 + 60) / 6: the live call has not ended
    assert [g["name"] for g in board["groups"]] == ["南京组", "公共组"]
    assert board["groups"][0]["city"] == "南京"
    assert board["live"] is True and board["channel"] == "wallboard:JS"
    assert set(board["day_counts"]["10000"]) == {str((TEN - timedelta(minutes=15)).timestamp()), str(T0)}

    page = client.get(reverse("desk:routing_wallboard"))
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('<script id="wallboard-data" type="application/json">')
    embedded = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert embedded["queues"][0]["day"] == day
    assert "desk/wallboard.js" in html and "desk/vendor/echarts.min.js" in html
    assert "wallboard" in {item.key for item in navigation_for(page.wsgi_request)}


@pytest.mark.parametrize("role", [Role.HOTLINE_AGENT, Role.QUALITY_INSPECTOR, Role.CITY_HANDLER])
def test_others_are_refused_the_wallboard(client, api_client_for, make_staff, routing, role):
    """ST-1: the wallboard is the supervisors' (and administrators'): other roles get 403 on the page
    and the JSON (problem+json permission_denied), no menu item, and no wallboard channel."""
    user = make_staff(role, "JS", city="3201" if role == Role.CITY_HANDLER else None)
    client.force_login(user)
    assert client.get(reverse("desk:routing_wallboard")).status_code == 403
    response = api_client_for(user).get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    home = client.get(reverse("desk:home"))
    assert "wallboard" not in {item.key for item in navigation_for(home.wsgi_request)}
    assert not any(c.startswith("wallboard:") for c in stream._channels(user))


def test_stream_adds_the_wallboard_channel_for_supervisors(make_staff, settings):
    """ST-1: a supervisor's desk stream carries the router's snapshots of their province
    (wallboard:<province code>); a national administrator watches this node's province."""
    supervisor = make_staff(Role.SUPERVISOR, "ZJ")
    assert "wallboard:ZJ" in stream._channels(supervisor)
    assert f"agent:{supervisor.job_number}" in stream._channels(supervisor)
    settings.KEFU_NODE_CODE = "JS"
    national = make_staff(Role.ADMINISTRATOR, province=None)
    assert "wallboard:JS" in stream._channels(national)


def test_router_down_shows_the_stored_day(client, api_client_for, make_staff, routing, monkeypatch):
    """ST-1: when the router does not answer, the wallboard still answers (200) with today's stored
    intervals, the live one as last saved, and says it is not live."""

    def down():
        raise ConnectionError("router unreachable")

    monkeypatch.setattr(routing_client, "router", down)
    monkeypatch.setattr(wallboard_views, "_now", lambda: T0 + 60)
    admin = make_staff(Role.ADMINISTRATOR, "JS")
    board = api_client_for(admin).get(URL).json()
    assert board["live"] is False
    (queue,) = board["queues"]
    assert queue["waiting"] == 0
    # 09:45 and 10:00 as last saved (no live interval to take its place); yesterday stays out
    assert queue["day"]["offered"] == 9
    client.force_login(admin)
    html = client.get(reverse("desk:routing_wallboard")).content.decode()
    assert 'id="wb-router-down" data-testid="wb-router-down">' in html  # shown, not hidden


def test_wallboard_is_in_the_openapi_document(client):
    """ST-1: GET /api/v1/routing/wallboard is documented with its response shape."""
    document = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = document["paths"][URL]["get"]
    assert operation["operationId"] == "routing_wallboard"
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"queues", "groups", "totals", "day_counts"} <= set(
        document["components"]["schemas"][schema]["properties"]
    )


def test_view_uses_a_fixed_number_of_queries(django_assert_max_num_queries, make_staff, routing):
    """ST-1: building the wallboard reads queues, groups and the day's intervals in a fixed number of
    queries, whatever the number of intervals stored."""
    supervisor = make_staff(Role.SUPERVISOR, "JS")
    with django_assert_max_num_queries(4):
        wallboard_views.wallboard_document(supervisor)
