"""The vocabulary of cross-level work-order messages (WO-3, WO-4), shared by provinces, hub and SIMS.

Every action on a cross-level order travels as one event ``workorder.<action>`` with the same payload
shape, and the order's federation reference (``order=``) is always the number the origin province
gave it, so each link numbers the order's messages in one sequence::

    {"number": "JS20261122000123",   # the origin's order number (the federation reference)
     "action": "reply",              # the WO-4 action
     "node": "SIMS",                 # where the action was taken
     "actor": "sp01",                # who took it there (job number), "system" for automatic steps
     "at": "2026-11-22T03:15:07+00:00",
     "comment": "已为用户退订并退费",
     "data": {...},                  # the action's own fields (target, sp_code, satisfaction, …)
     "order": {...}}                 # dispatch only: what the receiving side needs to know

Direction: ``DOWN`` actions go from the origin province through the hub to the second line (SIMS or
the target province), ``UP`` actions come back; ``urge`` and ``comment`` go either way (the hub sends
them on to the other side from the one that sent them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from kefu.federation.registry import HandlerFn, handles
from kefu.workorders.choices import Action

PREFIX = "workorder."
QUERY = PREFIX + Action.QUERY

# The WO-4 actions that cross, named as the engine names them; the states they lead to are the
# engine's too (:mod:`kefu.workorders.transitions`, for copies :mod:`kefu.crosslevel.copies`).
DISPATCH = Action.DISPATCH
RECEIVE = Action.RECEIVE
PROCESS = Action.PROCESS
REPLY = Action.REPLY
RETURN = Action.RETURN
FEEDBACK = Action.FEEDBACK
ARCHIVE = Action.ARCHIVE
REPROCESS = Action.REPROCESS
CANCEL = Action.CANCEL
URGE = Action.URGE
COMMENT = Action.COMMENT

DOWN = (DISPATCH, FEEDBACK, ARCHIVE, REPROCESS, CANCEL)
UP = (RECEIVE, PROCESS, REPLY, RETURN)
BOTH = (URGE, COMMENT)
ACTIONS = DOWN + UP + BOTH

# Targets: SIMS (Monternet SP complaints), PLATFORM (complaints about one of the operator's own
# businesses: the hub picks the business platform that handles it, ORG-3) or a province code
# (cross-region complaints).
SIMS = "SIMS"
PLATFORM = "PLATFORM"

# Who may send ``workorder.*`` events: each node's applier says what it accepts from whom.
SENDER_ROLES = ("province", "hub", "sims", "platform")


def handle_actions(applier: HandlerFn, *, roles: Iterable[str]) -> None:
    """Register ``applier`` as the handler of every ``workorder.<action>`` event on nodes of ``roles``;
    each role app registers its own (province: the engine binding, hub and SIMS: their copies)."""
    for action in ACTIONS:
        handles(type_of(action), roles=roles, senders=SENDER_ROLES)(applier)


def type_of(action: str) -> str:
    return PREFIX + action


def payload(
    *,
    number: str,
    action: str,
    node: str,
    actor: str,
    at: datetime | None = None,
    comment: str = "",
    data: dict | None = None,
    order: dict | None = None,
) -> dict:
    body = {
        "number": number,
        "action": action,
        "node": node,
        "actor": actor or "system",
        "at": (at or timezone.now()).isoformat(),
        "comment": comment or "",
        "data": data or {},
    }
    if order is not None:
        body["order"] = order
    return body
