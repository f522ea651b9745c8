"""Reads on the knowledge base: a province's overlay on a national article (ORG-2)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from kefu.knowledge.models import Overlay


@dataclass(frozen=True)
class OverlayState:
    overlay: Overlay
    changed: bool  # the national version was published again since the overlay was last checked


def overlay_for(article, province) -> OverlayState | None:
    """``province``'s overlay on ``article`` (a Province or its id) and whether the national version
    changed under it (``article.published_version > overlay.based_on_version``); None without one."""
    province_id = getattr(province, "pk", province)
    overlay = (
        Overlay.objects.filter(article=article, province_id=province_id)
        .select_related("updated_by", "province")
        .first()
    )
    if overlay is None:
        return None
    return OverlayState(overlay=overlay, changed=article.published_version > overlay.based_on_version)


def overlay_text(article, province) -> str:
    """The plain text of ``province``'s overlay on ``article`` ("" without one): what the search
    indexes for that province's readers next to the national text."""
    province_id = getattr(province, "pk", province)
    if province_id is None:
        return ""
    return (
        Overlay.objects.filter(article=article, province_id=province_id)
        .values_list("body_text", flat=True)
        .first()
        or ""
    )


def overlays_changed(province):
    """``province``'s overlays whose national article was published again since they were checked
    ("全网知识已更新，请核对本省补充"), the longest-waiting first."""
    province_id = getattr(province, "pk", province)
    return (
        Overlay.objects.filter(province_id=province_id, article__published_version__gt=F("based_on_version"))
        .select_related("article", "updated_by", "province")
        .order_by("updated_at", "id")
    )


def overlays_of(province):
    """Every overlay of ``province``, newest first."""
    province_id = getattr(province, "pk", province)
    return (
        Overlay.objects.filter(province_id=province_id)
        .select_related("article", "updated_by", "province")
        .order_by("-updated_at", "-id")
    )
