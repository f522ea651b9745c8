"""The consultation loop's one cross-module write (KB-2, SR-1): a question no article answered becomes
a consultation work order for the back office, with the question and the articles tried, and the
contact's record of it. The knowledge base may not import work orders, so the desk orchestrates:
the order through ``workorders.services.order_accept``, the use records through
``knowledge.usage``, in one transaction.

The order is accepted with the phone as the agreed way to tell the result: the consultation flow's
reply then creates the callback task (``workorders.services.results.on_reply``) that closes the loop,
and its feedback settles it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.contacts import services as contacts
from kefu.contacts.choices import RequestModule
from kefu.core.choices import RequestType
from kefu.knowledge import reading, usage
from kefu.workorders import services as orders
from kefu.workorders.choices import ContactMethod, WorkOrderKind


@dataclass(frozen=True)
class Unanswered:
    order: object  # kefu.workorders.models.WorkOrder
    created: bool  # False: the same question was already sent from this contact (a second click)


def order_description(question: str, tried: list) -> str:
    lines = [_("客户问题：%(q)s") % {"q": question}, _("已查阅的知识：")]
    if tried:
        lines += [f"- {a.code} {a.title} v{a.published_version}" for a in tried]
    else:
        lines.append(_("（无）"))
    return "\n".join(lines)


def tried_articles(codes, *, actor) -> list:
    """The articles named (codes, in the order given, unknown or unreadable ones left out)."""
    found = []
    for code in dict.fromkeys(c.strip() for c in codes if c and c.strip()):
        article = reading.article_for_reader(code, actor=actor)
        if article is not None:
            found.append(article)
    return found[:20]


def consultation_unanswered(*, actor, contact, question: str, tried_codes=()) -> Unanswered:
    """KB-2: accept a consultation order (kind ``consultation``, the back office's default flow:
    process, reply, feedback, archive) for the customer of ``contact``; its description carries the
    question and the articles tried (codes, titles, versions). The contact gets a consultation request
    leading to the order, with UNANSWERED use records. The same question sent twice from one contact
    answers with the first order (an idempotency key of the contact and the question)."""
    contact = usage.contact_check(actor=actor, contact=contact)
    question = usage.question_clean(question)
    tried = tried_articles(tried_codes, actor=actor)
    key = "kb2-" + hashlib.sha256(f"{contact.pk}|{question}".encode()).hexdigest()[:40]
    with transaction.atomic():
        request = contacts.service_request_add(
            actor=actor,
            contact=contact,
            request_type=RequestType.CONSULTATION,
            description=question[:200],
            module=RequestModule.WORK_ORDER,
        )
        result = orders.order_accept(
            actor=actor,
            data=orders.OrderInput(
                kind=WorkOrderKind.CONSULTATION,
                subscriber=contact.subscriber,
                contact_number=contact.number,
                title=(_("咨询：%(q)s") % {"q": question})[:100],
                description=order_description(question, tried),
                service_request=request,
                contact_method=ContactMethod.PHONE,
            ),
            idempotency_key=key,
            request_fingerprint=key,
        )
        if not result.created:
            transaction.set_rollback(True)  # the request just added is not needed: the order exists
            return Unanswered(order=result.order, created=False)
        usage.consultation_unanswered(
            actor=actor, contact=contact, question=question, request=request, tried=tried
        )
    return Unanswered(order=result.order, created=True)
