"""SVC-2: VIP and enterprise customers get an account manager, assigned by supervisors and
administrators through one audited service (API, admin, ``kefu assignmanagers``)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kefu.core.choices import CustomerType
from kefu.core.models import AuditEvent
from kefu.customers.models import Customer
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_staff):
    class People:
        supervisor = make_staff("supervisor", "JS", job_number="JSS100")
        admin = make_staff("administrator", "JS", job_number="JSADM1", is_staff=True)
        agent = make_staff("hotline_agent", "JS", job_number="JSA100")
        manager = make_staff("vip_manager", "JS", city="3201", job_number="JSV100", name="陈经理")
        suzhou_manager = make_staff("vip_manager", "JS", city="3205", job_number="JSV500")
        zj_manager = make_staff("vip_manager", "ZJ", city="3301", job_number="ZJV100")
        zj_supervisor = make_staff("supervisor", "ZJ", job_number="ZJS100")

    return People


def url(number: str) -> str:
    return f"/api/v1/subscribers/{number}/account-manager"


def manager_of(line) -> str | None:
    customer = Customer.objects.select_related("account_manager").get(pk=line.customer_id)
    return customer.account_manager.job_number if customer.account_manager else None


@pytest.mark.parametrize(
    ("level", "customer_type"),
    [("gold", CustomerType.INDIVIDUAL), ("ordinary", CustomerType.ENTERPRISE)],
    ids=["vip", "enterprise"],
)
def test_supervisor_assigns_and_removes_an_account_manager(api_client_for, people, level, customer_type):
    """SVC-2: a supervisor assigns a VIP or enterprise customer to a VIP manager of the province and
    takes them away again; each change is one audit row with the job numbers before and after."""
    line = SubscriberFactory(level=level, customer__customer_type=customer_type)
    client = api_client_for(people.supervisor)

    response = client.put(url(line.number), {"account_manager": "JSV100"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["account_manager"] == "JSV100"
    assert response.json()["account_manager_name"] == "陈经理"
    assert manager_of(line) == "JSV100"

    assert client.put(url(line.number), {"account_manager": None}, format="json").status_code == 200
    assert manager_of(line) is None
    events = AuditEvent.objects.filter(action="customers.customer.assign_account_manager").order_by("id")
    assert [e.changes["account_manager"] for e in events] == [
        {"before": "", "after": "JSV100"},
        {"before": "JSV100", "after": ""},
    ]
    assert [e.actor_job_number for e in events] == ["JSS100", "JSS100"]
    assert client.get(url(line.number)).json()["account_manager"] == ""


@pytest.mark.parametrize(
    ("who", "manager", "level", "status", "code"),
    [
        ("agent", "JSV100", "gold", 403, "permission_denied"),
        ("manager", "JSV100", "gold", 403, "permission_denied"),
        ("supervisor", "JSA100", "gold", 400, "not_an_account_manager"),
        ("supervisor", "ZJV100", "gold", 400, "not_an_account_manager"),
        ("supervisor", "JSV500", "gold", 400, "not_an_account_manager"),  # Suzhou's manager, Nanjing line
        ("supervisor", "NOSUCH", "gold", 400, "not_an_account_manager"),
        ("supervisor", "JSV100", "ordinary", 422, "not_vip_or_enterprise"),
        ("zj_supervisor", "JSV100", "gold", 404, "not_found"),
    ],
    ids=[
        "agent",
        "vip-manager-self",
        "not-a-manager",
        "other-province",
        "other-city",
        "unknown",
        "ordinary",
        "out-of-scope",
    ],
)
def test_refusals_change_nothing(api_client_for, people, who, manager, level, status, code):
    """SVC-2: only supervisors and administrators assign, only a VIP manager of the customer's
    province whose scope holds the customer, only to a VIP or enterprise customer in the assigner's scope; a refusal is problem+json
    with a stable code and changes nothing (no assignment, no audit row)."""
    line = SubscriberFactory(level=level)
    response = api_client_for(getattr(people, who)).put(
        url(line.number), {"account_manager": manager}, format="json"
    )
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert manager_of(line) is None
    assert not AuditEvent.objects.filter(action="customers.customer.assign_account_manager").exists()


def test_assign_command_gives_each_city_its_manager(people):
    """SVC-2: ``kefu assignmanagers`` gives VIP and enterprise customers without a manager the VIP
    manager of their city (audited, once each); ordinary customers and cities without a manager
    are left alone, and a second run assigns nothing more."""
    vip = SubscriberFactory(home="3201", level="diamond")
    enterprise = SubscriberFactory(home="3205", customer__customer_type=CustomerType.ENTERPRISE)
    ordinary = SubscriberFactory(home="3201")
    no_manager_city = SubscriberFactory(home="3202", level="gold")
    call_command("assignmanagers", actor="JSADM1", province="JS", verbosity=0)
    assert [manager_of(s) for s in (vip, enterprise, ordinary, no_manager_city)] == [
        "JSV100",
        "JSV500",
        None,
        None,
    ]
    assert AuditEvent.objects.filter(action="customers.customer.assign_account_manager").count() == 2
    call_command("assignmanagers", actor="JSADM1", verbosity=0)
    assert AuditEvent.objects.filter(action="customers.customer.assign_account_manager").count() == 2


def test_assign_command_stays_in_the_actors_scope(people):
    """SVC-2: run by a JS supervisor for every province, the command assigns JS customers only; a
    Hangzhou VIP customer keeps no manager although Hangzhou has one."""
    js_vip = SubscriberFactory(home="3201", level="gold")
    zj_vip = SubscriberFactory(home="3301", level="gold")
    call_command("assignmanagers", actor="JSS100", verbosity=0)
    assert (manager_of(js_vip), manager_of(zj_vip)) == ("JSV100", None)


def test_admin_change_goes_through_the_service(client, people):
    """SVC-2: changing the account manager on the admin's customer page assigns through the service
    (audited as an assignment); an ordinary customer is refused there too and keeps none."""
    vip = SubscriberFactory(level="gold")
    ordinary = SubscriberFactory()
    client.force_login(people.admin)
    for line in (vip, ordinary):
        page = client.get(f"/admin/customers/customer/{line.customer_id}/change/")
        assert page.status_code == 200
        form = page.context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None and k != "account_manager"}
        data.update(
            {
                "province": line.customer.province_id,
                "city": line.customer.city_id,
                "created_at_0": "2020-01-01",
                "created_at_1": "00:00:00",
                "account_manager": people.manager.pk,
            }
        )
        data.pop("created_at", None)
        client.post(f"/admin/customers/customer/{line.customer_id}/change/", data)
    assert manager_of(vip) == "JSV100"
    assert manager_of(ordinary) is None
    events = AuditEvent.objects.filter(action="customers.customer.assign_account_manager")
    assert [e.object_id for e in events] == [str(vip.customer_id)]
