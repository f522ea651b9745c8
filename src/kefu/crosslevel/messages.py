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

from datetime import datetime

from django.utils import timezone

PREFIX = "workorder."
QUERY = "workorder.query"

DISPATCH = "dispatch"
RECEIVE = "receive"
PROCESS = "process"
REPLY = "reply"
RETURN = "return"
FEEDBACK = "feedback"
ARCHIVE = "archive"
REPROCESS = "reprocess"
CANCEL = "cancel"
URGE = "urge"
COMMENT = "comment"

DOWN = (DISPATCH, FEEDBACK, ARCHIVE, REPROCESS, CANCEL)
UP = (RECEIVE, PROCESS, REPLY, RETURN)
BOTH = (URGE, COMMENT)
ACTIONS = DOWN + UP + BOTH

# The state a copy (hub, SIMS) is in after each action; None: the state does not change.
STATE_AFTER = {
    DISPATCH: "dispatched",
    RECEIVE: "processing",
    PROCESS: None,
    REPLY: "replied",
    RETURN: "returned",
    FEEDBACK: "feedback",
    ARCHIVE: "archived",
    REPROCESS: "dispatched",
    CANCEL: "cancelled",
    URGE: None,
    COMMENT: None,
}
OPEN = ("dispatched", "processing", "returned", "replied", "feedback")
TERMINAL = ("archived", "cancelled")

# From which states of a copy each action may be taken (the SP desk and the hub operator's desk).
ALLOWED_FROM = {
    DISPATCH: ("", "returned"),
    RECEIVE: ("dispatched",),
    PROCESS: ("processing",),
    REPLY: ("processing",),
    RETURN: ("dispatched", "processing"),
    FEEDBACK: ("replied",),
    ARCHIVE: ("replied", "feedback"),
    REPROCESS: ("replied", "feedback"),
    CANCEL: ("returned",),
    URGE: OPEN,
    COMMENT: OPEN,
}

# Targets: SIMS (Monternet SP complaints) or a province code (cross-region complaints).
SIMS = "SIMS"


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
