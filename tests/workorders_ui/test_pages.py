"""The desk's work-order pages (WO-1, WO-2, WO-4..7, WO-10, SR-4, SYS-1): queues with filters and keyset
pages, the order page with only the actions the table allows, every action as a form calling the
engine, refusals as readable messages with nothing changed, supervisors' bulk actions, attachments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.contacts import services as contacts
from kefu.workorders import sla
from kefu.workorders import views as pages
from kefu.workorders.models import WorkOrder, WorkOrderEvent


def _page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _act(client, user, order, action, **fields):
    client.force_login(user)
    response = client.post(f"/workorders/{order.number}/act", {"action": action, **fields}, follow=True)
    assert response.status_code == 200
    order.refresh_from_db()
    return response.content.decode()


def test_queue_shows_each_users_holders_and_scope(
    client, staff, accept, drive, make_staff, zj_subscriber, complaint_category
):
    """WO-2, SYS-1: the city handler's "mine" holds what its city team holds; the centre's what the
    centre holds; "all" is the province; a ZJ order never shows."""
    at_centre = accept()
    at_city = drive(accept(), "dispatch")
    from kefu.workorders import services

    zj = services.order_accept(
        actor=make_staff("hotline_agent", "ZJ"),
        data=services.OrderInput(kind="complaint", subscriber=zj_subscriber, category=complaint_category),
    ).order
    city_page = _page(client, staff.city, "/workorders/")
    assert at_city.number in city_page and at_centre.number not in city_page
    centre_page = _page(client, staff.back, "/workorders/")
    assert at_centre.number in centre_page and at_city.number not in centre_page
    everything = _page(client, staff.supervisor, "/workorders/", queue="all")
    assert at_centre.number in everything and at_city.number in everything
    assert zj.number not in everything
    team = _page(client, staff.back, "/workorders/", queue="all", holder="department:CITY-3201")
    assert at_city.number in team and at_centre.number not in team


def test_queue_filters_and_keyset_pages(client, staff, accept, drive, monkeypatch):
    """WO-6: state and overdue filters; "下一页" continues after the last row shown."""
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    orders = [accept() for _ in range(5)]
    drive(orders[0], "dispatch")
    first = _page(client, staff.supervisor, "/workorders/", queue="all")
    assert [o.number in first for o in orders] == [False, False, False, True, True]
    assert f"after={orders[3].pk}" in first
    second = _page(client, staff.supervisor, "/workorders/", queue="all", after=orders[3].pk)
    assert [o.number in second for o in orders] == [False, True, True, False, False]
    dispatched = _page(client, staff.supervisor, "/workorders/", queue="all", state="dispatched")
    assert orders[0].number in dispatched and orders[1].number not in dispatched
    sla.sla_sweep(now=orders[0].order_due_at + timedelta(minutes=1))
    late = _page(client, staff.supervisor, "/workorders/", queue="all", overdue="1", state="dispatched")
    assert orders[0].number in late and "已升级" in late and "催办" in late


def test_order_page_offers_only_what_the_table_allows(client, staff, accept, drive):
    """WO-4: on a dispatched order the city handler sees receive and return, not archive; the agent
    sees urge and comment, not receive."""
    order = drive(accept(), "dispatch")
    city = _page(client, staff.city, f"/workorders/{order.number}/")
    for shown in ("action-receive", "action-return"):
        assert shown in city
    for hidden in ("action-archive", "action-dispatch", "action-feedback"):
        assert hidden not in city
    agent = _page(client, staff.agent, f"/workorders/{order.number}/")
    assert "action-urge" in agent and "action-comment" in agent and "action-receive" not in agent


def test_forbidden_action_is_a_readable_message_and_changes_nothing(client, staff, accept):
    """WO-4: posting an action the table refuses shows why; the order and its events are unchanged."""
    order = accept()
    events = WorkOrderEvent.objects.count()
    text = _act(client, staff.city, order, "archive")
    assert "不能执行“归档”" in text
    assert order.state == "accepted"
    assert WorkOrderEvent.objects.count() == events


def test_complaint_from_contact_through_city_to_archive(
    client, staff, subscriber, complaint_category, cause, resp_department
):
    """WO-1, WO-2, SR-4: a contact's complaint becomes an order (the service request carries its
    number); the centre dispatches to Nanjing, the city receives and replies, the centre records the
    customer's satisfaction and archives only with a responsibility cause and department."""
    contact = contacts.contact_create(
        actor=staff.agent,
        data=contacts.ContactInput(channel="hotline", subscriber=subscriber, summary="投诉扣费"),
    )
    request_ = contacts.service_request_add(
        actor=staff.agent, contact=contact, request_type="complaint", category=complaint_category
    )
    form = _page(
        client,
        staff.agent,
        "/workorders/new/",
        contact=contact.pk,
        service_request=request_.pk,
        kind="complaint",
    )
    assert subscriber.number in form and f'value="{complaint_category.pk}" selected' in form
    response = client.post(
        "/workorders/new/",
        {
            "number": subscriber.number,
            "kind": "complaint",
            "category": complaint_category.pk,
            "description": "客户称未订购却被扣费",
            "contact": contact.pk,
            "service_request": request_.pk,
            "idempotency_key": "form-1",
        },
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workorders/{order.number}/"
    request_.refresh_from_db()
    assert request_.reference == order.number
    assert order.customer_level == subscriber.level
    _act(client, staff.back, order, "dispatch", to="department:CITY-3201", comment="请南京处理")
    assert (order.state, order.holder_department.code) == ("dispatched", "CITY-3201")
    _act(client, staff.city, order, "receive")
    _act(client, staff.city, order, "reply", comment="已核实, 退还误扣费用")
    assert order.state == "replied"
    _act(client, staff.back, order, "feedback", satisfaction="satisfied", comment="客户认可")
    assert (order.state, order.satisfaction) == ("feedback", "satisfied")
    refused = _act(client, staff.back, order, "archive")
    assert "投诉归档须填写责任原因和责任部门" in refused and order.state == "feedback"
    _act(
        client,
        staff.back,
        order,
        "archive",
        responsibility_cause=cause.code,
        responsible_department=resp_department.code,
    )
    assert order.state == "archived"
    page = _page(client, staff.back, f"/workorders/{order.number}/")
    assert "已归档" in page and "满意" in page and cause.name in page


def test_bulk_urge_is_for_supervisors(client, staff, accept, drive):
    """WO-4, WO-5: a supervisor urges several orders at once; a back-office user may not."""
    orders = [drive(accept(), "dispatch") for _ in range(2)]
    client.force_login(staff.back)
    client.post("/workorders/bulk/", {"action": "urge", "numbers": [o.number for o in orders]})
    assert sum(WorkOrder.objects.values_list("urge_count", flat=True)) == 0
    client.force_login(staff.supervisor)
    response = client.post(
        "/workorders/bulk/",
        {"action": "urge", "numbers": [o.number for o in orders], "comment": "请加快"},
        follow=True,
    )
    assert "已催办 2 张工单" in response.content.decode()
    assert list(WorkOrder.objects.order_by("id").values_list("urge_count", flat=True)) == [1, 1]


def test_attachment_upload_and_download_in_scope_only(client, staff, accept, make_staff):
    """WO-6, SYS-1: a file attached from the page downloads for JS staff and is 404 for ZJ staff."""
    order = accept()
    client.force_login(staff.back)
    upload = SimpleUploadedFile("截图.txt", "扣费短信截图".encode(), content_type="text/plain")
    client.post(
        f"/workorders/{order.number}/act", {"action": "attach", "files": upload, "comment": "客户截图"}
    )
    attachment = order.attachments.get()
    page = _page(client, staff.back, f"/workorders/{order.number}/")
    assert "截图.txt" in page
    download = client.get(f"/workorders/attachments/{attachment.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == "扣费短信截图".encode()
    client.force_login(make_staff("back_office", "ZJ"))
    assert client.get(f"/workorders/attachments/{attachment.pk}").status_code == 404
    assert client.get(f"/workorders/{order.number}/").status_code == 404


def test_category_picker_follows_the_kind(client, staff, category_of):
    """SR-3: the picker lists business › problem › detail of the chosen kind's request type."""
    fault = category_of("fault_report")
    text = _page(client, staff.agent, "/workorders/categories/", kind="fault_report")
    assert f'value="{fault.pk}"' in text
    assert _page(client, staff.agent, "/workorders/categories/", kind="nonsense").count("<option") == 1


@pytest.mark.parametrize("level", ["gold"])
def test_new_order_takes_the_level_from_the_subscriber(
    client, staff, make_subscriber, complaint_category, level
):
    """TIER-1: the order's customer level is the subscriber's, shown on the form."""
    line = make_subscriber("3201", level=level)
    form = _page(client, staff.agent, "/workorders/new/", number=line.number)
    assert "金卡" in form
    client.post(
        "/workorders/new/",
        {
            "number": line.number,
            "kind": "complaint",
            "category": complaint_category.pk,
            "description": "x",
            "idempotency_key": "k",
        },
    )
    assert WorkOrder.objects.get().customer_level == "gold"


def test_order_page_links_to_its_cross_level_page(client, staff, accept):
    """WO-3: the order page links to the order's cross-level page (send to the hub, ask the hub), and
    once the order has crossed, the link names the cross-level number and its target."""
    from kefu.crosslevel.models import CrossLink

    order = accept()
    page = _page(client, staff.back, f"/workorders/{order.number}/")
    assert f'href="/crosslevel/{order.number}/"' in page and 'data-testid="crosslevel-link"' in page
    CrossLink.objects.create(order=order, number=order.number, role="origin", peer="HUB", target="SIMS")
    page = _page(client, staff.back, f"/workorders/{order.number}/")
    assert f"{order.number} · SIMS" in page
    assert _page(client, staff.back, f"/crosslevel/{order.number}/")


def test_refused_attachment_keeps_the_typed_comment_and_names_the_limit_in_mb(
    client, staff, accept, settings, tmp_path, api_client_for
):
    """WO-6: the page states the limit in MB (and gives the browser the bytes to check before upload);
    an oversized file is refused with a readable message naming the file and the limit, the order does
    not change, and the comment the user typed is back in its box (once)."""
    settings.MEDIA_ROOT = tmp_path
    settings.KEFU_ATTACHMENT_MAX_BYTES = 1024 * 1024
    order = accept()
    page = _page(client, staff.back, f"/workorders/{order.number}/")
    assert "每个文件不超过 1 MB" in page and 'data-max-bytes="1048576"' in page
    assert "workorders/attachments.js" in page
    events = order.events.count()
    big = SimpleUploadedFile("通话录音.wav", b"x" * (1024 * 1024 + 1), content_type="audio/wav")
    text = _act(client, staff.back, order, "attach", files=big, comment="客户提供的通话录音，请核实扣费")
    assert "附件“通话录音.wav”超过大小限制（1 MB）" in text
    assert ">客户提供的通话录音，请核实扣费</textarea>" in text
    assert order.attachments.count() == 0 and order.events.count() == events
    again = _page(client, staff.back, f"/workorders/{order.number}/")
    assert "客户提供的通话录音，请核实扣费" not in again  # refilled once, not for good

    response = api_client_for(staff.back).post(
        f"/api/v1/work-orders/{order.number}/attachments",
        {"files": [SimpleUploadedFile("big.txt", b"x" * (1024 * 1024 + 1), content_type="text/plain")]},
        format="multipart",
    )
    body = response.json()
    assert response.status_code == 413 and response["Content-Type"] == "application/problem+json"
    assert body["code"] == "attachment_too_large" and body["max_bytes"] == 1024 * 1024
    assert "1 MB" in body["detail"] and "字节" not in body["detail"]


def test_size_limit_reads_as_people_write_it(settings):
    """WO-6: 10 MiB reads 10 MB, 2.5 MiB reads 2.5 MB, 512 KiB reads 512 KB."""
    from kefu.workorders.attachments import max_size_text

    assert max_size_text(10 * 1024 * 1024) == "10 MB"
    assert max_size_text(5 * 1024 * 1024 // 2) == "2.5 MB"
    assert max_size_text(512 * 1024) == "512 KB"
    settings.KEFU_ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024
    assert max_size_text() == "3 MB"
