"""The desk's navigation: every area of kefu, built or still to come.

Areas not built yet are listed with ``url_name=None`` and shown disabled as "coming soon", so the
navigation never holds a dead link. When an area lands, give it its URL name here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    url_name: str | None = None
    administrators_only: bool = False


AREAS: tuple[Area, ...] = (
    Area("home", _("工作台"), "desk:home"),
    Area("customers", _("客户视图")),
    Area("contacts", _("接触记录")),
    Area("workorders", _("工单")),
    Area("knowledge", _("知识库")),
    Area("outbound", _("外呼")),
    Area("quality", _("质检")),
    Area("reports", _("报表")),
    Area("admin", _("管理"), "admin:index", administrators_only=True),
)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str | None
    active: bool

    @property
    def coming_soon(self) -> bool:
        return self.url is None


def navigation_for(request) -> list[NavItem]:
    """The navigation items ``request.user`` sees; the one matching the current page is active."""
    user = request.user
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    items = []
    for area in AREAS:
        # Only those who can get into the admin site see it: no link that ends on a login page.
        if area.administrators_only and not (user.is_active and user.is_staff):
            continue
        url = reverse(area.url_name) if area.url_name else None
        items.append(NavItem(area.key, area.label, url, active=current == area.url_name))
    return items
