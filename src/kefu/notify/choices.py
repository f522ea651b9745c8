"""Kinds and statuses of outgoing messages."""

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class MessageChannel(ChoiceSet):
    SMS = "sms"
    EMAIL = "email"
    FAX = "fax"

    LABELS = {SMS: _("短信"), EMAIL: _("电子邮件"), FAX: _("传真")}


class MessageStatus(ChoiceSet):
    SENT = "sent"
    FAILED = "failed"

    LABELS = {SENT: _("已发送"), FAILED: _("发送失败")}


class MessagePurpose(ChoiceSet):
    """Why a message was sent: a one-time password, a query result (Q-4), a work order's result
    (WO-7), a notice."""

    OTP = "otp"
    QUERY_RESULT = "query_result"
    ORDER_RESULT = "order_result"
    NOTICE = "notice"

    LABELS = {
        OTP: _("短信验证码"),
        QUERY_RESULT: _("查询结果"),
        ORDER_RESULT: _("工单处理结果"),
        NOTICE: _("通知"),
    }
