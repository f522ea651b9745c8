from django.contrib import admin

from kefu.core.admin import AuditedModelAdmin
from kefu.sims.models import SpOrganisation, SpPointRule


@admin.register(SpPointRule)
class SpPointRuleAdmin(AuditedModelAdmin):
    list_display = ("event", "points", "hours", "active")


@admin.register(SpOrganisation)
class SpOrganisationAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "hotline", "service_mobile", "contract_end", "active")
    search_fields = ("code", "name", "hotline")

    def get_readonly_fields(self, request, obj=None):
        # SP-3: duty contacts change only through the SP desk's profile page, which keeps the history
        return ("hotline", "service_mobile", "contact_name", "contact_phone") if obj else ()
