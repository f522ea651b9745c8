"""Business acceptances (BA-1): one row per order, change or cancellation of a product, or change of
customer data, with its contact record."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.acceptance.choices import AcceptanceAction, AcceptanceState, DataChange
from kefu.contacts.choices import Channel
from kefu.core.models import Staff
from kefu.customers.models import SUBSCRIBER_SCOPE


class Acceptance(models.Model):
    """One accepted business: what was done to which product — or which customer data changed
    (``details``: the fields, personal data masked) — in which channel, by whom, with the recording
    reference of a telephone acceptance (CH-6) and the contact record it belongs to."""

    order_number = models.CharField(_("受理单号"), max_length=32, unique=True)
    subscriber = models.ForeignKey("customers.Subscriber", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(
        _("受理类型"), max_length=20, choices=[*AcceptanceAction.CHOICES, *DataChange.CHOICES]
    )
    product = models.ForeignKey(
        "customers.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    details = models.JSONField(_("变更内容"), default=dict, blank=True)
    replaces = models.ForeignKey(
        "customers.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel)
    recording_ref = models.CharField(_("录音编号"), max_length=80, blank=True)
    contact = models.ForeignKey("contacts.ContactRecord", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理人"))
    state = models.CharField(
        _("状态"), max_length=12, choices=AcceptanceState, default=AcceptanceState.COMPLETED
    )
    created_at = models.DateTimeField(_("受理时间"), default=timezone.now)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["subscriber", "-id"], name="acceptance_sub")]
        verbose_name = _("业务受理")
        verbose_name_plural = _("业务受理")

    def __str__(self) -> str:
        return self.order_number
