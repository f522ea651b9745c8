"""Admin pages of the catalog: every model has one; lifecycle changes go through the audited services
(SR-3, SYS-2)."""

from __future__ import annotations

import pytest

from kefu.catalog.models import Business, BusinessName, CategoryNode
from kefu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_staff):
    root = make_staff("administrator", province=None, is_staff=True, is_superuser=True)
    client.force_login(root)
    client.root = root
    return client


@pytest.mark.parametrize(
    "model", ["business", "categoryversion", "categorynode", "responsibilitycause", "timelimit"]
)
def test_changelists_render(admin_client, model):
    """SR-3, SR-4, WO-5: every catalog model has an admin list."""
    response = admin_client.get(f"/admin/catalog/{model}/")
    assert response.status_code == 200


def test_business_change_page_shows_history(admin_client):
    """SR-3: the business page shows its name history and category versions."""
    weibo = Business.objects.get(code="mobile_weibo")
    body = admin_client.get(f"/admin/catalog/business/{weibo.pk}/change/").content.decode()
    assert "139社区" in body and "移动微博" in body


def _change_form(business: Business, **overrides) -> dict:
    data = {
        "code": business.code,
        "kind": business.kind,
        "second_line": business.second_line,
        "description": business.description,
        "rename_to": "",
    }
    if business.capability_queries:
        data["capability_queries"] = "on"
    for prefix, count in [
        ("names", business.names.count()),
        ("category_versions", business.category_versions.count()),
    ]:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(count),
                f"{prefix}-INITIAL_FORMS": str(count),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_rename_through_admin_uses_the_service(admin_client):
    """SR-3, SYS-2: renaming in the admin keeps the old name as history and is audited."""
    music = Business.objects.get(code="wireless_music")
    response = admin_client.post(
        f"/admin/catalog/business/{music.pk}/change/", _change_form(music, rename_to="咪咕音乐")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    music.refresh_from_db()
    assert music.name == "咪咕音乐"
    assert BusinessName.objects.filter(business=music, name="无线音乐", valid_until__isnull=False).exists()
    assert AuditEvent.objects.filter(action="catalog.business.rename", actor=admin_client.root).count() == 1


def test_rename_to_same_name_in_admin_changes_nothing(admin_client):
    """SR-3: the admin shows the service's refusal and nothing changes."""
    music = Business.objects.get(code="wireless_music")
    versions = music.category_versions.count()
    response = admin_client.post(
        f"/admin/catalog/business/{music.pk}/change/", _change_form(music, rename_to="无线音乐"), follow=True
    )
    assert "business_name_unchanged" in response.content.decode()
    assert music.category_versions.count() == versions
    assert not AuditEvent.objects.filter(action__startswith="catalog.business").exists()


def test_offline_action(admin_client):
    """SR-3: the admin action takes businesses offline through the service; one already offline is
    reported, not changed."""
    music = Business.objects.get(code="wireless_music")
    suiexing = Business.objects.get(code="suiexing")
    response = admin_client.post(
        "/admin/catalog/business/",
        {"action": "take_offline", "_selected_action": [music.pk, suiexing.pk]},
        follow=True,
    )
    assert response.status_code == 200
    music.refresh_from_db()
    suiexing.refresh_from_db()
    assert music.status == "offline"
    assert suiexing.offline_since.isoformat() == "2012-09-27"
    assert AuditEvent.objects.filter(action="catalog.business.take_offline").count() == 1


def test_create_through_admin_uses_the_service(admin_client):
    """SR-3: a business added in the admin gets its name history and first category version."""
    response = admin_client.post(
        "/admin/catalog/business/add/",
        {
            "code": "cloud_phone",
            "name": "云手机",
            "kind": "own_platform",
            "online_since": "2024-01-02",
            "second_line": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    business = Business.objects.get(code="cloud_phone")
    assert business.names.get().name == "云手机"
    assert business.category_versions.get().is_current
    assert AuditEvent.objects.filter(action="catalog.business.create").count() == 1


def test_category_nodes_are_read_only_in_admin(admin_client):
    """SR-3: published nodes cannot be edited or deleted in the admin."""
    node = CategoryNode.objects.first()
    response = admin_client.post(f"/admin/catalog/categorynode/{node.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CategoryNode.objects.filter(pk=node.pk).exists()
