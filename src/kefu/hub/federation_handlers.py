"""The hub's ``workorder.*`` handlers (WO-3, WO-4): every action updates the hub's copy and goes on to
the other side (:func:`kefu.hub.services.apply`); ``workorder.query`` answers from the copy."""

from __future__ import annotations

from kefu.crosslevel import messages
from kefu.federation.envelope import Message
from kefu.federation.registry import handles
from kefu.hub import services

messages.handle_actions(services.apply, roles={"hub"})


@handles(messages.QUERY, roles={"hub"}, senders={"province", "sims", "platform"})
def on_query(message: Message) -> dict:
    """Query (查询): a province, SIMS or a business platform asks the hub for the order's state (synchronous)."""
    return services.query(message)
