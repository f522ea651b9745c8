"""Writes of what agents do with knowledge during a contact (SR-1, KB-2, KB-4): opened an article,
answered the customer with it (on the contact's consultation request), sent it by SMS, read out a
wording, found nothing. Every write is checked against the contact — inside the actor's scope (a
walk-in's once authenticated, SVC-1), and the actor's own contact before its after-call work is done
(a supervisor may act for an agent) — and records the version the customer was given.

Turning an unanswered consultation into a KB-2 order is the desk's (``kefu.desk.consultation``): the
knowledge base does not import work orders.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.contacts import selectors as contact_selectors
from kefu.contacts import services as contacts
from kefu.contacts.models import ContactRecord, ServiceRequest
from kefu.core import audit
from kefu.core.choices import RequestType
from kefu.core.errors import DomainError, NotFoundError
from kefu.knowledge.choices import UseKind
from kefu.knowledge.errors import KnowledgeErrorCode
from kefu.knowledge.models import Article, KnowledgeUse, Wording
from kefu.knowledge.reading import customer_may_receive

# An article sent by SMS: its title and the start of its text, at most this many characters in all
# (four segments of a long message); the rest is for the agent to explain.
SMS_MAX_CHARS = 280
QUESTION_MAX_CHARS = 500


def contact_check(*, actor, contact: ContactRecord | int) -> ContactRecord:
    """The contact, if ``actor`` may record knowledge use on it now: inside their scope (404
    ``not_found`` otherwise, as if it did not exist), their own (or they supervise), and its
    after-call work not yet written (403/409 ``contact_closed``)."""
    contact_id = contact.pk if isinstance(contact, ContactRecord) else contact
    found = contact_selectors.contact_served(user=actor, contact_id=contact_id)
    if found is None:
        raise NotFoundError(_("接触记录不存在或不在您的数据权限范围内"))
    if found.staff_id != actor.pk and actor.role not in contacts.WRAP_UP_ROLES:
        raise DomainError(
            _("这不是您受理的接触，不能在其中记录知识使用"),
            code=KnowledgeErrorCode.CONTACT_CLOSED,
            status=403,
        )
    if found.wrapped_up_at is not None:
        raise DomainError(
            _("该接触的话后处理已完成，不能再记录知识使用"),
            code=KnowledgeErrorCode.CONTACT_CLOSED,
            status=409,
        )
    return found


def _record(*, actor, contact, kind, request=None, article=None, wording=None, question="") -> KnowledgeUse:
    return KnowledgeUse.objects.create(
        contact=contact,
        request=request,
        kind=kind,
        article=article,
        article_version=article.published_version if article is not None else None,
        wording=wording,
        wording_version=wording.published_version if wording is not None else None,
        question=question[:QUESTION_MAX_CHARS],
        actor=actor,
    )


def consultation_request(*, actor, contact: ContactRecord, request_id: int | None = None, topic: str = ""):
    """The consultation request an answer goes on: the one named (it must be a consultation of this
    contact), else the contact's latest consultation not turned into an order, else a new one."""
    requests = ServiceRequest.objects.filter(contact=contact, request_type=RequestType.CONSULTATION)
    if request_id:
        found = requests.filter(pk=request_id).first()
        if found is None:
            raise NotFoundError(_("该接触中没有这个咨询请求"))
        return found
    found = requests.filter(reference="").order_by("-id").first()
    if found is not None:
        return found
    return contacts.service_request_add(
        actor=actor, contact=contact, request_type=RequestType.CONSULTATION, description=topic[:200]
    )


@transaction.atomic
def article_opened(*, actor, contact, article: Article) -> KnowledgeUse:
    """The agent opened ``article`` during ``contact`` (its published version is recorded)."""
    contact = contact_check(actor=actor, contact=contact)
    return _record(actor=actor, contact=contact, kind=UseKind.OPENED, article=article)


@transaction.atomic
def article_answered(*, actor, contact, article: Article, request_id: int | None = None) -> KnowledgeUse:
    """SR-1: ``article`` answered the customer — recorded on the contact's consultation request (made
    if there is none). Marking the same article twice on one request records it once."""
    contact = contact_check(actor=actor, contact=contact)
    request = consultation_request(actor=actor, contact=contact, request_id=request_id, topic=article.title)
    done = KnowledgeUse.objects.filter(
        contact=contact,
        request=request,
        kind=UseKind.ANSWERED,
        article=article,
        article_version=article.published_version,
    ).first()
    if done is not None:
        return done
    use = _record(actor=actor, contact=contact, kind=UseKind.ANSWERED, request=request, article=article)
    audit.record(
        actor=actor,
        action="knowledge.answered",
        obj=contact,
        changes={"article": article.code, "version": article.published_version, "request": request.pk},
    )
    return use


def sms_text(article: Article) -> str:
    """The SMS an article becomes: 【title】 and the start of its plain text, ≤ ``SMS_MAX_CHARS``."""
    head = f"【{article.title}】"
    body = " ".join(article.body_text.split())
    room = SMS_MAX_CHARS - len(head)
    if len(body) > room:
        body = body[: max(room - 1, 0)] + "…"
    return head + body


@transaction.atomic
def article_sent(*, actor, contact, article: Article, request_id: int | None = None) -> KnowledgeUse:
    """The customer asked for ``article`` by SMS: sent through the SMS port (``notify``, which keeps it
    in the outbox and logs the message as an outbound contact) to the contact's line. Agents-only
    articles are never sent (409 ``agent_only``)."""
    from kefu.notify import services as notify

    contact = contact_check(actor=actor, contact=contact)
    if not customer_may_receive(article):
        raise DomainError(
            _("该知识仅供座席参考，不能发送给客户"), code=KnowledgeErrorCode.AGENT_ONLY, status=409
        )
    number = contact.subscriber.number if contact.subscriber_id else contact.number
    if not number:
        raise DomainError(_("该接触没有可发送短信的号码"), code=KnowledgeErrorCode.NO_NUMBER, status=422)
    request = consultation_request(actor=actor, contact=contact, request_id=request_id, topic=article.title)
    notify.sms_send(actor=actor, to=number, text=sms_text(article), subscriber=contact.subscriber)
    return _record(actor=actor, contact=contact, kind=UseKind.SENT, request=request, article=article)


@transaction.atomic
def wording_used(*, actor, contact, wording: Wording) -> KnowledgeUse:
    """KB-4: the agent copied or read out ``wording`` during ``contact`` (its published version)."""
    contact = contact_check(actor=actor, contact=contact)
    return _record(actor=actor, contact=contact, kind=UseKind.WORDING, wording=wording)


def question_clean(question: str) -> str:
    question = " ".join((question or "").split())
    if not question:
        raise DomainError(_("请填写客户咨询的问题"), code=KnowledgeErrorCode.QUESTION_REQUIRED, status=422)
    return question[:QUESTION_MAX_CHARS]


@transaction.atomic
def consultation_unanswered(
    *, actor, contact, question: str, request: ServiceRequest, tried: list[Article]
) -> list[KnowledgeUse]:
    """KB-2: nothing answered ``question``: one UNANSWERED row with the question, and one for each
    article tried (with its version), all on ``request`` (the consultation turned into an order)."""
    contact = contact_check(actor=actor, contact=contact)
    question = question_clean(question)
    rows = [
        _record(actor=actor, contact=contact, kind=UseKind.UNANSWERED, request=request, question=question)
    ]
    for article in tried:
        rows.append(
            _record(
                actor=actor,
                contact=contact,
                kind=UseKind.UNANSWERED,
                request=request,
                article=article,
                question=question,
            )
        )
    return rows
