"""Authentication policy and lookups shared by the flows: who may do what, the settings that bound
attempts, grants and one-time passwords, and finding a number or a call inside the actor's scope."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from kefu.core import scope
from kefu.core.choices import Role
from kefu.core.errors import NotFoundError
from kefu.customers.models import Subscriber
from kefu.identity.errors import AuthErrorCode
from kefu.telephony.choices import CallState
from kefu.telephony.models import Call

# Who may record that an ID document was shown in person (AUTH-1).
ID_SHOWN_ROLES = (Role.HALL_STAFF, Role.VIP_MANAGER)
# Who speaks for the IVR when it posts collected digits (AUTH-3); agents never do.
IVR_ROLES = (Role.IVR_SYSTEM, Role.ADMINISTRATOR)  # the IVR posts digits as its system account
OTP_MAX_ATTEMPTS = 3


def max_failures() -> int:
    return int(getattr(settings, "KEFU_AUTH_MAX_FAILURES", 3))


def lock_period() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KEFU_AUTH_LOCK_MINUTES", 30)))


def grant_period() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KEFU_AUTH_GRANT_MINUTES", 30)))


def otp_period() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "KEFU_OTP_MINUTES", 5)))


def subscriber_in_scope(actor, number: str, *, for_update: bool = False) -> Subscriber:
    """The subscriber with ``number`` the actor may serve; 404 otherwise (existence undisclosed). Hall
    and VIP staff serve walk-ins from any city of their province (SVC-1, ``scope.restrict_serving``):
    what they may then see or do still needs a grant, which this authentication gives."""
    rows = scope.restrict_serving(Subscriber.objects.select_related("customer"), actor).filter(number=number)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    subscriber = rows.first()
    if subscriber is None:
        raise NotFoundError(_("用户不存在"), code=AuthErrorCode.UNKNOWN_SUBSCRIBER)
    return subscriber


def active_call(actor, *, call_id: str | None = None, contact_id: int | None = None):
    """The actor's own answered call, named by call id or by the contact record it opened."""
    calls = scope.restrict(Call.objects.all(), actor).filter(agent=actor, state=CallState.ANSWERED)
    if call_id:
        return calls.filter(call_id=call_id).first()
    if contact_id:
        return calls.filter(contact_id=contact_id).first()
    return None
