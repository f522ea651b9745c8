"""The review workflow of articles and wording (KB-1, KB-4), with who may do what.

States (``status`` is what readers see, the pending version's state is ``draft_status``; see
:mod:`kefu.knowledge.models`)::

    edit ─→ draft ──submit──→ review ──approve──→ published ──retire──→ retired
              ↑                  │                    │                    │
              └─────reject───────┘          edit / restore: a new pending draft

- Writers (knowledge editors, administrators) create, edit, submit and restore; anyone else gets 403
  ``not_an_editor``.
- Reviewers (knowledge editors, supervisors, administrators) approve, reject, retire and confirm a
  review date; nobody approves a pending change they wrote any version of (403 ``own_review``,
  four eyes).
- A version in review is frozen: editing or restoring it is 409 ``invalid_transition``, as is every
  action the state does not allow. National articles and wording are edited at the hub only (403
  ``national_read_only`` elsewhere).

Every action is one transaction with one audit event; a refused one changes nothing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core import audit
from kefu.core import uploads as limits  # the same limits as work-order attachments
from kefu.core.choices import Role
from kefu.core.errors import ConflictError, DomainError, ErrorCode, NotFoundError
from kefu.knowledge import search, services
from kefu.knowledge.choices import Status
from kefu.knowledge.errors import KnowledgeErrorCode
from kefu.knowledge.models import Article, ArticleAttachment, ArticleVersion, Synonym, Wording, WordingVersion
from kefu.knowledge.reading import visible_to
from kefu.knowledge.text import plain_text

WRITERS = frozenset({Role.KNOWLEDGE_EDITOR, Role.ADMINISTRATOR})
REVIEWERS = frozenset({Role.KNOWLEDGE_EDITOR, Role.SUPERVISOR, Role.ADMINISTRATOR})


# -- who ---------------------------------------------------------------------------------------------


def may_write(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in WRITERS


def may_review(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in REVIEWERS


def may_manage(user) -> bool:
    """Opens the editor's pages: writers and reviewers."""
    return may_write(user) or may_review(user)


def _check_writer(actor) -> None:
    if not may_write(actor):
        raise DomainError(
            _("只有知识管理员可以编写知识、口径和同义词"), code=KnowledgeErrorCode.NOT_AN_EDITOR, status=403
        )


def _check_reviewer(actor) -> None:
    if not may_review(actor):
        raise DomainError(
            _("只有知识管理员、班长和系统管理员可以审核"), code=KnowledgeErrorCode.NOT_AN_EDITOR, status=403
        )


def _check_local(obj) -> None:
    services.ensure_editable(obj)  # ORG-2: national text is the hub's


def _invalid(action: str, obj) -> ConflictError:
    return ConflictError(
        _("当前状态（%(state)s）不能%(action)s") % {"state": state_label(obj), "action": action},
        code=KnowledgeErrorCode.INVALID_TRANSITION,
        state=obj.status,
        draft_status=stage(obj),
    )


def _invalid_input(message: str, field_name: str) -> DomainError:
    return DomainError(message, code=ErrorCode.VALIDATION_FAILED, status=400, errors={field_name: [message]})


# -- states ------------------------------------------------------------------------------------------


def stage(obj) -> str:
    """The state of the pending version of an article or wording: ``draft``, ``review`` or blank."""
    if obj.published_version == 0 and obj.status in (Status.DRAFT, Status.REVIEW):
        return obj.status
    if obj.version > obj.published_version:
        return obj.draft_status or Status.DRAFT
    return ""


def state_label(obj) -> str:
    pending = stage(obj)
    if obj.published_version == 0 or not pending:
        return str(Status.label(obj.status))
    return f"{Status.label(obj.status)} + {Status.label(pending)}"


def is_stale(obj, today: date | None = None) -> bool:
    """A published article or wording whose review date has passed."""
    today = today or timezone.localdate()
    return obj.status == Status.PUBLISHED and obj.review_by is not None and obj.review_by < today


def stale_articles(today: date | None = None, *, actor=None):
    """Published articles past their review date, the longest overdue first (those ``actor`` sees)."""
    today = today or timezone.localdate()
    return (
        visible_to(Article.objects.all(), actor)
        .filter(status=Status.PUBLISHED, review_by__lt=today)
        .order_by("review_by", "code")
    )


def review_queue(*, actor=None):
    """Articles with a version waiting for a reviewer (those ``actor`` sees)."""
    return (
        visible_to(Article.objects.all(), actor)
        .filter(
            Q(published_version=0, status=Status.REVIEW)
            | Q(published_version__gt=0, draft_status=Status.REVIEW)
        )
        .order_by("updated_at", "code")
    )


def wording_review_queue(*, actor=None):
    return (
        visible_to(Wording.objects.all(), actor)
        .filter(
            Q(published_version=0, status=Status.REVIEW)
            | Q(published_version__gt=0, draft_status=Status.REVIEW)
        )
        .order_by("updated_at", "code")
    )


def pending_authors(obj) -> set[int]:
    """Who wrote any version of the pending change (every version above the published one)."""
    versions = obj.versions.filter(number__gt=obj.published_version)
    return set(versions.exclude(author__isnull=True).values_list("author_id", flat=True))


# -- articles ----------------------------------------------------------------------------------------


def article_get(code: str, *, actor, lock: bool = False) -> Article:
    """The article ``code`` if ``actor`` may see it (:func:`kefu.knowledge.reading.visible_to`);
    ``actor`` None is the system (imports, the federation)."""
    queryset = Article.objects.select_for_update() if lock else Article.objects.all()
    article = visible_to(queryset, actor).filter(code=code).first()
    if article is None:
        raise NotFoundError(
            _("没有编号为 %(code)s 的知识") % {"code": code}, code=KnowledgeErrorCode.UNKNOWN_ARTICLE
        )
    return article


def article_version(article: Article, number: int) -> ArticleVersion:
    version = article.versions.filter(number=number).select_related("author").first()
    if version is None:
        raise NotFoundError(
            _("知识 %(code)s 没有第 %(n)s 版") % {"code": article.code, "n": number},
            code=KnowledgeErrorCode.UNKNOWN_VERSION,
        )
    return version


def _check_content(fields: dict, *, creating: bool) -> None:
    if (creating or "title" in fields) and not (fields.get("title") or "").strip():
        raise _invalid_input(_("标题不能为空"), "title")
    if (creating or "body" in fields) and not plain_text(services.sanitise(fields.get("body") or "")):
        raise _invalid_input(_("正文不能为空"), "body")
    start, end = fields.get("valid_from"), fields.get("valid_until")
    if start and end and end < start:
        raise _invalid_input(_("失效日期不能早于生效日期"), "valid_until")
    if "title" in fields:
        fields["title"] = fields["title"].strip()


@transaction.atomic
def article_create(*, actor, code: str, note: str = "", **fields) -> Article:
    """A new article, as a draft (version 1) written by ``actor``."""
    _check_writer(actor)
    code = (code or "").strip()
    if not code:
        raise _invalid_input(_("编号不能为空"), "code")
    if Article.objects.filter(code=code).exists():
        raise ConflictError(
            _("编号 %(code)s 已被使用") % {"code": code}, code=KnowledgeErrorCode.ARTICLE_EXISTS
        )
    _check_content(fields, creating=True)
    fields.setdefault("province", getattr(actor, "province", None))
    return services.save_article(actor=actor, code=code, note=note or _("新建"), **fields)


@transaction.atomic
def article_edit(*, actor, code: str, note: str = "", **fields) -> Article:
    """Save a new draft version. A published article keeps showing its published version."""
    _check_writer(actor)
    article = article_get(code, actor=actor, lock=True)
    _check_local(article)
    if stage(article) == Status.REVIEW:
        raise _invalid(_("修改（审核中的版本不能修改，请先驳回）"), article)
    content = services.working_content(article)
    _check_content({**content, **fields}, creating=False)
    if "title" in fields:
        fields["title"] = fields["title"].strip()
    return services.save_article(actor=actor, code=code, note=note, **fields)


def _to_review(actor, obj, kind: str):
    """draft → review, the same for articles and wording (the object is locked and visible)."""
    _check_local(obj)
    if stage(obj) != Status.DRAFT:
        raise _invalid(_("提交审核"), obj)
    obj.draft_status = Status.REVIEW
    if obj.published_version == 0:
        obj.status = Status.REVIEW
    obj.review_note = ""
    obj.save(update_fields=["draft_status", "status", "review_note"])
    audit.record(actor=actor, action=f"knowledge.{kind}.submit", obj=obj, changes={"version": obj.version})
    return obj


def _back_to_draft(actor, obj, kind: str, reason: str):
    """review → draft with the reviewer's reason, the same for articles and wording."""
    _check_local(obj)
    if stage(obj) != Status.REVIEW:
        raise _invalid(_("驳回"), obj)
    obj.draft_status = Status.DRAFT
    if obj.published_version == 0:
        obj.status = Status.DRAFT
    obj.review_note = reason[:200]
    obj.save(update_fields=["draft_status", "status", "review_note"])
    audit.record(
        actor=actor,
        action=f"knowledge.{kind}.reject",
        obj=obj,
        changes={"version": obj.version, "reason": reason},
    )
    return obj


@transaction.atomic
def article_submit(*, actor, code: str) -> Article:
    """draft → review."""
    _check_writer(actor)
    return _to_review(actor, article_get(code, actor=actor, lock=True), "article")


@transaction.atomic
def article_approve(*, actor, code: str, note: str = "") -> Article:
    """review → published: the pending version becomes what readers see and the search finds."""
    _check_reviewer(actor)
    article = article_get(code, actor=actor, lock=True)
    _check_local(article)
    if stage(article) != Status.REVIEW:
        raise _invalid(_("审核通过"), article)
    if actor.pk in pending_authors(article):
        raise DomainError(
            _("不能审核自己修改的版本"),
            code=KnowledgeErrorCode.OWN_REVIEW,
            status=403,
            version=article.version,
        )
    latest = article_version(article, article.version)
    services.apply_content(article, services.version_content(latest))
    previous = article.published_version
    article.status = Status.PUBLISHED
    article.draft_status = ""
    article.published_version = article.version
    article.published_at = timezone.now()
    article.updated_at = article.published_at
    article.review_note = note[:200]
    article.needs_review = False
    article.needs_review_reason = ""
    article.save()
    audit.record(
        actor=actor,
        action="knowledge.article.approve",
        obj=article,
        changes={"published_version": {"from": previous, "to": article.version}, "note": note},
    )
    search.index_article(article)
    return article


@transaction.atomic
def article_reject(*, actor, code: str, reason: str) -> Article:
    """review → draft, with the reason the author reads."""
    _check_reviewer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid_input(_("请填写驳回原因"), "reason")
    return _back_to_draft(actor, article_get(code, actor=actor, lock=True), "article", reason)


@transaction.atomic
def article_retire(*, actor, code: str, reason: str = "") -> Article:
    """published → retired: out of the search and of the readers' pages."""
    _check_reviewer(actor)
    article = article_get(code, actor=actor, lock=True)
    _check_local(article)
    if article.status != Status.PUBLISHED:
        raise _invalid(_("下线"), article)
    article.status = Status.RETIRED
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="knowledge.article.retire", obj=article, changes={"reason": reason})
    search.remove_article(article)
    return article


@transaction.atomic
def article_restore(*, actor, code: str, number: int) -> Article:
    """Copy version ``number``'s content as a new draft version (the old one stays as it was)."""
    _check_writer(actor)
    article = article_get(code, actor=actor, lock=True)
    _check_local(article)
    if stage(article) == Status.REVIEW:
        raise _invalid(_("恢复旧版本（审核中的版本不能修改，请先驳回）"), article)
    old = article_version(article, number)
    return services.save_article(
        actor=actor, code=code, note=_("恢复第 %(n)s 版") % {"n": number}, **services.version_content(old)
    )


@transaction.atomic
def article_confirm(*, actor, code: str, review_by: date | None) -> Article:
    """A reviewer checked the published text: clear the needs-review flag and set the next review date."""
    _check_reviewer(actor)
    article = article_get(code, actor=actor, lock=True)
    if article.status != Status.PUBLISHED:
        raise _invalid(_("确认复审"), article)
    if review_by is not None and review_by <= timezone.localdate():
        raise _invalid_input(_("下次复审日期须晚于今天"), "review_by")
    before = {"review_by": article.review_by.isoformat() if article.review_by else None}
    article.review_by = review_by
    article.needs_review = False
    article.needs_review_reason = ""
    article.save(update_fields=["review_by", "needs_review", "needs_review_reason"])
    audit.record(
        actor=actor,
        action="knowledge.article.confirm",
        obj=article,
        changes={
            "review_by": {"from": before["review_by"], "to": review_by.isoformat() if review_by else None}
        },
    )
    return article


@transaction.atomic
def article_set_meta(*, actor, code: str, **fields) -> Article:
    """Change what describes an article without a new version: category, review date."""
    _check_writer(actor)
    article = article_get(code, actor=actor, lock=True)
    _check_local(article)
    allowed = {"category", "review_by"}
    changes = {}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"article_set_meta() got an unknown field {name}")
        changes[name] = str(value) if value is not None else None
        setattr(article, name, value)
    article.save(update_fields=list(fields))
    audit.record(actor=actor, action="knowledge.article.describe", obj=article, changes=changes)
    return article


def flag_for_review(*, business, reason: str) -> int:
    """SR-3: mark the live articles of ``business`` as needing a look, with the reason. Returns how
    many were flagged."""
    return (
        Article.objects.filter(business=business)
        .exclude(status=Status.RETIRED)
        .update(needs_review=True, needs_review_reason=reason[:200])
    )


# -- attachments -------------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor, code: str, upload) -> ArticleAttachment:
    """Attach a file to an article; the size and type limits are the work orders' (``KEFU_ATTACHMENT_*``)."""

    _check_writer(actor)
    article = article_get(code, actor=actor, lock=True)
    _check_local(article)
    if upload.size > limits.max_bytes():
        raise DomainError(
            _("附件“%(name)s”超过大小限制（%(limit)s）")
            % {"name": upload.name or "", "limit": limits.max_size_text()},
            code=KnowledgeErrorCode.ATTACHMENT_TOO_LARGE,
            status=413,
            max_bytes=limits.max_bytes(),
        )
    content_type = limits.content_type(upload)
    if content_type not in limits.allowed_types():
        raise DomainError(
            _("不支持的附件类型：%(t)s") % {"t": content_type or "?"},
            code=KnowledgeErrorCode.ATTACHMENT_TYPE_REFUSED,
            status=415,
        )
    attachment = ArticleAttachment(
        article=article, name=(upload.name or "file")[-200:], size=upload.size, uploaded_by=actor
    )
    attachment.file.save(attachment.name, upload, save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="knowledge.article.attach",
        obj=article,
        changes={"name": attachment.name, "size": attachment.size},
    )
    return attachment


# -- diff --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    tag: str  # equal, replace, delete, insert
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Diff:
    from_number: int
    to_number: int
    changed: list[str] = field(default_factory=list)
    rows: list[DiffRow] = field(default_factory=list)
    unified: str = ""

    @property
    def changed_labels(self) -> list[str]:
        return [str(DIFF_LABELS.get(name, name)) for name in self.changed]

    @property
    def html(self) -> SafeString:
        """A side-by-side table; every cell escaped."""
        parts = ['<table class="kb-diff"><tbody>']
        for row in self.rows:
            parts.append(
                format_html(
                    '<tr class="kb-diff-{}"><th>{}</th><td class="kb-diff-old">{}</td><td class="kb-diff-new">{}</td></tr>',
                    row.tag,
                    DIFF_LABELS.get(row.field, row.field),
                    row.old,
                    row.new,
                )
            )
        parts.append("</tbody></table>")
        return mark_safe("".join(parts))  # noqa: S308 - every value went through format_html


# what the diff calls each field on a page (the API keeps the field names)
DIFF_LABELS = {
    "title": gettext_lazy("标题"),
    "body": gettext_lazy("正文"),
    "text": gettext_lazy("口径内容"),
    "kind": gettext_lazy("类别"),
    "audience": gettext_lazy("适用对象"),
    "business_code": gettext_lazy("业务"),
    "levels": gettext_lazy("客户级别"),
    "tags": gettext_lazy("标签"),
    "valid_from": gettext_lazy("生效日期"),
    "valid_until": gettext_lazy("失效日期"),
}

ARTICLE_DIFF_FIELDS = (
    "title",
    "kind",
    "audience",
    "business_code",
    "levels",
    "tags",
    "valid_from",
    "valid_until",
    "body",
)
WORDING_DIFF_FIELDS = ("title", "text")


def _value(version, name: str) -> str:
    value = getattr(version, name)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)


def _lines(version, name: str) -> list[str]:
    if name == "body":
        return plain_text(version.body).splitlines()
    return (_value(version, name) or "").splitlines()


def diff_versions(old, new, fields: tuple[str, ...]) -> Diff:
    """What changed from version ``old`` to ``new``: the changed fields, a side-by-side table of them
    (the long texts line by line) and a unified diff of the text."""
    changed: list[str] = []
    rows: list[DiffRow] = []
    unified: list[str] = []
    for name in fields:
        before, after = _lines(old, name), _lines(new, name)
        if before == after:
            continue
        changed.append(name)
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                rows.extend(DiffRow("equal", name, line, line) for line in before[i1:i2])
                continue
            left, right = before[i1:i2], after[j1:j2]
            for k in range(max(len(left), len(right))):
                rows.append(
                    DiffRow(tag, name, left[k] if k < len(left) else "", right[k] if k < len(right) else "")
                )
        unified.extend(
            difflib.unified_diff(
                before, after, fromfile=f"v{old.number}/{name}", tofile=f"v{new.number}/{name}", lineterm=""
            )
        )
    return Diff(old.number, new.number, changed, rows, "\n".join(unified))


def article_diff(article: Article, from_number: int, to_number: int) -> Diff:
    """What changed between two versions of ``article`` (already found through :func:`article_get`)."""
    return diff_versions(
        article_version(article, from_number), article_version(article, to_number), ARTICLE_DIFF_FIELDS
    )


# -- wording -----------------------------------------------------------------------------------------


def wording_get(code: str, *, actor, lock: bool = False) -> Wording:
    """The wording ``code`` if ``actor`` may see it (as :func:`article_get`)."""
    queryset = Wording.objects.select_for_update() if lock else Wording.objects.all()
    wording = visible_to(queryset, actor).filter(code=code).first()
    if wording is None:
        raise NotFoundError(
            _("没有编号为 %(code)s 的口径") % {"code": code}, code=KnowledgeErrorCode.UNKNOWN_WORDING
        )
    return wording


def wording_version(wording: Wording, number: int) -> WordingVersion:
    version = wording.versions.filter(number=number).select_related("author").first()
    if version is None:
        raise NotFoundError(
            _("口径 %(code)s 没有第 %(n)s 版") % {"code": wording.code, "n": number},
            code=KnowledgeErrorCode.UNKNOWN_VERSION,
        )
    return version


def _check_wording(fields: dict, *, creating: bool) -> None:
    if (creating or "title" in fields) and not (fields.get("title") or "").strip():
        raise _invalid_input(_("标题不能为空"), "title")
    if (creating or "text" in fields) and not (fields.get("text") or "").strip():
        raise _invalid_input(_("口径内容不能为空"), "text")
    if creating and not (fields.get("problem") or "").strip():
        raise _invalid_input(_("问题类型不能为空"), "problem")
    start, end = fields.get("valid_from"), fields.get("valid_until")
    if start and end and end < start:
        raise _invalid_input(_("失效日期不能早于生效日期"), "valid_until")


@transaction.atomic
def wording_create(*, actor, code: str, note: str = "", **fields) -> Wording:
    _check_writer(actor)
    code = (code or "").strip()
    if not code:
        raise _invalid_input(_("编号不能为空"), "code")
    if Wording.objects.filter(code=code).exists():
        raise ConflictError(
            _("编号 %(code)s 已被使用") % {"code": code}, code=KnowledgeErrorCode.WORDING_EXISTS
        )
    _check_wording(fields, creating=True)
    fields.setdefault("province", getattr(actor, "province", None))
    return services.save_wording(actor=actor, code=code, note=note or _("新建"), **fields)


@transaction.atomic
def wording_edit(*, actor, code: str, note: str = "", **fields) -> Wording:
    _check_writer(actor)
    wording = wording_get(code, actor=actor, lock=True)
    _check_local(wording)
    if stage(wording) == Status.REVIEW:
        raise _invalid(_("修改（审核中的版本不能修改，请先驳回）"), wording)
    _check_wording(
        {"valid_from": wording.valid_from, "valid_until": wording.valid_until, **fields}, creating=False
    )
    content = {name: fields[name] for name in services.WORDING_CONTENT_FIELDS if name in fields}
    meta = {name: value for name, value in fields.items() if name not in content}
    if not content:  # only where it applies changed: no new version
        for name, value in meta.items():
            setattr(wording, name, value)
        wording.save()
        audit.record(
            actor=actor,
            action="knowledge.wording.describe",
            obj=wording,
            changes={k: str(v) if v is not None else None for k, v in meta.items()},
        )
        return wording
    return services.save_wording(actor=actor, code=code, note=note, **fields)


@transaction.atomic
def wording_submit(*, actor, code: str) -> Wording:
    """draft → review."""
    _check_writer(actor)
    return _to_review(actor, wording_get(code, actor=actor, lock=True), "wording")


@transaction.atomic
def wording_approve(*, actor, code: str, note: str = "") -> Wording:
    _check_reviewer(actor)
    wording = wording_get(code, actor=actor, lock=True)
    _check_local(wording)
    if stage(wording) != Status.REVIEW:
        raise _invalid(_("审核通过"), wording)
    if actor.pk in pending_authors(wording):
        raise DomainError(
            _("不能审核自己修改的版本"),
            code=KnowledgeErrorCode.OWN_REVIEW,
            status=403,
            version=wording.version,
        )
    latest = wording_version(wording, wording.version)
    previous = wording.published_version
    wording.title, wording.text = latest.title, latest.text
    wording.status = Status.PUBLISHED
    wording.draft_status = ""
    wording.published_version = wording.version
    wording.published_at = timezone.now()
    wording.updated_at = wording.published_at
    wording.review_note = note[:200]
    wording.save()
    audit.record(
        actor=actor,
        action="knowledge.wording.approve",
        obj=wording,
        changes={"published_version": {"from": previous, "to": wording.version}, "note": note},
    )
    return wording


@transaction.atomic
def wording_reject(*, actor, code: str, reason: str) -> Wording:
    """review → draft, with the reason the author reads."""
    _check_reviewer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid_input(_("请填写驳回原因"), "reason")
    return _back_to_draft(actor, wording_get(code, actor=actor, lock=True), "wording", reason)


@transaction.atomic
def wording_retire(*, actor, code: str, reason: str = "") -> Wording:
    _check_reviewer(actor)
    wording = wording_get(code, actor=actor, lock=True)
    _check_local(wording)
    if wording.status != Status.PUBLISHED:
        raise _invalid(_("下线"), wording)
    wording.status = Status.RETIRED
    wording.updated_at = timezone.now()
    wording.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="knowledge.wording.retire", obj=wording, changes={"reason": reason})
    return wording


@transaction.atomic
def wording_restore(*, actor, code: str, number: int) -> Wording:
    _check_writer(actor)
    wording = wording_get(code, actor=actor, lock=True)
    _check_local(wording)
    if stage(wording) == Status.REVIEW:
        raise _invalid(_("恢复旧版本（审核中的版本不能修改，请先驳回）"), wording)
    old = wording_version(wording, number)
    return services.save_wording(
        actor=actor, code=code, note=_("恢复第 %(n)s 版") % {"n": number}, title=old.title, text=old.text
    )


def wording_diff(wording: Wording, from_number: int, to_number: int) -> Diff:
    """What changed between two versions of ``wording`` (already found through :func:`wording_get`)."""
    return diff_versions(
        wording_version(wording, from_number), wording_version(wording, to_number), WORDING_DIFF_FIELDS
    )


def current_wording(
    *, problem: str, channel: str, level: str = "", today: date | None = None
) -> Wording | None:
    """KB-4: the published, currently valid wording for ``problem`` on ``channel``: the one written
    for ``level`` if there is one, else the one for every level."""
    today = today or timezone.localdate()
    candidates = Wording.objects.filter(problem=problem, channel=channel, status=Status.PUBLISHED)
    candidates = candidates.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
    candidates = candidates.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    levels = [level, ""] if level else [""]
    found = {
        w.level: w for w in candidates.filter(level__in=levels).order_by("-published_at", "-id")[:10][::-1]
    }
    for wanted in levels:
        if wanted in found:
            return found[wanted]
    return None


# -- synonyms ----------------------------------------------------------------------------------------


def _clean_terms(terms) -> list[str]:
    if isinstance(terms, str):
        terms = terms.replace("，", ",").replace("↔", ",").replace("\n", ",").split(",")
    cleaned: list[str] = []
    for term in terms or []:
        term = str(term).strip()
        if term and term not in cleaned:
            cleaned.append(term)
    if len(cleaned) < 2:
        raise _invalid_input(_("同义词组至少需要两个不同的词"), "terms")
    if any(len(term) > 30 for term in cleaned):
        raise _invalid_input(_("每个词不超过 30 个字"), "terms")
    return cleaned


def synonym_get(pk: int) -> Synonym:
    synonym = Synonym.objects.filter(pk=pk).first()
    if synonym is None:
        raise NotFoundError(_("没有这个同义词组"), code=KnowledgeErrorCode.UNKNOWN_SYNONYM)
    return synonym


@transaction.atomic
def synonym_save(*, actor, terms, note: str = "", pk: int | None = None) -> Synonym:
    """Create a synonym group or replace the words of one (the search reads them at once)."""
    _check_writer(actor)
    cleaned = _clean_terms(terms)
    synonym = synonym_get(pk) if pk is not None else Synonym()
    before = list(synonym.terms or [])
    synonym.terms = cleaned
    synonym.note = (note or "").strip()[:200]
    synonym.updated_by = actor
    synonym.updated_at = timezone.now()
    synonym.save()
    audit.record(
        actor=actor,
        action="knowledge.synonym.save",
        obj=synonym,
        changes={"terms": {"from": before, "to": cleaned}},
    )
    return synonym


@transaction.atomic
def synonym_delete(*, actor, pk: int) -> None:
    _check_writer(actor)
    synonym = synonym_get(pk)
    audit.record(
        actor=actor, action="knowledge.synonym.delete", obj=synonym, changes={"terms": synonym.terms}
    )
    synonym.delete()
