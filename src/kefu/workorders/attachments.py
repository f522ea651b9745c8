"""Attachments (WO-6): files stored outside the database under ``MEDIA_ROOT``, with a size limit,
an allow-list of types and a SHA-256 checksum; downloads are scope-checked and audited.

Settings: ``KEFU_ATTACHMENT_MAX_BYTES`` (default 10 MiB) and ``KEFU_ATTACHMENT_TYPES`` (content
types allowed; default images, PDF, office documents, plain text, audio and zip).
"""

from __future__ import annotations

import hashlib
import mimetypes

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import NotFoundError
from kefu.workorders.errors import WorkOrderError, WorkOrderErrorCode
from kefu.workorders.models import Attachment

DEFAULT_TYPES = (
    "image/jpeg",
    "image/png",
    "image/gif",
    "application/pdf",
    "text/plain",
    "text/csv",
    "audio/mpeg",
    "audio/wav",
    "audio/x-wav",
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def max_bytes() -> int:
    return int(getattr(settings, "KEFU_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def max_size_text(size: int | None = None) -> str:
    """A size limit as people read it: ``10 MB``, ``2.5 MB`` (1 MB = 1,048,576 bytes); under one
    megabyte in KB."""
    size = max_bytes() if size is None else size
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def allowed_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "KEFU_ATTACHMENT_TYPES", DEFAULT_TYPES))


def _content_type(upload) -> str:
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    guessed = mimetypes.guess_type(getattr(upload, "name", "") or "")[0] or ""
    # the name decides when the client sent nothing useful; a mismatch is refused by the allow-list
    return declared if declared and declared != "application/octet-stream" else guessed


def attachment_store(*, order, event, upload, actor) -> Attachment:
    """Check and store one uploaded file for ``order`` (called inside the action's transaction).

    Refusals: ``attachment_too_large`` (413), ``attachment_type_refused`` (415).
    """
    size = upload.size
    if size > max_bytes():
        raise WorkOrderError(
            _("附件“%(name)s”超过大小限制（%(limit)s）")
            % {"name": upload.name or "", "limit": max_size_text()},
            code=WorkOrderErrorCode.ATTACHMENT_TOO_LARGE,
            status=413,
            max_bytes=max_bytes(),
        )
    content_type = _content_type(upload)
    if content_type not in allowed_types():
        raise WorkOrderError(
            _("不支持的附件类型：%(t)s") % {"t": content_type or "?"},
            code=WorkOrderErrorCode.ATTACHMENT_TYPE_REFUSED,
            status=415,
        )
    digest = hashlib.sha256()
    chunks = []
    for chunk in upload.chunks():
        digest.update(chunk)
        chunks.append(chunk)
    attachment = Attachment(
        order=order,
        event=event,
        name=(upload.name or "file")[-200:],
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(attachment.sha256, ContentFile(b"".join(chunks)), save=False)
    # A transaction that rolls back after this leaves an orphan file with no row; the names are
    # content hashes, so it holds nothing a row does not, and a cleanup can remove it later.
    attachment.save()
    return attachment


def attachment_for_download(*, user, attachment_id: int) -> Attachment:
    """The attachment if it lies in ``user``'s scope (404 otherwise); the download is audited."""
    attachment = (
        scope.restrict(Attachment.objects.select_related("order"), user).filter(pk=attachment_id).first()
    )
    if attachment is None:
        raise NotFoundError(_("附件不存在"))
    audit.record(
        actor=user,
        action="workorders.attachment.download",
        obj=attachment,
        changes={"order": attachment.order.number, "sha256": attachment.sha256},
        province_id=attachment.order.province_id,
        city_id=attachment.order.city_id,
    )
    return attachment
