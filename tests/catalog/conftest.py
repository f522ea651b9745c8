"""Fixtures of the catalog tests."""

from __future__ import annotations

import pytest

from kefu.catalog.models import Business, BusinessName, CategoryNode, CategoryVersion, TimeLimit
from kefu.core.models import AuditEvent


@pytest.fixture
def snapshot(db):
    """snapshot() -> a picture of every catalog table and the audit log, to prove nothing changed."""

    def take() -> dict:
        return {
            "businesses": list(Business.objects.order_by("pk").values()),
            "names": list(BusinessName.objects.order_by("pk").values()),
            "versions": list(CategoryVersion.objects.order_by("pk").values()),
            "nodes": CategoryNode.objects.count(),
            "time_limits": TimeLimit.objects.count(),
            "audit": AuditEvent.objects.count(),
        }

    return take


@pytest.fixture
def music(db) -> Business:
    return Business.objects.get(code="wireless_music")
