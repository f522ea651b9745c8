"""Attachments (WO-6): files stored outside the database under ``MEDIA_ROOT``, with a size limit,
an allow-list of types and a SHA-256 checksum; downloads are scope-checked and audited.

Settings: ``KEFU_ATTACHMENT_MAX_BYTES`` (default 10 MiB) and ``KEFU_ATTACHMENT_TYPES`` (content
types allowed; default images, PDF, office documents, plain text, audio and zip).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from kefu.core import audit, scope
from kefu.core.errors import NotFoundError
from kefu.core.uploads import DEFAULT_TYPES, _content_type, allowed_types, max_bytes, max_size_text  # noqa: F401
from kefu.workorders.errors import WorkOrderError, WorkOrderErrorCode
from kefu.workorders.models import Attachment


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
