"""Reads about calls that other apps decide on."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kefu.contacts.choices import ContactStatus
from kefu.contacts.models import ContactRecord
from kefu.core.errors import DomainError
from kefu.telephony.choices import CallState
from kefu.telephony.errors import TelephonyErrorCode
from kefu.telephony.models import Call


def answered_call_from(agent, number: str) -> Call | None:
    """The agent's own call in progress (answered, not ended) whose calling number is ``number``: the
    evidence that the customer on the line speaks from that very line (Q-1: one's own line needs no
    password; SVC-1: "identified by calling number")."""
    if agent is None or not getattr(agent, "is_authenticated", False) or not number:
        return None
    rows = Call.objects.filter(agent=agent, state=CallState.ANSWERED, calling_number=number)
    return rows.only("call_id", "calling_number", "contact_id").first()


def current_contact(actor, *, call_id: str | None = None, contact_id: int | None = None):
    """The contact record that work done now belongs to (CON-1), as the desk names it — the
    ``X-Call-Id`` / ``X-Contact-Id`` headers of ``kefu.callHeaders()``, or a form's hidden fields:

    - the contact of the actor's own call in progress (answered: not on hold, not ended), named by
      its call id and/or its contact id (both, when given, must name the same call);
    - without a call id, also the actor's own open contact of no call (a hall contact being served).

    ``None`` when nothing is named. Anything else named — another agent's call, a call on hold or
    ended, a closed contact — is refused with 409 ``contact_not_in_call``: work is never filed under
    a contact it was not done in."""
    if not call_id and not contact_id:
        return None
    staff_id = getattr(actor, "pk", None)
    calls = Call.objects.filter(agent_id=staff_id, state=CallState.ANSWERED)
    if call_id:
        calls = calls.filter(call_id=call_id)
    if contact_id:
        calls = calls.filter(contact_id=contact_id)
    call = calls.select_related("contact").first()
    if call is not None and call.contact is not None:
        return call.contact
    if not call_id and contact_id:
        own = ContactRecord.objects.filter(
            pk=contact_id, staff_id=staff_id, status=ContactStatus.OPEN, call_id=""
        ).first()
        if own is not None:
            return own
    raise DomainError(
        _("所指的接触记录不属于您当前的通话（通话可能已结束或处于保持），操作未执行"),
        code=TelephonyErrorCode.NOT_IN_CALL,
        status=409,
    )
