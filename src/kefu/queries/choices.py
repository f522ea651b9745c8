"""What can be queried (Q-1..3) and how a result can be sent back (Q-4)."""

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class QueryKind(ChoiceSet):
    BILLS = "bills"
    CALL_DETAILS = "call_details"
    PAYMENTS = "payments"
    BALANCE = "balance"
    POINTS = "points"
    ORDERS = "orders"

    LABELS = {
        BILLS: _("月账单"),
        CALL_DETAILS: _("通话详单"),
        PAYMENTS: _("缴费记录"),
        BALANCE: _("余额与欠费"),
        POINTS: _("积分"),
        ORDERS: _("业务进度"),
    }


class SendMethod(ChoiceSet):
    SMS = "sms"
    EMAIL = "email"

    LABELS = {SMS: _("短信"), EMAIL: _("电子邮件")}


class OrderKind(ChoiceSet):
    """Kinds of order whose progress Q-3 shows."""

    BUSINESS_ACCEPTANCE = "business_acceptance"
    WORK_ORDER = "work_order"

    LABELS = {BUSINESS_ACCEPTANCE: _("业务受理"), WORK_ORDER: _("工单")}
