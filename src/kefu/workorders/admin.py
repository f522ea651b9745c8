"""Admin pages: flows are published through the service (validated, versioned); calendars and
holidays are plain rows; orders and events are read-only here (they change through actions)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from kefu.core.admin import AuditedModelAdmin
from kefu.core.errors import DomainError
from kefu.workorders import flows, services
from kefu.workorders.models import BusinessCalendar, FlowDefinition, Holiday, WorkOrder, WorkOrderEvent


class FlowForm(forms.ModelForm):
    class Meta:
        model = FlowDefinition
        fields = [
            "code",
            "name",
            "kind",
            "business_code",
            "category_code",
            "is_default",
            "definition",
            "note",
        ]

    def validate_unique(self):
        pass  # a save publishes version n+1 of the code: (code, version) never collides

    def clean_definition(self):
        try:
            return flows.validate(self.cleaned_data["definition"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from error


@admin.register(FlowDefinition)
class FlowDefinitionAdmin(admin.ModelAdmin):
    """Saving a flow publishes a new version through :func:`services.flow_publish`."""

    form = FlowForm

    list_display = [
        "code",
        "name",
        "kind",
        "version",
        "is_current",
        "is_default",
        "published_at",
        "published_by",
    ]
    list_filter = ["kind", "is_current"]
    fields = ["code", "name", "kind", "business_code", "category_code", "is_default", "definition", "note"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = services.flow_publish(
            actor=request.user,
            code=obj.code,
            definition=obj.definition,
            name=obj.name,
            kind=obj.kind,
            business_code=obj.business_code,
            category_code=obj.category_code,
            is_default=obj.is_default,
            note=obj.note,
        )
        obj.pk = published.pk
        messages.info(request, f"{published} published")

    def get_changeform_initial_data(self, request):
        return {
            "definition": {
                "steps": [
                    {"action": "dispatch", "holder": "city_team"},
                    {"action": "receive"},
                    {"action": "reply"},
                    {"action": "feedback"},
                    {"action": "archive"},
                ]
            }
        }


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(AuditedModelAdmin):
    list_display = ["__str__", "work_start", "work_end", "workdays"]


@admin.register(Holiday)
class HolidayAdmin(AuditedModelAdmin):
    list_display = ["date", "name", "province", "is_workday"]
    list_filter = ["province", "is_workday"]
    date_hierarchy = "date"


class EventInline(admin.TabularInline):
    model = WorkOrderEvent
    extra = 0
    can_delete = False
    fields = [
        "seq",
        "action",
        "actor_job_number",
        "at",
        "state_before",
        "state_after",
        "holder_after",
        "comment",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "state",
        "province",
        "city",
        "customer_level",
        "accepted_at",
        "order_due_at",
    ]
    list_filter = ["kind", "state", "customer_level"]
    search_fields = ["number", "contact_number"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
