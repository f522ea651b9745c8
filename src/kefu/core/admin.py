"""Admin pages. Every save and delete through the admin is audited (SYS-2), via AuditedModelAdmin.

Registered here: the organisation (provinces, cities, departments, agent groups), staff, and the
read-only audit trail. The admin is for administrators only (``is_staff``).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kefu.core import audit, scope
from kefu.core.choices import Role
from kefu.core.models import AgentGroup, AuditEvent, City, Department, Province, Staff


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


# --- Site and permissions -------------------------------------------------------------------------

admin.site.site_header = _("kefu 客服管理")
admin.site.site_title = _("kefu 客服管理")
admin.site.index_title = _("系统管理")


def is_administrator(user) -> bool:
    """Administrators (role 系统管理员, or superusers) manage everything their scope reaches (SYS-1)."""
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or getattr(user, "role", "") == Role.ADMINISTRATOR)
    )


class AdministratorAdminMixin:
    """Admin pages open to administrators by role, limited to their data scope.

    Django's admin would ask for per-model permissions; kefu decides by role instead, so an
    administrator needs no permission rows. Every queryset passes :func:`kefu.core.scope.restrict`,
    so a province administrator neither lists nor opens rows of another province.
    """

    def has_module_permission(self, request):
        return is_administrator(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return is_administrator(request.user) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        return scope.restrict(super().get_queryset(request), request.user)


# --- Organisation ---------------------------------------------------------------------------------


@admin.register(Province)
class ProvinceAdmin(AdministratorAdminMixin, AuditedModelAdmin):
    """The 31 provincial divisions are reference data: names may be corrected, none added or removed."""

    list_display = ("code", "gb_code", "name", "name_en")
    search_fields = ("code", "gb_code", "name", "name_en")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(City)
class CityAdmin(AdministratorAdminMixin, AuditedModelAdmin):
    list_display = ("code", "name", "name_en", "province", "area_code")
    list_filter = ("province",)
    search_fields = ("code", "name", "name_en", "area_code")
    list_select_related = ("province",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(AdministratorAdminMixin, AuditedModelAdmin):
    list_display = ("code", "name", "kind", "province", "city", "active")
    list_filter = ("kind", "active", "province")
    search_fields = ("code", "name")
    list_select_related = ("province", "city")


@admin.register(AgentGroup)
class AgentGroupAdmin(AdministratorAdminMixin, AuditedModelAdmin):
    list_display = ("code", "name", "province", "city", "is_public")
    list_filter = ("is_public", "province")
    search_fields = ("code", "name")
    list_select_related = ("province", "city")


# --- Staff ----------------------------------------------------------------------------------------

STAFF_FIELDS = ("job_number", "name", "role", "province", "city", "sp_code", "department", "agent_group")


# The model's foreign keys carry no verbose names; the forms label them in Chinese.
STAFF_LABELS = {"province": _("省份"), "city": _("地市"), "department": _("部门"), "agent_group": _("逻辑组")}


class StaffCreationForm(AdminUserCreationForm):
    """New staff: job number, role and scope, and an initial password (or none: cannot log in yet)."""

    class Meta:
        model = Staff
        fields = STAFF_FIELDS
        labels = STAFF_LABELS


class StaffChangeForm(forms.ModelForm):
    """Staff details without the password: that is changed on its own page, and never shown."""

    class Meta:
        model = Staff
        fields = (*STAFF_FIELDS, "is_active", "is_staff", "is_superuser", "locked_until")
        labels = STAFF_LABELS


@admin.register(Staff)
class StaffAdmin(AdministratorAdminMixin, AuditedModelAdmin, UserAdmin):
    """Staff accounts (SYS-1): job number login, role and data scope; saves are audited (SYS-2).

    Staff are deactivated, never deleted: audit events keep pointing at them.
    """

    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = (
        "job_number",
        "name",
        "role",
        "province",
        "city",
        "sp_code",
        "is_active",
        "is_staff",
        "locked_until",
    )
    list_filter = ("role", "is_active", "is_staff", "province")
    search_fields = ("job_number", "name", "sp_code")
    ordering = ("job_number",)
    list_select_related = ("province", "city")
    readonly_fields = ("password_status", "failed_logins", "last_login", "date_joined")
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("job_number", "password_status")}),
        (_("员工信息"), {"fields": ("name", "role", "department", "agent_group")}),
        (_("数据范围"), {"fields": ("province", "city", "sp_code")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "failed_logins", "locked_until")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("job_number", "name", "role")}),
        (_("数据范围"), {"fields": ("province", "city", "sp_code", "department", "agent_group")}),
        (_("初始密码"), {"fields": ("usable_password", "password1", "password2")}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = (*fieldsets, (_("超级用户"), {"fields": ("is_superuser",)}))
        return fieldsets

    @admin.display(description=_("密码"))
    def password_status(self, obj):
        if obj.pk is None:
            return "—"
        status = _("已设置") if obj.has_usable_password() else _("未设置（不能登录）")
        # UserAdmin names its password view after auth.User, whatever the user model is.
        url = reverse("admin:auth_user_password_change", args=[obj.pk])
        return format_html('{} &nbsp; <a href="{}">{}</a>', status, url, _("设置密码"))

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only places and groups inside the administrator's own scope.
        user_scope = scope.scope_of(request.user)
        if db_field.name == "province" and user_scope.province_id:
            kwargs["queryset"] = Province.objects.filter(pk=user_scope.province_id)
        elif db_field.name == "city" and user_scope.province_id:
            cities = City.objects.filter(province_id=user_scope.province_id)
            if user_scope.city_id:
                cities = cities.filter(pk=user_scope.city_id)
            kwargs["queryset"] = cities
        elif db_field.name == "agent_group":
            kwargs["queryset"] = scope.restrict(AgentGroup.objects.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        # Django's view redirects to the staff page after a successful change, to itself otherwise.
        if (
            request.method == "POST"
            and response.status_code == 302
            and response.url != request.get_full_path()
        ):
            staff = self.get_object(request, unquote(id))
            audit.record(
                actor=request.user,
                action="admin.password.staff",
                obj=staff,
                changes={"usable_password": staff.has_usable_password()},
            )
        return response


# --- Audit ----------------------------------------------------------------------------------------


class ActorFilter(admin.RelatedOnlyFieldListFilter):
    """Filter by the staff who acted, offering only those who appear in the trail."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("操作人")


@admin.register(AuditEvent)
class AuditEventAdmin(AdministratorAdminMixin, admin.ModelAdmin):
    """The audit trail (SYS-2), read-only: nobody adds, changes or deletes an event, not even here."""

    list_display = (
        "at",
        "actor_job_number",
        "action",
        "object_type",
        "object_repr",
        "province",
        "channel",
        "source_ip",
    )
    list_filter = (
        "action",
        ("actor", ActorFilter),
        ("province", admin.RelatedOnlyFieldListFilter),
        "channel",
        "at",
    )
    search_fields = ("actor_job_number", "action", "object_type", "object_id", "object_repr")
    date_hierarchy = "at"
    list_select_related = ("province",)
    fields = (
        "at",
        "actor",
        "actor_job_number",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "province",
        "city",
        "source_ip",
        "channel",
        "changes_pretty",
    )
    readonly_fields = fields

    @admin.display(description=_("变更内容"))
    def changes_pretty(self, obj):
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.changes, ensure_ascii=False, indent=2, sort_keys=True)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
