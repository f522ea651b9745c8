from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class Channel(ChoiceSet):
    """Where a contact happened (CH-1, CH-2)."""

    HOTLINE = "hotline"
    IVR = "ivr"
    HALL = "hall"
    VIP_MANAGER = "vip_manager"
    WEB = "web"
    SMS = "sms"
    IM = "im"
    EMAIL = "email"
    FAX = "fax"
    LETTER = "letter"
    OUTBOUND = "outbound"

    LABELS = {
        HOTLINE: _("热线"),
        IVR: _("自助语音"),
        HALL: _("营业厅"),
        VIP_MANAGER: _("客户经理"),
        WEB: _("网站"),
        SMS: _("短信"),
        IM: _("在线客服"),
        EMAIL: _("电子邮件"),
        FAX: _("传真"),
        LETTER: _("信函"),
        OUTBOUND: _("外呼"),
    }


class Direction(ChoiceSet):
    INBOUND = "inbound"
    OUTBOUND = "outbound"

    LABELS = {INBOUND: _("呼入"), OUTBOUND: _("呼出")}


class ContactStatus(ChoiceSet):
    OPEN = "open"
    CLOSED = "closed"

    LABELS = {OPEN: _("进行中"), CLOSED: _("已结束")}


class LinkKind(ChoiceSet):
    REPEAT = "repeat"
    MANUAL = "manual"

    LABELS = {REPEAT: _("重复来电（自动）"), MANUAL: _("人工关联")}


class RequestModule(ChoiceSet):
    """Where each service-request type leads (SR-1)."""

    KNOWLEDGE = "knowledge"
    WORK_ORDER = "work_order"
    QUERY = "query"
    BUSINESS_ACCEPTANCE = "business_acceptance"
    FAULT_REPORT = "fault_report"

    LABELS = {
        KNOWLEDGE: _("知识库"),
        WORK_ORDER: _("工单"),
        QUERY: _("查询"),
        BUSINESS_ACCEPTANCE: _("业务受理"),
        FAULT_REPORT: _("障碍申告"),
    }


class CallbackState(ChoiceSet):
    """Where a callback task stands (SR-2, PRO-1)."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"

    LABELS = {OPEN: _("待回访"), DONE: _("已回访"), CANCELLED: _("已取消")}


class CallbackPurpose(ChoiceSet):
    """Why a callback is owed: a work order's result to tell by phone (WO-7), a follow-up after
    service (PRO-1)."""

    ORDER_RESULT = "order_result"
    FOLLOW_UP = "follow_up"

    LABELS = {ORDER_RESULT: _("告知工单结果"), FOLLOW_UP: _("服务后回访")}
