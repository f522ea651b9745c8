"""Built-in message types that prove the wiring between nodes.

- ``echo`` (request): answers at once with this node's code and role and the payload it got;
  ``kefu federation ping <PEER>`` uses it.
- ``ping`` (event, through the outbox): the receiver answers with a ``pong`` event through its own
  outbox, in the same transaction — both directions, both delivery workers, exactly once each.
  With an order reference the pongs are numbered in the order the pings were applied.
- ``pong`` (event): recorded in the inbox; nothing else.
"""

from __future__ import annotations

from django.conf import settings

from kefu.federation.envelope import Message
from kefu.federation.registry import handles


@handles("echo")
def on_echo(message: Message) -> dict:
    return {"node": settings.KEFU_NODE_CODE, "role": settings.KEFU_ROLE, "echo": message.payload}


@handles("ping")
def on_ping(message: Message) -> dict:
    from kefu.federation.services import send

    pong = send(
        to=message.sender,
        type="pong",
        payload={"ping_id": message.id, "ping_seq": message.seq, "note": message.payload.get("note", "")},
        order=message.order,
    )
    return {"pong_id": pong}


@handles("pong")
def on_pong(message: Message) -> None:
    return None
