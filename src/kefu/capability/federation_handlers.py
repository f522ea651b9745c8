"""The hub's message type ``capability.query`` (request, from provinces): relayed to the platform."""

from __future__ import annotations

from kefu.capability import services
from kefu.federation.envelope import Message
from kefu.federation.registry import handles


@handles("capability.query", roles={"hub"}, senders={"province"})
def on_query(message: Message) -> dict:
    return services.capability_relay(
        payload=message.payload, sender=message.sender, deadline=message.deadline
    )
