"""The consultation loop's unanswered end (KB-2, SR-1): the question and the articles tried become a
consultation work order for the back office; its reply owes the customer a callback, its feedback by
phone settles it."""

from __future__ import annotations

import pytest

from kefu.catalog.models import ResponsibilityCause
from kefu.contacts.models import CallbackTask, ServiceRequest
from kefu.core.errors import DomainError
from kefu.desk import consultation
from kefu.knowledge import usage
from kefu.knowledge.models import KnowledgeUse
from kefu.workorders.actions import ACTIONS
from kefu.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def _act(order, action, actor, **data):
    return ACTIONS[action].perform(actor=actor, order=order, data=data, files=[])


def test_unanswered_becomes_a_consultation_order_with_question_and_tried(js_agent, contact, article):
    """KB-2: one call makes the order (kind consultation) carrying the question and the articles tried
    (code, title, version); the contact's request leads to it; UNANSWERED rows recorded."""
    usage.article_opened(actor=js_agent, contact=contact, article=article)
    done = consultation.consultation_unanswered(
        actor=js_agent,
        contact=contact,
        question="彩铃能不能设置成只对家人播放？",
        tried_codes=["KB-CRBT-1", "NOPE"],
    )
    order = done.order
    assert done.created and order.kind == "consultation" and order.state == "accepted"
    assert "彩铃能不能设置成只对家人播放？" in order.description
    assert "KB-CRBT-1 彩铃开通方法 v2" in order.description and "NOPE" not in order.description
    assert order.contact_method == "phone" and order.subscriber_id == contact.subscriber_id
    request = ServiceRequest.objects.get(contact=contact, reference=order.number)
    assert (request.request_type, request.module) == ("consultation", "work_order")
    rows = KnowledgeUse.objects.filter(kind="unanswered", request=request)
    assert {(r.article_id, r.article_version) for r in rows} == {(None, None), (article.pk, 2)}
    assert all(r.question == "彩铃能不能设置成只对家人播放？" for r in rows)


def test_a_second_click_answers_with_the_first_order(js_agent, contact):
    """KB-2: the same question sent twice from one contact makes one order, one request."""
    first = consultation.consultation_unanswered(actor=js_agent, contact=contact, question="国际漫游怎么开")
    second = consultation.consultation_unanswered(actor=js_agent, contact=contact, question="国际漫游怎么开")
    assert first.created and not second.created and first.order.pk == second.order.pk
    assert WorkOrder.objects.count() == 1
    assert ServiceRequest.objects.filter(contact=contact).count() == 1
    assert KnowledgeUse.objects.filter(kind="unanswered").count() == 1


@pytest.mark.parametrize("question", ["", "   "], ids=["empty", "blank"])
def test_a_question_is_required_and_nothing_is_made(js_agent, contact, question):
    """KB-2: without the question: 422 question_required, no order, no request."""
    with pytest.raises(DomainError) as caught:
        consultation.consultation_unanswered(actor=js_agent, contact=contact, question=question)
    assert (caught.value.status, caught.value.code) == (422, "question_required")
    assert not WorkOrder.objects.exists() and not ServiceRequest.objects.exists()


def test_out_of_scope_contact_makes_nothing(zj_agent, contact):
    """KB-2: another province's contact: not found, no order."""
    with pytest.raises(DomainError) as caught:
        consultation.consultation_unanswered(actor=zj_agent, contact=contact, question="话费怎么查")
    assert caught.value.status == 404
    assert not WorkOrder.objects.exists()


def test_reply_owes_a_callback_and_feedback_closes_the_loop(js_agent, make_staff, contact):
    """KB-2: the back office processes and replies → a callback task for the customer; the agent's
    feedback by phone settles it and the order is archived."""
    back = make_staff("back_office", "JS")
    order = consultation.consultation_unanswered(
        actor=js_agent, contact=contact, question="宽带提速包何时生效"
    ).order
    _act(order, "process", back, comment="查询资费系统")
    _act(order, "reply", back, comment="提速包次日零点生效")
    task = CallbackTask.objects.get(reference=order.number)
    assert task.state == "open" and task.number == contact.number
    _act(order, "feedback", js_agent, satisfaction="satisfied", method="phone")
    task.refresh_from_db()
    assert task.state != "open"
    cause = ResponsibilityCause.objects.filter(parent__isnull=False, active=True).order_by("id").first()
    from kefu.core.models import Department

    department = Department.objects.get(code="RESP-NETWORK")
    _act(order, "archive", back, responsibility_cause=cause.code, responsible_department=department.code)
    order.refresh_from_db()
    assert order.state == "archived"
