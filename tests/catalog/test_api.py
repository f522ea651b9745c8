"""Read API of the catalog under /api/v1/ (SR-3, SR-4, WO-5): lists, details, filters, and refused
writes."""

from __future__ import annotations

import pytest

from kefu.catalog import selectors, services
from kefu.catalog.models import Business, CategoryNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(js_agent, api_client_for):
    return api_client_for(js_agent)


def test_business_list_and_filters(agent_client):
    """SR-3: businesses can be listed and filtered by status and kind."""
    everything = agent_client.get("/api/v1/businesses")
    assert everything.status_code == 200
    assert len(everything.json()) == Business.objects.count()
    offline = agent_client.get("/api/v1/businesses", {"status": "offline"}).json()
    assert {b["name"] for b in offline} == {
        "随E行",
        "证信通",
        "信息管家MDO(高阳)",
        "保信通",
        "世博业务(上海基地)",
    }
    sims = agent_client.get("/api/v1/businesses", {"kind": "monternet"}).json()
    assert sorted(b["code"] for b in sims) == [
        "monternet_ivr",
        "monternet_mms",
        "monternet_sms",
        "wap",
    ]
    bad = agent_client.get("/api/v1/businesses", {"status": "gone"})
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"


def test_business_search_finds_old_names(agent_client):
    """SR-3: searching by an old name finds the renamed business."""
    found = agent_client.get("/api/v1/businesses", {"search": "139社区"}).json()
    assert [b["name"] for b in found] == ["移动微博"]
    found = agent_client.get("/api/v1/businesses", {"search": "手机证券"}).json()
    assert {b["name"] for b in found} == {"手机证券(指南针版)", "手机证券(短彩信版)", "手机证券(大智慧版)"}


def test_business_detail_with_history(agent_client):
    """SR-3: the detail carries the name history and the current category version."""
    body = agent_client.get("/api/v1/businesses/industry_news").json()
    assert body["name"] == "行业手机报"
    assert [n["name"] for n in body["names"]] == ["ADC平台", "行业手机报"]
    assert body["names"][0]["valid_until"] == "2012-09-27"
    assert body["current_category_version"]["number"] == 2
    assert body["current_category_version"]["business_name"] == "行业手机报"
    assert body["category_versions"] == [1, 2]
    assert agent_client.get("/api/v1/businesses/NOPE").status_code == 404


def test_request_categories_default_to_current_version(agent_client):
    """SR-3: the list shows current versions unless a version is asked for."""
    current = agent_client.get(
        "/api/v1/request-categories", {"business": "mobile_weibo", "request_type": "complaint"}
    ).json()
    assert current["results"]
    assert {row["version"] for row in current["results"]} == {2}
    assert {row["business_name"] for row in current["results"]} == {"移动微博"}
    old = agent_client.get(
        "/api/v1/request-categories",
        {"business": "mobile_weibo", "request_type": "complaint", "version": "1"},
    ).json()
    assert {row["business_name"] for row in old["results"]} == {"139社区"}
    assert old["results"][0]["path"].startswith("投诉 > 139社区 > ")
    every = agent_client.get(
        "/api/v1/request-categories", {"business": "mobile_weibo", "version": "all"}
    ).json()
    assert {row["version"] for row in every["results"]} == {1, 2}


def test_request_categories_by_parent(agent_client):
    """SR-3: problems (parent=none) and the details under one problem."""
    problems = agent_client.get(
        "/api/v1/request-categories",
        {"business": "broadband", "request_type": "fault_report", "parent": "none"},
    ).json()["results"]
    assert [p["name"] for p in problems] == [
        "无法上网且无法通话",
        "能通话不能上网",
        "网速慢",
        "网络不稳定、掉线",
        "其他",
    ]
    details = agent_client.get("/api/v1/request-categories", {"parent": problems[2]["id"]}).json()["results"]
    assert [d["name"] for d in details] == ["速率低于签约带宽", "特定时段网速慢", "访问特定网站慢"]
    assert agent_client.get("/api/v1/request-categories", {"parent": "x"}).status_code == 400


def test_request_category_list_is_paginated(agent_client):
    """SR-3: the category list uses keyset pagination."""
    first = agent_client.get("/api/v1/request-categories", {"page_size": 10}).json()
    assert len(first["results"]) == 10
    second = agent_client.get(first["next"]).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_request_category_detail_of_old_node(agent_client, js_admin, music):
    """SR-3: a node of an old version stays readable by id with its old path."""
    held = selectors.category_node_by_path(music, "complaint", "扣费争议", "未订购却扣费")
    services.business_rename(actor=js_admin, business=music, new_name="咪咕音乐")
    body = agent_client.get(f"/api/v1/request-categories/{held.pk}").json()
    assert body["path"] == "投诉 > 无线音乐 > 扣费争议 > 未订购却扣费"
    assert body["path_names"] == ["投诉", "无线音乐", "扣费争议", "未订购却扣费"]
    assert body["is_current"] is False
    assert body["children"] == []
    problem = agent_client.get(f"/api/v1/request-categories/{held.parent_id}").json()
    assert "未订购却扣费" in [c["name"] for c in problem["children"]]


def test_responsibility_causes_and_departments(agent_client):
    """SR-4: causes and responsible departments, with 000's additions."""
    causes = agent_client.get("/api/v1/responsibility-causes").json()
    by_code = {c["code"]: c for c in causes}
    assert by_code["OTH-OTHER"]["name"] == "其他责任原因"
    assert by_code["EXT-AUTHORITY"]["parent"] == "EXT"
    top = agent_client.get("/api/v1/responsibility-causes", {"parent__code__isnull": "true"}).json()
    assert all(c["parent"] is None for c in top) and len(top) == 10
    departments = agent_client.get("/api/v1/responsible-departments").json()
    assert "其他部门" in {d["name"] for d in departments}
    assert "RESP-OTHER" in {d["code"] for d in departments}
    assert not any(d["code"].startswith("CENTRE-") for d in departments)
    assert agent_client.get("/api/v1/responsible-departments/RESP-OTHER").json()["name"] == "其他部门"


def test_time_limits_list_and_resolve(agent_client):
    """WO-5, TIER-1, SVC-2: time limits can be listed by filter (the enterprise rows apart) and
    resolved for a category and level."""
    defaults = agent_client.get(
        "/api/v1/time-limits", {"request_type": "complaint", "business": "none", "customer_type": "any"}
    ).json()["results"]
    assert {row["customer_level"]: row["order_hours"] for row in defaults} == {
        "": 48,
        "ordinary": 48,
        "silver": 36,
        "gold": 24,
        "diamond": 12,
        "supreme": 12,
    }
    any_level = agent_client.get(
        "/api/v1/time-limits", {"customer_level": "any", "business": "none", "customer_type": "any"}
    ).json()
    assert len(any_level["results"]) == 6
    enterprise = agent_client.get(
        "/api/v1/time-limits", {"request_type": "complaint", "customer_type": "enterprise"}
    ).json()["results"]
    assert [(row["customer_level"], row["order_hours"]) for row in enterprise] == [("", 12)]
    node = selectors.category_node_by_path("broadband", "fault_report", "无法上网且无法通话", "线路中断")
    resolved = agent_client.get(
        "/api/v1/time-limits/resolve", {"category": node.pk, "customer_level": "diamond"}
    )
    assert resolved.status_code == 200
    assert (resolved.json()["order_hours"], resolved.json()["round_the_clock"]) == (4, True)
    plain = agent_client.get("/api/v1/time-limits/resolve", {"request_type": "suggestion"}).json()
    assert plain["order_hours"] == 168
    missing = agent_client.get("/api/v1/time-limits/resolve")
    assert (missing.status_code, missing.json()["code"]) == (400, "validation_failed")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/businesses"),
        ("patch", "/api/v1/businesses/wireless_music"),
        ("delete", "/api/v1/businesses/wireless_music"),
        ("post", "/api/v1/request-categories"),
        ("put", "/api/v1/responsibility-causes/OTH-OTHER"),
        ("post", "/api/v1/responsible-departments"),
        ("post", "/api/v1/time-limits"),
    ],
)
def test_writes_by_non_admin_are_refused(agent_client, method, url):
    """SR-3, SR-4, WO-5: a non-administrator cannot write reference data: 403 problem+json."""
    before = (Business.objects.count(), CategoryNode.objects.count())
    response = getattr(agent_client, method)(url, {"name": "x"}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "permission_denied"
    assert (Business.objects.count(), CategoryNode.objects.count()) == before
    assert Business.objects.get(code="wireless_music").name == "无线音乐"


def test_writes_by_admin_are_not_offered(js_admin, api_client_for):
    """SR-3: the API is read-only even for administrators (changes go through the services)."""
    response = api_client_for(js_admin).post("/api/v1/businesses", {"code": "X"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_anonymous_is_refused(api_client_for):
    """SR-3: reference data is for signed-in staff."""
    response = api_client_for(None).get("/api/v1/businesses")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_schema_lists_the_catalog_endpoints(client):
    """SR-3: the OpenAPI document describes the catalog endpoints."""
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].endswith("json") else {}
    for path in [
        "/api/v1/businesses",
        "/api/v1/businesses/{code}",
        "/api/v1/request-categories",
        "/api/v1/request-categories/{id}",
        "/api/v1/responsibility-causes",
        "/api/v1/responsible-departments",
        "/api/v1/time-limits",
        "/api/v1/time-limits/resolve",
    ]:
        assert path in paths, path


def test_category_list_query_count(agent_client, django_assert_max_num_queries):
    """SR-3: a page of categories is a fixed number of queries, however many rows (no N+1)."""
    with django_assert_max_num_queries(4):
        response = agent_client.get("/api/v1/request-categories", {"page_size": 200})
    assert len(response.json()["results"]) == 200
    with django_assert_max_num_queries(4):
        response = agent_client.get("/api/v1/businesses")
    assert response.status_code == 200
