"""Pickers by name and pinyin (issue 12) — ``GET /api/v1/pickers/{kind}`` for businesses, categories
(a tree), cities, departments and holders (SYS-1: holders within the user's scope), and names typed
where the order list and dispatch expect codes (WO-6, WO-2, WO-4)."""

from __future__ import annotations

import time

import pytest

from kefu.catalog.models import CategoryNode
from kefu.workorders.models import WorkOrder

URL = "/api/v1/pickers"
ORDERS = "/api/v1/work-orders"


def _get(client, kind, **params):
    response = client.get(f"{URL}/{kind}", params)
    assert response.status_code == 200, response.content
    return response.json()


def _codes(rows):
    return [row["code"] for row in rows]


@pytest.mark.parametrize("query", ["南京", "nanjing", "nj", "Nanjing"])
def test_cities_by_name_pinyin_initials_and_english_name(api_client_for, staff, query):
    """SYS-1: 南京, nanjing, nj (and its English name) all put Nanjing first, with its area code."""
    rows = _get(api_client_for(staff.supervisor), "cities", q=query)
    assert rows[0]["code"] == "3201" and rows[0]["label"] == "南京"
    assert rows[0]["hint"] == "区号 025"


def test_cities_are_those_of_the_users_province(api_client_for, staff):
    """SYS-1: a JS supervisor picks among JS's cities; Hangzhou is not offered."""
    client = api_client_for(staff.supervisor)
    codes = _codes(_get(client, "cities", limit=500))
    assert "3201" in codes and "3301" not in codes
    assert all(code.startswith("32") for code in codes)
    assert _get(client, "cities", q="hangzhou") == []


@pytest.mark.parametrize("query", ["彩铃", "cailing", "cl"])
def test_businesses_by_name_pinyin_and_initials(api_client_for, staff, query):
    """SR-3, SYS-1: a business is found by its name, pinyin or initials."""
    assert "crbt" in _codes(_get(api_client_for(staff.agent), "businesses", q=query, limit=5))


def test_a_business_is_found_by_its_old_name(api_client_for, staff):
    """SR-3: 139社区 was renamed 移动微博; the old name still finds it and the hint says so."""
    rows = _get(api_client_for(staff.agent), "businesses", q="139社区")
    assert rows[0]["code"] == "mobile_weibo" and rows[0]["label"] == "移动微博"
    assert "139社区" in rows[0]["hint"]


def test_category_search_shows_the_path_and_the_node_id(api_client_for, staff):
    """SR-3: a category is found by the pinyin of its business and its own initials; the row carries
    its path (business › problem › detail) and its node id (what the order form takes)."""
    rows = _get(api_client_for(staff.agent), "categories", q="wxyy wdg", request_type="complaint")
    assert len(rows) == 1
    row = rows[0]
    assert (row["label"], row["path"]) == ("未订购却扣费", "无线音乐 › 扣费争议 › 未订购却扣费")
    node = CategoryNode.objects.get(pk=row["id"])
    assert (node.code, node.request_type, node.version.is_current) == (row["code"], "complaint", True)
    assert row["selectable"] is True


def test_category_search_keeps_to_its_request_type_and_business(api_client_for, staff):
    """SR-3: filtered by request type and business, only that business's categories of that type."""
    rows = _get(
        api_client_for(staff.agent), "categories", q="kf", request_type="complaint", business="crbt", limit=50
    )
    assert rows and all(row["path"].startswith("彩铃 › ") for row in rows)
    ids = [row["id"] for row in rows]
    assert set(CategoryNode.objects.filter(pk__in=ids).values_list("request_type", flat=True)) == {
        "complaint"
    }


def test_categories_are_a_tree(api_client_for, staff):
    """SR-3: without a query the categories list one level: businesses (groups, not selectable), then
    a business's problems, then a problem's details; only rows without details are selectable."""
    client = api_client_for(staff.agent)
    roots = _get(client, "categories", request_type="complaint", limit=500)
    music = next(row for row in roots if row["code"] == "wireless_music")
    assert (
        music["selectable"] is False and music["key"] == "business:wireless_music" and music["children"] > 0
    )
    problems = _get(client, "categories", request_type="complaint", parent=music["key"], limit=500)
    assert len(problems) == music["children"]
    billing = next(row for row in problems if row["label"] == "扣费争议")
    assert billing["selectable"] is False and billing["path"] == "无线音乐 › 扣费争议"
    details = _get(client, "categories", request_type="complaint", parent=billing["key"], limit=500)
    assert [row["label"] for row in details] == ["未订购却扣费", "退订后仍扣费", "重复扣费", "资费与宣传不符"]
    assert all(row["selectable"] and row["parent"] == billing["key"] for row in details)


def test_departments_by_pinyin(api_client_for, staff):
    """SR-4, SYS-1: departments are found by pinyin, with their kind as the hint."""
    rows = _get(api_client_for(staff.back), "departments", q="wangluo")
    assert rows[0]["code"] == "RESP-NETWORK" and rows[0]["hint"] == "责任部门"


def test_holders_are_limited_to_the_users_scope(api_client_for, staff, make_staff):
    """SYS-1: a JS supervisor picks JS holders (the Nanjing team, group and VIP managers), never ZJ's;
    a Suzhou handler sees Suzhou's team, the centre and the responsible departments, not Nanjing's."""
    make_staff("vip_manager", "ZJ", job_number="ZJV001", name="杭州经理")
    supervisor = _codes(_get(api_client_for(staff.supervisor), "holders", limit=500))
    assert {"department:CITY-3201", "group:GRP-3201", "department:CENTRE-JS", "staff:JSV001"} <= set(
        supervisor
    )
    assert not {"department:CITY-3301", "group:GRP-3301", "staff:ZJV001"} & set(supervisor)
    suzhou = _codes(_get(api_client_for(staff.other_city), "holders", limit=500))
    assert {"department:CITY-3205", "department:CENTRE-JS", "department:RESP-NETWORK"} <= set(suzhou)
    assert not {"department:CITY-3201", "group:GRP-3201"} & set(suzhou)


def test_holders_by_typing_nanjing(api_client_for, staff):
    """WO-2: typing 南京 (or nj) offers Nanjing's city team and group, the team first."""
    for query in ("南京", "nj"):
        rows = _get(api_client_for(staff.supervisor), "holders", q=query)
        assert _codes(rows)[:2] == ["department:CITY-3201", "group:GRP-3201"]


def test_one_row_by_its_code(api_client_for, staff):
    """SYS-1: a form holding a code asks for its label (code=…)."""
    assert _get(api_client_for(staff.back), "cities", code="3205") == [
        {"code": "3205", "label": "苏州", "hint": "区号 0512", "selectable": True}
    ]


def test_unknown_kind_is_a_404_problem(api_client_for, staff):
    """API: a picker that does not exist is 404 problem+json with a stable code."""
    response = api_client_for(staff.agent).get(f"{URL}/planets", {"q": "nj"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "unknown_picker"


def test_bad_limit_is_a_400_problem(api_client_for, staff):
    """API: limit must be a number in range."""
    response = api_client_for(staff.agent).get(f"{URL}/cities", {"limit": "lots"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_number"


def test_pickers_need_a_login(api_client_for):
    """SYS-1: no token, no picker."""
    assert api_client_for(None).get(f"{URL}/cities").status_code == 401


@pytest.mark.parametrize(
    ("kind", "params", "queries"),
    [
        ("businesses", {"q": "cl"}, 3),  # token, old names, businesses
        ("categories", {"q": "wxyy wdg", "request_type": "complaint"}, 3),  # token, catalog stamp, nodes
        ("cities", {"q": "nj"}, 2),
        ("departments", {"q": "wl"}, 2),
        ("holders", {"q": "nj"}, 4),  # token, departments, groups, VIP managers
    ],
)
def test_each_picker_is_a_fixed_few_queries(
    api_client_for, staff, django_assert_max_num_queries, kind, params, queries
):
    """SYS-1: a picker's answer costs a fixed few queries, whatever it finds."""
    client = api_client_for(staff.supervisor)
    with django_assert_max_num_queries(queries):
        assert client.get(f"{URL}/{kind}", params).status_code == 200


def test_the_category_picker_answers_in_a_few_milliseconds(
    api_client_for, staff, django_assert_max_num_queries
):
    """SR-3: once read, the ~500 complaint categories are kept with their pinyin keys; a query over them
    costs the catalog stamp (one query) and the search. The bound is loose (a busy machine); the
    measured figure is in the report."""
    client = api_client_for(staff.agent)
    client.get(f"{URL}/categories", {"q": "x", "request_type": "complaint"})  # read and index once
    with django_assert_max_num_queries(4):  # the catalog stamp, one per query (the token is cached)
        started = time.perf_counter()
        for query in ("wdg", "wxyy kf", "扣费", "cl"):
            assert (
                client.get(f"{URL}/categories", {"q": query, "request_type": "complaint"}).status_code == 200
            )
    assert (time.perf_counter() - started) / 4 < 0.25


def test_a_new_category_version_shows_at_once(api_client_for, staff, make_staff):
    """SR-3: publishing a category change is seen by the next picker query (no stale cache)."""
    from kefu.catalog import services as catalog
    from kefu.catalog.models import Business

    client = api_client_for(staff.agent)
    assert _get(client, "categories", q="彩铃音质差", request_type="complaint") == []
    admin = make_staff("administrator", None)
    catalog.category_tree_revise(
        actor=admin,
        business=Business.objects.get(code="crbt"),
        add=[{"request_type": "complaint", "name": "彩铃音质差"}],
    )
    rows = _get(client, "categories", q="彩铃音质差", request_type="complaint")
    assert [row["path"] for row in rows] == ["彩铃 › 彩铃音质差"]


# --- names where codes are expected -------------------------------------------------------------------


def test_order_list_takes_a_city_name(api_client_for, staff, accept, zj_subscriber):
    """WO-6: city=南京 lists what city=3201 lists."""
    order = accept()
    client = api_client_for(staff.supervisor)
    by_code = client.get(ORDERS, {"city": "3201"}).json()["results"]
    by_name = client.get(ORDERS, {"city": "南京"}).json()["results"]
    assert [r["number"] for r in by_name] == [r["number"] for r in by_code] == [order.number]


def test_order_list_takes_a_holder_name_and_a_business_name(api_client_for, staff, accept, drive):
    """WO-6, WO-2: holder=南京 (a city's name: its team) and business=<name> filter like their codes."""
    order = drive(accept(), "dispatch")
    client = api_client_for(staff.supervisor)
    assert [r["number"] for r in client.get(ORDERS, {"holder": "南京"}).json()["results"]] == [order.number]
    name = order.business.name
    assert [r["number"] for r in client.get(ORDERS, {"business": name}).json()["results"]] == [order.number]


def test_an_ambiguous_or_unknown_name_is_refused_with_candidates(api_client_for, staff):
    """WO-6: a name several holders carry is 422 name_ambiguous listing them; a name of nothing is
    422 name_unknown."""
    client = api_client_for(staff.supervisor)
    response = client.get(ORDERS, {"holder": "客户服务中心"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "name_ambiguous"
    assert {"code": "department:CENTRE-JS", "label": "江苏客户服务中心"} in body["candidates"]
    assert "江苏客户服务中心" in body["detail"]
    unknown = client.get(ORDERS, {"city": "火星"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "name_unknown"


def test_dispatch_takes_a_holder_name(api_client_for, staff, accept):
    """WO-2, WO-4: dispatch to=南京 sends the order to Nanjing's city team."""
    order = accept()
    response = api_client_for(staff.back).post(
        f"{ORDERS}/{order.number}/dispatch", {"to": "南京"}, format="json"
    )
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.holder_department.code == "CITY-3201"


def test_dispatch_to_an_ambiguous_name_changes_nothing(api_client_for, staff, accept):
    """WO-4: an ambiguous target is refused with the candidates, and the order stays where it was."""
    order = accept()
    response = api_client_for(staff.back).post(
        f"{ORDERS}/{order.number}/dispatch", {"to": "客户服务中心"}, format="json"
    )
    assert response.status_code == 422 and response.json()["code"] == "name_ambiguous"
    assert len(response.json()["candidates"]) >= 2
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert (fresh.state, fresh.holder_department_id, fresh.event_seq) == (
        order.state,
        order.holder_department_id,
        order.event_seq,
    )


def test_the_picker_is_in_the_openapi_document(client):
    """API: /api/v1/pickers/{kind} is documented with its kinds."""
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/pickers/{kind}"]["get"]
    kind = next(p for p in operation["parameters"] if p["name"] == "kind")
    assert kind["schema"]["enum"] == ["businesses", "categories", "cities", "departments", "holders"]
    assert {"q", "limit", "business", "request_type", "parent", "code"} <= {
        p["name"] for p in operation["parameters"]
    }
