"""The request-category tree is versioned per business (SR-3): a revision publishes a new version and
whatever holds a node of an old version keeps its name and path."""

from __future__ import annotations

import pytest
from django.db import models

from kefu.catalog import selectors, services
from kefu.catalog.models import CategoryNode, CategoryVersion
from kefu.core.errors import DomainError
from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def node(business, *names, request_type="complaint"):
    return selectors.category_node_by_path(business, request_type, *names)


def test_revision_publishes_a_new_version(js_admin, music):
    """SR-3: add, rename and remove in one revision make version n+1; version n is untouched."""
    old = selectors.current_version(music)
    old_rows = list(old.nodes.values_list("code", "path_names"))
    double = node(music, "扣费争议", "重复扣费")
    promo = node(music, "营销宣传")
    billing = node(music, "扣费争议", "未订购却扣费")

    new = services.category_tree_revise(
        actor=js_admin,
        business=music,
        add=[
            {"request_type": "complaint", "name": "版权内容", "children": ["歌曲下架", "歌词错误"]},
            {"name": "包月费用争议", "parent": node(music, "扣费争议").code},
        ],
        rename={billing.code: "未订购却扣费(含包月)"},
        remove=[promo.code, double.code],
        note="2024年音乐分类调整",
    )

    assert (new.number, new.is_current) == (old.number + 1, True)
    old.refresh_from_db()
    assert old.is_current is False
    assert list(old.nodes.values_list("code", "path_names")) == old_rows
    paths = set(new.nodes.filter(request_type="complaint").values_list("path_names", flat=True))
    assert {"版权内容", "版权内容 > 歌曲下架", "版权内容 > 歌词错误", "扣费争议 > 包月费用争议"} <= paths
    assert "扣费争议 > 未订购却扣费(含包月)" in paths
    assert not {"营销宣传", "营销宣传 > 宣传误导", "扣费争议 > 重复扣费"} & paths
    renamed = new.nodes.get(code=billing.code)
    assert renamed.full_path == "投诉 > 无线音乐 > 扣费争议 > 未订购却扣费(含包月)"
    assert new.nodes.exclude(code__in=old.nodes.values("code")).count() == 4
    assert new.nodes.filter(request_type="query").count() == old.nodes.filter(request_type="query").count()

    event = AuditEvent.objects.get(action="catalog.category.revise")
    assert event.changes["version"] == new.number
    assert event.changes["remove"] == [promo.code, double.code]


def test_a_record_holding_an_old_node_keeps_it(js_admin, music):
    """SR-3: a row holding a foreign key to a node of an old version still resolves to the old name and
    path after the node is renamed and after it is removed."""
    held = node(music, "扣费争议", "未订购却扣费")
    held_pk = held.pk

    services.category_tree_revise(actor=js_admin, business=music, rename={held.code: "无订购扣费"})
    services.category_tree_revise(actor=js_admin, business=music, remove=[held.code])

    again = CategoryNode.objects.select_related("version").get(pk=held_pk)
    assert again.name == "未订购却扣费"
    assert again.full_path == "投诉 > 无线音乐 > 扣费争议 > 未订购却扣费"
    assert selectors.category_successor(again) is None
    assert selectors.current_version(music).number == again.version.number + 2


def test_node_model_is_protected_from_deletion(music):
    """SR-3: a published node cannot be deleted while it has children (records hold nodes too)."""
    problem = node(music, "扣费争议")
    with pytest.raises(models.ProtectedError):
        problem.delete()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({}, "category_revision_empty"),
        ({"remove": ["wireless_music-9999"]}, "category_unknown"),
        ({"rename": {"wireless_music-9999": "x"}}, "category_unknown"),
        ({"add": [{"request_type": "complaint", "name": "扣费争议"}]}, "category_duplicate_name"),
        ({"add": [{"request_type": "nonsense", "name": "新问题"}]}, "category_invalid"),
        ({"add": [{"request_type": "complaint", "name": ""}]}, "category_invalid"),
        (
            {"add": [{"request_type": "complaint", "name": "新问题", "parent": "wireless_music-9999"}]},
            "category_unknown",
        ),
    ],
    ids=["empty", "remove-unknown", "rename-unknown", "duplicate", "bad-type", "no-name", "unknown-parent"],
)
def test_bad_revision_changes_nothing(js_admin, music, snapshot, changes, code):
    """SR-3: a bad revision is refused with a stable code; no version, node or audit row is written."""
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        services.category_tree_revise(actor=js_admin, business=music, **changes)
    assert caught.value.code == code
    assert snapshot() == before


def test_too_deep_and_same_name_rename_are_refused(js_admin, music, snapshot):
    """SR-3: categories go problem → detail only; renaming a node to its own name is refused."""
    detail = node(music, "扣费争议", "重复扣费")
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        services.category_tree_revise(
            actor=js_admin, business=music, add=[{"name": "更细", "parent": detail.code}]
        )
    assert caught.value.code == "category_too_deep"
    with pytest.raises(DomainError) as caught:
        services.category_tree_revise(actor=js_admin, business=music, rename={detail.code: "重复扣费"})
    assert caught.value.code == "category_name_unchanged"
    with pytest.raises(DomainError) as caught:
        services.category_tree_revise(
            actor=js_admin, business=music, add=[{"name": "x", "parent": detail.code, "children": ["y"]}]
        )
    assert caught.value.code == "category_too_deep"
    assert snapshot() == before


def test_cross_type_parent_is_refused(js_admin, music):
    """SR-3: a detail sits under a problem of the same request type."""
    problem = node(music, "扣费争议")
    with pytest.raises(DomainError) as caught:
        services.category_tree_revise(
            actor=js_admin,
            business=music,
            add=[{"request_type": "query", "name": "x", "parent": problem.code}],
        )
    assert caught.value.code == "category_invalid"


def test_revision_of_an_empty_business(js_admin):
    """SR-3: a new business gets its first categories by a revision; codes follow the business code."""
    business = services.business_create(
        actor=js_admin, code="cloud_phone", name="云手机", kind="own_platform"
    )
    version = services.category_tree_revise(
        actor=js_admin,
        business=business,
        add=[{"request_type": "complaint", "name": "无法连接", "children": ["黑屏", "卡顿"]}],
    )
    assert version.number == 2
    assert list(version.nodes.order_by("code").values_list("code", "path_names")) == [
        ("cloud_phone-0001", "无法连接"),
        ("cloud_phone-0002", "无法连接 > 黑屏"),
        ("cloud_phone-0003", "无法连接 > 卡顿"),
    ]
    assert selectors.category_tree(business) == [
        {
            "id": version.nodes.get(code="cloud_phone-0001").id,
            "code": "cloud_phone-0001",
            "name": "无法连接",
            "request_type": "complaint",
            "children": [
                {
                    "id": version.nodes.get(code=code).id,
                    "code": code,
                    "name": name,
                    "request_type": "complaint",
                    "children": [],
                }
                for code, name in [("cloud_phone-0002", "黑屏"), ("cloud_phone-0003", "卡顿")]
            ],
        }
    ]
    assert CategoryVersion.objects.filter(business=business).count() == 2


def test_request_type_tree_query_count(django_assert_max_num_queries):
    """SR-3: the tree an agent sees for a request type is read in a fixed number of queries."""
    with django_assert_max_num_queries(1):
        tree = selectors.request_type_tree("complaint")
    names = [group["name"] for group in tree]
    assert "梦网短信" in names and "无线音乐" in names and "随E行" not in names
    sms = next(group for group in tree if group["business"] == "monternet_sms")
    assert [p["name"] for p in sms["children"]][0] == "SP违规扣费"
    assert "未经确认订购" in [d["name"] for d in sms["children"][0]["children"]]
