"""Forms of the desk's order pages: parse and check input shapes only; the engine's services decide
what is allowed (their refusals come back to the page as readable messages)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.api.fields import FormIdField
from kefu.core.choices import CustomerLevel
from kefu.workorders.choices import (
    BroadbandFaultClass,
    ContactMethod,
    FaultProduct,
    InfoTopic,
    InstallOutcome,
    LineAction,
    RepairStatus,
    Satisfaction,
    WorkOrderKind,
    WorkOrderState,
)

ALL = _("全部")


def _blank(choices, label=ALL):
    return [("", label), *choices]


def _picker(kind: str) -> forms.TextInput:
    return forms.TextInput(attrs={"data-picker": kind, "data-testid": f"filter-{kind}"})


class FilterForm(forms.Form):
    """The queue's filters (WO-6); every field optional."""

    state = forms.ChoiceField(label=_("状态"), required=False, choices=_blank(WorkOrderState.CHOICES))
    overdue = forms.ChoiceField(
        label=_("时限"), required=False, choices=[("", _("全部")), ("1", _("已超时")), ("0", _("未超时"))]
    )
    level = forms.ChoiceField(label=_("客户级别"), required=False, choices=_blank(CustomerLevel.CHOICES))
    kind = forms.ChoiceField(label=_("工单类型"), required=False, choices=_blank(WorkOrderKind.CHOICES))
    # a picker each (picker.js): a code chosen from the list, or a name typed, which the queue
    # resolves by name (kefu.workorders.pickers.resolve_filters)
    business = forms.CharField(label=_("业务"), required=False, max_length=60, widget=_picker("businesses"))
    category = forms.CharField(
        label=_("服务请求分类"), required=False, max_length=80, widget=_picker("categories")
    )
    city = forms.CharField(label=_("地市"), required=False, max_length=40, widget=_picker("cities"))
    holder = forms.CharField(label=_("持有方"), required=False, max_length=80, widget=_picker("holders"))
    subscriber = forms.CharField(label=_("号码"), required=False, max_length=20)
    # WO-9: the holder finds the urges they have not acknowledged yet
    urge = forms.ChoiceField(
        label=_("催办"), required=False, choices=[("", _("全部")), ("pending", _("待签收"))]
    )

    def filters(self) -> dict:
        """The valid filters given (an invalid one is left out and shown with its error)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class OrderForm(forms.Form):
    """A new order (WO-1, WO-7, WO-8, KB-2)."""

    number = forms.CharField(label=_("用户号码"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("工单类型"), choices=WorkOrderKind.CHOICES)
    category = FormIdField(label=_("服务请求分类"), required=False)
    title = forms.CharField(label=_("标题"), max_length=120, required=False)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 4}))
    urgent = forms.BooleanField(label=_("紧急"), required=False)
    contact_number = forms.CharField(label=_("联系号码"), max_length=20, required=False)
    contact_method = forms.ChoiceField(
        label=_("结果告知方式"), required=False, choices=_blank(ContactMethod.CHOICES, _("未约定"))
    )
    contact_address = forms.CharField(label=_("告知地址"), max_length=100, required=False)
    fault_product = forms.ChoiceField(
        label=_("障碍产品"), required=False, choices=_blank(FaultProduct.CHOICES, "—")
    )
    fault_class = forms.ChoiceField(
        label=_("宽带障碍分类"), required=False, choices=_blank(BroadbandFaultClass.CHOICES, "—")
    )
    flow = forms.CharField(label=_("流程"), max_length=40, required=False)
    contact = FormIdField(label=_("接触记录"), required=False, widget=forms.HiddenInput)
    service_request = FormIdField(label=_("服务请求"), required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)


# Inputs of the action buttons: which fields each action's form carries (see detail.html).
SATISFACTION = Satisfaction.CHOICES
CONTACT_METHODS = ContactMethod.CHOICES
REPAIR_STATUSES = RepairStatus.CHOICES
INSTALL_OUTCOMES = InstallOutcome.CHOICES
# WO-9: the coordination data's fields on the new-order form, named ``<flow>-<field>`` (the service
# validates them with the API's input serializers).
LINE_ACTIONS = LineAction.CHOICES
INFO_TOPICS = InfoTopic.CHOICES
