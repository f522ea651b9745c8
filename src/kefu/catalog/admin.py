"""Admin pages of the catalog. Lifecycle changes (create, rename, offline, online) go through the
services so they are validated and audited like any other write; category versions and nodes are
read-only here (a revision is published with ``category_tree_revise``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kefu.catalog import services
from kefu.catalog.models import (
    Business,
    BusinessName,
    CategoryNode,
    CategoryVersion,
    ResponsibilityCause,
    TimeLimit,
)
from kefu.core.admin import AuditedModelAdmin
from kefu.core.errors import DomainError


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BusinessNameInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BusinessName
    fields = ["name", "valid_from", "valid_until"]
    readonly_fields = fields
    extra = 0


class CategoryVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CategoryVersion
    fields = ["number", "business_name", "is_current", "published_at", "published_by", "note"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


class BusinessAdminForm(forms.ModelForm):
    rename_to = forms.CharField(
        label=_("更名为"), max_length=60, required=False, help_text=_("原名称保留为历史")
    )

    class Meta:
        model = Business
        fields = ["code", "name", "kind", "online_since", "second_line", "capability_queries", "description"]


@admin.register(Business)
class BusinessAdmin(AuditedModelAdmin):
    form = BusinessAdminForm
    list_display = ["code", "name", "kind", "status", "online_since", "offline_since", "second_line"]
    list_filter = ["status", "kind", "capability_queries"]
    search_fields = ["code", "name", "names__name"]
    inlines = [BusinessNameInline, CategoryVersionInline]
    actions = ["take_offline", "bring_online"]

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["status", "offline_since"]
        return ["code", "name", "status", "online_since", "offline_since"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "code",
                "name",
                "kind",
                "online_since",
                "second_line",
                "capability_queries",
                "description",
            ]
        return [
            "code",
            "name",
            "rename_to",
            "kind",
            "status",
            "online_since",
            "offline_since",
            "second_line",
            "capability_queries",
            "description",
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.business_create(
                actor=request.user,
                code=obj.code,
                name=obj.name,
                kind=obj.kind,
                online_since=obj.online_since,
                second_line=obj.second_line,
                capability_queries=obj.capability_queries,
                description=obj.description,
            )
            obj.pk = created.pk
            return
        rename_to = (form.cleaned_data.get("rename_to") or "").strip()
        plain_fields = [name for name in form.changed_data if name != "rename_to"]
        if plain_fields:
            super().save_model(request, obj, form, change)
        if rename_to:
            services.business_rename(actor=request.user, business=obj, new_name=rename_to)

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except DomainError as exc:
            self.message_user(request, f"{exc.message} ({exc.code})", level=messages.ERROR)
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=_("下线所选业务"))
    def take_offline(self, request, queryset):
        self._lifecycle(request, queryset, services.business_take_offline)

    @admin.action(description=_("重新上线所选业务"))
    def bring_online(self, request, queryset):
        self._lifecycle(request, queryset, services.business_bring_online)

    def _lifecycle(self, request, queryset, service):
        done = 0
        for business in queryset:
            try:
                service(actor=request.user, business=business)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{business.code}: {exc.message}", level=messages.WARNING)
        if done:
            self.message_user(request, _("已处理 %(n)d 个业务") % {"n": done}, level=messages.SUCCESS)

    def has_delete_permission(self, request, obj=None):
        return False  # businesses go offline; they are never deleted (SR-3)


class CategoryNodeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CategoryNode
    fk_name = "version"
    fields = ["code", "request_type", "path_names", "depth"]
    readonly_fields = fields
    extra = 0


@admin.register(CategoryVersion)
class CategoryVersionAdmin(ReadOnlyAdminMixin, AuditedModelAdmin):
    list_display = [
        "business",
        "number",
        "business_name",
        "is_current",
        "published_at",
        "published_by",
        "note",
    ]
    list_filter = ["is_current", "business__kind"]
    search_fields = ["business__code", "business_name"]
    inlines = [CategoryNodeInline]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(CategoryNode)
class CategoryNodeAdmin(ReadOnlyAdminMixin, AuditedModelAdmin):
    list_display = ["code", "request_type", "business", "path_names", "version", "depth"]
    list_filter = ["request_type", "version__is_current", "depth"]
    search_fields = ["code", "name", "path_names", "business__code", "business__name"]
    list_select_related = ["business", "version"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(ResponsibilityCause)
class ResponsibilityCauseAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "parent", "default_department", "active", "position"]
    list_filter = ["active", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "default_department"]


@admin.register(TimeLimit)
class TimeLimitAdmin(AuditedModelAdmin):
    list_display = [
        "request_type",
        "business",
        "category_code",
        "customer_type",
        "customer_level",
        "order_hours",
        "step_hours",
        "round_the_clock",
    ]
    list_filter = ["request_type", "customer_type", "customer_level", "round_the_clock"]
    search_fields = ["business__code", "business__name", "category_code", "note"]
    raw_id_fields = ["category"]
    readonly_fields = ["category_code"]
    list_select_related = ["business"]
