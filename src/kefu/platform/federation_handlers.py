"""The platform's message types: ``capability.forward`` (request, from the hub only) and every
``workorder.*`` event of the complaints the hub sends its second line
(:func:`kefu.platform.complaints.order_apply`)."""

from __future__ import annotations

from kefu.crosslevel import messages
from kefu.federation.envelope import Message
from kefu.federation.registry import handles
from kefu.platform import complaints, services

messages.handle_actions(complaints.order_apply, roles={"platform"})


@handles("capability.forward", roles={"platform"}, senders={"hub"})
def on_forward(message: Message) -> dict:
    p = message.payload
    return services.capability_answer(
        business=str(p.get("business", "")),
        query=str(p.get("query", "")),
        conditions=p.get("conditions") or {},
        province=str(p.get("province", "")),
    )
