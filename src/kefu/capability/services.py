"""Capability queries (CAP-1..3): the province side and the hub's relay.

Province: :func:`capability_query` checks the agent's role and input against the CAP-2 definitions,
sends one synchronous ``capability.query`` to the hub (waiting at most ``KEFU_CAPABILITY_TIMEOUT``
seconds), audits the query with its outcome, and returns the platform's answer. A hub or platform
that is slow or absent becomes a :class:`PeerError` whose message the agent can read
(``peer_timeout`` 504, ``peer_unavailable`` 503) — never a hang.

Hub: :func:`capability_relay` sorts the request to the business's platform (``KEFU_CAPABILITY_PLATFORMS``
or the platform peer) and forwards it as ``capability.forward`` with the province's deadline minus a
margin, so the hub answers before the province gives up and can say which platform failed.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from kefu.capability import definitions as defs
from kefu.capability.errors import CapabilityErrorCode
from kefu.core import audit
from kefu.core.choices import Role
from kefu.core.errors import DomainError
from kefu.federation import client, peers
from kefu.federation.errors import FederationErrorCode as Code
from kefu.federation.errors import PeerError

# Province staff who serve customers may ask; the IVR account, hub and SP staff may not.
MAY_ASK = {
    Role.HOTLINE_AGENT, Role.HALL_STAFF, Role.VIP_MANAGER, Role.BACK_OFFICE, Role.CITY_HANDLER,
    Role.SUPERVISOR, Role.ADMINISTRATOR,
}  # fmt: skip
_STATUS = {Code.PEER_TIMEOUT: 504, Code.PEER_UNAVAILABLE: 503, Code.PEER_NOT_CONFIGURED: 503}


def hub_code() -> str:
    hubs = peers.of_role("hub")
    if not hubs:
        raise PeerError(
            _("本节点未配置一级客服枢纽（KEFU_PEERS_FILE）"), code=Code.PEER_NOT_CONFIGURED, status=503
        )
    return hubs[0].code


def refusal_detail(exc: PeerError) -> str:
    """The peer's own words from a refusal (``client.request`` prefixes them with the node)."""
    return exc.message.split("：", 1)[-1]


def relayed_error(exc: PeerError) -> DomainError:
    """A refusal relayed by the hub, as the code the hub gave: its own peer timed out or was down
    (504/503, the message names that node) or the far end refused (422 with the far end's code)."""
    remote = getattr(exc, "extra", {}).get("remote_code")
    if exc.code != Code.PEER_REFUSED or not remote:
        return exc
    if remote in _STATUS:
        return PeerError(refusal_detail(exc), code=remote, status=_STATUS[remote], peer=exc.extra.get("peer"))
    return DomainError(refusal_detail(exc), code=remote, status=422)


def capability_query(*, actor, business: str, query: str, conditions: dict) -> dict:
    """Run one CAP-2 query or handling action through the hub; the platform's answer (a dict with
    ``columns``, ``rows``, ``outcome``, ``message``)."""
    if actor.role not in MAY_ASK:
        raise DomainError(
            _("您的角色不能使用能力开放查询"), code=CapabilityErrorCode.PERMISSION_DENIED, status=403
        )
    bdef = defs.business(business)
    qdef = bdef.query(query) if bdef else None
    if qdef is None:
        raise DomainError(
            _("未知的查询业务或查询类型"), code=CapabilityErrorCode.VALIDATION_FAILED, status=400
        )
    try:
        conditions = defs.clean_conditions(qdef, conditions)
    except defs.ConditionError as exc:
        raise DomainError(
            str(exc), code=CapabilityErrorCode.VALIDATION_FAILED, status=400, errors=exc.errors
        ) from None
    payload = {
        "business": business,
        "query": query,
        "conditions": conditions,
        "province": settings.KEFU_NODE_CODE,
        "agent": actor.job_number,
    }
    outcome, answer = "ok", None
    try:
        answer = client.request(
            to=hub_code(), type="capability.query", payload=payload, timeout=settings.KEFU_CAPABILITY_TIMEOUT
        )
        outcome = answer.get("outcome", "ok")
        return answer
    except PeerError as exc:
        error = relayed_error(exc)
        outcome = error.code
        raise error from None
    finally:
        with transaction.atomic():
            audit.record(
                actor=actor,
                action=f"capability.{qdef.kind}",
                object_type="capability",
                object_id=f"{business}/{query}",
                province_id=actor.province_id,
                city_id=actor.city_id,
                changes={
                    "number": conditions.get("number", ""),
                    "conditions": conditions,
                    "outcome": str(outcome),
                },
            )


def platform_for(business: str) -> str:
    """The platform peer that answers ``business`` (hub side)."""
    mapping = dict(
        item.split("=", 1) for item in settings.KEFU_CAPABILITY_PLATFORMS.split(",") if "=" in item
    )
    code = mapping.get(business)
    if code:
        return code
    platforms = peers.of_role("platform")
    if not platforms:
        raise DomainError(_("一级客服枢纽未配置业务平台"), code=Code.PEER_NOT_CONFIGURED, status=503)
    return platforms[0].code


def capability_relay(*, payload: dict, sender: str, deadline) -> dict:
    """The hub's step 3 of CAP-1: sort by business, forward to the platform, return its answer."""
    business = str(payload.get("business", ""))
    bdef = defs.business(business)
    if bdef is None:
        raise DomainError(
            _("未知的查询业务：%(b)s") % {"b": business}, code=CapabilityErrorCode.UNKNOWN_QUERY, status=400
        )
    platform = platform_for(business)
    margin = timedelta(seconds=settings.KEFU_CAPABILITY_RELAY_MARGIN)
    forward = {**payload, "province": sender}
    try:
        return client.request(
            to=platform,
            type="capability.forward",
            payload=forward,
            deadline=deadline - margin if deadline else None,
        )
    except PeerError as exc:
        name = f"{bdef.name}{_('平台')}（{platform}）"
        if exc.code == Code.PEER_TIMEOUT:
            message = _("业务平台 %(p)s 未在时限内应答，请稍后再试") % {"p": name}
        elif exc.code in (Code.PEER_UNAVAILABLE, Code.PEER_NOT_CONFIGURED):
            message = _("无法连接业务平台 %(p)s，请稍后再试") % {"p": name}
        else:
            code = str(exc.extra.get("remote_code") or exc.code)
            raise DomainError(refusal_detail(exc), code=code, status=422) from None
        raise DomainError(message, code=exc.code, status=_STATUS.get(exc.code, 502)) from None
