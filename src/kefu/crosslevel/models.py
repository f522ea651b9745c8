"""What a province node keeps about its cross-level orders (WO-3).

- :class:`CrossLink` — one per local order that crossed a level: as the **origin** (accepted here and
  sent to the hub) or as the **target** (a cross-region complaint the hub sent here). ``number`` is the
  federation reference (the origin's order number), ``order`` the local work order.
- :class:`RelayState` — one row, locked by the relay so that work-order events leave in the order they
  happened.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class LinkRole(ChoiceSet):
    ORIGIN = "origin"
    TARGET = "target"

    LABELS = {ORIGIN: _("本省发起"), TARGET: _("外省转来")}


class CrossLink(models.Model):
    order = models.OneToOneField(
        "workorders.WorkOrder", on_delete=models.PROTECT, related_name="crosslink", verbose_name=_("工单")
    )
    number = models.CharField(_("跨级工单编号"), max_length=40, unique=True)
    role = models.CharField(_("角色"), max_length=8, choices=LinkRole)
    peer = models.CharField(_("枢纽节点"), max_length=20)
    target = models.CharField(_("目标"), max_length=20, blank=True)
    sp_code = models.CharField(_("SP代码"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    scope_fields = {"province": "order__province_id", "city": "order__city_id"}

    class Meta:
        ordering = ["-id"]
        verbose_name = _("跨级工单")
        verbose_name_plural = _("跨级工单")

    def __str__(self) -> str:
        return self.number


class RelayState(models.Model):
    """The relay's lock row and counters (machine data)."""

    relayed = models.PositiveBigIntegerField(default=0)
    skipped = models.PositiveBigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)

    scope_fields = None

    def __str__(self) -> str:
        return f"relay {self.relayed}/{self.skipped}"
