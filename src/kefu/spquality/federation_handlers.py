"""SP-2 message types: ``sp.quality.upload`` (request, province → hub) and ``sp.quality.national``
(event, hub → SIMS)."""

from __future__ import annotations

from kefu.federation.envelope import Message
from kefu.federation.registry import handles
from kefu.spquality import services


@handles("sp.quality.upload", roles={"hub"}, senders={"province"})
def on_upload(message: Message) -> dict:
    return services.hub_file_receive(payload=message.payload, sender=message.sender)


@handles("sp.quality.national", roles={"sims"}, senders={"hub"})
def on_national(message: Message) -> dict:
    return services.national_store(payload=message.payload)
