"""Authentication of customers (AUTH-1..8): the attempt log, lock state, the one-time security
notice, SMS one-time passwords, IVR password collections and the grants a success gives.

No secret is stored here in clear: a one-time password is kept as a salted HMAC only; the service
password lives in billing (AUTH-2) and is checked through the billing port.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.choices import Channel
from kefu.core.models import City, Province, Staff
from kefu.customers.models import SUBSCRIBER_SCOPE
from kefu.identity.choices import (
    AuthMethod,
    CollectionPurpose,
    CollectionResult,
    CollectionState,
    Collector,
    FailureReason,
    GrantScope,
)


class AuthAttempt(models.Model):
    """One authentication attempt (AUTH-8). The subscriber's customer type, user type, level and
    network type are copied so statistics need no join and stay true to the time of the attempt."""

    subscriber = models.ForeignKey(
        "customers.Subscriber", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("用户")
    )
    number = models.CharField(_("号码"), max_length=20)
    method = models.CharField(_("认证方式"), max_length=20, choices=AuthMethod)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel)
    staff = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("座席")
    )
    success = models.BooleanField(_("成功"))
    reason = models.CharField(_("失败原因"), max_length=20, choices=FailureReason, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    customer_type = models.CharField(_("客户类型"), max_length=12, blank=True)
    user_type = models.CharField(_("用户类型"), max_length=20, blank=True)
    level = models.CharField(_("客户级别"), max_length=12, blank=True)
    network_type = models.CharField(_("网络类型"), max_length=12, blank=True)
    call_id = models.CharField(_("呼叫标识"), max_length=64, blank=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["province", "at"], name="authattempt_province_at"),
            models.Index(fields=["subscriber", "-at"], name="authattempt_sub_at"),
        ]
        verbose_name = _("认证记录")
        verbose_name_plural = _("认证记录")

    def __str__(self) -> str:
        return f"{self.number} {self.method} {'ok' if self.success else 'fail'}"


class AuthLock(models.Model):
    """Consecutive failures of one subscriber and, after the third, until when authentication is
    closed (AUTH-5). A success resets it."""

    subscriber = models.OneToOneField("customers.Subscriber", on_delete=models.CASCADE, related_name="+")
    failures = models.PositiveSmallIntegerField(_("连续失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        verbose_name = _("认证锁定状态")
        verbose_name_plural = _("认证锁定状态")

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.failures}"

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class SecurityNoticeAck(models.Model):
    """The one-time security notice has been played for this subscriber (AUTH-7)."""

    subscriber = models.OneToOneField("customers.Subscriber", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("确认时间"), default=timezone.now)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        verbose_name = _("安全提示确认")
        verbose_name_plural = _("安全提示确认")

    def __str__(self) -> str:
        return f"{self.subscriber_id}@{self.at:%Y-%m-%d}"


class OtpChallenge(models.Model):
    """One SMS one-time password: its salted HMAC, expiry and how often it was tried."""

    subscriber = models.ForeignKey("customers.Subscriber", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=128)
    salt = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        indexes = [models.Index(fields=["subscriber", "-created_at"], name="otp_sub_created")]
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"{self.subscriber_id} until {self.expires_at:%H:%M}"


class PinPad(models.Model):
    """A customer-facing keypad (密码键盘) of a business hall or a VIP manager, paired with one member of
    staff (AUTH-3). The pad logs in with its own account (role ``pin_pad``); what the customer keys on
    it is checked for the staff member it is paired with, who never sees the digits."""

    pad = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="+", verbose_name=_("密码键盘"))
    holder = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("绑定员工"))
    paired_at = models.DateTimeField(_("绑定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("密码键盘")
        verbose_name_plural = _("密码键盘")

    def __str__(self) -> str:
        return f"{self.pad_id} → {self.holder_id}"


class PasswordCollection(models.Model):
    """A member of staff's request that the customer key a secret on a device the customer holds
    (AUTH-3): the IVR during a call, or the PIN pad paired with the staff member at a counter. The
    digits go from the device straight to the check; only pass, fail or locked is kept and shown.

    ``method`` is what is collected (the service password, with a fact staff read from a document, or
    the SMS code); that fact is kept only as a salted HMAC (``fact_hash``) until the check."""

    collector = models.CharField(_("采集设备"), max_length=8, choices=Collector, default=Collector.IVR)
    purpose = models.CharField(
        _("用途"), max_length=16, choices=CollectionPurpose, default=CollectionPurpose.AUTHENTICATE
    )
    method = models.CharField(_("认证方式"), max_length=20, choices=AuthMethod, default=AuthMethod.PASSWORD)
    call = models.ForeignKey(
        "telephony.Call", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subscriber = models.ForeignKey("customers.Subscriber", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel, default=Channel.HOTLINE)
    fact_salt = models.CharField(max_length=32, blank=True)
    fact_hash = models.CharField(max_length=128, blank=True)
    state = models.CharField(
        _("状态"), max_length=8, choices=CollectionState, default=CollectionState.WAITING
    )
    result = models.CharField(_("结果"), max_length=8, choices=CollectionResult, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        indexes = [models.Index(fields=["agent", "state", "-created_at"], name="collection_agent_state")]
        verbose_name = _("密码采集")
        verbose_name_plural = _("密码采集")

    def __str__(self) -> str:
        return f"{self.pk} {self.state} {self.result}"


class AuthGrant(models.Model):
    """Who may act on which number until when, after a successful authentication. A
    ``calling_line`` grant allows queries on the calling line only; ``full`` allows transactions."""

    subscriber = models.ForeignKey("customers.Subscriber", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(_("认证方式"), max_length=20, choices=AuthMethod)
    scope = models.CharField(_("授权范围"), max_length=12, choices=GrantScope)
    call_id = models.CharField(_("呼叫标识"), max_length=64, blank=True)
    contact = models.ForeignKey(
        "contacts.ContactRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        indexes = [models.Index(fields=["staff", "subscriber", "-expires_at"], name="grant_staff_sub")]
        verbose_name = _("认证授权")
        verbose_name_plural = _("认证授权")

    def __str__(self) -> str:
        return f"{self.staff_id} → {self.subscriber_id} ({self.scope})"
