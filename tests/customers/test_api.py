"""The subscriber API: scope-limited lists and details, masked ID numbers, never a password hash."""

from __future__ import annotations

import json

import pytest

from kefu.core.choices import CustomerLevel, NetworkType
from kefu.customers.choices import Brand
from kefu.customers.selectors import subscriber_count

URL = "/api/v1/subscribers"


@pytest.fixture
def lines(make_subscriber):
    return {
        "nanjing": make_subscriber("3201", number="13900000001", level=CustomerLevel.GOLD),
        "suzhou": make_subscriber(
            "3205", number="15000000002", brand=Brand.EASYOWN, network_type=NetworkType.G2
        ),
        "hangzhou": make_subscriber("3301", number="13900000003", id_number="330106199001011234"),
    }


def numbers(response) -> set[str]:
    return {row["number"] for row in response.json()["results"]}


def test_a_province_user_lists_only_its_province(lines, js_agent, zj_agent, api_client_for):
    """SYS-1: a JS agent never sees ZJ subscribers, and the other way round."""
    assert numbers(api_client_for(js_agent).get(URL)) == {"13900000001", "15000000002"}
    assert numbers(api_client_for(zj_agent).get(URL)) == {"13900000003"}


def test_a_city_user_lists_only_its_city(lines, make_staff, api_client_for):
    """SYS-1: a city handler sees its city's subscribers only."""
    handler = make_staff("city_handler", "JS", "3205")
    assert numbers(api_client_for(handler).get(URL)) == {"15000000002"}


def test_subscriber_count_follows_scope(lines, js_agent, make_staff):
    """SYS-1: subscriber_count(user) counts within the user's scope."""
    assert subscriber_count(js_agent) == 2
    assert subscriber_count(make_staff("administrator", None, is_staff=True)) == 3
    assert subscriber_count(make_staff("city_handler", "ZJ", "3302")) == 0


def test_list_masks_id_numbers_and_never_shows_password_data(lines, js_agent, api_client_for):
    """VIEW-1, AUTH-3, AUTH-4: ID numbers masked; no hash, no password field anywhere."""
    response = api_client_for(js_agent).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    row = next(r for r in response.json()["results"] if r["number"] == "13900000001")
    assert row["id_number"] == "3201**********123X"
    assert "32010219800101123X" not in body
    assert "argon2" not in body and "service_password" not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("number=139", {"13900000001"}),
        ("brand=easyown", {"15000000002"}),
        ("level=gold", {"13900000001"}),
        ("network_type=2g", {"15000000002"}),
        ("home_city=3205", {"15000000002"}),
        ("status=active", {"13900000001", "15000000002"}),
        ("home_city=3301", set()),
    ],
)
def test_list_filters(lines, js_agent, api_client_for, query, expected):
    """VIEW-1, SYS-1: filters by number prefix, brand, level, network, home city and status, in scope."""
    assert numbers(api_client_for(js_agent).get(f"{URL}?{query}")) == expected


def test_list_uses_keyset_pagination(lines, js_admin, api_client_for, make_staff):
    """SYS-1: the list pages by cursor, and every line appears once across pages."""
    admin = make_staff("administrator", None, is_staff=True)
    client = api_client_for(admin)
    first = client.get(f"{URL}?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"] and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    assert {r["number"] for r in first["results"] + second["results"]} == {
        "13900000001",
        "15000000002",
        "13900000003",
    }


def test_detail_shows_the_unified_view_header(lines, js_agent, api_client_for):
    """VIEW-1: home location, name, level, brand, customer type, masked ID number, user type, status."""
    response = api_client_for(js_agent).get(f"{URL}/13900000001")
    assert response.status_code == 200
    data = response.json()
    assert data["customer_name"] == "王建国"
    assert data["level"] == "gold" and data["brand"] == "gotone" and data["customer_type"] == "individual"
    assert data["user_type"] == "3g_vip_gold"
    assert data["home_province"]["code"] == "JS" and data["home_city"]["code"] == "3201"
    assert data["id_number"] == "3201**********123X"
    assert data["status"] == "active"
    assert "argon2" not in response.content.decode()


def test_detail_out_of_scope_is_404_problem(lines, js_agent, api_client_for):
    """SYS-1: a ZJ number asked by a JS agent is not disclosed: 404 problem+json, like an unknown one."""
    client = api_client_for(js_agent)
    for number in ("13900000003", "13999999999"):
        response = client.get(f"{URL}/{number}")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
        assert json.loads(response.content)["code"] == "not_found"


@pytest.mark.parametrize("number", ["abc", "1390000", "23900000001", "139000000011234"])
def test_malformed_number_is_400_with_a_stable_code(lines, js_agent, api_client_for, number):
    """VIEW-1: a malformed number is a 400 problem+json with code invalid_subscriber_number."""
    response = api_client_for(js_agent).get(f"{URL}/{number}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_subscriber_number"


def test_anonymous_callers_are_refused(lines, api_client_for):
    """SYS-1: no token, no subscribers."""
    response = api_client_for(None).get(URL)
    assert response.status_code == 401
    assert "13900000001" not in response.content.decode()
