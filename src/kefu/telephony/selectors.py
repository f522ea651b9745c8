"""Reads about calls that other apps decide on."""

from __future__ import annotations

from kefu.telephony.choices import CallState
from kefu.telephony.models import Call


def answered_call_from(agent, number: str) -> Call | None:
    """The agent's own call in progress (answered, not ended) whose calling number is ``number``: the
    evidence that the customer on the line speaks from that very line (Q-1: one's own line needs no
    password; SVC-1: "identified by calling number")."""
    if agent is None or not getattr(agent, "is_authenticated", False) or not number:
        return None
    rows = Call.objects.filter(agent=agent, state=CallState.ANSWERED, calling_number=number)
    return rows.only("call_id", "calling_number", "contact_id").first()
