"""ChoiceSet: statuses and kinds as classes, usable as Django ``choices`` and as plain constants."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ChoiceSetMeta(type):
    def __new__(mcs, name, bases, attrs):
        cls = super().__new__(mcs, name, bases, attrs)
        labels = attrs.get("LABELS", {})
        cls.CHOICES = [(value, labels.get(value, value)) for value in labels]
        return cls

    def __iter__(cls):
        return iter(cls.CHOICES)

    def __contains__(cls, value):
        return any(v == value for v, _ in cls.CHOICES)


class ChoiceSet(metaclass=ChoiceSetMeta):
    """Subclasses declare constants and a ``LABELS`` dict {value: translatable label}.

    ``Model.field = CharField(choices=MyChoices)`` works because the class iterates as choices.
    """

    LABELS: dict[str, str] = {}

    @classmethod
    def values(cls) -> list[str]:
        return [v for v, _ in cls.CHOICES]

    @classmethod
    def label(cls, value: str) -> str:
        return dict(cls.CHOICES).get(value, value)


class Role(ChoiceSet):
    """Staff roles (SYS-1). What each may do is decided by services; where each may look, by scope."""

    HOTLINE_AGENT = "hotline_agent"
    HALL_STAFF = "hall_staff"
    VIP_MANAGER = "vip_manager"
    BACK_OFFICE = "back_office"
    CITY_HANDLER = "city_handler"
    SUPERVISOR = "supervisor"
    QUALITY_INSPECTOR = "quality_inspector"
    ADMINISTRATOR = "administrator"
    HUB_OPERATOR = "hub_operator"
    SP_STAFF = "sp_staff"
    PLATFORM_STAFF = "platform_staff"  # a business platform's second line (ORG-3), national
    IVR_SYSTEM = "ivr_system"
    PIN_PAD = "pin_pad"
    KNOWLEDGE_EDITOR = "knowledge_editor"  # writes knowledge articles, wording and synonyms (KB-1, KB-4)

    LABELS = {
        HOTLINE_AGENT: _("热线座席"),
        HALL_STAFF: _("营业厅人员"),
        VIP_MANAGER: _("VIP客户经理"),
        BACK_OFFICE: _("后台投诉处理"),
        CITY_HANDLER: _("地市处理人员"),
        SUPERVISOR: _("班长/值班长"),
        QUALITY_INSPECTOR: _("质检员"),
        ADMINISTRATOR: _("系统管理员"),
        HUB_OPERATOR: _("一级客服枢纽操作员"),
        SP_STAFF: _("SP人员"),
        PLATFORM_STAFF: _("业务平台二线客服"),
        IVR_SYSTEM: _("IVR系统账号"),
        PIN_PAD: _("密码键盘"),
        KNOWLEDGE_EDITOR: _("知识管理员"),
    }

    # Roles that may see personal data (ID numbers, addresses) unmasked after a deliberate reveal.
    MAY_REVEAL_PERSONAL_DATA = (HALL_STAFF, VIP_MANAGER, BACK_OFFICE, SUPERVISOR, ADMINISTRATOR)


class DepartmentKind(ChoiceSet):
    CENTRE = "centre"
    CITY_TEAM = "city_team"
    RESPONSIBLE = "responsible"
    SUPPORT = "support"

    LABELS = {
        CENTRE: _("客服中心"),
        CITY_TEAM: _("地市团队"),
        RESPONSIBLE: _("责任部门"),
        SUPPORT: _("支撑部门"),
    }


class ScopeKind(ChoiceSet):
    NATIONAL = "national"
    PROVINCE = "province"
    CITY = "city"
    SP = "sp"

    LABELS = {
        NATIONAL: _("全国"),
        PROVINCE: _("本省"),
        CITY: _("本地市"),
        SP: _("本SP"),
    }


class CustomerLevel(ChoiceSet):
    """Customer level (客户级别), AUTH-9 and TIER-1: drives priority and time limits."""

    ORDINARY = "ordinary"
    SILVER = "silver"
    GOLD = "gold"
    DIAMOND = "diamond"
    SUPREME = "supreme"

    LABELS = {
        ORDINARY: _("普通"),
        SILVER: _("银卡"),
        GOLD: _("金卡"),
        DIAMOND: _("钻石卡"),
        SUPREME: _("至尊卡"),
    }
    VIP = (SILVER, GOLD, DIAMOND, SUPREME)


class CustomerType(ChoiceSet):
    """Customer type (客户类型): a person or an enterprise (group) customer (SVC-2, TIER-1)."""

    INDIVIDUAL = "individual"
    ENTERPRISE = "enterprise"

    LABELS = {INDIVIDUAL: _("个人客户"), ENTERPRISE: _("集团客户")}


class NetworkType(ChoiceSet):
    """Network type of a subscriber line."""

    G2 = "2g"
    G3 = "3g"
    G4 = "4g"
    G5 = "5g"
    FIXED = "fixed"
    BROADBAND = "broadband"

    LABELS = {
        G2: _("2G"),
        G3: _("3G"),
        G4: _("4G"),
        G5: _("5G"),
        FIXED: _("固话"),
        BROADBAND: _("宽带"),
    }


class RequestType(ChoiceSet):
    """Inbound service-request types (SR-1)."""

    COMPLAINT = "complaint"
    CONSULTATION = "consultation"
    QUERY = "query"
    BUSINESS_HANDLING = "business_handling"
    FAULT_REPORT = "fault_report"
    SUGGESTION = "suggestion"

    LABELS = {
        COMPLAINT: _("投诉"),
        CONSULTATION: _("咨询"),
        QUERY: _("查询"),
        BUSINESS_HANDLING: _("业务办理"),
        FAULT_REPORT: _("障碍申告"),
        SUGGESTION: _("建议"),
    }
