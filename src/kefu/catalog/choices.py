"""Kinds and statuses of the business catalog (SR-3)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class BusinessKind(ChoiceSet):
    """What a business is, which also says who handles its complaints behind the hub (ORG-3)."""

    BASIC = "basic"
    VAS = "vas"
    MONTERNET = "monternet"
    OWN_PLATFORM = "own_platform"
    OTHER = "other"

    LABELS = {
        BASIC: _("基础业务"),
        VAS: _("增值业务"),
        MONTERNET: _("梦网SP业务(SIMS)"),
        OWN_PLATFORM: _("自有业务平台"),
        OTHER: _("其他"),
    }


class BusinessStatus(ChoiceSet):
    """Whether a business is in service (SR-3: businesses come online and go offline)."""

    ONLINE = "online"
    OFFLINE = "offline"

    LABELS = {
        ONLINE: _("在线"),
        OFFLINE: _("已下线"),
    }


class CategoryLevel(ChoiceSet):
    """Depth of a request-category node below its business: problem, then detail."""

    PROBLEM = 1
    DETAIL = 2

    LABELS = {
        PROBLEM: _("问题"),
        DETAIL: _("细项"),
    }

    MAX_DEPTH = DETAIL
