"""The business catalog: businesses and their names over time (SR-3), the versioned request-category
tree (SR-3), responsibility causes (SR-4) and time limits per category and customer level (WO-5,
TIER-1).

Everything here is reference data (``scope_fields = None``): every signed-in user reads it, only
administrators change it, and every change goes through :mod:`kefu.catalog.services`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.catalog.choices import BusinessKind, BusinessStatus, CategoryLevel
from kefu.core.choices import CustomerLevel, CustomerType, DepartmentKind, RequestType

PATH_SEPARATOR = " > "


class Business(models.Model):
    """A business (业务) customers ask about: basic telecom, VAS, a Monternet SP service handled on SIMS,
    or one of the operator's own platforms.

    ``name`` is the current name; every name it has had, the current one included, is a
    :class:`BusinessName` row with its validity period. ``status`` is written only by the services.
    """

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("当前名称"), max_length=60, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=BusinessKind)
    status = models.CharField(
        _("状态"), max_length=8, choices=BusinessStatus, default=BusinessStatus.ONLINE, db_index=True
    )
    online_since = models.DateField(_("上线日期"), null=True, blank=True)
    offline_since = models.DateField(_("下线日期"), null=True, blank=True)
    second_line = models.CharField(
        _("二线支撑"),
        max_length=40,
        blank=True,
        help_text=_("处理该业务投诉的二线客服平台, 如 SIMS 或自有业务平台; 空表示省内处理"),
    )
    capability_queries = models.BooleanField(
        _("支持能力开放查询"), default=False, help_text=_("一线可通过一级客服向业务平台查询或办理 (CAP-2)")
    )
    description = models.TextField(_("说明"), blank=True)
    # Next free number for request-category node codes of this business; taken under a row lock.
    node_seq = models.PositiveIntegerField(default=0, editable=False)

    scope_fields = None

    class Meta:
        ordering = ["code"]
        verbose_name = _("业务")
        verbose_name_plural = _("业务")
        constraints = [
            models.CheckConstraint(
                name="catalog_business_offline_has_date",
                condition=~Q(status="offline") | Q(offline_since__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_online(self) -> bool:
        return self.status == BusinessStatus.ONLINE

    def can_take_offline(self) -> bool:
        return self.status == BusinessStatus.ONLINE

    def can_bring_online(self) -> bool:
        return self.status == BusinessStatus.OFFLINE


class BusinessName(models.Model):
    """One name a business carried, from ``valid_from`` until ``valid_until`` (open: the current name).

    A rename closes the current row and opens a new one, so e.g. 移动微博 remembers it was 139社区.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("名称"), max_length=60, db_index=True)
    valid_from = models.DateField(_("启用日期"))
    valid_until = models.DateField(_("停用日期"), null=True, blank=True)

    scope_fields = None

    class Meta:
        ordering = ["business_id", "valid_from", "id"]
        verbose_name = _("业务名称历史")
        verbose_name_plural = _("业务名称历史")
        constraints = [
            models.UniqueConstraint(
                fields=["business"], condition=Q(valid_until__isnull=True), name="catalog_one_current_name"
            ),
            models.CheckConstraint(
                name="catalog_name_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        until = self.valid_until.isoformat() if self.valid_until else _("至今")
        return f"{self.name} ({self.valid_from.isoformat()} ~ {until})"

    @property
    def is_current(self) -> bool:
        return self.valid_until is None


class CategoryVersion(models.Model):
    """One published version of a business's request-category set (SR-3).

    Versions are never edited once published: a change copies the current nodes into a new version,
    applies the change there and makes it current. ``business_name`` is the business's name when the
    version was published, so a record holding a node of an old version keeps showing the old path.
    """

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="category_versions")
    number = models.PositiveIntegerField(_("版本号"))
    business_name = models.CharField(_("发布时业务名称"), max_length=60)
    is_current = models.BooleanField(_("当前版本"), default=False)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.CharField(_("发布人工号"), max_length=20, blank=True)
    note = models.CharField(_("变更说明"), max_length=200, blank=True)

    scope_fields = None

    class Meta:
        ordering = ["business_id", "-number"]
        verbose_name = _("服务请求分类版本")
        verbose_name_plural = _("服务请求分类版本")
        constraints = [
            models.UniqueConstraint(fields=["business", "number"], name="catalog_version_number_unique"),
            models.UniqueConstraint(
                fields=["business"], condition=Q(is_current=True), name="catalog_one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business_name} v{self.number}"


class CategoryNode(models.Model):
    """A node of the request-category tree: request type → business → problem → detail.

    The request type and business are given by ``request_type`` and ``version.business``; the node
    itself is a problem (depth 1) or a detail under a problem (depth 2). ``code`` is stable across
    versions of the same business (a renamed node keeps its code), which is how time limits and
    reports follow a category through revisions. Nodes are immutable: work orders and contact records
    hold a foreign key to one and must never see it change under them.
    """

    version = models.ForeignKey(CategoryVersion, on_delete=models.PROTECT, related_name="nodes")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="category_nodes")
    request_type = models.CharField(_("请求类型"), max_length=20, choices=RequestType, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    code = models.CharField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=80)
    depth = models.PositiveSmallIntegerField(_("层级"), choices=CategoryLevel)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    # Problem (and detail) names joined with PATH_SEPARATOR, fixed when the node is created.
    path_names = models.CharField(_("路径"), max_length=200)

    scope_fields = None

    class Meta:
        ordering = ["version_id", "request_type", "position", "id"]
        verbose_name = _("服务请求分类")
        verbose_name_plural = _("服务请求分类")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalog_node_code_unique"),
            models.UniqueConstraint(
                fields=["version", "request_type", "parent", "name"], name="catalog_node_sibling_unique"
            ),
            models.UniqueConstraint(
                fields=["version", "request_type", "name"],
                condition=Q(parent__isnull=True),
                name="catalog_node_root_unique",
            ),
        ]
        indexes = [models.Index(fields=["business", "code"], name="catalog_node_business_code")]

    def __str__(self) -> str:
        return self.full_path

    @property
    def full_path(self) -> str:
        """e.g. '投诉 > 无线音乐 > 扣费争议 > 未订购却扣费' (names as of this node's version)."""
        return PATH_SEPARATOR.join(
            [str(RequestType.label(self.request_type)), self.version.business_name, self.path_names]
        )


class ResponsibilityCause(models.Model):
    """A responsibility cause (责任原因, SR-4): why a complaint happened, as a two-level classification.

    ``default_department`` is the responsible department usually named with this cause.
    """

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    default_department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": DepartmentKind.RESPONSIBLE},
        related_name="+",
        verbose_name=_("默认责任部门"),
    )
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    scope_fields = None

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("责任原因")
        verbose_name_plural = _("责任原因")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("责任原因最多两级")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("上级不能是自己")})
        if self.default_department_id and self.default_department.kind != DepartmentKind.RESPONSIBLE:
            raise ValidationError({"default_department": _("只能选择责任部门")})


class TimeLimit(models.Model):
    """Time limits (处理时限) of an order, per request category, customer type and customer level
    (WO-5, TIER-1, SVC-2).

    A row applies at one of three reaches: a request type as a whole (no business, no category), one
    business under a request type, or one category (``category_code`` of that business, which is the
    node code kept across category versions). An empty ``customer_level`` means any level, an empty
    ``customer_type`` any type: a row for enterprise (group) customers gives them their own limits
    whatever the level of the line. :func:`kefu.catalog.selectors.time_limit_for` resolves the row for
    an order.
    """

    request_type = models.CharField(_("请求类型"), max_length=20, choices=RequestType)
    business = models.ForeignKey(
        Business,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="time_limits",
        verbose_name=_("业务"),
    )
    category = models.ForeignKey(
        CategoryNode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务请求分类"),
        help_text=_("按分类代码生效, 分类修订后仍适用于同一代码的新版本分类"),
    )
    category_code = models.CharField(_("分类代码"), max_length=40, blank=True, default="")
    customer_level = models.CharField(
        _("客户级别"),
        max_length=16,
        choices=CustomerLevel,
        blank=True,
        default="",
        help_text=_("空表示所有级别"),
    )
    customer_type = models.CharField(
        _("客户类型"),
        max_length=12,
        choices=CustomerType,
        blank=True,
        default="",
        help_text=_("空表示所有类型; 集团客户可设专属时限"),
    )
    order_hours = models.PositiveIntegerField(_("工单时限(小时)"))
    step_hours = models.PositiveIntegerField(
        _("环节时限(小时)"), null=True, blank=True, help_text=_("首次响应或地市处理环节的时限")
    )
    round_the_clock = models.BooleanField(_("7x24小时计时"), default=False, help_text=_("否则按工作日历计时"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_fields = None

    class Meta:
        ordering = ["request_type", "business_id", "category_code", "customer_type", "customer_level"]
        verbose_name = _("处理时限")
        verbose_name_plural = _("处理时限")
        constraints = [
            models.UniqueConstraint(
                fields=["request_type", "business", "category_code", "customer_type", "customer_level"],
                name="catalog_time_limit_unique",
            ),
            models.UniqueConstraint(
                fields=["request_type", "customer_type", "customer_level"],
                condition=Q(business__isnull=True),
                name="catalog_time_limit_default_unique",
            ),
            models.CheckConstraint(
                name="catalog_time_limit_category_needs_business",
                condition=Q(category_code="") | Q(business__isnull=False),
            ),
            models.CheckConstraint(
                name="catalog_time_limit_step_within_order",
                condition=Q(step_hours__isnull=True) | Q(step_hours__lte=models.F("order_hours")),
            ),
        ]

    def __str__(self) -> str:
        where = self.category_code or (self.business.name if self.business_id else "")
        level = CustomerLevel.label(self.customer_level) if self.customer_level else _("所有级别")
        if self.customer_type:
            level = f"{CustomerType.label(self.customer_type)} {level}"
        return f"{RequestType.label(self.request_type)} {where} {level}: {self.order_hours}h".replace(
            "  ", " "
        )

    def save(self, *args, **kwargs):
        self._take_from_category()
        super().save(*args, **kwargs)

    def _take_from_category(self) -> None:
        """A category row takes its business, request type and code from the node."""
        if self.category_id:
            node = self.category
            self.business_id = node.business_id
            self.request_type = node.request_type
            self.category_code = node.code

    def clean_fields(self, exclude=None) -> None:
        self._take_from_category()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        if not self.category_id and self.category_code:
            raise ValidationError({"category": _("请选择服务请求分类")})
        if self.order_hours is not None and self.order_hours < 1:
            raise ValidationError({"order_hours": _("时限至少1小时")})
        if (
            self.step_hours is not None
            and self.order_hours is not None
            and self.step_hours > self.order_hours
        ):
            raise ValidationError({"step_hours": _("环节时限不能超过工单时限")})
