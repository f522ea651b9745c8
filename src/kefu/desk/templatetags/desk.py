"""Template helpers for the desk layout: navigation, the node and the signed-in staff's scope."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ScopeKind
from kefu.desk.navigation import navigation_for

register = template.Library()

NODE_ROLES = {
    "province": _("省级客服系统"),
    "hub": _("一级客服枢纽"),
    "sims": _("SIMS"),
    "platform": _("自有业务平台"),
}


@register.simple_tag
def routing_labels() -> dict:
    """The call bar's routing labels (issue 14): agent states and not-ready reasons, translated."""
    from kefu.routing.choices import AgentStateChoices, NotReadyReason

    return {
        "states": {value: str(label) for value, label in AgentStateChoices.CHOICES},
        "reasons": {value: str(label) for value, label in NotReadyReason.CHOICES},
    }


@register.simple_tag(takes_context=True)
def navigation(context):
    request = context.get("request")
    return navigation_for(request) if request is not None else []


@register.simple_tag
def node_role_label() -> str:
    return NODE_ROLES.get(settings.KEFU_ROLE, settings.KEFU_ROLE)


@register.filter
def scope_label(user) -> str:
    """Where a staff member's data scope lies, e.g. "江苏 / 南京", "全国" or "SP 901234"."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    kind = user.scope_kind
    if kind == ScopeKind.SP:
        return f"SP {user.sp_code}"
    if kind == ScopeKind.NATIONAL:
        return str(ScopeKind.label(ScopeKind.NATIONAL))
    parts = [_place_name(user.province) if user.province_id else ""]
    if kind == ScopeKind.CITY:
        parts.append(_place_name(user.city))
    return " / ".join(p for p in parts if p)


def _place_name(place) -> str:
    """Provinces and cities carry their own English names; use them when the page is in English."""
    english = (get_language() or "").startswith("en")
    return (place.name_en or place.name) if english else place.name


@register.filter
def when(value, fmt: str = "") -> str:
    """An ISO date/time string (as the customer view carries them) or a datetime, shown in the server's
    time zone in kefu's one format (``kefu.core.formats``); ``fmt`` (strftime) only where a page needs
    another shape."""
    from datetime import date, datetime

    from django.utils import timezone

    from kefu.core.formats import local_date, local_datetime

    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if fmt:
            return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime(fmt)
        return local_datetime(value)
    return local_date(value)


@register.filter
def seconds(value) -> str:
    """A duration in seconds as m:ss (or h:mm:ss)."""
    if value in (None, ""):
        return ""
    value = int(value)
    hours, rest = divmod(value, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.simple_tag
def desk_labels() -> dict:
    """Translated labels for the desk's scripts (rendered once per page with json_script)."""
    from kefu.desk.labels import query_labels

    return query_labels()


@register.simple_tag(takes_context=True)
def notice_badge(context) -> dict | None:
    """The top bar's notice link with the signed-in user's unread count (SYS-1); None on a node whose
    URL conf does not route the notices (hub, SIMS, platform)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    try:
        url = reverse("bulletins:inbox")
    except NoReverseMatch:
        return None
    from kefu.bulletins.selectors import unread_count

    return {"url": url, "unread": unread_count(user)}


@register.simple_tag
def time_left(order) -> str:
    """An order's time left to its deadline in its colour (WO-5): the one markup every queue uses,
    with the thresholds of :mod:`kefu.workorders.timeleft`."""
    from django.utils.html import format_html

    from kefu.workorders.timeleft import time_left as left

    found = left(order)
    if found.level == "none":
        return "—"
    return format_html(
        '<span class="tl {}" data-time-left="{}" title="{}">{}</span>',
        found.css_class,
        found.level,
        _("到期 %(t)s") % {"t": when(order.order_due_at)},
        found.label,
    )


@register.simple_tag
def wrap_up_form() -> dict:
    """The call bar's after-call form: the summary's length limit. The reasons are fetched by desk.js
    when the form first shows (``/api/v1/wrap-up-reasons``), so other pages pay no query for them."""
    from kefu.contacts.services import wrap_up_summary_max

    return {"summary_max": wrap_up_summary_max()}
