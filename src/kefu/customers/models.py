"""The three-party model (customer, account, subscriber) and the billing data the local billing
adapter serves: products, subscriptions, monthly bills, call details, payments, points, usage records.

Every per-subscriber table is scoped through its subscriber's home province and city
(``subscriber__home_province_id``): the screens always query one subscriber by id, so the join is on
a primary key and the (subscriber, time) indexes stay the hot path.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import CustomerLevel, NetworkType
from kefu.core.models import City, Province
from kefu.customers.choices import (
    Brand,
    CallDirection,
    CallType,
    CustomerType,
    Gender,
    IdType,
    PaymentChannel,
    PayMethod,
    PointsKind,
    ProductKind,
    SubscriberStatus,
    SubscriptionStatus,
    UsageKind,
    UsageStatus,
    UserType,
)
from kefu.customers.rules import derive_user_type, mask_id_number

SUBSCRIBER_SCOPE = {"province": "subscriber__home_province_id", "city": "subscriber__home_city_id"}


def _money(verbose_name):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, default=0)


class Customer(models.Model):
    """Who owns (客户): a person or an enterprise, identified by an ID document.

    The ID number is kept in full because authentication by ID number needs it (AUTH-1); it is masked
    on every output unless a permitted role reveals it, and every reveal is audited.
    """

    # indexed for the finder's name search (a prefix scan: btree, and varchar_pattern_ops on PostgreSQL)
    name = models.CharField(_("客户名称"), max_length=60, db_index=True)
    customer_type = models.CharField(_("客户类型"), max_length=12, choices=CustomerType)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType)
    id_number = models.CharField(_("证件号码"), max_length=32, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    address = models.CharField(_("证件地址"), max_length=200, blank=True)
    email = models.CharField(_("电子邮箱"), max_length=100, blank=True)
    # db_default: `kefu seed` inserts rows without naming this column
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_default="")
    level = models.CharField(
        _("客户级别"), max_length=12, choices=CustomerLevel, default=CustomerLevel.ORDINARY
    )
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份"))
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+", verbose_name=_("地市"))
    created_at = models.DateTimeField(_("建档时间"), default=timezone.now)
    # SVC-2: the VIP / enterprise customer's own account manager (客户经理), who serves their requests
    # and receives the callbacks their results need; empty for customers served by the hotline alone.
    account_manager = models.ForeignKey(
        "core.Staff",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_customers",
        verbose_name=_("客户经理"),
    )

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        # the finder's "张伟 南京": the customers of a city by name prefix, in name order
        indexes = [models.Index(fields=["city", "name"], name="customer_city_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class Account(models.Model):
    """Who pays (账户): balance and arrears live here."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="accounts")
    pay_method = models.CharField(_("付费方式"), max_length=20, choices=PayMethod)
    balance = _money(_("余额"))
    arrears = _money(_("欠费"))

    scope_fields = {"province": "customer__province_id", "city": "customer__city_id"}

    class Meta:
        verbose_name = _("账户")
        verbose_name_plural = _("账户")

    def __str__(self) -> str:
        return f"{self.pk}"


class Subscriber(models.Model):
    """Who uses a number (用户): one line, its brand, level, home location and service password.

    ``service_password`` holds an argon2 hash only (AUTH-4); ``password_initial`` marks a default
    password that must be changed before the first hotline transaction (AUTH-6).
    """

    number = models.CharField(_("号码"), max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="subscribers")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="subscribers")
    user_name = models.CharField(_("使用人"), max_length=60, blank=True)
    brand = models.CharField(_("品牌"), max_length=12, choices=Brand)
    network_type = models.CharField(_("网络类型"), max_length=12, choices=NetworkType)
    level = models.CharField(
        _("客户级别"), max_length=12, choices=CustomerLevel, default=CustomerLevel.ORDINARY
    )
    user_type = models.CharField(_("用户类型"), max_length=20, choices=UserType, editable=False)
    home_province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("归属省份")
    )
    home_city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("归属地市")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=SubscriberStatus, default=SubscriberStatus.ACTIVE
    )
    opened_at = models.DateTimeField(_("入网时间"), default=timezone.now)
    broadband_account = models.CharField(_("宽带账号"), max_length=40, blank=True, db_index=True)
    membership_card = models.CharField(_("会员卡号"), max_length=24, blank=True, db_index=True)
    service_password = models.CharField(_("服务密码"), max_length=128, editable=False)
    password_initial = models.BooleanField(_("初始密码"), default=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    interests = models.CharField(_("兴趣爱好"), max_length=200, blank=True)
    mailing_address = models.CharField(_("邮寄地址"), max_length=200, blank=True)
    # db_default: `kefu seed` inserts rows without naming this column
    sim_iccid = models.CharField(_("SIM卡号(ICCID)"), max_length=20, blank=True, db_default="")

    scope_fields = {"province": "home_province_id", "city": "home_city_id"}

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        # The user type is derived, never entered (AUTH-9).
        self.user_type = derive_user_type(
            customer_type=self.customer.customer_type, network_type=self.network_type, level=self.level
        )
        super().save(*args, **kwargs)


class Product(models.Model):
    """A plan, value-added service or Monternet service from the billing catalog.

    ``business_code`` optionally names the catalog business (kefu.catalog) the product belongs to, by
    code, so this layer does not import the catalog.
    """

    code = models.CharField(_("产品编码"), max_length=20, unique=True)
    name = models.CharField(_("产品名称"), max_length=60)
    kind = models.CharField(_("产品类别"), max_length=12, choices=ProductKind)
    monthly_fee = _money(_("月功能费"))
    business_code = models.CharField(_("业务编码"), max_length=40, blank=True)
    # What a line must be for the product to fit it (kefu.customers.eligibility decides, for the offer
    # lists and for acceptance alike). An empty list means "any".
    line_types = models.JSONField(
        _("适用线路类型"), default=list, blank=True, help_text=_("移动电话、固定电话、宽带")
    )
    brands = models.JSONField(_("适用品牌"), default=list, blank=True)
    network_types = models.JSONField(_("适用网络"), default=list, blank=True)
    pay_methods = models.JSONField(_("适用付费方式"), default=list, blank=True)
    requires = models.JSONField(_("前置产品"), default=list, blank=True, help_text=_("须已订购的产品编码"))
    exclusive_group = models.CharField(
        _("互斥组"), max_length=40, blank=True, help_text=_("同组产品不能同时订购")
    )

    scope_fields = None  # reference data

    class Meta:
        ordering = ["code"]
        verbose_name = _("产品")
        verbose_name_plural = _("产品")

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """A subscriber's order of one product (订购关系)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("生效日期"))
    end_date = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=SubscriptionStatus)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        indexes = [models.Index(fields=["subscriber", "-start_date"], name="subscription_sub_start")]
        verbose_name = _("订购关系")
        verbose_name_plural = _("订购关系")

    def __str__(self) -> str:
        return f"{self.subscriber_id}:{self.product_id}"


class MonthlyBill(models.Model):
    """One month's bill of one subscriber (月账单). ``month`` is the first day of the month."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="bills")
    month = models.DateField(_("账期"))
    voice_fee = _money(_("语音费"))
    sms_fee = _money(_("短信费"))
    data_fee = _money(_("数据流量费"))
    vas_fee = _money(_("增值业务费"))
    other_fee = _money(_("其他费用"))
    total_fee = _money(_("合计"))
    amount_due = _money(_("应缴"))
    amount_paid = _money(_("已缴"))
    due_date = models.DateField(_("缴费期限"))

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        indexes = [models.Index(fields=["subscriber", "-month"], name="bill_sub_month")]
        verbose_name = _("月账单")
        verbose_name_plural = _("月账单")

    def __str__(self) -> str:
        return f"{self.subscriber_id}:{self.month:%Y-%m}"


class CallDetail(models.Model):
    """One call of the detailed call record (通话详单)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="calls")
    start_at = models.DateTimeField(_("起始时间"))
    other_party = models.CharField(_("对方号码"), max_length=20)
    direction = models.CharField(_("呼叫类型"), max_length=3, choices=CallDirection)
    duration_seconds = models.PositiveIntegerField(_("通话时长(秒)"))
    call_type = models.CharField(_("通话类型"), max_length=16, choices=CallType)
    fee = models.DecimalField(_("费用"), max_digits=8, decimal_places=2, default=0)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        indexes = [models.Index(fields=["subscriber", "-start_at"], name="call_sub_start")]
        verbose_name = _("通话详单")
        verbose_name_plural = _("通话详单")

    def __str__(self) -> str:
        return f"{self.subscriber_id}:{self.start_at:%Y-%m-%d %H:%M}"


class Payment(models.Model):
    """One payment or top-up (缴费记录)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="payments")
    paid_at = models.DateTimeField(_("缴费时间"))
    amount = _money(_("金额"))
    channel = models.CharField(_("缴费渠道"), max_length=8, choices=PaymentChannel)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        indexes = [models.Index(fields=["subscriber", "-paid_at"], name="payment_sub_paid")]
        verbose_name = _("缴费记录")
        verbose_name_plural = _("缴费记录")

    def __str__(self) -> str:
        return f"{self.subscriber_id}:{self.amount}"


class PointsEntry(models.Model):
    """One entry of the points ledger (积分明细). Points are always positive; the kind says whether
    they add (earned, activity) or take away (voided, redeemed). ``redeemable`` says which pool the
    entry belongs to. All thirteen figures of Q-2 follow from these entries (selectors.points_figures).
    """

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="points_entries")
    month = models.DateField(_("积分月份"))
    kind = models.CharField(_("积分类型"), max_length=10, choices=PointsKind)
    points = models.PositiveIntegerField(_("积分"))
    redeemable = models.BooleanField(_("可兑换"), default=True)
    note = models.CharField(_("说明"), max_length=60, blank=True)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        indexes = [models.Index(fields=["subscriber", "month"], name="points_sub_month")]
        verbose_name = _("积分明细")
        verbose_name_plural = _("积分明细")

    def __str__(self) -> str:
        return f"{self.subscriber_id}:{self.kind}:{self.points}"


class UsageRecord(models.Model):
    """An SMS, MMS or WAP usage record (SS-4).

    SMS: calling/called, submitted (``started_at``), delivered (``ended_at``), status. MMS:
    calling/called, start, end, status. WAP: the subscriber's number, time, URL, status.
    """

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="usage_records")
    kind = models.CharField(_("记录类型"), max_length=4, choices=UsageKind)
    calling_number = models.CharField(_("主叫号码"), max_length=20, blank=True)
    called_number = models.CharField(_("被叫号码"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    url = models.CharField(_("访问地址"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=UsageStatus)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        indexes = [models.Index(fields=["subscriber", "kind", "-started_at"], name="usage_sub_kind_start")]
        verbose_name = _("使用记录")
        verbose_name_plural = _("使用记录")

    def __str__(self) -> str:
        return f"{self.subscriber_id}:{self.kind}"


class BillingAdjustment(models.Model):
    """A billing adjustment (调账) applied to a line's account by the local billing adapter: a credit
    (positive) or a charge (negative), once per ``reference`` (the work order that asked for it)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="adjustments")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="adjustments")
    amount = models.DecimalField(_("调整金额"), max_digits=12, decimal_places=2)
    balance_after = models.DecimalField(_("调整后余额"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("调整原因"), max_length=200)
    reference = models.CharField(_("来源单号"), max_length=40, unique=True)
    applied_at = models.DateTimeField(_("调整时间"), default=timezone.now)

    scope_fields = SUBSCRIBER_SCOPE

    class Meta:
        verbose_name = _("账务调整")
        verbose_name_plural = _("账务调整")

    def __str__(self) -> str:
        return self.reference
