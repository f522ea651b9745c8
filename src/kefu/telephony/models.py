"""Calls as the CTI reports them (VIEW-1 screen pop, CON-1 contact per call)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import City, Province, Staff
from kefu.telephony.choices import CallState


class Call(models.Model):
    """One inbound call, from ring to hangup; the contact record opened for it is linked here."""

    call_id = models.CharField(_("呼叫标识"), max_length=64, unique=True)
    calling_number = models.CharField(_("主叫号码"), max_length=20)
    called_number = models.CharField(_("被叫号码"), max_length=20, blank=True)
    agent = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=CallState, default=CallState.RINGING)
    rang_at = models.DateTimeField(_("振铃时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("应答时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("挂机时间"), null=True, blank=True)
    # on hold since (while HELD) and the seconds spent on hold so far (KEFU_CALLS_PER_SEAT >= 2)
    held_at = models.DateTimeField(_("保持开始时间"), null=True, blank=True)
    held_seconds = models.PositiveIntegerField(_("保持时长(秒)"), default=0)
    contact = models.ForeignKey(
        "contacts.ContactRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        indexes = [
            # "the calls on this seat": one agent's answered and held calls, read on every answer
            models.Index(fields=["agent", "state"], name="call_agent_state"),
        ]
        verbose_name = _("呼叫")
        verbose_name_plural = _("呼叫")

    def __str__(self) -> str:
        return f"{self.call_id} {self.calling_number}"
