"""Admin pages. Every save and delete through the admin is audited (SYS-2), via AuditedModelAdmin."""

from __future__ import annotations

from django.contrib import admin
from django.forms.models import model_to_dict

from kefu.core import audit


def _snapshot(obj) -> dict:
    data = model_to_dict(obj)
    return {k: v if isinstance(v, str | int | float | bool | None) else str(v) for k, v in data.items()}


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes append audit events, with the changed fields."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = {name: _snapshot(obj).get(name) for name in (form.changed_data if form else [])}
        audit.record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}.{obj._meta.model_name}",
            obj=obj,
            changes=changed,
        )

    def delete_model(self, request, obj):
        audit.record(actor=request.user, action=f"admin.delete.{obj._meta.model_name}", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(actor=request.user, action=f"admin.delete.{obj._meta.model_name}", obj=obj)
        super().delete_queryset(request, queryset)
