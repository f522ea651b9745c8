"""The platform's message type: ``capability.forward`` (request, from the hub only)."""

from __future__ import annotations

from kefu.federation.envelope import Message
from kefu.federation.registry import handles
from kefu.platform import services


@handles("capability.forward", roles={"platform"}, senders={"hub"})
def on_forward(message: Message) -> dict:
    p = message.payload
    return services.capability_answer(
        business=str(p.get("business", "")),
        query=str(p.get("query", "")),
        conditions=p.get("conditions") or {},
        province=str(p.get("province", "")),
    )
