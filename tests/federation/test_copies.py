"""Order copies and who applies ``workorder.*`` where (WO-3, WO-4, ORG-2): the states a hub or SIMS
copy moves through come from the work-order engine's table, each role registers its own applier, and
the province binding (``kefu.crosslevel``) knows nothing of the hub's or SIMS's code."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest

import kefu.crosslevel
from kefu.core.models import OutboxMessage
from kefu.crosslevel import copies, messages
from kefu.crosslevel import services as province_services
from kefu.federation import registry
from kefu.federation.envelope import Message
from kefu.hub import services as hub_services
from kefu.hub.errors import HubError, HubErrorCode
from kefu.hub.models import HubOrder
from kefu.platform import complaints as platform_complaints
from kefu.platform.models import PlatformOrder
from kefu.sims import services as sims_services
from kefu.sims.models import SpOrder
from kefu.workorders import transitions
from kefu.workorders.choices import WorkOrderState


@pytest.mark.parametrize("action", messages.ACTIONS)
def test_a_copy_moves_where_the_engine_moves_the_order(action):
    """WO-4: wherever the engine's table lets ``action`` change an order's state, a copy goes to the
    same state; an action the table never lets change a state (urge, comment) leaves a copy's too."""
    moves = {
        rule.target
        for (state, act), rule in transitions.TRANSITIONS.items()
        if act == action and rule.target != state
    }
    assert copies.STATE_AFTER[action] == (moves.pop() if moves else None)
    assert not moves


def test_a_desk_acts_on_a_copy_only_where_the_engine_allows_the_action():
    """WO-4: every state a desk may act in is a (state, action) pair of the engine's table, never the
    engine's "accepted" (a copy starts at the dispatch); the handler's steps exclude the centre's own
    "process" of a returned order, and nobody urges an order in feedback."""
    for action, states in copies.ALLOWED_FROM.items():
        assert states, action
        for state in states:
            assert transitions.rule_for(state, action) is not None, (state, action)
            assert state != WorkOrderState.ACCEPTED
    assert copies.ALLOWED_FROM[messages.PROCESS] == (WorkOrderState.PROCESSING,)
    assert WorkOrderState.FEEDBACK not in copies.ALLOWED_FROM[messages.URGE]
    assert WorkOrderState.FEEDBACK in copies.ALLOWED_FROM[messages.COMMENT]
    assert copies.actions_allowed(WorkOrderState.ARCHIVED, sims_services.DESK_ACTIONS) == []


@pytest.mark.parametrize(
    "role, applier",
    [
        ("province", province_services.apply),
        ("hub", hub_services.apply),
        ("sims", sims_services.apply),
        ("platform", platform_complaints.order_apply),
    ],
    ids=["province", "hub", "sims", "platform"],
)
def test_each_role_applies_workorder_events_with_its_own_applier(role, applier):
    """WO-3, ORG-3: a ``workorder.*`` event is applied by the receiving role's own handler — a business
    platform's second line included."""
    for action in messages.ACTIONS:
        assert registry.handler_for(messages.type_of(action), role=role).fn is applier


def test_the_query_is_answered_on_the_hub_only():
    """WO-4 query: only the hub answers ``workorder.query``."""
    assert registry.handler_for(messages.QUERY, role="hub") is not None
    assert registry.handler_for(messages.QUERY, role="province") is None


def test_two_handlers_of_one_type_may_not_share_a_role():
    """ORG-2: a second handler for a type on a role that already has one is refused at start-up and
    leaves the first in place."""
    with pytest.raises(ValueError, match="already has a handler"):
        registry.handles(messages.type_of(messages.REPLY), roles={"sims", "platform"})(lambda message: None)
    with pytest.raises(ValueError, match="already has a handler"):
        registry.handles(messages.type_of(messages.REPLY))(lambda message: None)  # every role
    assert registry.handler_for(messages.type_of(messages.REPLY), role="sims").fn is sims_services.apply
    reply_on_platform = registry.handler_for(messages.type_of(messages.REPLY), role="platform")
    assert reply_on_platform.fn is platform_complaints.order_apply


def test_crosslevel_imports_neither_the_hub_nor_sims():
    """ORG-2 (layers): the hub, SIMS and the platform sit above ``kefu.crosslevel`` and may import it,
    never the other way round."""
    root = Path(kefu.crosslevel.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found += [
                (path.name, n)
                for n in names
                if n.split(".")[:2] in (["kefu", "hub"], ["kefu", "sims"], ["kefu", "platform"])
            ]
    assert found == []


def test_hub_sims_and_platform_copies_share_one_base_and_keep_their_tables():
    """WO-3, ORG-3: every copy is an :class:`OrderCopy` row with events of :class:`OrderCopyEvent`, in
    its app's table."""
    assert all(issubclass(m, copies.OrderCopy) for m in (HubOrder, SpOrder, PlatformOrder))
    assert (HubOrder._meta.db_table, SpOrder._meta.db_table) == ("hub_huborder", "sims_sporder")
    assert PlatformOrder._meta.db_table == "platform_platformorder"
    for model, table in (
        (HubOrder, "hub_huborderevent"),
        (SpOrder, "sims_sporderevent"),
        (PlatformOrder, "platform_platformorderevent"),
    ):
        events = model._meta.get_field("events").related_model
        assert issubclass(events, copies.OrderCopyEvent) and events._meta.db_table == table


# --- the hub's copy, in one process --------------------------------------------------------------

NUMBER = "JS20261122000555"


@pytest.fixture
def hub(tmp_path, settings):
    """This process is node HUB; its peers are JS (province) and SIMS."""
    path = tmp_path / "peers.toml"
    path.write_text(
        '[peers.JS]\nrole = "province"\nurl = "http://127.0.0.1:9"\nkey = "hub-and-js-key-0123456789ab"\n'
        '[peers.SIMS]\nrole = "sims"\nurl = "http://127.0.0.1:9"\nkey = "hub-and-sims-key-0123456789"\n'
    )
    settings.KEFU_NODE_CODE, settings.KEFU_ROLE = "HUB", "hub"
    settings.KEFU_PEERS_FILE = str(path)
    settings.KEFU_FEDERATION_DELIVER_ON_COMMIT = False


def message_to_hub(action, *, sender="JS", sender_role="province", data=None, order=None, comment=""):
    body = messages.payload(number=NUMBER, action=action, node=sender, actor="js1004", comment=comment,
                            data=data, order=order)  # fmt: skip
    return Message(id=str(uuid.uuid4()), type=messages.type_of(action), sender=sender, receiver="HUB",
                   payload=body, order=NUMBER, seq=1, sender_role=sender_role)  # fmt: skip


def forwarded():
    rows = OutboxMessage.objects.filter(topic="federation.message").order_by("id")
    return [(row.destination, row.payload["type"]) for row in rows]


@pytest.mark.django_db
def test_the_hub_keeps_its_copy_and_passes_each_action_on(hub):
    """WO-3: the origin's dispatch creates the hub's copy and goes to SIMS; SIMS's reply comes back to
    the origin; each action is one event with the state it left, its message id and where it went."""
    snapshot = {"kind": "complaint", "title": "梦网短信乱扣费", "province": "JS"}
    dispatch = message_to_hub(
        messages.DISPATCH, data={"target": "sims", "sp_code": "sp901234"}, order=snapshot
    )
    assert hub_services.apply(dispatch) == {"applied": True, "state": "dispatched", "sent_to": "SIMS"}
    reply = message_to_hub(messages.REPLY, sender="SIMS", sender_role="sims", comment="已退订")
    assert hub_services.apply(reply)["sent_to"] == "JS"
    order = HubOrder.objects.get(number=NUMBER)
    assert (order.origin, order.target, order.target_role, order.sp_code) == (
        "JS",
        "SIMS",
        "sims",
        "SP901234",
    )
    assert (order.state, order.result, order.province_code, order.event_seq) == ("replied", "已退订", "JS", 2)
    events = list(order.events.values_list("action", "state_after", "sent_to", "message_id"))
    assert events == [("dispatch", "dispatched", "SIMS", uuid.UUID(dispatch.id)),
                      ("reply", "replied", "JS", uuid.UUID(reply.id))]  # fmt: skip
    assert forwarded() == [("SIMS", "workorder.dispatch"), ("JS", "workorder.reply")]


@pytest.mark.django_db
def test_the_hub_returns_what_it_cannot_route_at_once(hub):
    """WO-4 return: a dispatch for a party the hub is not connected to is returned to the origin with
    the reason, in the same transaction; nothing goes on."""
    result = hub_services.apply(message_to_hub(messages.DISPATCH, data={"target": "XZ"}))
    order = HubOrder.objects.get(number=NUMBER)
    assert result["returned"] and (order.state, order.return_reason) == ("returned", result["returned"])
    assert list(order.events.values_list("action", "actor", "sent_to")) == [
        ("dispatch", "js1004", ""), ("return", "system", "JS")
    ]  # fmt: skip
    assert forwarded() == [("JS", "workorder.return")]


@pytest.mark.django_db
def test_the_hub_operator_may_not_urge_an_order_in_feedback(hub, make_staff):
    """WO-4 urge: the engine has no urge in feedback, so neither has the hub's desk; the refusal
    changes nothing and sends nothing. A comment is still allowed."""
    operator = make_staff("hub_operator", None)
    hub_services.apply(message_to_hub(messages.DISPATCH, data={"target": "SIMS", "sp_code": "SP901234"}))
    HubOrder.objects.filter(number=NUMBER).update(state=WorkOrderState.FEEDBACK)
    before = forwarded()
    with pytest.raises(HubError) as refused:
        hub_services.operator_act(actor=operator, number=NUMBER, action="urge", to="target", comment="快")
    assert refused.value.code == HubErrorCode.INVALID_TRANSITION
    order = HubOrder.objects.get(number=NUMBER)
    assert (order.urge_count, order.event_seq, forwarded()) == (0, 1, before)
    hub_services.operator_act(actor=operator, number=NUMBER, action="comment", to="origin", comment="已核实")
    assert forwarded()[-1] == ("JS", "workorder.comment")
