"""The knowledge base (KB-1..4): articles and explanation wording, each with a review workflow and
every version kept; synonyms for the search; overlays a province adds to national articles; and what
agents used during contacts.

Versions and the draft beside the published text (the workflow is ``kefu.knowledge.workflow``):

- every save of an article's content makes an immutable :class:`ArticleVersion`, so who changed
  what is a query and a restore is a new version copied from an old one. ``version`` is the number
  of the latest version, ``published_version`` the one readers see (0 while never published);
- once an article has been published, its :class:`Article` row holds the *published* content and
  only that: the search indexes it and readers see it. An edit then writes a version numbered above
  ``published_version`` and leaves the row's content alone; that pending version (always the latest,
  ``version``) is the draft, and ``draft_status`` says where it stands (``draft`` or ``review``).
  Approving it copies its content onto the row. ``status`` stays what readers see (``published`` or
  ``retired``) throughout;
- before the first publication nobody reads the row, so it holds the latest draft and ``status``
  and ``draft_status`` agree (``draft`` or ``review``).

:class:`Wording` works the same way with :class:`WordingVersion` (its versioned content is the
title and the text). The search index is kept by the search port (``kefu.knowledge.search``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import CustomerLevel
from kefu.core.models import Province, Staff
from kefu.knowledge.choices import ArticleKind, Audience, Channel, Origin, Status, UseKind


class Article(models.Model):
    """A knowledge article (知识点), KB-1.

    ``body`` is sanitised HTML (only what the editor allows survives a save); ``body_text`` is its
    plain text, which the search indexes and snippets are cut from. ``levels`` lists the customer
    levels it applies to (empty: all). ``province`` is the province that owns a local article; a
    national one (``origin`` national) has none and is edited only at the hub.
    """

    code = models.CharField(_("编号"), max_length=40, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    body_text = models.TextField(_("正文文本"), blank=True, editable=False)
    kind = models.CharField(_("类别"), max_length=16, choices=ArticleKind, default=ArticleKind.USAGE)
    audience = models.CharField(_("适用对象"), max_length=8, choices=Audience, default=Audience.BOTH)
    business = models.ForeignKey(
        "catalog.Business",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("业务"),
    )
    category = models.ForeignKey(
        "catalog.CategoryNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务请求分类"),
    )
    levels = models.JSONField(_("客户级别"), default=list, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    review_by = models.DateField(_("复审日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=0)
    published_version = models.PositiveIntegerField(_("发布版本"), default=0)
    # the state of the pending version (number ``version`` > ``published_version``); blank: none
    draft_status = models.CharField(
        _("修订状态"), max_length=10, choices=Status, blank=True, default="", db_index=True
    )
    # the reviewer's last word on a pending version: why it was sent back
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    needs_review = models.BooleanField(_("待复核"), default=False)
    needs_review_reason = models.CharField(_("复核原因"), max_length=200, blank=True)
    origin = models.CharField(_("来源"), max_length=8, choices=Origin, default=Origin.LOCAL)
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份")
    )
    created_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    scope_fields = None  # knowledge is read by every member of staff; editing rights are the services'

    class Meta:
        ordering = ["code"]
        verbose_name = _("知识")
        verbose_name_plural = _("知识")
        indexes = [
            models.Index(fields=["business", "status"], name="article_business"),
            models.Index(fields=["review_by"], name="article_review_by", condition=Q(status="published")),
        ]
        constraints = [
            models.CheckConstraint(
                name="article_valid_period",
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def applies_to_level(self, level: str) -> bool:
        return not self.levels or level in self.levels


class ArticleVersion(models.Model):
    """One saved state of an article's content; never changed once written."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    kind = models.CharField(_("类别"), max_length=16, choices=ArticleKind)
    audience = models.CharField(_("适用对象"), max_length=8, choices=Audience)
    business_code = models.CharField(_("业务代码"), max_length=32, blank=True)
    levels = models.JSONField(_("客户级别"), default=list, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    author = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("修改人")
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("知识版本")
        verbose_name_plural = _("知识版本")
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_version_once")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleAttachment(models.Model):
    """A file attached to an article (a tariff sheet, an outlet map)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="knowledge/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"), default=0)
    uploaded_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("知识附件")
        verbose_name_plural = _("知识附件")

    def __str__(self) -> str:
        return self.name


class Synonym(models.Model):
    """A group of words a search treats as one (网速慢 ↔ 上网慢 ↔ 网络卡), kept by knowledge editors."""

    terms = models.JSONField(_("同义词"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    scope_fields = None  # the node's search vocabulary, like the catalog: no province owns a group

    class Meta:
        ordering = ["id"]
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")

    def __str__(self) -> str:
        return " ↔ ".join(self.terms)


class Wording(models.Model):
    """Approved explanation wording (解释口径), KB-4: for one problem type, customer level and channel.

    ``problem`` is a request-category code (``CategoryNode.code``, stable across catalog versions) or
    a free key for order-state messages (e.g. ``order.accepted``); ``level`` blank means every level.
    Reviewed and versioned like articles.
    """

    code = models.CharField(_("编号"), max_length=40, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    problem = models.CharField(_("问题类型"), max_length=60, db_index=True)
    level = models.CharField(_("客户级别"), max_length=10, choices=CustomerLevel, blank=True)
    channel = models.CharField(_("使用渠道"), max_length=16, choices=Channel, default=Channel.AGENT)
    text = models.TextField(_("口径内容"))
    business = models.ForeignKey(
        "catalog.Business",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("业务"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=0)
    published_version = models.PositiveIntegerField(_("发布版本"), default=0)
    # the state of the pending version, as on Article
    draft_status = models.CharField(
        _("修订状态"), max_length=10, choices=Status, blank=True, default="", db_index=True
    )
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    review_by = models.DateField(_("复审日期"), null=True, blank=True)
    origin = models.CharField(_("来源"), max_length=8, choices=Origin, default=Origin.LOCAL)
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份")
    )
    created_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    scope_fields = None

    class Meta:
        ordering = ["code"]
        verbose_name = _("解释口径")
        verbose_name_plural = _("解释口径")
        indexes = [models.Index(fields=["problem", "channel", "level"], name="wording_lookup")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class WordingVersion(models.Model):
    """One saved state of a wording; never changed once written."""

    wording = models.ForeignKey(Wording, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("口径内容"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    author = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["wording", "-number"]
        verbose_name = _("口径版本")
        verbose_name_plural = _("口径版本")
        constraints = [models.UniqueConstraint(fields=["wording", "number"], name="wording_version_once")]

    def __str__(self) -> str:
        return f"{self.wording_id} v{self.number}"


class Overlay(models.Model):
    """A province's local addition to a national article (ORG-2): extra text shown under the national
    text, which stays untouched. ``based_on_version`` is the national version the overlay was last
    checked against; a later national version marks the overlay as needing a look."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="overlays")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份"))
    body = models.TextField(_("本省补充"))
    body_text = models.TextField(blank=True, editable=False)
    based_on_version = models.PositiveIntegerField(_("对应全网版本"))
    updated_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("本省补充")
        verbose_name_plural = _("本省补充")
        constraints = [models.UniqueConstraint(fields=["article", "province"], name="overlay_once")]

    def __str__(self) -> str:
        return f"{self.article_id}@{self.province_id}"


class KnowledgeUse(models.Model):
    """What an agent did with an article or a wording during a contact (SR-1, KB-2, KB-4): opened,
    answered the customer with it, sent it by SMS, read out a wording, or found nothing. Records the
    version used, so the contact shows exactly what the customer was told."""

    contact = models.ForeignKey("contacts.ContactRecord", on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(
        "contacts.ServiceRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("动作"), max_length=12, choices=UseKind)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    article_version = models.PositiveIntegerField(null=True, blank=True)
    wording = models.ForeignKey(Wording, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    wording_version = models.PositiveIntegerField(null=True, blank=True)
    question = models.CharField(_("问题"), max_length=500, blank=True)
    actor = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    scope_fields = {"province": "contact__province_id", "city": "contact__city_id"}

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("知识使用记录")
        verbose_name_plural = _("知识使用记录")
        indexes = [models.Index(fields=["contact", "at"], name="knowledge_use_contact")]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.kind}"
