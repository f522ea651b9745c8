"""SP service-quality data (SP-2), on each role that handles it.

Province: :class:`SpFigure` — the month's figures per SP the province recorded (SP hotline dial
tests, complaints about the SP); :class:`ProvinceFile` — each monthly file generated and its upload.
Hub: :class:`HubFile` and :class:`HubRow` — the files it accepted (a refused file stores nothing).
SIMS: :class:`NationalFigure` — the national figures per SP and month, as the hub last sent them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Figures(models.Model):
    """The figures of one SP (columns of the file; see README.md)."""

    sp_code = models.CharField(_("SP代码"), max_length=20)
    sp_name = models.CharField(_("SP名称"), max_length=60)
    hotline = models.CharField(_("客服热线"), max_length=20, blank=True, default="")
    service_mobile = models.CharField(_("服务手机"), max_length=20, blank=True, default="")
    hotline_calls = models.PositiveIntegerField(_("热线呼入量"), default=0)
    answered_15s = models.PositiveIntegerField(_("15秒内接通量"), default=0)
    complaints = models.PositiveIntegerField(_("投诉量"), default=0)
    complaints_resolved = models.PositiveIntegerField(_("已解决投诉"), default=0)
    resolved_in_time = models.PositiveIntegerField(_("及时解决投诉"), default=0)

    class Meta:
        abstract = True

    @property
    def answer_rate(self) -> float | None:
        """The 15-second answer rate in percent (SP-3 asks for more than 85)."""
        return round(100 * self.answered_15s / self.hotline_calls, 1) if self.hotline_calls else None

    @property
    def below_standard(self) -> bool:
        rate = self.answer_rate
        return rate is not None and rate <= 85


class SpFigure(Figures):
    """Province: one SP's figures for one month, as the province recorded them."""

    province = models.ForeignKey("core.Province", on_delete=models.PROTECT)
    month = models.DateField(_("月份"))

    scope_fields = {"province": "province_id"}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province", "month", "sp_code"], name="spq_figure_unique")
        ]
        verbose_name = _("SP服务质量数据")
        verbose_name_plural = _("SP服务质量数据")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.sp_code}"


class ProvinceFile(models.Model):
    """Province: the monthly file for ``month`` (the latest generation) and what the hub answered."""

    class Status(models.TextChoices):
        GENERATED = "generated", _("已生成")
        ACCEPTED = "accepted", _("总部已接收")
        REFUSED = "refused", _("总部拒收")
        FAILED = "failed", _("上报失败")

    province = models.ForeignKey("core.Province", on_delete=models.PROTECT)
    month = models.DateField(_("月份"))
    content = models.TextField(_("文件内容"))
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.GENERATED)
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    uploaded_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True, default="")

    scope_fields = {"province": "province_id"}

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["province", "month"], name="spq_province_file_unique")]
        verbose_name = _("SP服务质量文件")
        verbose_name_plural = _("SP服务质量文件")

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        return f"SPQ_{self.province.code}_{self.month:%Y%m}.csv"


class HubFile(models.Model):
    """Hub: a province's accepted file for a month. A later upload supersedes the earlier one."""

    province = models.CharField(_("省"), max_length=20)
    month = models.DateField(_("月份"))
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    late = models.BooleanField(_("逾期"), default=False)
    current = models.BooleanField(_("当前版本"), default=True)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("行数"), default=0)

    scope_fields = None  # national data of the hub

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "month"], condition=models.Q(current=True), name="spq_hub_file_current"
            )
        ]
        verbose_name = _("省上报文件")
        verbose_name_plural = _("省上报文件")

    def __str__(self) -> str:
        return f"{self.province} {self.month:%Y-%m}"


class HubRow(Figures):
    file = models.ForeignKey(HubFile, on_delete=models.CASCADE, related_name="figures")

    scope_fields = None

    def __str__(self) -> str:
        return f"{self.file} {self.sp_code}"


class NationalFigure(Figures):
    """SIMS: the national figures of one SP for one month (sum over the provinces that reported)."""

    month = models.DateField(_("月份"))
    provinces = models.CharField(_("上报省"), max_length=400, blank=True, default="")
    version = models.PositiveIntegerField(_("版本"), default=1)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    scope_fields = {"sp": "sp_code"}  # SP staff see their own SP only

    class Meta:
        ordering = ["-month", "sp_code"]
        constraints = [models.UniqueConstraint(fields=["month", "sp_code"], name="spq_national_unique")]
        verbose_name = _("全国SP服务质量")
        verbose_name_plural = _("全国SP服务质量")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.sp_code}"
