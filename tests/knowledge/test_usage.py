"""Knowledge used during a contact (SR-1, KB-2, KB-4): every write is checked against the contact and
records the version the customer was given."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kefu.contacts.models import ServiceRequest
from kefu.core.errors import DomainError
from kefu.knowledge import usage
from kefu.knowledge.models import KnowledgeUse
from kefu.notify.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def test_opened_records_the_published_version(js_agent, contact, article):
    """SR-1: opening an article in a contact records it with the version read."""
    use = usage.article_opened(actor=js_agent, contact=contact, article=article)
    assert (use.kind, use.article_id, use.article_version, use.actor_id) == (
        "opened",
        article.pk,
        2,
        js_agent.pk,
    )


def test_out_of_scope_contact_is_not_found_and_nothing_is_written(zj_agent, contact, article):
    """SR-1: a contact outside the actor's scope does not exist for them (404), nothing recorded."""
    with pytest.raises(DomainError) as caught:
        usage.article_opened(actor=zj_agent, contact=contact, article=article)
    assert caught.value.status == 404
    assert not KnowledgeUse.objects.exists()


def test_another_agents_contact_and_a_wrapped_up_one_are_refused(make_staff, js_agent, contact, article):
    """SR-1: only while the agent may act on the contact — their own, before its after-call work."""
    colleague = make_staff("hotline_agent", "JS")
    with pytest.raises(DomainError) as caught:
        usage.article_answered(actor=colleague, contact=contact, article=article)
    assert (caught.value.status, caught.value.code) == (403, "contact_closed")
    supervisor = make_staff("supervisor", "JS")
    assert usage.article_answered(actor=supervisor, contact=contact, article=article).kind == "answered"
    contact.wrapped_up_at = timezone.now()
    contact.save(update_fields=["wrapped_up_at"])
    with pytest.raises(DomainError) as caught:
        usage.article_opened(actor=js_agent, contact=contact, article=article)
    assert (caught.value.status, caught.value.code) == (409, "contact_closed")
    assert KnowledgeUse.objects.count() == 1


def test_answered_goes_on_a_consultation_request_made_once(js_agent, contact, article):
    """SR-1: the answer is recorded on the contact's consultation request, created when there is none;
    marking the same article again records nothing new."""
    first = usage.article_answered(actor=js_agent, contact=contact, article=article)
    again = usage.article_answered(actor=js_agent, contact=contact, article=article)
    request = ServiceRequest.objects.get(contact=contact)
    assert (request.request_type, request.module) == ("consultation", "knowledge")
    assert first.pk == again.pk and first.request_id == request.pk and first.article_version == 2
    contact.refresh_from_db()
    assert contact.request_type == "consultation"


def test_answered_on_a_named_request_of_another_contact_is_refused(js_agent, contact, kb_line, article):
    """SR-1: a request named must be a consultation of this very contact."""
    from kefu.contacts import services as contacts

    other = contacts.contact_create(
        actor=js_agent, data=contacts.ContactInput(channel="hotline", subscriber=kb_line)
    )
    foreign = contacts.service_request_add(actor=js_agent, contact=other, request_type="consultation")
    with pytest.raises(DomainError) as caught:
        usage.article_answered(actor=js_agent, contact=contact, article=article, request_id=foreign.pk)
    assert caught.value.status == 404
    assert not KnowledgeUse.objects.filter(contact=contact).exists()


def test_sent_by_sms_to_the_line_with_a_bounded_text(js_agent, contact, kb_line, article):
    """SR-1: the article goes to the customer's line through the SMS port: its title and the start of
    its text, within the limit; recorded as SENT."""
    use = usage.article_sent(actor=js_agent, contact=contact, article=article)
    message = OutgoingMessage.objects.get(channel="sms")
    assert message.to == kb_line.number and message.status == "sent"
    assert message.text.startswith("【彩铃开通方法】") and "次月生效" in message.text
    assert len(message.text) <= usage.SMS_MAX_CHARS
    assert (use.kind, use.article_version) == ("sent", 2)


def test_long_article_sms_is_cut(crbt):
    """SR-1: a long article is cut to the SMS limit, ending with an ellipsis."""
    from kefu.knowledge import services

    long = services.save_article(
        actor=None, code="KB-LONG", title="长文", body="<p>" + "资费说明" * 200 + "</p>", status="published"
    )
    text = usage.sms_text(long)
    assert len(text) == usage.SMS_MAX_CHARS and text.endswith("…")


def test_agent_only_article_is_never_sent(js_agent, contact, agent_only):
    """SR-1: an agents-only article is refused (409 agent_only); nothing sent or recorded."""
    with pytest.raises(DomainError) as caught:
        usage.article_sent(actor=js_agent, contact=contact, article=agent_only)
    assert (caught.value.status, caught.value.code) == (409, "agent_only")
    assert not OutgoingMessage.objects.exists() and not KnowledgeUse.objects.exists()


def test_wording_use_records_its_version(js_agent, contact, make_wording):
    """KB-4: a wording read out records which version."""
    wording = make_wording("W-CRBT-1", version=3)
    use = usage.wording_used(actor=js_agent, contact=contact, wording=wording)
    assert (use.kind, use.wording_id, use.wording_version) == ("wording", wording.pk, 3)
