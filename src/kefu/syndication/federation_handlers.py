"""ORG-2 message types: national knowledge from the hub to every province (docs/protocol.md §6.3)."""

from __future__ import annotations

from kefu.federation.envelope import Message
from kefu.federation.registry import handles
from kefu.syndication import messages, services


@handles(messages.ARTICLE_PUBLISHED, roles={"province"}, senders={"hub"})
def on_article_published(message: Message) -> dict:
    return services.article_apply(message.payload, sender=message.sender)


@handles(messages.ARTICLE_RETIRED, roles={"province"}, senders={"hub"})
def on_article_retired(message: Message) -> dict:
    return services.article_retire_apply(message.payload, sender=message.sender)


@handles(messages.WORDING_PUBLISHED, roles={"province"}, senders={"hub"})
def on_wording_published(message: Message) -> dict:
    return services.wording_apply(message.payload, sender=message.sender)


@handles(messages.WORDING_RETIRED, roles={"province"}, senders={"hub"})
def on_wording_retired(message: Message) -> dict:
    return services.wording_retire_apply(message.payload, sender=message.sender)
