"""SYS-1: notices and internal messages to agents — targeting by role, group, city or person within
the author's scope, unread counts, opening and acknowledging (who and when, counted for the author),
and the live push over the desk stream (bus channel ``agent:<job number>``)."""

from __future__ import annotations

import pytest

from kefu.bulletins import selectors, services
from kefu.bulletins.models import Notice, NoticeReceipt
from kefu.core.bus import get_bus
from kefu.core.models import AgentGroup, AuditEvent, BusMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_staff):
    nanjing_group = AgentGroup.objects.get(code="GRP-3201")

    class People:
        supervisor = make_staff("supervisor", "JS", job_number="JSS001", name="赵班长")
        agent_nj = make_staff(
            "hotline_agent", "JS", city="3201", job_number="JSA001", agent_group=nanjing_group
        )
        agent_sz = make_staff("hotline_agent", "JS", city="3205", job_number="JSA501")
        agent_js = make_staff("hotline_agent", "JS", job_number="JSA002")
        back = make_staff("back_office", "JS", job_number="JSB001")
        ivr = make_staff("ivr_system", "JS", job_number="JSIVR")
        zj_agent = make_staff("hotline_agent", "ZJ", job_number="ZJA001")
        zj_supervisor = make_staff("supervisor", "ZJ", job_number="ZJS001")

    return People


def publish(people, audience: str, target: str = "", **fields) -> Notice:
    return services.notice_publish(
        actor=fields.pop("actor", people.supervisor),
        title=fields.pop("title", "新资费口径"),
        body=fields.pop("body", "自下月起执行新的解释口径。"),
        audience=audience,
        target=target,
        **fields,
    )


def recipients(notice: Notice) -> set[str]:
    return set(NoticeReceipt.objects.filter(notice=notice).values_list("staff__job_number", flat=True))


@pytest.mark.parametrize(
    ("audience", "target", "expected"),
    [
        ("all", "", {"JSA001", "JSA501", "JSA002", "JSB001"}),
        ("role", "hotline_agent", {"JSA001", "JSA501", "JSA002"}),
        ("group", "GRP-3201", {"JSA001"}),
        ("city", "3205", {"JSA501"}),
        ("staff", "JSA002, JSB001", {"JSA002", "JSB001"}),
    ],
    ids=["everyone", "role", "group", "city", "persons"],
)
def test_targeting_reaches_exactly_the_audience_in_scope(people, audience, target, expected):
    """SYS-1: a JS supervisor's notice reaches the active staff of JS that the audience names — never
    ZJ staff, the author, or the IVR's system account; the count is fixed at publication."""
    notice = publish(people, audience, target)
    assert recipients(notice) == expected
    assert notice.recipient_count == len(expected)
    event = AuditEvent.objects.get(action="bulletins.notice.publish")
    assert event.changes["recipients"] == len(expected) and event.actor_job_number == "JSS001"


@pytest.mark.parametrize(
    ("who", "audience", "target", "status", "code"),
    [
        ("agent_nj", "all", "", 403, "permission_denied"),
        ("supervisor", "role", "wizard", 400, "unknown_target"),
        ("supervisor", "group", "GRP-3301", 400, "unknown_target"),  # a ZJ group: outside the scope
        ("supervisor", "city", "9999", 400, "unknown_target"),
        ("supervisor", "staff", "JSA001,ZJA001", 400, "unknown_target"),
        ("supervisor", "city", "3301", 400, "no_recipients"),  # Hangzhou: nobody of JS there
        ("supervisor", "role", "quality_inspector", 400, "no_recipients"),
        ("supervisor", "nobody", "", 400, "validation_failed"),
    ],
    ids=["agent", "role", "other-group", "city", "other-person", "other-city", "empty-role", "audience"],
)
def test_refusals_change_nothing(api_client_for, people, who, audience, target, status, code):
    """SYS-1: only supervisors and administrators publish; an unknown or out-of-scope target, or an
    audience with nobody in it, is problem+json with a stable code; no notice, receipt, audit row or
    push is left behind."""
    response = api_client_for(getattr(people, who)).post(
        "/api/v1/notices", {"title": "t", "body": "b", "audience": audience, "target": target}, format="json"
    )
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not Notice.objects.exists() and not NoticeReceipt.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="bulletins.").exists()
    assert not BusMessage.objects.filter(payload__type="notice").exists()


def test_unread_counts_follow_opening(api_client_for, people):
    """SYS-1: each recipient's unread count grows with each notice and falls when they open one; the
    first opening is audited, a second one changes nothing."""
    first = publish(people, "role", "hotline_agent")
    publish(people, "staff", "JSA001", kind="message", title="请回电客户")
    client = api_client_for(people.agent_nj)
    assert client.get("/api/v1/notices/unread-count").json() == {"unread": 2}
    assert selectors.unread_count(people.agent_sz) == 1
    assert selectors.unread_count(people.back) == 0

    opened = client.post(f"/api/v1/notices/{first.pk}/read")
    assert opened.status_code == 200 and opened.json()["read_at"]
    client.post(f"/api/v1/notices/{first.pk}/read")
    assert client.get("/api/v1/notices/unread-count").json() == {"unread": 1}
    inbox = client.get("/api/v1/notices").json()
    assert inbox["unread"] == 1
    assert [(r["notice"]["title"], bool(r["read_at"])) for r in inbox["results"]] == [
        ("请回电客户", False),
        ("新资费口径", True),
    ]
    assert AuditEvent.objects.filter(action="bulletins.notice.read").count() == 1


def test_acknowledgements_are_counted_for_the_author(api_client_for, people):
    """SYS-1: a recipient acknowledges (who and when, read at the same time); acknowledging again
    changes nothing; the author sees 1 of 3 acknowledged and who; someone it was not sent to is
    refused (403 ``not_a_recipient``) and the author's view of another province is not found."""
    notice = publish(people, "role", "hotline_agent")
    agent = api_client_for(people.agent_nj)
    first = agent.post(f"/api/v1/notices/{notice.pk}/acknowledge").json()
    again = agent.post(f"/api/v1/notices/{notice.pk}/acknowledge").json()
    assert (
        first["acknowledged_at"] and first["read_at"] and again["acknowledged_at"] == first["acknowledged_at"]
    )

    refused = api_client_for(people.back).post(f"/api/v1/notices/{notice.pk}/acknowledge")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_a_recipient")

    follow = api_client_for(people.supervisor).get(f"/api/v1/notices/{notice.pk}/follow").json()
    assert (
        follow["notice"]["recipient_count"],
        follow["notice"]["read_count"],
        follow["notice"]["ack_count"],
    ) == (
        3,
        1,
        1,
    )
    acked = {r["job_number"]: bool(r["acknowledged_at"]) for r in follow["recipients"]}
    assert acked == {"JSA001": True, "JSA002": False, "JSA501": False}
    sent = api_client_for(people.supervisor).get("/api/v1/notices/sent").json()
    assert [(n["id"], n["ack_count"]) for n in sent] == [(notice.pk, 1)]
    assert api_client_for(people.zj_supervisor).get(f"/api/v1/notices/{notice.pk}/follow").status_code == 404
    assert AuditEvent.objects.filter(action="bulletins.notice.acknowledge").count() == 1


def test_publishing_pushes_one_event_per_recipient_after_commit(people, django_capture_on_commit_callbacks):
    """SYS-1: the push goes after commit, one ``notice`` event on each recipient's channel and none
    on anyone else's."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = publish(people, "city", "3205")
    assert len(callbacks) == 1
    pushed = list(BusMessage.objects.filter(payload__type="notice").values_list("channel", "payload"))
    assert pushed == [
        (
            "agent:JSA501",
            {
                "type": "notice",
                "id": notice.pk,
                "kind": "notice",
                "title": "新资费口径",
                "author": "赵班长",
                "requires_ack": True,
            },
        )
    ]


def test_the_desk_stream_delivers_the_notice_live(
    client, people, settings, django_capture_on_commit_callbacks
):
    """SYS-1: an agent's open desk stream (``/telephony/events``) receives the notice as an
    ``event: notice`` as soon as it is published; a notice for someone else does not arrive."""
    settings.KEFU_BUS_URL = "db"
    get_bus.cache_clear()
    client.force_login(people.agent_nj)
    response = client.get("/telephony/events")
    stream = iter(response.streaming_content)
    assert next(stream).startswith(b"retry:")
    with django_capture_on_commit_callbacks(execute=True):
        publish(people, "staff", "JSA501", title="不是给你的")
    with django_capture_on_commit_callbacks(execute=True):
        publish(people, "group", "GRP-3201", title="南京组早会")
    chunk = next(stream).decode()
    assert chunk.startswith("event: notice") and "南京组早会" in chunk and "不是给你的" not in chunk
    response.close()
    get_bus.cache_clear()


def test_desk_pages_badge_open_and_acknowledge(client, people):
    """SYS-1 on the desk: the supervisor publishes with the form; the agent's top bar shows 1 unread;
    opening the notice marks it read (badge 0) and offers the acknowledge button; after it the
    author's page shows 1 acknowledged with the agent's job number."""
    client.force_login(people.supervisor)
    done = client.post(
        "/bulletins/new/",
        {
            "kind": "notice",
            "title": "系统升级通知",
            "body": "今晚22点升级。",
            "audience": "staff",
            "target": "JSA001",
            "requires_ack": "1",
        },
    )
    notice = Notice.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/bulletins/{notice.pk}/"

    client.force_login(people.agent_nj)
    home = client.get("/").content.decode()
    assert 'data-testid="notice-unread">1<' in home
    page = client.get(f"/bulletins/{notice.pk}/")
    assert page.status_code == 200 and "今晚22点升级" in page.content.decode()
    assert 'data-testid="notice-ack"' in page.content.decode()
    assert 'data-testid="notice-unread">0<' in page.content.decode()
    client.post(f"/bulletins/{notice.pk}/acknowledge")
    assert 'data-testid="notice-ack"' not in client.get(f"/bulletins/{notice.pk}/").content.decode()
    assert client.get(f"/bulletins/{notice.pk + 1}/").status_code == 404

    client.force_login(people.agent_sz)  # not a recipient, not an author
    assert client.get(f"/bulletins/{notice.pk}/").status_code == 404

    client.force_login(people.supervisor)
    follow = client.get(f"/bulletins/{notice.pk}/")
    assert follow.context["notice"].ack_count == 1
    assert [r.staff.job_number for r in follow.context["receipts"] if r.acknowledged_at] == ["JSA001"]


def test_publishing_form_refuses_with_a_readable_message(client, people):
    """SYS-1: a bad target on the desk form is a readable message and publishes nothing."""
    client.force_login(people.supervisor)
    page = client.post(
        "/bulletins/new/", {"kind": "notice", "title": "t", "body": "b", "audience": "city", "target": "9999"}
    )
    assert page.status_code == 200
    assert "未知的地市：9999" in page.content.decode()
    assert not Notice.objects.exists()


def test_unread_count_is_one_query(people, django_assert_num_queries):
    """SYS-1: the top bar's count, on every desk page, costs one query however many notices there are."""
    for n in range(3):
        publish(people, "role", "hotline_agent", title=f"公告{n}")
    with django_assert_num_queries(1):
        assert selectors.unread_count(people.agent_nj) == 3
