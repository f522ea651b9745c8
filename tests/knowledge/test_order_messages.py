"""KB-4: order-state messages to customers take their text from the published wording
``order.<state>`` of the order-message channel for the customer's level, else the built-in text; the
step's event keeps which wording version was used."""

from __future__ import annotations

import pytest

from kefu.notify.models import OutgoingMessage
from kefu.workorders import services as orders
from kefu.workorders.actions import ACTIONS

pytestmark = pytest.mark.django_db


def _replied_order(agent, back, kb_line):
    order = orders.order_accept(
        actor=agent, data=orders.OrderInput(kind="consultation", subscriber=kb_line, title="彩铃咨询")
    ).order
    for action, data in (("process", {"comment": "查询中"}), ("reply", {"comment": "彩铃次月生效"})):
        ACTIONS[action].perform(actor=back, order=order, data=data, files=[])
    return order


def _feedback_by_sms(order, agent):
    ACTIONS["feedback"].perform(
        actor=agent, order=order, data={"satisfaction": "satisfied", "method": "sms"}, files=[]
    )
    return order.events.order_by("-seq").first()


def test_feedback_sms_takes_the_wording_for_the_customers_level(js_agent, make_staff, kb_line, make_wording):
    """KB-4: the gold customer's wording for order.feedback, placeholders filled; the event names it."""
    back = make_staff("back_office", "JS")
    make_wording("W-FB", problem="order.feedback", channel="order_message", text="通用：{number}")
    make_wording(
        "W-FB-GOLD",
        problem="order.feedback",
        channel="order_message",
        level="gold",
        text="尊贵的金卡客户，您的{kind}（{title}）已办结：{result}",
        version=4,
    )
    order = _replied_order(js_agent, back, kb_line)
    event = _feedback_by_sms(order, js_agent)
    message = OutgoingMessage.objects.get(channel="sms")
    assert message.text == "尊贵的金卡客户，您的咨询（彩铃咨询）已办结：彩铃次月生效"
    assert event.data["result"]["wording"] == {"code": "W-FB-GOLD", "version": 4}


def test_without_wording_the_built_in_text_is_sent(js_agent, make_staff, kb_line, make_wording):
    """KB-4: no wording for this state and channel (an agent-channel one does not count): the built-in
    text, and no wording on the event."""
    back = make_staff("back_office", "JS")
    make_wording("W-AGENT", problem="order.feedback", channel="agent", text="座席口径")
    order = _replied_order(js_agent, back, kb_line)
    event = _feedback_by_sms(order, js_agent)
    message = OutgoingMessage.objects.get(channel="sms")
    assert message.text.startswith("尊敬的客户，您好！") and order.number in message.text
    assert "wording" not in event.data["result"]
