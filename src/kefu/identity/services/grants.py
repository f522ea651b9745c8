"""Grants: who may act on which number until when (used by queries and business acceptance, Q-1)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.choices import Channel
from kefu.customers.models import Subscriber
from kefu.identity.choices import (
    AuthMethod,
    GrantScope,
)
from kefu.identity.errors import AuthRequired
from kefu.identity.models import (
    AuthGrant,
)
from kefu.identity.services.attempt import attempt
from kefu.identity.services.policy import active_call
from kefu.telephony.choices import CallState
from kefu.telephony.models import Call


def grant_valid(*, actor, subscriber: Subscriber, full: bool) -> AuthGrant | None:
    """The actor's current grant on this subscriber (a full one when ``full``), if any. A grant tied
    to a call ends with the call."""
    grants = AuthGrant.objects.filter(staff=actor, subscriber=subscriber, expires_at__gt=timezone.now())
    if full:
        grants = grants.filter(scope=GrantScope.FULL)
    for grant in grants.order_by("-expires_at")[:5]:
        if grant.call_id and Call.objects.filter(call_id=grant.call_id, state=CallState.ENDED).exists():
            continue
        return grant
    return None


def require_grant(
    *, actor, subscriber: Subscriber, full: bool, call_id: str | None = None, contact_id: int | None = None
) -> AuthGrant:
    """Q-1's rule: a valid grant, or — for a query (not ``full``) — the actor's active call coming from
    this very line, which authenticates by calling number on the spot. Otherwise 403 ``auth_required``."""
    grant = grant_valid(actor=actor, subscriber=subscriber, full=full)
    if grant is not None:
        return grant
    if not full and (call_id or contact_id):
        call = active_call(actor, call_id=call_id, contact_id=contact_id)
        if call is not None and call.calling_number == subscriber.number:
            outcome = attempt(
                actor=actor,
                subscriber=subscriber,
                method=AuthMethod.CALLING_NUMBER,
                channel=Channel.HOTLINE,
                fields={"call_id": call.call_id},
            )
            if outcome.authenticated:
                return grant_valid(actor=actor, subscriber=subscriber, full=False)
    if full:
        message = _("办理业务前须先通过服务密码等方式认证客户身份")
    else:
        message = _("查询非来电号码须先认证客户身份")
    raise AuthRequired(message, number=subscriber.number)
