"""Organisation (ORG-1, ORG-5), staff and roles (SYS-1), audit (SYS-2) and the transactional outbox."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import DepartmentKind, Role, ScopeKind


class Province(models.Model):
    """One of the 31 provincial-level divisions; ``code`` is the operators' two-letter code."""

    code = models.CharField(_("代码"), max_length=2, unique=True)
    gb_code = models.CharField(_("行政区划代码"), max_length=2, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=40)

    scope_fields = None  # reference data: readable by every scope

    class Meta:
        ordering = ["gb_code"]
        verbose_name = _("省份")
        verbose_name_plural = _("省份")

    def __str__(self) -> str:
        return self.name


class City(models.Model):
    """A prefecture-level city (地市); cities work inside their province's node (ORG-1)."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="cities")
    code = models.CharField(_("代码"), max_length=4, unique=True, help_text=_("GB/T 2260 前四位"))
    area_code = models.CharField(_("长途区号"), max_length=4)
    name = models.CharField(_("名称"), max_length=20)
    name_en = models.CharField(_("英文名称"), max_length=40, blank=True)

    scope_fields = None

    class Meta:
        ordering = ["code"]
        verbose_name = _("地市")
        verbose_name_plural = _("地市")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department: the province centre, a city team, or a responsible department (SR-4)."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类别"), max_length=16, choices=DepartmentKind)
    province = models.ForeignKey(Province, null=True, blank=True, on_delete=models.PROTECT)
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.PROTECT)
    active = models.BooleanField(_("启用"), default=True)

    scope_fields = None

    class Meta:
        ordering = ["code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class AgentGroup(models.Model):
    """A logical agent group (逻辑组): one per city plus the public group (ORG-4)."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    province = models.ForeignKey(Province, on_delete=models.PROTECT)
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.PROTECT)
    is_public = models.BooleanField(_("公共组"), default=False)

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        ordering = ["code"]
        verbose_name = _("逻辑组")
        verbose_name_plural = _("逻辑组")

    def __str__(self) -> str:
        return self.name


class StaffManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, job_number: str, password: str | None = None, **fields):
        if not job_number:
            raise ValueError("job_number is required")
        user = self.model(job_number=job_number, **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, job_number: str, password: str | None = None, **fields):
        fields.setdefault("role", Role.ADMINISTRATOR)
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(job_number, password, **fields)


class Staff(AbstractBaseUser, PermissionsMixin):
    """A member of staff, logging in with a job number (工号).

    The data scope follows from the row: an SP code limits to that SP; a city to that city; a province
    to that province; none of these (administrators and hub operators at group level, a business
    platform's second line) means national.
    """

    job_number = models.CharField(_("工号"), max_length=20, unique=True)
    name = models.CharField(_("姓名"), max_length=40)
    role = models.CharField(_("角色"), max_length=24, choices=Role)
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("省份")
    )
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("地市"))
    sp_code = models.CharField(_("SP代码"), max_length=20, blank=True, default="")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("部门")
    )
    agent_group = models.ForeignKey(
        AgentGroup, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("逻辑组")
    )
    is_active = models.BooleanField(_("有效"), default=True)
    is_staff = models.BooleanField(_("可进入管理后台"), default=False)
    date_joined = models.DateTimeField(_("创建时间"), default=timezone.now)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    objects = StaffManager()

    USERNAME_FIELD = "job_number"
    REQUIRED_FIELDS = ["name"]
    scope_fields = {"province": "province_id", "city": "city_id", "sp": "sp_code"}

    class Meta:
        ordering = ["job_number"]
        verbose_name = _("员工")
        verbose_name_plural = _("员工")

    def __str__(self) -> str:
        return f"{self.job_number} {self.name}"

    def clean(self) -> None:
        if self.city_id and self.province_id and self.city.province_id != self.province_id:
            raise ValidationError({"city": _("地市不属于所选省份")})
        if self.city_id and not self.province_id:
            self.province_id = self.city.province_id
        if self.role == Role.SP_STAFF and not self.sp_code:
            raise ValidationError({"sp_code": _("SP人员必须指定SP代码")})
        national = (Role.ADMINISTRATOR, Role.HUB_OPERATOR, Role.SP_STAFF, Role.PLATFORM_STAFF)
        if self.role not in national and not self.province_id:
            raise ValidationError({"province": _("该角色必须指定省份")})

    @property
    def scope_kind(self) -> str:
        if self.sp_code:
            return ScopeKind.SP
        if self.city_id:
            return ScopeKind.CITY
        if self.province_id:
            return ScopeKind.PROVINCE
        return ScopeKind.NATIONAL

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))

    @property
    def may_reveal_personal_data(self) -> bool:
        return self.role in Role.MAY_REVEAL_PERSONAL_DATA


class AuditEvent(models.Model):
    """One audited write or personal-data reveal (SYS-2). Append-only: never updated, never deleted."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    actor_job_number = models.CharField(_("工号"), max_length=20, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份")
    )
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("地市")
    )
    source_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=20, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    scope_fields = {"province": "province_id", "city": "city_id"}

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_job_number} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("audit events are append-only")


class OutboxMessage(models.Model):
    """An event recorded in the same transaction as the change it reports (transactional outbox).

    Domain code only appends here; whoever delivers (federation, TMF hub notifications) sits higher up
    and marks rows delivered.
    """

    topic = models.CharField(max_length=60, db_index=True)
    destination = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dead = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)

    scope_fields = None  # machine data, never exposed through the API

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending",
                condition=models.Q(delivered_at__isnull=True, dead=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class BusMessage(models.Model):
    """A message of the database-backed event bus (the embedded default's stand-in for Redis pub/sub).

    Rows live for a minute: subscribers in any process poll for ids above the last one they saw. On
    PostgreSQL the table is UNLOGGED (migration 0006): a publish does not wait for a WAL flush, and
    a crash empties it.
    """

    channel = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    scope_fields = None  # machine data, never exposed through the API

    class Meta:
        indexes = [models.Index(fields=["channel", "id"], name="bus_channel_id")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"
