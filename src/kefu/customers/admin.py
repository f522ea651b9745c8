"""Admin pages of the customer data. Writes are audited (AuditedModelAdmin); the service password hash
is never shown, and ID numbers appear masked in lists."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kefu.core import scope
from kefu.core.admin import AdministratorAdminMixin, AuditedModelAdmin
from kefu.core.choices import NetworkType, Role
from kefu.core.errors import DomainError
from kefu.core.models import Staff
from kefu.customers import services
from kefu.customers.choices import Brand, LineType, PayMethod
from kefu.customers.models import BillingAdjustment, Customer, Product, Subscriber


class ScopedAdmin(AuditedModelAdmin):
    """An admin list limited to the user's data scope, like every other read (SYS-1)."""

    def get_queryset(self, request):
        return scope.restrict(super().get_queryset(request), request.user)


def _choices(field_label, choices):
    return forms.MultipleChoiceField(
        label=field_label, choices=choices.CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示不限"),
    )  # fmt: skip


class ProductForm(forms.ModelForm):
    """Which lines a product fits (BA-1), as checkboxes rather than raw JSON: operations staff change the
    rules without a release (SYS-3); ``requires`` is a list of existing product codes."""

    line_types = _choices(_("适用线路类型"), LineType)
    brands = _choices(_("适用品牌"), Brand)
    network_types = _choices(_("适用网络"), NetworkType)
    pay_methods = _choices(_("适用付费方式"), PayMethod)
    requires = forms.CharField(
        label=_("前置产品"), required=False, help_text=_("须已订购的产品编码，多个用逗号分隔")
    )

    class Meta:
        model = Product
        fields = [
            "code", "name", "kind", "monthly_fee", "business_code",
            "line_types", "brands", "network_types", "pay_methods", "requires", "exclusive_group",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["requires"] = ",".join(self.instance.requires or [])

    def clean_requires(self) -> list[str]:
        codes = [c.strip() for c in self.cleaned_data["requires"].replace("，", ",").split(",") if c.strip()]
        unknown = sorted(
            set(codes) - set(Product.objects.filter(code__in=codes).values_list("code", flat=True))
        )
        if unknown:
            raise forms.ValidationError(_("产品不存在：%(c)s") % {"c": "、".join(unknown)})
        if self.instance.code and self.instance.code in codes:
            raise forms.ValidationError(_("产品不能以自己为前置产品"))
        return codes


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    form = ProductForm
    list_display = ["code", "name", "kind", "monthly_fee", "business_code", "exclusive_group"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Customer)
class CustomerAdmin(AdministratorAdminMixin, ScopedAdmin):
    """Customers, open to the administrators of their scope (SVC-2: they assign account managers
    here); customers are never added or deleted through the admin (they come from billing)."""

    list_display = ["name", "customer_type", "id_type", "masked_id", "level", "city", "account_manager"]
    list_filter = ["customer_type", "level", "province"]
    exclude = ["id_number"]
    readonly_fields = ["masked_id"]
    list_select_related = ["city", "account_manager"]
    show_full_result_count = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "account_manager":  # SVC-2: only VIP managers serve as account managers
            kwargs["queryset"] = Staff.objects.filter(role=Role.VIP_MANAGER, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """The account manager goes through the service (SVC-2: who may assign, to whom, audited);
        the other fields are saved as any audited admin change."""
        manager_changed = change and "account_manager" in form.changed_data
        wanted = obj.account_manager
        if manager_changed:
            obj.account_manager_id = form.initial.get("account_manager")
            form.changed_data.remove("account_manager")
        super().save_model(request, obj, form, change)
        if manager_changed:
            try:
                services.customer_assign_account_manager(
                    actor=request.user,
                    customer_id=obj.pk,
                    manager=wanted.job_number if wanted is not None else None,
                )
            except DomainError as exc:
                messages.error(request, exc.message)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
