"""SVC-2 on the desk: the account manager's page lists their customers' open service requests and
work orders (and nothing of other customers); supervisors assign managers from the same page."""

from __future__ import annotations

import pytest

from kefu.contacts.models import ContactRecord, ServiceRequest
from kefu.core.models import AuditEvent
from kefu.customers.models import Customer
from kefu.workorders import services as order_services
from kefu.workorders.actions import ACTIONS
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
PAGE = "/desk/account-managers/"


@pytest.fixture
def people(make_staff):
    class People:
        manager = make_staff("vip_manager", "JS", city="3201", job_number="JSV100")
        other_manager = make_staff("vip_manager", "JS", city="3201", job_number="JSV101")
        agent = make_staff("hotline_agent", "JS", job_number="JSA100")
        supervisor = make_staff("supervisor", "JS", job_number="JSS100")

    return People


def request_of(line, *, status="open", reference=""):
    contact = ContactRecord.objects.create(
        channel="hotline",
        province=line.home_province,
        city=line.home_city,
        subscriber=line,
        number=line.number,
        status=status,
    )
    return ServiceRequest.objects.create(
        contact=contact,
        request_type="complaint",
        module="work_order",
        description=f"诉求 {line.number}",
        reference=reference,
    )


def order_of(line, agent):
    from kefu.catalog.models import CategoryNode

    category = CategoryNode.objects.filter(
        request_type="complaint", version__is_current=True, depth=2
    ).first()
    data = order_services.OrderInput(kind="complaint", subscriber=line, category=category)
    return order_services.order_accept(actor=agent, data=data).order


def test_manager_sees_their_customers_open_requests_and_orders(client, people):
    """SVC-2: the manager's page lists the open orders (closed ones left out) and the open service
    requests (contact still open, or its order still open) of their customers only, ranked orders
    first; each customer is listed with its number of lines."""
    mine = SubscriberFactory(level="gold")
    Customer.objects.filter(pk=mine.customer_id).update(account_manager=people.manager)
    theirs = SubscriberFactory(level="gold")
    Customer.objects.filter(pk=theirs.customer_id).update(account_manager=people.other_manager)

    open_order = order_of(mine, people.agent)
    closed_order = order_of(mine, people.agent)
    ACTIONS["cancel"].perform(actor=people.agent, order=closed_order, data={"reason": "客户撤诉"})
    order_of(theirs, people.agent)
    open_request = request_of(mine)
    follows_order = request_of(mine, status="closed", reference=open_order.number)
    request_of(mine, status="closed", reference=closed_order.number)  # done: not listed
    request_of(theirs)

    client.force_login(people.manager)
    response = client.get(PAGE)
    assert response.status_code == 200
    book = response.context["book"]
    assert [o.number for o in book.orders] == [open_order.number]
    assert [r.pk for r in book.requests] == [follows_order.pk, open_request.pk]
    assert [(c.pk, c.lines) for c in book.customers] == [(mine.customer_id, 1)]
    html = response.content.decode()
    assert open_order.number in html and closed_order.number not in html
    assert theirs.number not in html


def test_page_is_for_managers_supervisors_and_administrators(client, people):
    """SVC-2: a hotline agent is refused the page (403) and does not see it in the navigation; the
    manager does."""
    client.force_login(people.agent)
    assert client.get(PAGE).status_code == 403
    assert PAGE not in client.get("/").content.decode()
    client.force_login(people.manager)
    assert PAGE in client.get("/").content.decode()


def test_supervisor_assigns_from_the_desk(client, people):
    """SVC-2: the supervisor's page lists unassigned VIP customers and the managers; the form assigns
    through the service (audited); an ordinary customer is refused with a readable message and keeps
    no manager."""
    vip = SubscriberFactory(level="diamond")
    ordinary = SubscriberFactory()
    client.force_login(people.supervisor)
    page = client.get(PAGE)
    assert [c.pk for c in page.context["unassigned"]] == [vip.customer_id]
    assert {m.job_number for m in page.context["managers"]} == {"JSV100", "JSV101"}

    done = client.post(PAGE + "assign", {"number": vip.number, "manager": "JSV100"}, follow=True)
    assert Customer.objects.get(pk=vip.customer_id).account_manager == people.manager
    assert "已为" in done.content.decode()
    refused = client.post(PAGE + "assign", {"number": ordinary.number, "manager": "JSV100"}, follow=True)
    assert "只有VIP客户和集团客户可以指定客户经理" in refused.content.decode()
    assert Customer.objects.get(pk=ordinary.customer_id).account_manager is None
    assert AuditEvent.objects.filter(action="customers.customer.assign_account_manager").count() == 1


def test_manager_book_is_three_queries_whatever_the_number_of_customers(people, django_assert_num_queries):
    """SVC-2: the manager's lists are three queries (customers, orders, requests), however many
    customers, orders and requests there are."""
    from kefu.desk.account_managers import manager_book

    for level in ("gold", "diamond", "supreme"):
        line = SubscriberFactory(level=level)
        Customer.objects.filter(pk=line.customer_id).update(account_manager=people.manager)
        order_of(line, people.agent)
        request_of(line)
    with django_assert_num_queries(3):
        book = manager_book(people.manager)
        assert (len(book.customers), len(book.orders), len(book.requests)) == (3, 3, 3)
        assert [o.priority for o in book.orders] == [4, 3, 2]
        assert {o.subscriber.customer.name for o in book.orders}
