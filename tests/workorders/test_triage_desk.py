"""The desk's triage queue and categorise form (WO-4, WO-6): orders accepted without a category wait in
the back office's 待分拣 tab; the order page's form categorises them through the action table."""

from __future__ import annotations

from kefu.workorders import services


def _triaged(staff, **fields):
    data = {"kind": "complaint", "description": "宽带总是掉线", "triage": True, **fields}
    return services.order_accept(actor=staff.agent, data=services.OrderInput(**data)).order


def test_the_triage_tab_lists_only_orders_in_triage(staff, accept, client):
    """WO-6: the back office's triage tab lists the orders in triage and no other."""
    waiting = _triaged(staff)
    other = accept()
    client.force_login(staff.back)

    page = client.get("/workorders/?queue=triage")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-queue="triage"' in html
    assert f'data-number="{waiting.number}"' in html
    assert f'data-number="{other.number}"' not in html


def test_front_line_staff_have_no_triage_tab(staff, client):
    """WO-4: only the roles that may categorise (back office, supervisor) get the tab."""
    client.force_login(staff.agent)
    assert 'data-queue="triage"' not in client.get("/workorders/").content.decode()


def test_the_order_page_categorises_with_the_form(staff, subscriber, complaint_category, client):
    """WO-4: the categorise form on the order page sets the category and the customer; the order is
    accepted and leaves the triage tab."""
    order = _triaged(staff)
    client.force_login(staff.back)
    page = client.get(f"/workorders/{order.number}/").content.decode()
    assert 'data-form="categorise"' in page
    assert 'data-testid="categorise-subscriber"' in page

    response = client.post(
        f"/workorders/{order.number}/act",
        {"action": "categorise", "category": str(complaint_category.pk), "subscriber": subscriber.number},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.category_id, order.subscriber_id) == (
        "accepted",
        complaint_category.pk,
        subscriber.pk,
    )
    assert f'data-number="{order.number}"' not in client.get("/workorders/?queue=triage").content.decode()


def test_the_form_without_a_category_says_so_and_changes_nothing(staff, client):
    """WO-4: submitting the form with no category shows the refusal (category_required); the order
    stays in triage."""
    order = _triaged(staff)
    client.force_login(staff.back)

    response = client.post(
        f"/workorders/{order.number}/act", {"action": "categorise", "category": ""}, follow=True
    )

    html = response.content.decode()
    assert "请选择服务请求分类" in html
    order.refresh_from_db()
    assert (order.state, order.category_id) == ("triage", None)
