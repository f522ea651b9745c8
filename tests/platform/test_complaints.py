"""Complaints about the operator's own businesses, in one process per role (ORG-3, WO-3, WO-4): the
province sends them to the hub for ``PLATFORM``; the hub routes them by business to the platform node
(and SP businesses to SIMS, as before); the platform's second line works them on its own desk with the
engine's action table, each step recorded and sent back to the hub. The same flow across real nodes:
tests/platform/test_nodes.py."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, override_settings

from kefu.catalog.models import Business, CategoryNode
from kefu.core.models import AuditEvent, OutboxMessage
from kefu.crosslevel import messages, relay
from kefu.crosslevel import services as province
from kefu.crosslevel.errors import CrossLevelErrorCode
from kefu.crosslevel.models import CrossLink
from kefu.crosslevel.nodes import holder_ref, node_department
from kefu.federation.envelope import Message
from kefu.hub import services as hub
from kefu.hub.models import HubOrder
from kefu.platform import complaints
from kefu.platform.errors import PlatformError, PlatformErrorCode
from kefu.platform.models import PlatformOrder
from kefu.workorders import services as wo
from kefu.workorders.actions import ACTIONS
from kefu.workorders.choices import Action

pytestmark = pytest.mark.django_db

NUMBER = "JS20261206000321"


def peers(tmp_path, settings, *, node: str, role: str, spec: dict[str, str]) -> None:
    """This process is ``node`` (``role``); ``spec`` its peers ``{code: role}`` (nothing listens)."""
    path = tmp_path / "peers.toml"
    path.write_text("".join(
        f'[peers.{code}]\nrole = "{peer_role}"\nurl = "http://127.0.0.1:9"\nkey = "{node}-{code}-key-0123456789abc"\n'
        for code, peer_role in spec.items()
    ))  # fmt: skip
    settings.KEFU_NODE_CODE, settings.KEFU_ROLE = node, role
    settings.KEFU_PEERS_FILE = str(path)
    settings.KEFU_FEDERATION_DELIVER_ON_COMMIT = False


def sent(destination: str | None = None) -> list[tuple[str, str, str]]:
    """(destination, type, action's comment) of every federation message queued, oldest first."""
    rows = OutboxMessage.objects.filter(topic="federation.message").order_by("id")
    if destination:
        rows = rows.filter(destination=destination)
    return [(r.destination, r.payload["type"], r.payload["payload"].get("comment", "")) for r in rows]


# --- province: sending to the hub for the business's platform -------------------------------------


@pytest.fixture
def js(tmp_path, settings, make_staff):
    peers(tmp_path, settings, node="JS", role="province", spec={"HUB": "hub"})
    return {"agent": make_staff("hotline_agent", "JS"), "back": make_staff("back_office", "JS")}


def complaint(staff, code: str, title: str = "WLAN认证页面打不开"):
    category = CategoryNode.objects.filter(code=code).order_by("-id").first()
    data = wo.OrderInput(kind="complaint", category=category, title=title, contact_number="13951700001")
    return wo.order_accept(actor=staff["agent"], data=data).order


@pytest.mark.parametrize(
    "business, target",
    [
        ("wlan", "PLATFORM"),
        ("caiyun", "PLATFORM"),
        ("mobile_game", "PLATFORM"),
        ("mobile_payment", "PLATFORM"),
        ("monternet_sms", "SIMS"),
        ("voice", ""),
        ("mobile_stock_compass", ""),  # a VAS business with its own platform, not one of the operator's
    ],
)
def test_the_second_line_of_a_business(business, target):
    """ORG-3, SVC-3: the operator's own businesses go to their platform, Monternet SP businesses to
    SIMS, everything else stays in the province."""
    assert province.second_line_of(Business.objects.get(code=business)) == target


def test_province_sends_an_own_business_complaint_to_the_hub_for_its_platform(js):
    """ORG-3, WO-3 step 2: a WLAN complaint sent for PLATFORM is dispatched to the hub's department; the
    relay sends one workorder.dispatch naming the target PLATFORM and the business (the hub picks the
    platform node); no SP code travels with it."""
    order = complaint(js, "wlan-0026")
    province.order_send_to_hub(
        actor=js["back"], number=order.number, target="platform", sp_code="SP901234", comment="请平台核查"
    )
    link = CrossLink.objects.get(order=order)
    assert (link.target, link.sp_code, link.peer) == ("PLATFORM", "", "HUB")
    relay.relay_pending()
    (row,) = OutboxMessage.objects.filter(topic="federation.message")
    body = row.payload["payload"]
    assert (row.destination, row.payload["type"]) == ("HUB", "workorder.dispatch")
    assert (body["data"]["target"], body["data"]["sp_code"], body["order"]["business"]) == (
        "PLATFORM",
        "",
        "wlan",
    )
    order.refresh_from_db()
    assert (order.state, order.holder_department.code) == ("dispatched", "NODE-HUB")


def test_a_plain_dispatch_to_the_hub_follows_the_business_to_its_platform(js):
    """ORG-3: dispatching a 手机游戏 complaint to the hub's department without the send form still names
    PLATFORM as the target (the business says so)."""
    order = complaint(js, "mobile_game-0034", "游戏未订购却扣费")
    node_department("HUB")  # the hub as a department of this province (made on first use)
    ACTIONS[Action.DISPATCH].perform(actor=js["back"], order=order.number, data={"to": holder_ref("HUB")})
    relay.relay_pending()
    assert CrossLink.objects.get(order=order).target == "PLATFORM"
    (row,) = OutboxMessage.objects.filter(topic="federation.message")
    assert row.payload["payload"]["data"]["target"] == "PLATFORM"


def test_platform_is_refused_for_a_business_without_one_and_nothing_changes(js):
    """ORG-3: PLATFORM for a voice complaint is refused (not_own_platform): no link, no dispatch, no
    message."""
    order = complaint(js, "voice-0014", "通话掉话")
    with pytest.raises(province.CrossLevelError) as refused:
        province.order_send_to_hub(actor=js["back"], number=order.number, target="PLATFORM")
    assert refused.value.code == CrossLevelErrorCode.NOT_OWN_PLATFORM
    order.refresh_from_db()
    assert order.state == "accepted" and not CrossLink.objects.filter(order=order).exists()
    relay.relay_pending()
    assert sent() == []


def test_the_send_form_offers_the_platform_target(js):
    """ORG-3: the province's send-to-hub form lists the own-platform target."""
    assert ("PLATFORM", "自有业务平台(二线客服)") in [(c, str(n)) for c, n in province.targets()]


# --- hub: routing by business ----------------------------------------------------------------------


@pytest.fixture
def hub_node(tmp_path, settings):
    peers(tmp_path, settings, node="HUB", role="hub",
          spec={"JS": "province", "SIMS": "sims", "PLAT": "platform", "GAME": "platform"})  # fmt: skip
    settings.KEFU_CAPABILITY_PLATFORMS = ""


def to_hub(action, *, sender="JS", sender_role="province", data=None, order=None, comment=""):
    body = messages.payload(number=NUMBER, action=action, node=sender, actor="js1004", comment=comment,
                            data=data, order=order)  # fmt: skip
    return Message(id=str(uuid.uuid4()), type=messages.type_of(action), sender=sender, receiver="HUB",
                   payload=body, order=NUMBER, seq=1, sender_role=sender_role)  # fmt: skip


def snapshot(business: str) -> dict:
    return {"kind": "complaint", "title": "投诉", "province": "JS", "business": business, "origin": "JS"}


def test_the_hub_routes_an_own_business_complaint_to_the_platform_and_the_reply_back(hub_node):
    """ORG-3, WO-3: the hub sends a PLATFORM dispatch to the platform node (its first platform peer when
    no mapping names one) and the platform's reply back to the origin; its copy records the platform as
    the handling party."""
    result = hub.apply(to_hub(messages.DISPATCH, data={"target": "PLATFORM"}, order=snapshot("wlan")))
    assert result == {"applied": True, "state": "dispatched", "sent_to": "PLAT"}
    reply = to_hub(messages.REPLY, sender="PLAT", sender_role="platform", comment="已重置WLAN密码")
    assert hub.apply(reply)["sent_to"] == "JS"
    order = HubOrder.objects.get(number=NUMBER)
    assert (order.target, order.target_role, order.state, order.result) == (
        "PLAT", "platform", "replied", "已重置WLAN密码"
    )  # fmt: skip
    assert [(d, t) for d, t, _c in sent()] == [("PLAT", "workorder.dispatch"), ("JS", "workorder.reply")]


def test_the_hub_routes_by_business_with_the_platform_mapping_and_sp_businesses_to_sims(hub_node, settings):
    """ORG-3: ``KEFU_CAPABILITY_PLATFORMS`` sends 手机游戏 to its own platform node GAME; a Monternet
    complaint still goes to SIMS."""
    settings.KEFU_CAPABILITY_PLATFORMS = "mobile_game=GAME"
    assert (
        hub.apply(to_hub(messages.DISPATCH, data={"target": "PLATFORM"}, order=snapshot("mobile_game")))[
            "sent_to"
        ]
        == "GAME"
    )
    other = to_hub(messages.DISPATCH, data={"target": "SIMS", "sp_code": "SP901234"}, order=snapshot("wap"))
    other = Message(**{**other.__dict__, "order": "JS20261206000322"})
    other.payload["number"] = "JS20261206000322"
    assert hub.apply(other)["sent_to"] == "SIMS"
    assert HubOrder.objects.get(number="JS20261206000322").target_role == "sims"


def test_the_hub_returns_a_platform_complaint_it_cannot_route(tmp_path, settings):
    """WO-4 return: a hub with no platform peer returns a PLATFORM dispatch to the origin at once, with
    the reason naming the business; nothing goes anywhere else."""
    peers(tmp_path, settings, node="HUB", role="hub", spec={"JS": "province", "SIMS": "sims"})
    settings.KEFU_CAPABILITY_PLATFORMS = ""
    result = hub.apply(to_hub(messages.DISPATCH, data={"target": "PLATFORM"}, order=snapshot("caiyun")))
    order = HubOrder.objects.get(number=NUMBER)
    assert (order.state, order.target) == ("returned", "")
    assert "caiyun" in result["returned"] and order.return_reason == result["returned"]
    assert sent() == [("JS", "workorder.return", result["returned"])]


# --- the platform's second line --------------------------------------------------------------------


@pytest.fixture
def plat(tmp_path, settings):
    peers(tmp_path, settings, node="PLAT", role="platform", spec={"HUB": "hub"})


@pytest.fixture
def second_line(make_staff):
    return make_staff("platform_staff", None, job_number="plat01")


def from_hub(action, *, number=NUMBER, business="wlan", comment="", data=None, sender_role="hub"):
    order = snapshot(business) | {"number": number, "business_name": "WLAN"} if action == "dispatch" else None
    body = messages.payload(number=number, action=action, node="JS", actor="js1004", comment=comment,
                            data=data or {}, order=order)  # fmt: skip
    return Message(id=str(uuid.uuid4()), type=messages.type_of(action), sender="HUB", receiver="PLAT",
                   payload=body, order=number, seq=1, sender_role=sender_role)  # fmt: skip


def test_a_complaint_from_the_hub_lands_on_the_platform_desk(plat):
    """ORG-3, WO-3: the hub's dispatch creates the platform's order with its business and origin."""
    assert complaints.order_apply(from_hub("dispatch"))["state"] == "dispatched"
    order = PlatformOrder.objects.get(number=NUMBER)
    assert (order.business, order.origin, order.hub, order.state, order.event_seq) == (
        "wlan", "JS", "HUB", "dispatched", 1
    )  # fmt: skip
    assert sent() == []


def test_only_the_hub_sends_complaints_to_a_platform(plat):
    """ORG-3: first line never talks to the second line directly — a province's event is refused."""
    with pytest.raises(PlatformError) as refused:
        complaints.order_apply(from_hub("dispatch", sender_role="province"))
    assert refused.value.code == PlatformErrorCode.NOT_ALLOWED
    assert not PlatformOrder.objects.exists()


def test_a_complaint_about_a_business_the_platform_does_not_serve_is_returned_at_once(plat):
    """WO-4 return: 公众服务云 is not this platform's: returned to the hub at once, with the reason."""
    result = complaints.order_apply(from_hub("dispatch", business="public_service_cloud"))
    order = PlatformOrder.objects.get(number=NUMBER)
    assert order.state == "returned" and result["returned"] == order.return_reason
    assert sent() == [("HUB", "workorder.return", order.return_reason)]


def test_the_desk_receives_processes_replies_and_each_step_goes_to_the_hub(plat, second_line):
    """WO-4 on the platform desk: receive → process → reply with the result, each recorded, audited and
    sent to the hub in the same transaction; the hub's feedback and archive close the copy."""
    complaints.order_apply(from_hub("dispatch"))
    complaints.order_act(actor=second_line, number=NUMBER, action="receive")
    complaints.order_act(actor=second_line, number=NUMBER, action="process", comment="已核查认证日志")
    order = complaints.order_act(actor=second_line, number=NUMBER, action="reply", comment="已重置WLAN密码")
    assert (order.state, order.handler, order.result) == ("replied", "plat01", "已重置WLAN密码")
    assert order.replied_at is not None
    assert sent() == [
        ("HUB", "workorder.receive", ""),
        ("HUB", "workorder.process", "已核查认证日志"),
        ("HUB", "workorder.reply", "已重置WLAN密码"),
    ]
    audited = AuditEvent.objects.filter(actor_job_number="plat01").order_by("id")
    assert list(audited.values_list("action", flat=True)) == [
        "platform.receive",
        "platform.process",
        "platform.reply",
    ]
    complaints.order_apply(from_hub("feedback", data={"satisfaction": "satisfied"}))
    complaints.order_apply(from_hub("archive"))
    order.refresh_from_db()
    assert (order.state, order.satisfaction, order.closed_at is not None) == ("archived", "satisfied", True)
    assert len(sent()) == 3  # the hub's own actions are not echoed back


def test_reprocess_starts_another_round_and_return_carries_its_reason(plat, second_line):
    """WO-4 reprocess and return: the province's reprocess opens round 2 on the platform; a return
    with its reason goes back to the hub."""
    complaints.order_apply(from_hub("dispatch"))
    complaints.order_act(actor=second_line, number=NUMBER, action="receive")
    complaints.order_act(actor=second_line, number=NUMBER, action="reply", comment="已处理")
    complaints.order_apply(from_hub("reprocess", comment="用户仍无法登录"))
    order = PlatformOrder.objects.get(number=NUMBER)
    assert (order.state, order.rounds) == ("dispatched", 2)
    order = complaints.order_act(actor=second_line, number=NUMBER, action="return", comment="非本平台账号")
    assert (order.state, order.return_reason) == ("returned", "非本平台账号")
    assert sent()[-1] == ("HUB", "workorder.return", "非本平台账号")


@pytest.mark.parametrize(
    "role, action, comment, code",
    [
        ("hotline_agent", "receive", "", PlatformErrorCode.PERMISSION_DENIED),
        ("platform_staff", "feedback", "", PlatformErrorCode.INVALID_TRANSITION),  # not a desk action
        ("platform_staff", "process", "看看", PlatformErrorCode.INVALID_TRANSITION),  # not received yet
        ("platform_staff", "return", " ", PlatformErrorCode.REASON_REQUIRED),
        ("platform_staff", "comment", "", PlatformErrorCode.RESULT_REQUIRED),
    ],
    ids=[
        "not-second-line",
        "not-a-desk-action",
        "not-in-this-state",
        "return-without-reason",
        "empty-comment",
    ],
)
def test_the_desk_refuses_and_changes_nothing(plat, make_staff, role, action, comment, code):
    """WO-4: what the role, the engine's table or the input does not allow is refused with its code;
    the order, its events and the outbox are unchanged."""
    complaints.order_apply(from_hub("dispatch"))
    actor = make_staff(role, None)
    with pytest.raises(PlatformError) as refused:
        complaints.order_act(actor=actor, number=NUMBER, action=action, comment=comment)
    assert refused.value.code == code
    order = PlatformOrder.objects.get(number=NUMBER)
    assert (order.state, order.event_seq, sent()) == ("dispatched", 1, [])


def test_a_reply_needs_its_result(plat, second_line):
    """WO-4 reply: the result is what goes back to the customer — a reply without it is refused."""
    complaints.order_apply(from_hub("dispatch"))
    complaints.order_act(actor=second_line, number=NUMBER, action="receive")
    with pytest.raises(PlatformError) as refused:
        complaints.order_act(actor=second_line, number=NUMBER, action="reply", comment="")
    assert refused.value.code == PlatformErrorCode.RESULT_REQUIRED
    assert PlatformOrder.objects.get(number=NUMBER).state == "processing"


@override_settings(ROOT_URLCONF="kefu.urls.platform")
def test_the_desk_pages_list_show_and_act(plat, second_line, make_staff):
    """ORG-3: the platform desk — list (filter by business), detail with the actions the state allows,
    a posted action moves the order; a refusal is a readable message; other roles get 403."""
    complaints.order_apply(from_hub("dispatch"))
    complaints.order_apply(from_hub("dispatch", number="JS20261206000999", business="mobile_game"))
    client = Client()
    client.force_login(second_line)
    page = client.get("/orders/").content.decode()
    assert NUMBER in page and "JS20261206000999" in page
    page = client.get("/orders/?business=wlan").content.decode()
    assert NUMBER in page and "JS20261206000999" not in page
    page = client.get(f"/orders/{NUMBER}/").content.decode()
    assert 'data-testid="act-receive"' in page and 'data-testid="act-reply"' not in page
    response = client.post(f"/orders/{NUMBER}/", {"action": "receive"})
    assert response.status_code == 302 and PlatformOrder.objects.get(number=NUMBER).state == "processing"
    page = client.post(f"/orders/{NUMBER}/", {"action": "reply", "comment": ""}, follow=True).content.decode()
    assert "请填写处理结果或意见" in page and PlatformOrder.objects.get(number=NUMBER).state == "processing"
    assert 'data-testid="act-reply"' in page
    assert client.get("/orders/JS00000000000000/").status_code == 404
    home = client.get("/").content.decode()  # the second line's home counts its orders, each a link
    assert 'data-testid="state-counts"' in home and 'href="/orders/?state=processing"' in home
    agent = Client()
    agent.force_login(make_staff("hotline_agent", None))
    assert agent.get("/orders/").status_code == 403


@override_settings(ROOT_URLCONF="kefu.urls.platform")
def test_the_desk_speaks_english_too(plat, second_line, settings):
    """ORG-3 desk in zh-Hans with English: the same page in English."""
    complaints.order_apply(from_hub("dispatch"))
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(second_line)
    page = client.get(f"/orders/{NUMBER}/").content.decode()
    assert "Platform complaint orders" in page and "平台投诉工单" not in page


@override_settings(ROOT_URLCONF="kefu.urls.platform")
def test_the_desk_api_lists_shows_and_acts_with_problem_codes(plat, second_line, api_client_for):
    """ORG-3: ``/api/v1/platform-orders…`` — list, detail with events, an action, a refusal as
    problem+json with its code."""
    complaints.order_apply(from_hub("dispatch"))
    api = api_client_for(second_line)
    listed = api.get("/api/v1/platform-orders").json()["results"]
    assert [(o["number"], o["business"], o["state"]) for o in listed] == [(NUMBER, "wlan", "dispatched")]
    assert (
        api.post(f"/api/v1/platform-orders/{NUMBER}/receive", {}, format="json").json()["state"]
        == "processing"
    )
    detail = api.get(f"/api/v1/platform-orders/{NUMBER}").json()
    assert [e["action"] for e in detail["events"]] == ["dispatch", "receive"]
    refused = api.post(f"/api/v1/platform-orders/{NUMBER}/return", {"comment": ""}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "reason_required")
    assert refused["Content-Type"].startswith("application/problem+json")
    assert PlatformOrder.objects.get(number=NUMBER).state == "processing"


def test_the_province_page_sends_a_complaint_for_the_platform(js):
    """ORG-3 on the province's cross-level page: the form offers the own-platform target and sends a 彩云
    complaint to the hub with it."""
    order = complaint(js, "caiyun-0018", "彩云未订购却扣费")
    client = Client()
    client.force_login(js["back"])
    page = client.get(f"/crosslevel/{order.number}/").content.decode()
    assert '<option value="PLATFORM"' in page
    response = client.post(f"/crosslevel/{order.number}/", {"target": "PLATFORM", "comment": "请平台核查"})
    assert response.status_code == 302
    assert CrossLink.objects.get(order=order).target == "PLATFORM"
    order.refresh_from_db()
    assert order.state == "dispatched"


@override_settings(ROOT_URLCONF="kefu.urls.platform")
def test_the_desk_list_reads_a_fixed_number_of_queries(plat, second_line, django_assert_max_num_queries):
    """ORG-3 desk: the order list costs the same few queries for 1 order or 30 (session, user, orders,
    counts per state)."""
    client = Client()
    client.force_login(second_line)
    complaints.order_apply(from_hub("dispatch"))
    with django_assert_max_num_queries(6) as one:
        assert client.get("/orders/").status_code == 200
    for i in range(29):
        complaints.order_apply(from_hub("dispatch", number=f"JS2026120600{i:04d}"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/orders/").content.decode()
    assert page.count('href="/orders/JS') == 30
