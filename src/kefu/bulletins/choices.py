"""Kinds and audiences of notices to agents (SYS-1)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class NoticeKind(ChoiceSet):
    NOTICE = "notice"  # 公告: to many, e.g. a new tariff's explanation wording for every agent
    MESSAGE = "message"  # 内部消息: to a person or a few

    LABELS = {NOTICE: _("公告"), MESSAGE: _("内部消息")}


class Audience(ChoiceSet):
    """Whom a notice reaches, within the author's data scope; ``target`` names the role, the group
    code, the city code or the job numbers (comma-separated)."""

    EVERYONE = "all"
    ROLE = "role"
    GROUP = "group"
    CITY = "city"
    STAFF = "staff"

    LABELS = {
        EVERYONE: _("全体人员"),
        ROLE: _("按角色"),
        GROUP: _("按逻辑组"),
        CITY: _("按地市"),
        STAFF: _("指定人员"),
    }
