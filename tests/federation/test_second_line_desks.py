"""The second lines' desks in one process (WO-4, SP-1, ORG-3): SIMS's SP desk and the platform's
complaint desk are one desk (:mod:`kefu.crosslevel.desk`) with each app's own codes, audit names and
pages. Each test runs on both, so what the shared code does is proved for both, and what each app
gives it (its codes, its audit name, its page) is proved to reach the user."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django.urls import clear_url_caches

from kefu.core.errors import DomainError
from kefu.core.models import AuditEvent, OutboxMessage
from kefu.crosslevel import messages
from kefu.federation.envelope import Message
from kefu.platform import complaints
from kefu.platform.models import PlatformOrder
from kefu.sims import services as sims
from kefu.sims.models import SpOrder

pytestmark = pytest.mark.django_db

NUMBER = "JS20261206000321"


@dataclass(frozen=True)
class Side:
    """One second line as the tests drive it."""

    node: str
    role: str
    staff_role: str
    model: type
    apply: object
    act: object
    pages: str  # where the desk's pages are mounted
    api: str  # the API's collection path
    text_required: str  # the code of a progress, comment or reply without its text
    audit_as: str
    form: str  # data-testid of the action form


SIMS = Side(
    node="SIMS", role="sims", staff_role="sp_staff", model=SpOrder, apply=sims.apply, act=sims.order_act,
    pages="/sp/orders/", api="/api/v1/sp-orders", text_required="comment_required", audit_as="sims",
    form="sp-act",
)  # fmt: skip
PLATFORM = Side(
    node="PLAT", role="platform", staff_role="platform_staff", model=PlatformOrder, apply=complaints.order_apply,
    act=complaints.order_act, pages="/orders/", api="/api/v1/platform-orders", text_required="result_required",
    audit_as="platform", form="platform-act",
)  # fmt: skip


@pytest.fixture(params=[SIMS, PLATFORM], ids=["sims", "platform"])
def side(request, settings, tmp_path):
    """This process is the second line's node, its one peer the hub (nothing listens there), with one
    complaint the hub dispatched."""
    side: Side = request.param
    peers = tmp_path / "peers.toml"
    peers.write_text(
        f'[peers.HUB]\nrole = "hub"\nurl = "http://127.0.0.1:9"\nkey = "{side.node}-HUB-key-0123456789ab"\n'
    )
    settings.KEFU_NODE_CODE, settings.KEFU_ROLE = side.node, side.role
    settings.KEFU_PEERS_FILE = str(peers)
    settings.KEFU_FEDERATION_DELIVER_ON_COMMIT = False
    settings.ROOT_URLCONF = f"kefu.urls.{side.role}"
    clear_url_caches()
    if side is SIMS:
        sims.sp_create(actor=None, code="SP901234", name="梦想互动", contract_start=date(2025, 1, 1))
    order = {"number": NUMBER, "kind": "complaint", "title": "扣费投诉", "origin": "JS", "business": "wlan"}
    body = messages.payload(
        number=NUMBER, action=messages.DISPATCH, node="JS", actor="js1004", comment="",
        data={"sp_code": "SP901234", "round": 1}, order=order,
    )  # fmt: skip
    side.apply(Message(id=str(uuid.uuid4()), type=messages.type_of(messages.DISPATCH), sender="HUB",
                       receiver=side.node, payload=body, order=NUMBER, seq=1, sender_role="hub"))  # fmt: skip
    yield side
    clear_url_caches()


@pytest.fixture
def staff(side, make_staff):
    return make_staff(side.staff_role, None, sp_code="SP901234" if side is SIMS else "", job_number="desk01")


def sent() -> list[tuple[str, str]]:
    rows = OutboxMessage.objects.filter(topic="federation.message").order_by("id")
    return [(row.destination, row.payload["type"]) for row in rows]


def snapshot(side: Side) -> tuple:
    """What a refusal must leave as it was: the copy, its events, the outbox and the audit trail."""
    order = side.model.objects.get(number=NUMBER)
    audited = AuditEvent.objects.filter(action__startswith=f"{side.audit_as}.").count()
    return order.state, order.event_seq, order.handler, order.events.count(), sent(), audited


@pytest.mark.parametrize(
    "who, action, comment, code, status",
    [
        ("agent", "receive", "", "permission_denied", 403),
        ("desk", "feedback", "", "invalid_transition", 409),  # the province's action, not the desk's
        ("desk", "reply", "已处理", "invalid_transition", 409),  # not received yet
        ("desk", "return", "  ", "reason_required", 422),
        ("desk", "comment", "", "text_required", 422),
    ],
    ids=[
        "not-on-the-desk",
        "not-a-desk-action",
        "not-in-this-state",
        "return-without-reason",
        "empty-comment",
    ],
)
def test_each_desk_refuses_with_its_own_codes_and_changes_nothing(side, staff, make_staff, who, action,
                                                                   comment, code, status):  # fmt: skip
    """WO-4, SP-1, ORG-3: the one desk refuses what the role, the engine's table or the input does not
    allow, with the code and status of the app's own error enum (SIMS ``comment_required``, the
    platform ``result_required``); the copy, its events, the outbox and the audit trail are unchanged."""
    actor = staff if who == "desk" else make_staff("hotline_agent", None)
    before = snapshot(side)
    with pytest.raises(DomainError) as refused:
        side.act(actor=actor, number=NUMBER, action=action, comment=comment)
    expected = side.text_required if code == "text_required" else code
    assert (refused.value.code, refused.value.status) == (expected, status)
    assert type(refused.value).__module__ == f"kefu.{side.role}.errors"
    assert snapshot(side) == before


def test_each_desk_records_sends_and_audits_under_its_own_name(side, staff):
    """WO-4, SP-1, ORG-3: receive makes the actor the handler, a reply records its result and time;
    each step is one event on the copy, one message to the hub and one audit row named after the app
    (``sims.receive``, ``platform.receive``)."""
    side.act(actor=staff, number=NUMBER, action="receive")
    order = side.act(actor=staff, number=NUMBER, action="reply", comment="已退还误扣费用")
    assert (order.state, order.handler, order.result, order.event_seq) == (
        "replied",
        "desk01",
        "已退还误扣费用",
        3,
    )
    assert order.replied_at is not None
    assert sent() == [("HUB", "workorder.receive"), ("HUB", "workorder.reply")]
    audited = AuditEvent.objects.filter(actor_job_number="desk01").order_by("id")
    assert list(audited.values_list("action", flat=True)) == [
        f"{side.audit_as}.receive",
        f"{side.audit_as}.reply",
    ]


def test_the_desk_api_is_for_the_desk_and_inside_its_scope(side, staff, make_staff, api_client_for):
    """WO-4, ORG-3: every endpoint of the desk's API answers 403 to a role that does not work the desk,
    an unknown order is 404 problem+json, and an action the state does not allow is the app's code."""
    agent = api_client_for(make_staff("hotline_agent", None))
    paths = [side.api, f"{side.api}/{NUMBER}", f"{side.api}/{NUMBER}/query"]
    assert [agent.get(path).status_code for path in paths] == [403, 403, 403]
    assert agent.post(f"{side.api}/{NUMBER}/receive", {}, format="json").status_code == 403
    desk = api_client_for(staff)
    missing = desk.get(f"{side.api}/JS00000000000000")
    assert (missing.status_code, missing["Content-Type"]) == (404, "application/problem+json")
    refused = desk.post(f"{side.api}/{NUMBER}/reply", {"comment": "已处理"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_transition")
    assert [row["number"] for row in desk.get(side.api).json()["results"]] == [NUMBER]
    assert side.model.objects.get(number=NUMBER).state == "dispatched"


def test_a_hub_that_does_not_answer_is_said_on_the_page_and_in_the_api(side, staff, api_client_for):
    """WO-4 query (查询): when the hub cannot be reached, the order page says so in its own words and
    keeps working (the desk's form is still there), and the API answers 503 ``peer_unavailable``."""
    client = Client()
    client.force_login(staff)
    page = client.get(f"{side.pages}{NUMBER}/?query=1").content.decode()
    assert 'data-testid="hub-error"' in page and "HUB" in page
    assert f'data-testid="{side.form}"' in page and 'data-testid="hub-state"' not in page
    answer = api_client_for(staff).get(f"{side.api}/{NUMBER}/query")
    assert (answer.status_code, answer.json()["code"]) == (503, "peer_unavailable")
