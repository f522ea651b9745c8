"""Admin pages of the contacts domain: the wrap-up reasons agents choose after a call (writes audited)."""

from __future__ import annotations

from django.contrib import admin

from kefu.contacts.models import WrapUpReason
from kefu.core.admin import AuditedModelAdmin


@admin.register(WrapUpReason)
class WrapUpReasonAdmin(AuditedModelAdmin):
    """Add, rename, reorder or retire reasons; one already used by a contact cannot be deleted (PROTECT),
    so retire it (``active``) instead."""

    list_display = ["name", "name_en", "code", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["position", "id"]
