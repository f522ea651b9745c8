"""Admin pages of the customer data. Writes are audited (AuditedModelAdmin); the service password hash
is never shown, and ID numbers appear masked in lists."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kefu.core import scope
from kefu.core.admin import AuditedModelAdmin
from kefu.customers.models import BillingAdjustment, Customer, Product, Subscriber


class ScopedAdmin(AuditedModelAdmin):
    """An admin list limited to the user's data scope, like every other read (SYS-1)."""

    def get_queryset(self, request):
        return scope.restrict(super().get_queryset(request), request.user)


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "monthly_fee", "business_code"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Customer)
class CustomerAdmin(ScopedAdmin):
    list_display = ["name", "customer_type", "id_type", "masked_id", "level", "city"]
    list_filter = ["customer_type", "level", "province"]
    exclude = ["id_number"]
    readonly_fields = ["masked_id"]
    show_full_result_count = False

    @admin.display(description=_("证件号码"))
    def masked_id(self, obj: Customer) -> str:
        return obj.masked_id_number


@admin.register(Subscriber)
class SubscriberAdmin(ScopedAdmin):
    list_display = [
        "number",
        "user_name",
        "brand",
        "network_type",
        "level",
        "user_type",
        "home_city",
        "status",
    ]
    list_filter = ["status", "brand", "level", "network_type", "home_province"]
    search_fields = ["=number"]
    raw_id_fields = ["customer", "account"]
    readonly_fields = ["user_type", "password_initial", "password_changed_at"]
    exclude = ["service_password"]
    show_full_result_count = False


@admin.register(BillingAdjustment)
class BillingAdjustmentAdmin(ScopedAdmin):
    """Adjustments are applied by approved work orders (WO-9) only: the admin reads them."""

    list_display = ["reference", "subscriber", "amount", "balance_after", "reason", "applied_at"]
    search_fields = ["=reference"]
    raw_id_fields = ["subscriber", "account"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
