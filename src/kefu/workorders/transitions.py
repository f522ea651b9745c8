"""The work-order state machine, as data (WO-4).

``TRANSITIONS[(state, action)]`` is the :class:`Rule` that applies: the state the order moves to,
the roles that may act and whose turn it is:

* ``HOLDER`` — only staff inside the order's current holder (see ``WorkOrder.is_held_by``);
* ``HOLDER_OR_CREATOR`` — the holder, or the member of staff who accepted the order;
* ``ANYONE`` — any member of staff with the role, inside the order's data scope.

A supervisor of the order's province may act for any holder. A pair that is not in the table is
forbidden: the services raise ``invalid_transition`` and change nothing. Flows (SYS-3, ``flows.py``)
may narrow the step actions an order of a given flow goes through, never widen them.

Read the table as: "in <state>, <roles> (<who>) may <action>, and the order becomes <target>".
"""

from __future__ import annotations

from dataclasses import dataclass

from kefu.core.choices import Role
from kefu.workorders.choices import Action as A
from kefu.workorders.choices import WorkOrderState as S

HOLDER = "holder"
HOLDER_OR_CREATOR = "holder_or_creator"
ANYONE = "anyone"

FRONT = (Role.HOTLINE_AGENT, Role.HALL_STAFF, Role.VIP_MANAGER)
BACK = (Role.BACK_OFFICE, Role.SUPERVISOR)
CITY = (Role.CITY_HANDLER,)
HANDLERS = BACK + CITY + (Role.VIP_MANAGER,)  # whoever an order may be dispatched to
EVERYONE = FRONT + BACK + CITY + (Role.QUALITY_INSPECTOR,)
# Linking an order to the office (OA) system (WO-10) is no transition: any state, these roles.
OA_LINK_ROLES = (Role.BACK_OFFICE, Role.SUPERVISOR, Role.ADMINISTRATOR)
# WO-9, no transitions either: the holder acknowledges an urge; a supervisor decides an adjustment
URGE_ACK_ROLES = HANDLERS
APPROVAL_ROLES = (Role.SUPERVISOR,)


@dataclass(frozen=True)
class Rule:
    target: str
    roles: tuple[str, ...]
    who: str = HOLDER


# The state before an order exists: only ``accept`` leaves it.
NEW = ""

_OPEN_WORKING = (S.TRIAGE, S.ACCEPTED, S.DISPATCHED, S.PROCESSING, S.RETURNED, S.REPLIED)

TRANSITIONS: dict[tuple[str, str], Rule] = {
    (NEW, A.ACCEPT): Rule(S.ACCEPTED, FRONT + BACK, ANYONE),
    # an order accepted without a request category (a TMF621 ticket with only the mandatory fields)
    # starts in triage instead (``accept.triage_start``); the back office categorises it, and from
    # then on it is an accepted order of that category, on that category's flow and time limits
    (S.TRIAGE, A.CATEGORISE): Rule(S.ACCEPTED, BACK, ANYONE),
    (S.TRIAGE, A.CANCEL): Rule(S.CANCELLED, BACK, ANYONE),
    # dispatch (派发) from the centre, again after a return, or forwarded (转派) by the handler
    (S.ACCEPTED, A.DISPATCH): Rule(S.DISPATCHED, BACK + FRONT),
    (S.RETURNED, A.DISPATCH): Rule(S.DISPATCHED, BACK),
    (S.PROCESSING, A.DISPATCH): Rule(S.DISPATCHED, HANDLERS),
    (S.DISPATCHED, A.RECEIVE): Rule(S.PROCESSING, HANDLERS),
    # process: the centre works on an order itself (WO-2, KB-2), or a handler records progress
    (S.ACCEPTED, A.PROCESS): Rule(S.PROCESSING, BACK),
    (S.RETURNED, A.PROCESS): Rule(S.PROCESSING, BACK),
    (S.PROCESSING, A.PROCESS): Rule(S.PROCESSING, HANDLERS),
    # reply sends the result back to the dispatcher
    (S.PROCESSING, A.REPLY): Rule(S.REPLIED, HANDLERS),
    # feedback: the centre calls the customer back, or the city answers the customer directly
    (S.REPLIED, A.FEEDBACK): Rule(S.FEEDBACK, BACK + FRONT, ANYONE),  # callback by centre or agent
    (S.PROCESSING, A.FEEDBACK): Rule(S.FEEDBACK, HANDLERS),
    (S.FEEDBACK, A.ARCHIVE): Rule(S.ARCHIVED, BACK),
    (S.REPLIED, A.ARCHIVE): Rule(S.ARCHIVED, BACK),  # flows without a customer feedback step
    # reprocess: the result is rejected and the order goes back for another round
    (S.REPLIED, A.REPROCESS): Rule(S.DISPATCHED, BACK),
    (S.FEEDBACK, A.REPROCESS): Rule(S.DISPATCHED, BACK),
    # return: the receiving side refuses the order, with a reason
    (S.DISPATCHED, A.RETURN): Rule(S.RETURNED, HANDLERS),
    (S.PROCESSING, A.RETURN): Rule(S.RETURNED, HANDLERS),
    (S.ACCEPTED, A.CANCEL): Rule(S.CANCELLED, BACK + FRONT, HOLDER_OR_CREATOR),
    (S.RETURNED, A.CANCEL): Rule(S.CANCELLED, BACK),
    # the clock pauses while waiting for the customer (WO-5)
    (S.PROCESSING, A.PAUSE): Rule(S.PROCESSING, HANDLERS),
    (S.PROCESSING, A.RESUME): Rule(S.PROCESSING, HANDLERS),
    (S.ACCEPTED, A.PAUSE): Rule(S.ACCEPTED, BACK),
    (S.ACCEPTED, A.RESUME): Rule(S.ACCEPTED, BACK),
}
# query: anyone in scope asks for an order's state, in every state
for _state in S.values():
    TRANSITIONS[(_state, A.QUERY)] = Rule(_state, EVERYONE, ANYONE)
# urge (催办): press the holder of an order that is still being worked on
for _state in _OPEN_WORKING:
    TRANSITIONS[(_state, A.URGE)] = Rule(_state, FRONT + BACK, ANYONE)
# interim comment (中途意见): either side adds information after dispatch or after reply
for _state in (S.TRIAGE, S.DISPATCHED, S.PROCESSING, S.RETURNED, S.REPLIED, S.FEEDBACK):
    TRANSITIONS[(_state, A.COMMENT)] = Rule(_state, FRONT + BACK + CITY, ANYONE)
# attachments may be added while the order is open
for _state in S.OPEN:
    TRANSITIONS[(_state, A.ATTACH)] = Rule(_state, FRONT + BACK + CITY, ANYONE)
del _state

STATES: tuple[str, ...] = tuple(S.values())
ACTIONS: tuple[str, ...] = tuple(a for a in A.values() if a != A.ACCEPT)
# the state an order accepted without a category starts in (the table's other start is ACCEPTED)
TRIAGE_START = S.TRIAGE


def rule_for(state: str, action: str) -> Rule | None:
    """The rule for ``action`` in ``state``, or None when the pair is forbidden."""
    return TRANSITIONS.get((state, action))


def actions_from(state: str) -> list[str]:
    """Every action the table allows in ``state``, in the order of :class:`Action`."""
    return [a for a in A.values() if (state, a) in TRANSITIONS]


def reachable(actions: set[str], *, start: str = S.ACCEPTED) -> set[str]:
    """States reachable from ``start`` using only ``actions`` (used to validate flows)."""
    seen = {start}
    frontier = [start]
    while frontier:
        state = frontier.pop()
        for (src, action), rule in TRANSITIONS.items():
            if src == state and action in actions and rule.target not in seen:
                seen.add(rule.target)
                frontier.append(rule.target)
    return seen


def table_rows() -> list[tuple[str, str, str, tuple[str, ...], str]]:
    """The table as rows (state, action, target, roles, who), for docs and the admin page."""
    return [(s, a, r.target, r.roles, r.who) for (s, a), r in TRANSITIONS.items()]
