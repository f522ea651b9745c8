"""``workorder.*`` message types (WO-3, WO-4). One handler per type for every role: it hands the message
to the role's own applier — the province binding (:mod:`kefu.crosslevel.services`), the hub's copy
(:mod:`kefu.hub.services`) or SIMS (:mod:`kefu.sims.services`). Event handlers run inside the receiving
transaction; whatever they forward with ``send`` commits with it."""

from __future__ import annotations

from django.conf import settings

from kefu.crosslevel import messages as m
from kefu.federation.envelope import Message
from kefu.federation.registry import handles

ROLES = {"province", "hub", "sims"}


def _apply(message: Message) -> dict | None:
    role = settings.KEFU_ROLE
    if role == "hub":
        from kefu.hub import services

        return services.apply(message)
    if role == "sims":
        from kefu.sims import services

        return services.apply(message)
    from kefu.crosslevel import services

    return services.apply(message)


for _action in m.ACTIONS:
    handles(m.type_of(_action), roles=ROLES, senders={"province", "hub", "sims"})(_apply)


@handles(m.QUERY, roles={"hub"}, senders={"province", "sims"})
def on_query(message: Message) -> dict:
    """Query (查询): a province or SIMS asks the hub for the order's state (synchronous)."""
    from kefu.hub import services

    return services.query(message)
