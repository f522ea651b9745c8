"""TMF629 Customer Management v4, read and list (VIEW-5, SYS-1): every response body is validated
against the official specification (tests/tmf/conftest.py)."""

from __future__ import annotations

import pytest

from kefu.customers.models import Customer, Subscriber
from tests.tmf.conftest import CUSTOMER, assert_conforms

API = "TMF629"
LIST, ONE = "/customer", "/customer/{id}"


@pytest.fixture
def agent(make_staff):
    return make_staff("hotline_agent", "JS")


def _ids(response):
    return [item["id"] for item in response.json()]


def test_list_is_scoped_paged_and_valid(js_lines, zj_lines, agent, api_client_for):
    """SYS-1, TMF630: a JS agent lists the JS customers only, by id, with offset/limit and exact
    X-Total-Count / X-Result-Count; valid against the spec."""
    client = api_client_for(agent)
    js_ids = [
        str(pk)
        for pk in Customer.objects.filter(province__code="JS").order_by("id").values_list("pk", flat=True)
    ]
    response = client.get(CUSTOMER)
    assert_conforms(API, response, path=LIST, method="get")
    assert _ids(response) == js_ids
    assert response["X-Total-Count"] == str(len(js_ids)) == "3"
    page = client.get(CUSTOMER, {"offset": 1, "limit": 1})
    assert_conforms(API, page, path=LIST, method="get")
    assert _ids(page) == js_ids[1:2]
    assert page["X-Total-Count"] == "3" and page["X-Result-Count"] == "1"
    zj_ids = {str(line.customer_id) for line in zj_lines}
    assert not zj_ids & set(_ids(response))


def test_retrieve_maps_the_customer_and_masks_personal_data(js_lines, make_staff, api_client_for):
    """VIEW-5: a customer with its lines, accounts and characteristics; the ID number is masked even for
    a role that may reveal personal data, the e-mail is masked, no street address is served."""
    line = js_lines[0]
    customer = line.customer
    customer.email = "zhangsan@example.com"
    customer.address = "南京市玄武区中山路1号"
    customer.save()
    assert line.status == "active"
    boss = make_staff("supervisor", "JS")
    assert boss.may_reveal_personal_data
    response = api_client_for(boss).get(f"{CUSTOMER}/{customer.pk}")
    assert_conforms(API, response, path=ONE, method="get")
    body = response.json()
    text = response.content.decode()
    assert customer.id_number not in text and "zhangsan@" not in text and "中山路" not in text
    assert body["id"] == str(customer.pk) and body["href"] == f"{CUSTOMER}/{customer.pk}"
    assert body["name"] == customer.name and body["status"] == "active"
    assert body["engagedParty"]["@referredType"] in ("Individual", "Organization")
    phones = [m["characteristic"]["phoneNumber"] for m in body["contactMedium"] if m["mediumType"] == "phone"]
    assert phones == [line.number]
    emails = [
        m["characteristic"]["emailAddress"] for m in body["contactMedium"] if m["mediumType"] == "email"
    ]
    assert emails == ["z***@example.com"]
    assert [a["id"] for a in body["account"]] == [str(line.account_id)]
    characteristics = {c["name"]: c["value"] for c in body["characteristic"]}
    assert characteristics["idNumber"] == customer.masked_id_number and "*" in characteristics["idNumber"]
    assert characteristics["level"] == customer.level
    assert characteristics["subscriber"]["number"] == line.number
    assert characteristics["subscriber"]["brand"] == line.brand
    assert characteristics["subscriber"]["homeProvince"] == "JS"


def test_fields_and_filters(js_lines, agent, api_client_for):
    """TMF630 ``fields`` and the filters name, status, characteristic.level, a line's phone number,
    engagedParty.@referredType."""
    client = api_client_for(agent)
    target = js_lines[1].customer
    fields = client.get(f"{CUSTOMER}/{target.pk}", {"fields": "name"})
    assert_conforms(API, fields, path=ONE, method="get")
    assert set(fields.json()) == {"id", "href", "@type", "name", "engagedParty"}
    by_name = client.get(CUSTOMER, {"name": target.name, "fields": "name"})
    assert_conforms(API, by_name, path=LIST, method="get")
    assert str(target.pk) in _ids(by_name)
    assert all(item["name"] == target.name for item in by_name.json())
    assert _ids(client.get(CUSTOMER, {"contactMedium.characteristic.phoneNumber": js_lines[1].number})) == [
        str(target.pk)
    ]
    level = client.get(CUSTOMER, {"characteristic.level": target.level})
    assert str(target.pk) in _ids(level)
    assert all(
        {"name": "level", "valueType": "string", "value": target.level} in i["characteristic"]
        for i in level.json()
    )

    Subscriber.objects.filter(customer=target).update(status="closed")
    inactive = client.get(CUSTOMER, {"status": "inactive"})
    assert str(target.pk) in _ids(inactive)
    assert all(item["status"] == "inactive" for item in inactive.json())
    assert str(target.pk) not in _ids(client.get(CUSTOMER, {"status": "active"}))
    people = client.get(CUSTOMER, {"engagedParty.@referredType": "Individual"})
    assert all(i["engagedParty"]["@referredType"] == "Individual" for i in people.json())


@pytest.mark.parametrize(
    "params", [{"status": "happy"}, {"engagedParty.@referredType": "Robot"}, {"offset": "-1"}, {"limit": "0"}]
)
def test_bad_list_input_is_a_400_tmf_error(js_lines, agent, api_client_for, params):
    """Bad input: 400 in TMF's Error shape."""
    response = api_client_for(agent).get(CUSTOMER, params)
    assert response.status_code == 400
    assert_conforms(API, response, path=LIST, method="get")


def test_out_of_scope_customer_is_404(js_lines, zj_lines, agent, api_client_for):
    """SYS-1: a ZJ customer does not exist for a JS agent; nor does a made-up id."""
    client = api_client_for(agent)
    for path in (f"{CUSTOMER}/{zj_lines[0].customer_id}", f"{CUSTOMER}/999999", f"{CUSTOMER}/abc"):
        response = client.get(path)
        assert response.status_code == 404
        assert_conforms(API, response, path=ONE, method="get")
    assert client.get(CUSTOMER, {"contactMedium.characteristic.phoneNumber": zj_lines[0].number}).json() == []


def test_only_reads_are_offered(js_lines, agent, api_client_for):
    """TMF629 here is read-only: POST, PATCH, PUT and DELETE answer 405 in TMF's Error shape and change
    nothing; anonymous reads are 401."""
    client = api_client_for(agent)
    customer = js_lines[0].customer
    name = customer.name
    attempts = [
        (client.post(CUSTOMER, {"name": "x"}, format="json"), LIST, "post"),
        (client.patch(f"{CUSTOMER}/{customer.pk}", {"name": "x"}, format="json"), ONE, "patch"),
        (client.put(f"{CUSTOMER}/{customer.pk}", {"name": "x"}, format="json"), ONE, "patch"),
        (client.delete(f"{CUSTOMER}/{customer.pk}"), ONE, "delete"),
    ]
    for response, path, method in attempts:
        assert response.status_code == 405
        assert_conforms(API, response, path=path, method=method)
    customer.refresh_from_db()
    assert customer.name == name and Customer.objects.count() == len(js_lines) == 3
    anonymous = api_client_for(None).get(CUSTOMER)
    assert anonymous.status_code == 401
    assert_conforms(API, anonymous, path=LIST, method="get")


def test_list_query_count_is_fixed(js_lines, agent, api_client_for, django_assert_max_num_queries):
    """A page of customers costs the same queries for one item as for three."""
    client = api_client_for(agent)
    client.get(CUSTOMER, {"limit": 1})  # the token is checked once, then remembered
    with django_assert_max_num_queries(10) as one:
        client.get(CUSTOMER, {"limit": 1})
    with django_assert_max_num_queries(10) as three:
        client.get(CUSTOMER, {"limit": 3})
    assert len(one.captured_queries) == len(three.captured_queries)
