"""Business lifecycle services: create, rename, take offline, bring online (SR-3); audited (SYS-2)."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.catalog import selectors, services
from kefu.catalog.models import Business, CategoryNode
from kefu.core.errors import DomainError
from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_create_business(js_admin):
    """SR-3: a new business comes online with its name as history and an empty first category version."""
    business = services.business_create(
        actor=js_admin,
        code=" Cloud_Phone ",
        name="云手机",
        kind="own_platform",
        online_since=dt.date(2024, 1, 2),
    )
    assert (business.code, business.status, business.online_since) == (
        "cloud_phone",
        "online",
        dt.date(2024, 1, 2),
    )
    assert [(n.name, n.valid_from, n.valid_until) for n in business.names.all()] == [
        ("云手机", dt.date(2024, 1, 2), None)
    ]
    version = selectors.current_version(business)
    assert (version.number, version.business_name, version.published_by) == (1, "云手机", js_admin.job_number)
    event = AuditEvent.objects.get(action="catalog.business.create")
    assert (event.actor, event.object_id, event.changes["name"]) == (js_admin, str(business.pk), "云手机")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"code": "wireless_music", "name": "新音乐"}, "business_code_taken"),
        ({"code": "NEW", "name": "无线音乐"}, "business_name_taken"),
        ({"code": "NEW", "name": "新业务", "kind": "nonsense"}, "business_invalid"),
        ({"code": " ", "name": "新业务"}, "business_invalid"),
        ({"code": "cloud-phone", "name": "新业务"}, "business_invalid"),
    ],
    ids=["code-taken", "name-taken", "bad-kind", "no-code", "bad-code"],
)
def test_create_refused(js_admin, snapshot, fields, code):
    """SR-3: a bad new business is refused with a stable code and nothing is written."""
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        services.business_create(actor=js_admin, **{"kind": "vas", **fields})
    assert caught.value.code == code
    assert snapshot() == before


def test_rename_keeps_history_and_republishes(js_admin, music):
    """SR-3: a rename closes the old name, opens the new one and republishes the categories; a record
    holding a node of the old version keeps the old path."""
    held = selectors.category_node_by_path(music, "complaint", "扣费争议", "未订购却扣费")
    old_version = held.version
    services.business_rename(
        actor=js_admin, business=music, new_name="咪咕音乐", effective_on=dt.date(2024, 5, 1)
    )

    music.refresh_from_db()
    assert music.name == "咪咕音乐"
    names = list(music.names.order_by("valid_from").values_list("name", "valid_until"))
    assert names[-2:] == [("无线音乐", dt.date(2024, 5, 1)), ("咪咕音乐", None)]
    new_version = selectors.current_version(music)
    assert new_version.number == old_version.number + 1
    assert new_version.business_name == "咪咕音乐"
    assert new_version.nodes.count() == old_version.nodes.count()

    held = CategoryNode.objects.get(pk=held.pk)
    assert held.full_path == "投诉 > 无线音乐 > 扣费争议 > 未订购却扣费"
    successor = selectors.category_successor(held)
    assert successor.full_path == "投诉 > 咪咕音乐 > 扣费争议 > 未订购却扣费"
    assert successor.code == held.code
    assert list(selectors.business_list(search="无线音乐")) == [music]

    event = AuditEvent.objects.get(action="catalog.business.rename")
    assert event.changes["name"] == {"from": "无线音乐", "to": "咪咕音乐"}
    assert event.actor_job_number == js_admin.job_number


@pytest.mark.parametrize(
    ("new_name", "effective_on", "code"),
    [
        ("无线音乐", None, "business_name_unchanged"),
        ("手机游戏", None, "business_name_taken"),
        ("  ", None, "business_invalid"),
        ("咪咕音乐", dt.date(2000, 1, 1), "effective_date_before_history"),
    ],
    ids=["same-name", "taken", "empty", "before-history"],
)
def test_rename_refused_changes_nothing(js_admin, music, snapshot, new_name, effective_on, code):
    """SR-3: renaming to the same name (or a taken one) is a DomainError with a stable code; nothing
    changed, not even the audit log."""
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        services.business_rename(actor=js_admin, business=music, new_name=new_name, effective_on=effective_on)
    assert caught.value.code == code
    assert snapshot() == before


def test_take_offline_and_bring_back(js_admin, music):
    """SR-3: a business goes offline and comes back; its categories stay readable meanwhile."""
    services.business_take_offline(
        actor=js_admin, business=music, effective_on=dt.date(2024, 3, 1), reason="平台迁移"
    )
    music.refresh_from_db()
    assert (music.status, music.offline_since) == ("offline", dt.date(2024, 3, 1))
    assert selectors.business_counts_by_status()["offline"] == 6
    assert "wireless_music" not in [g["business"] for g in selectors.request_type_tree("complaint")]
    assert "wireless_music" in [
        g["business"] for g in selectors.request_type_tree("complaint", include_offline=True)
    ]
    assert selectors.category_node_by_path("wireless_music", "complaint", "扣费争议") is not None

    services.business_bring_online(actor=js_admin, business=music, effective_on=dt.date(2024, 4, 1))
    music.refresh_from_db()
    assert (music.status, music.online_since, music.offline_since) == ("online", dt.date(2024, 4, 1), None)
    actions = list(
        AuditEvent.objects.filter(object_type="catalog.business", object_id=str(music.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["catalog.business.take_offline", "catalog.business.bring_online"]
    assert AuditEvent.objects.get(action="catalog.business.take_offline").changes["reason"] == "平台迁移"


def test_taking_an_offline_business_offline_again_is_refused(js_admin, snapshot):
    """SR-3: taking an offline business offline again is a DomainError; nothing changed."""
    business = Business.objects.get(name="随E行")
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        services.business_take_offline(actor=js_admin, business=business)
    assert caught.value.code == "business_already_offline"
    assert snapshot() == before


def test_bringing_an_online_business_online_is_refused(js_admin, music, snapshot):
    """SR-3: bringing an online business online is a DomainError; nothing changed."""
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        services.business_bring_online(actor=js_admin, business=music)
    assert caught.value.code == "business_already_online"
    assert snapshot() == before


def test_offline_before_online_is_refused(js_admin, music, snapshot):
    """SR-3: a business cannot go offline before the day it came online."""
    before = snapshot()
    with pytest.raises(DomainError) as caught:
        services.business_take_offline(actor=js_admin, business=music, effective_on=dt.date(1999, 1, 1))
    assert caught.value.code == "effective_date_before_history"
    assert snapshot() == before


def test_stale_instance_is_checked_against_the_database(js_admin, music):
    """SR-3: the guard reads the locked row, not the caller's copy: a stale 'online' copy of a business
    already taken offline is refused."""
    stale = Business.objects.get(pk=music.pk)
    services.business_take_offline(actor=js_admin, business=music)
    with pytest.raises(DomainError) as caught:
        services.business_take_offline(actor=js_admin, business=stale)
    assert caught.value.code == "business_already_offline"
    assert AuditEvent.objects.filter(action="catalog.business.take_offline").count() == 1
