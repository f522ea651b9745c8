"""Pickers on the desk's order pages (issue 12): the queue filters, the supervisors' bulk dispatch
and the new-order form take names (南京) where they took codes, and carry the picker markup that
picker.js enhances (WO-6, WO-2, WO-4, SYS-1)."""

from __future__ import annotations

import re

from kefu.workorders.models import WorkOrder, WorkOrderEvent


def _page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_queue_filters_by_city_name_as_by_code(client, staff, accept, make_subscriber):
    """WO-6: the queue's city filter takes 南京 (or its code) and lists Nanjing's orders only."""
    nanjing = accept()
    suzhou = accept(subscriber=make_subscriber("3205"))
    for value in ("南京", "3201"):
        page = _page(client, staff.supervisor, "/workorders/", queue="all", city=value)
        assert nanjing.number in page and suzhou.number not in page


def test_queue_filters_by_holder_name(client, staff, accept, drive):
    """WO-6, WO-2: holder=南京 is Nanjing's city team (a city's name is its team)."""
    dispatched = drive(accept(), "dispatch")
    kept = accept()
    page = _page(client, staff.supervisor, "/workorders/", queue="all", holder="南京")
    assert dispatched.number in page and kept.number not in page


def test_an_ambiguous_filter_name_lists_the_candidates(client, staff, accept):
    """WO-6: a holder name several holders carry shows a readable message naming them, no rows."""
    order = accept()
    page = _page(client, staff.supervisor, "/workorders/", queue="all", holder="客户服务中心")
    assert "「客户服务中心」对应多个持有方" in page and "江苏客户服务中心（客服中心）" in page
    assert "department:CENTRE-JS" not in page.partition('class="messages"')[2].partition("</ul>")[0]
    assert order.number not in page


def test_queue_filters_and_bulk_target_carry_the_pickers(client, staff, accept):
    """WO-6: the filters for business, category, city and holder and the bulk dispatch target are
    picker inputs (names or codes, up to a name's length), and the page loads picker.js."""
    accept()
    page = _page(client, staff.supervisor, "/workorders/", queue="all")
    for name, kind in (
        ("business", "businesses"),
        ("category", "categories"),
        ("city", "cities"),
        ("holder", "holders"),
    ):
        assert re.search(rf'<input type="text" name="{name}"[^>]*data-picker="{kind}"', page), name
    assert re.search(r'<input name="to"[^>]*data-picker="holders"', page)
    assert "desk/picker.js" in page and "业务代码" not in page and "地市代码" not in page


def test_bulk_dispatch_to_nanjing(client, staff, accept):
    """WO-2, WO-4: a supervisor types 南京 as the bulk dispatch target: both orders go to Nanjing's team."""
    orders = [accept(), accept()]
    client.force_login(staff.supervisor)
    response = client.post(
        "/workorders/bulk/",
        {"action": "dispatch", "numbers": [o.number for o in orders], "to": "南京", "comment": "请核实"},
        follow=True,
    )
    assert "已派发 2 张工单" in response.content.decode()
    holders = WorkOrder.objects.filter(pk__in=[o.pk for o in orders]).values_list(
        "holder_department__code", flat=True
    )
    assert list(holders) == ["CITY-3201", "CITY-3201"]


def test_bulk_dispatch_to_an_ambiguous_name_changes_nothing(client, staff, accept):
    """WO-4: an ambiguous target is refused once, with the candidates named; no order moves."""
    orders = [accept(), accept()]
    events = WorkOrderEvent.objects.count()
    client.force_login(staff.supervisor)
    response = client.post(
        "/workorders/bulk/",
        {"action": "dispatch", "numbers": [o.number for o in orders], "to": "客户服务中心"},
        follow=True,
    )
    text = response.content.decode()
    assert "未知的持有方" not in text
    assert text.count("「客户服务中心」对应多个持有方") == 1 and 'data-code="name_ambiguous"' in text
    states = WorkOrder.objects.filter(pk__in=[o.pk for o in orders]).values_list("state", flat=True)
    assert set(states) == {"accepted"}
    assert WorkOrderEvent.objects.count() == events


def test_new_order_category_select_is_a_picker_of_its_request_type(client, staff):
    """WO-1, SR-3: the complaint form's category select is marked for the picker (ids, complaint
    categories) and still lists every option, so the form works without JavaScript."""
    page = _page(client, staff.agent, "/workorders/new/", kind="complaint")
    select = re.search(r"<select name=\"category\"[^>]*>", page).group(0)
    assert 'data-picker="categories"' in select and 'data-picker-field="id"' in select
    assert 'data-picker-request-type="complaint"' in select
    assert page.count("<option value=") > 100 and "desk/picker.js" in page
    swapped = _page(client, staff.agent, "/workorders/categories/", kind="consultation")
    assert 'data-picker-request-type="consultation"' in swapped


def test_triage_category_select_is_a_picker_too(client, staff, accept):
    """SR-3: the back office categorising an order in triage picks from the order kind's categories
    with the same picker; other pages sharing the options template keep a plain select."""
    order = accept(category=None, triage=True)
    page = _page(client, staff.back, f"/workorders/{order.number}/")
    select = re.search(r"<select name=\"category\"[^>]*>", page).group(0)
    assert 'data-picker="categories"' in select and 'data-picker-request-type="complaint"' in select
    assert "desk/picker.js" in page
    agent = _page(client, staff.agent, f"/workorders/{order.number}/")
    assert "desk/picker.js" not in agent  # nothing to categorise for the agent: no picker loaded
