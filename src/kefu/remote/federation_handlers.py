"""Remote service (SVC-1): ``service.query`` on the hub (from provinces) and ``service.home_query``
on the home province (from the hub). Both are synchronous requests."""

from __future__ import annotations

from kefu.federation.envelope import Message
from kefu.federation.registry import handles
from kefu.remote import services


@handles("service.query", roles={"hub"}, senders={"province"})
def on_query(message: Message) -> dict:
    return services.remote_relay(payload=message.payload, sender=message.sender, deadline=message.deadline)


@handles("service.home_query", roles={"province"}, senders={"hub"})
def on_home_query(message: Message) -> dict:
    return services.home_answer(payload=message.payload, serving=str(message.payload.get("serving", "")))
