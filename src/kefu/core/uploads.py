"""Limits on uploaded files, shared by work-order attachments (WO-6) and knowledge attachments (KB-1):
``KEFU_ATTACHMENT_MAX_BYTES`` (default 10 MiB) and ``KEFU_ATTACHMENT_TYPES`` (the content types
allowed; default images, PDF, office documents, plain text, audio and zip)."""

from __future__ import annotations

import mimetypes

from django.conf import settings

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


def content_type(upload) -> str:
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    guessed = mimetypes.guess_type(getattr(upload, "name", "") or "")[0] or ""
    # the name decides when the client sent nothing useful; a mismatch is refused by the allow-list
    return declared if declared and declared != "application/octet-stream" else guessed


_content_type = content_type  # the name work orders used
