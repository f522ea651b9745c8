"""The desk's navigation: every area of kefu, built or still to come.

Areas not built yet are listed with ``url_name=None`` and shown disabled as "coming soon", so the
navigation never holds a dead link. When an area lands, give it its URL name here. Who sees an area is
not repeated here: an area shows only if its view would admit the user (``kefu.core.access``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from kefu.core.access import view_admits


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    url_name: str | None = None
    administrators_only: bool = False
    # on the hub, SIMS and platform nodes: only these roles see the area (their views check the same)
    roles: tuple[str, ...] = ()
    # other views of the area: the area is marked active on them too
    also: tuple[str, ...] = ()


AREAS: tuple[Area, ...] = (
    Area("home", _("工作台"), "desk:home"),
    Area("customers", _("客户视图"), "desk:customer_find", also=("desk:customer",)),
    Area(
        "contacts",
        _("接触记录"),
        "desk:contacts",
        also=("desk:contact", "desk:contact_new", "desk:contact_import"),
    ),
    # live once the work-order app routes its queue (kefu.workorders.urls)
    Area("workorders", _("工单"), "workorders:queue", also=("workorders:detail", "workorders:new")),
    # SVC-2: a VIP manager's customers; supervisors and administrators assign them
    Area("account_managers", _("客户经理"), "desk:account_managers"),
    # SYS-1: notices and internal messages to agents
    Area("bulletins", _("公告"), "bulletins:inbox", also=("bulletins:detail", "bulletins:new")),
    # issue 13: the agent's knowledge area (kefu.desk.knowledge_views)
    Area("knowledge", _("知识库"), "desk:knowledge", also=("desk:knowledge_article",)),
    # issue 13: editing, review, versions, synonyms and wording (knowledge editors, supervisors, administrators)
    Area(
        "knowledge_manage",
        _("知识管理"),
        "desk:knowledge_manage",
        also=(
            "desk:knowledge_manage_new",
            "desk:knowledge_manage_article",
            "desk:knowledge_manage_versions",
            "desk:knowledge_manage_review",
            "desk:knowledge_manage_stale",
            "desk:knowledge_manage_synonyms",
            "desk:knowledge_manage_wording",
            "desk:knowledge_manage_wording_new",
            "desk:knowledge_manage_wording_edit",
            "desk:knowledge_manage_wording_versions",
        ),
    ),
    # issue 14: the supervisors' live wallboard (kefu.desk.wallboard_views)
    Area("wallboard", _("监控大屏"), "desk:routing_wallboard"),
    Area("outbound", _("外呼")),
    Area("quality", _("质检")),
    Area("reports", _("报表")),
    # issue 14: staffing by Erlang C/A for supervisors (kefu.desk.staffing_views)
    Area("staffing", _("排班测算"), "desk:routing_staffing"),
    # the SMS port's local outbox (kefu.notify); shown as coming soon until that app routes it
    Area("outbox", _("短信发件箱"), "notify:outbox"),
    # callbacks owed to customers (SR-2, WO-7's result by phone): kefu.contacts
    Area("callbacks", _("回访任务"), "contacts:callbacks"),
    Area("ivr", _("模拟IVR"), "desk:ivr_simulator"),
    # issue 5: second-line queries through the hub (CAP-1..3) and SP quality files (SP-2)
    Area("capability", _("能力开放查询"), "capability:query", also=("remote:panel",)),
    Area("spquality", _("SP服务质量"), "spquality:home"),
    Area("admin", _("管理"), "admin:index", administrators_only=True),
)


# The areas of the hub, SIMS and platform nodes (WO-3, SP-1, ORG-3): each role's own pages, shown only to
# the roles that may open them (the views refuse the others). The province's are AREAS above.
_HUB = ("hub_operator", "administrator")
_SP = ("sp_staff", "administrator")
_PLATFORM = ("platform_staff", "administrator")
NODE_AREAS: dict[str, tuple[Area, ...]] = {
    "hub": (
        Area("home", _("工作台"), "desk:home"),
        Area("hub_orders", _("跨级工单"), "hub:orders", roles=_HUB, also=("hub:order",)),
        # issue 13: national knowledge, published from the hub to every province (ORG-2)
        Area(
            "national",
            _("全网知识"),
            "syndication:national",
            roles=_HUB,
            also=("syndication:national-article",),
        ),
        Area("spquality", _("SP服务质量"), "spquality:home", roles=_HUB),
        Area("node", _("节点状态"), "desk:node", roles=_HUB),
        Area("admin", _("管理"), "admin:index", administrators_only=True),
    ),
    "sims": (
        Area("home", _("工作台"), "desk:home"),
        Area("sp_orders", _("SP投诉工单"), "sims:orders", roles=_SP, also=("sims:order",)),
        Area("sp_points", _("SP扣分"), "sims:points", roles=_SP),
        Area("sp_profiles", _("SP服务信息"), "sims:profiles", roles=_SP, also=("sims:profile",)),
        Area("spquality", _("SP服务质量"), "spquality:home", roles=_SP),
        Area("node", _("节点状态"), "desk:node", roles=("administrator",)),
        Area("admin", _("管理"), "admin:index", administrators_only=True),
    ),
    "platform": (
        Area("home", _("工作台"), "desk:home"),
        Area(
            "platform_orders", _("平台投诉工单"), "platform:orders", roles=_PLATFORM, also=("platform:order",)
        ),
        Area("platform_requests", _("平台收到的请求"), "platform:requests", roles=("administrator",)),
        Area("node", _("节点状态"), "desk:node", roles=("administrator",)),
        Area("admin", _("管理"), "admin:index", administrators_only=True),
    ),
}


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str | None
    active: bool

    @property
    def coming_soon(self) -> bool:
        return self.url is None


def _url(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:  # an area whose app is not installed or routed yet
        return None


def _admits(url: str, user) -> bool:
    try:
        view = resolve(url).func
    except Resolver404:
        return False
    return view_admits(view, user)


def navigation_for(request) -> list[NavItem]:
    """The navigation items ``request.user`` sees; the one matching the current page is active."""
    user = request.user
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    items = []
    for area in NODE_AREAS.get(settings.KEFU_ROLE, AREAS):
        # Only those who can get into the admin site see it: no link that ends on a login page.
        if area.administrators_only and not (user.is_active and user.is_staff):
            continue
        if area.roles and getattr(user, "role", "") not in area.roles:
            continue
        url = _url(area.url_name)
        if url is not None and not _admits(url, user):
            continue
        active = url is not None and (current == area.url_name or current in area.also)
        items.append(NavItem(area.key, area.label, url, active=active))
    return items
