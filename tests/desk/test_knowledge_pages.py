"""The agent's knowledge area (issue 13 item 7; SR-1, KB-1, KB-2, KB-4): search page, article page with
overlay and wording, and the consultation forms of a contact — readable messages, nothing written on
refusal."""

from __future__ import annotations

import pytest

from kefu.contacts.models import ServiceRequest
from kefu.core.models import Province
from kefu.knowledge import services
from kefu.knowledge.models import KnowledgeUse, Overlay
from kefu.notify.models import OutgoingMessage
from kefu.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_search_page_lists_published_articles_only(js_agent, client, article, crbt):
    """KB-1: the search page (without JavaScript) lists the published article; a draft and a retired
    one never show; the interim catalog search is gone."""
    services.save_article(actor=None, code="KB-DRAFT", title="彩铃草稿", body="<p>彩铃</p>", business=crbt)
    services.save_article(
        actor=None, code="KB-OLD", title="彩铃旧资费", body="<p>彩铃</p>", business=crbt, status="retired"
    )
    client.force_login(js_agent)
    response = client.get("/desk/knowledge/", {"q": "彩铃"})
    html = response.content.decode()
    assert response.status_code == 200
    assert [h.article.code for h in response.context["results"]] == ["KB-CRBT-1"]
    assert "/desk/knowledge/KB-CRBT-1/" in html and "临时" not in html
    assert 'data-picker="businesses"' in html and 'data-api="/api/v1/knowledge/search"' in html


def test_search_page_with_kind_filter(js_agent, client, article, agent_only):
    """KB-1: the kind filter narrows the results."""
    client.force_login(js_agent)
    response = client.get("/desk/knowledge/", {"q": "彩铃", "kind": "standard"})
    assert [h.article.code for h in response.context["results"]] == ["KB-CRBT-INT"]


def test_article_page_shows_the_article_overlay_and_wording(
    js_agent, js, client, article, crbt, make_wording
):
    """KB-1, ORG-2, KB-4: body, business, kind, version; the reader's province's overlay (flagged when
    the national text moved on); the wording of the article's business, the customer's level first."""
    Overlay.objects.create(
        article=article, province=js, body="<p>江苏用户可到营业厅办理。</p>", based_on_version=1
    )
    Overlay.objects.create(
        article=article, province=Province.objects.get(code="ZJ"), body="<p>浙江补充</p>", based_on_version=2
    )
    make_wording("W-ALL", business=crbt, text="通用口径")
    make_wording("W-GOLD", business=crbt, level="gold", text="金卡口径")
    make_wording("W-SELF", business=crbt, channel="self_service", text="自助口径")
    client.force_login(js_agent)
    response = client.get("/desk/knowledge/KB-CRBT-1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "次月生效" in html and "彩铃" in html and "v2" in html
    assert "江苏用户可到营业厅办理" in html and "浙江补充" not in html
    assert "全网知识已更新，本省补充尚未复核" in html
    assert [w.code for w in response.context["wordings"]] == ["W-ALL", "W-GOLD"]
    assert "自助口径" not in html
    assert not KnowledgeUse.objects.exists()  # not in a contact: nothing recorded


def test_article_page_in_a_contact_records_opened_and_orders_wording_by_level(
    js_agent, client, contact, article, crbt, make_wording
):
    """SR-1, KB-4: in a contact the opening is recorded with the version; the gold customer's wording
    comes first and other levels' are left out."""
    make_wording("W-ALL", business=crbt)
    make_wording("W-GOLD", business=crbt, level="gold")
    make_wording("W-SILVER", business=crbt, level="silver")
    client.force_login(js_agent)
    response = client.get("/desk/knowledge/KB-CRBT-1/", {"contact": contact.pk})
    assert [w.code for w in response.context["wordings"]] == ["W-GOLD", "W-ALL"]
    use = KnowledgeUse.objects.get()
    assert (use.kind, use.article_version, use.contact_id) == ("opened", 2, contact.pk)
    assert 'data-testid="kb-answered"' in response.content.decode()


def test_unpublished_article_page_is_not_found(js_agent, client, crbt):
    """KB-1: a draft does not exist for readers."""
    services.save_article(actor=None, code="KB-DRAFT", title="草稿", body="<p>x</p>")
    client.force_login(js_agent)
    assert client.get("/desk/knowledge/KB-DRAFT/").status_code == 404


def test_marking_answered_shows_on_the_contact_page(js_agent, client, contact, article):
    """SR-1: 已解答 posts to the contact's consultation request; the contact page shows 已解答：<title> v2."""
    client.force_login(js_agent)
    response = client.post("/desk/knowledge/KB-CRBT-1/answered", {"contact": contact.pk})
    assert response.status_code == 302
    html = client.get(f"/desk/contacts/{contact.pk}/").content.decode()
    assert "已解答：彩铃开通方法 v2" in html


def test_another_agents_contact_gets_a_readable_refusal(make_staff, client, contact, article):
    """SR-1: a colleague's contact: a readable message, nothing recorded, no buttons."""
    colleague = make_staff("hotline_agent", "JS")
    client.force_login(colleague)
    page = client.get("/desk/knowledge/KB-CRBT-1/", {"contact": contact.pk}).content.decode()
    assert "这不是您受理的接触" in page and 'data-testid="kb-answered"' not in page
    response = client.post("/desk/knowledge/KB-CRBT-1/answered", {"contact": contact.pk}, follow=True)
    assert "这不是您受理的接触" in response.content.decode()
    assert not KnowledgeUse.objects.exists()


def test_send_by_sms_from_the_page(js_agent, client, contact, article, agent_only):
    """SR-1: 短信发送 sends and says so; an agents-only article offers no button and is refused."""
    client.force_login(js_agent)
    response = client.post("/desk/knowledge/KB-CRBT-1/send", {"contact": contact.pk}, follow=True)
    assert "以短信发送给客户" in response.content.decode()
    assert OutgoingMessage.objects.filter(channel="sms").count() == 1
    page = client.get("/desk/knowledge/KB-CRBT-INT/", {"contact": contact.pk}).content.decode()
    assert 'data-testid="kb-send"' not in page
    response = client.post("/desk/knowledge/KB-CRBT-INT/send", {"contact": contact.pk}, follow=True)
    assert "仅供座席参考" in response.content.decode()
    assert OutgoingMessage.objects.filter(channel="sms").count() == 1


def test_unanswered_form_creates_the_order_and_lands_on_the_contact(js_agent, client, contact, article):
    """KB-2: the search page in a contact lists the articles tried; 无法解答，转后台 makes the order and
    the contact page links it."""
    client.force_login(js_agent)
    client.get("/desk/knowledge/KB-CRBT-1/", {"contact": contact.pk})
    page = client.get("/desk/knowledge/", {"contact": contact.pk, "q": "彩铃家庭"}).content.decode()
    assert 'name="tried" value="KB-CRBT-1"' in page
    response = client.post(
        "/desk/knowledge/unanswered",
        {"contact": contact.pk, "question": "彩铃能否只对家人播放", "tried": ["KB-CRBT-1"]},
        follow=True,
    )
    order = WorkOrder.objects.get()
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/desk/contacts/{contact.pk}/"
    assert order.number in html and "已转后台处理" in html
    assert "KB-CRBT-1" in order.description


def test_unanswered_without_question_is_refused_readably(js_agent, client, contact):
    """KB-2: no question: a readable message, back on the search page, nothing created."""
    client.force_login(js_agent)
    response = client.post(
        "/desk/knowledge/unanswered", {"contact": contact.pk, "question": " "}, follow=True
    )
    assert "请填写客户咨询的问题" in response.content.decode()
    assert not WorkOrder.objects.exists() and not ServiceRequest.objects.exists()


def test_a_contact_out_of_scope_is_named_not_shown(zj_agent, client, contact, article):
    """SR-1: a JS contact named on a ZJ agent's search page: a readable message, no contact shown, no
    consultation forms, nothing recorded when the article is opened."""
    client.force_login(zj_agent)
    html = client.get("/desk/knowledge/", {"contact": contact.pk, "q": "彩铃"}).content.decode()
    assert "接触记录不存在或不在您的数据权限范围内" in html
    assert contact.number not in html and 'data-testid="kb-unanswered"' not in html
    client.get("/desk/knowledge/KB-CRBT-1/", {"contact": contact.pk})
    assert not KnowledgeUse.objects.exists()


def test_the_customer_view_offers_a_knowledge_search(js_agent, js_line, client):
    """SR-1: the unified view leads to the knowledge area with a search box."""
    client.force_login(js_agent)
    html = client.get(f"/desk/customers/{js_line.number}/").content.decode()
    assert 'data-testid="cv-kb-form"' in html and 'action="/desk/knowledge/"' in html
