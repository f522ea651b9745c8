"""IVR password collection (AUTH-3): the agent's request, and the IVR posting the digits."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.choices import Channel
from kefu.core import audit, scope
from kefu.core.bus import publish_on_commit
from kefu.core.errors import DomainError, ErrorCode, NotFoundError
from kefu.core.numbers import is_digits
from kefu.identity.choices import (
    AuthMethod,
    CollectionResult,
    CollectionState,
)
from kefu.identity.errors import AuthErrorCode
from kefu.identity.models import (
    PasswordCollection,
)
from kefu.identity.services.attempt import AuthOutcome, attempt
from kefu.identity.services.policy import IVR_ROLES, subscriber_in_scope
from kefu.telephony.choices import CallState
from kefu.telephony.models import Call
from kefu.telephony.services import agent_channel


@transaction.atomic
def password_collection_request(*, actor, call_id: str, number: str | None = None) -> PasswordCollection:
    """The agent asks the IVR to collect the caller's password for their active call."""
    call = scope.restrict(Call.objects.all(), actor).filter(call_id=call_id).first()
    if call is None:
        raise NotFoundError(_("呼叫不存在"), code=AuthErrorCode.UNKNOWN_CALL)
    if call.agent_id != actor.pk:
        raise DomainError(_("该呼叫不是您正在处理的呼叫"), code=AuthErrorCode.NOT_YOUR_CALL, status=403)
    if call.state != CallState.ANSWERED:
        raise DomainError(_("该呼叫未在通话中"), code=AuthErrorCode.NO_ACTIVE_CALL, status=409)
    subscriber = subscriber_in_scope(actor, number or call.calling_number)
    collection = PasswordCollection.objects.create(call=call, subscriber=subscriber, agent=actor)
    audit.record(
        actor=actor, action="identity.password_collection.request", obj=subscriber,
        changes={"call_id": call.call_id, "collection": collection.pk},
    )  # fmt: skip
    return collection


def collection_in_scope(actor, collection_id: int) -> PasswordCollection:
    collection = (
        scope.restrict(PasswordCollection.objects.select_related("call", "subscriber"), actor)
        .filter(pk=collection_id)
        .first()
    )
    if collection is None:
        raise NotFoundError(_("密码采集请求不存在"), code=AuthErrorCode.UNKNOWN_COLLECTION)
    return collection


@transaction.atomic
def password_collection_submit(
    *, actor, collection_id: int, digits: str
) -> tuple[PasswordCollection, AuthOutcome]:
    """The IVR posts the digits the caller keyed in; the agent learns pass, fail or locked by push."""
    collection = collection_in_scope(actor, collection_id)
    if getattr(actor, "role", None) not in IVR_ROLES:
        raise DomainError(
            _("只有自助语音平台可以提交采集的密码"), code=ErrorCode.PERMISSION_DENIED, status=403
        )
    collection = (
        PasswordCollection.objects.select_for_update()
        .select_related("call", "subscriber", "agent")
        .get(pk=collection.pk)
    )
    if collection.state != CollectionState.WAITING:
        raise DomainError(_("该密码采集已完成"), code=AuthErrorCode.COLLECTION_DONE, status=409)
    if not isinstance(digits, str) or not is_digits(digits) or not 1 <= len(digits) <= 12:
        raise DomainError(_("采集的密码格式不正确"), code=ErrorCode.VALIDATION_FAILED, status=400)
    outcome = attempt(
        actor=collection.agent,
        subscriber=collection.subscriber,
        method=AuthMethod.IVR_PASSWORD,
        channel=Channel.HOTLINE,
        fields={
            "password": digits,
            "call_id": collection.call.call_id,
            "contact_id": collection.call.contact_id,
        },
    )
    if outcome.authenticated:
        result = CollectionResult.PASS
    elif outcome.locked:
        result = CollectionResult.LOCKED
    else:
        result = CollectionResult.FAIL
    collection.state = CollectionState.DONE
    collection.result = result
    collection.completed_at = timezone.now()
    collection.save(update_fields=["state", "result", "completed_at"])
    audit.record(
        actor=actor, action="identity.password_collection.complete", obj=collection.subscriber,
        changes={"collection": collection.pk, "result": result},
    )  # fmt: skip

    publish_on_commit(
        agent_channel(collection.agent.job_number),
        {
            "type": "ivr_auth",
            "collection_id": collection.pk,
            "call_id": collection.call.call_id,
            "number": collection.subscriber.number,
            "result": result,
            "tries_left": outcome.tries_left,
            "locked_until": outcome.locked_until.isoformat() if outcome.locked_until else None,
            "password_change_required": outcome.password_change_required,
            "security_notice_required": outcome.security_notice_required,
        },
    )
    return collection, outcome
