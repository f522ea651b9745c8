"""Kinds and statuses of the three-party model and of the billing data (AUTH-9, Q-1, Q-2, SS-4)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet, NetworkType

# CustomerType lives in core beside CustomerLevel (the catalog's time limits name it too, SVC-2);
# re-exported here where the three-party model's code looks for it.
from kefu.core.choices import CustomerType as CustomerType  # noqa: E402


class IdType(ChoiceSet):
    """ID document types accepted when a customer opens an account."""

    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    MILITARY_ID = "military_id"
    HK_MACAO_PERMIT = "hk_macao_permit"
    BUSINESS_LICENCE = "business_licence"

    LABELS = {
        RESIDENT_ID: _("居民身份证"),
        PASSPORT: _("护照"),
        MILITARY_ID: _("军官证"),
        HK_MACAO_PERMIT: _("港澳居民来往内地通行证"),
        BUSINESS_LICENCE: _("营业执照"),
    }


class Gender(ChoiceSet):
    MALE = "m"
    FEMALE = "f"

    LABELS = {MALE: _("男"), FEMALE: _("女")}


class Brand(ChoiceSet):
    """China Mobile brands: three mobile brands, then the fixed-line and broadband brands."""

    GOTONE = "gotone"
    MZONE = "mzone"
    EASYOWN = "easyown"
    FIXED = "fixed"
    BROADBAND = "broadband"

    LABELS = {
        GOTONE: _("全球通"),
        MZONE: _("动感地带"),
        EASYOWN: _("神州行"),
        FIXED: _("移动固话"),
        BROADBAND: _("移动宽带"),
    }
    MOBILE = (GOTONE, MZONE, EASYOWN)
    WIRELINE = (FIXED, BROADBAND)


class LineType(ChoiceSet):
    """What kind of line a subscriber is (the first thing a product must fit): a mobile line (any
    2G..5G network), a fixed line or a broadband line. Derived from the network type, never entered."""

    MOBILE = "mobile"
    FIXED = "fixed"
    BROADBAND = "broadband"

    LABELS = {MOBILE: _("移动电话"), FIXED: _("固定电话"), BROADBAND: _("宽带")}

    @classmethod
    def of_network(cls, network_type: str) -> str:
        if network_type in (NetworkType.FIXED, NetworkType.BROADBAND):
            return network_type
        return cls.MOBILE


class SubscriberStatus(ChoiceSet):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REPORTED_LOST = "reported_lost"
    CLOSED = "closed"

    LABELS = {
        ACTIVE: _("正常"),
        SUSPENDED: _("停机"),
        REPORTED_LOST: _("挂失"),
        CLOSED: _("销户"),
    }


class UserType(ChoiceSet):
    """User type (用户类型) as AUTH-9 defines it; derived, never entered (see ``derive_user_type``)."""

    G3_VIP_SILVER = "3g_vip_silver"
    G3_VIP_GOLD = "3g_vip_gold"
    G3_VIP_DIAMOND = "3g_vip_diamond"
    G3_VIP_SUPREME = "3g_vip_supreme"
    G2_VIP_SILVER = "2g_vip_silver"
    G2_VIP_GOLD = "2g_vip_gold"
    G2_VIP_DIAMOND = "2g_vip_diamond"
    G2_VIP_SUPREME = "2g_vip_supreme"
    FIXED_VIP_SILVER = "fixed_vip_silver"
    FIXED_VIP_GOLD = "fixed_vip_gold"
    FIXED_VIP_DIAMOND = "fixed_vip_diamond"
    FIXED_VIP_SUPREME = "fixed_vip_supreme"
    G3_ORDINARY = "3g_ordinary"
    G2_ORDINARY = "2g_ordinary"
    FIXED_ORDINARY = "fixed_ordinary"
    ENTERPRISE = "enterprise"

    LABELS = {
        G3_VIP_SILVER: _("3G VIP银卡"),
        G3_VIP_GOLD: _("3G VIP金卡"),
        G3_VIP_DIAMOND: _("3G VIP钻石卡"),
        G3_VIP_SUPREME: _("3G VIP至尊卡"),
        G2_VIP_SILVER: _("2G VIP银卡"),
        G2_VIP_GOLD: _("2G VIP金卡"),
        G2_VIP_DIAMOND: _("2G VIP钻石卡"),
        G2_VIP_SUPREME: _("2G VIP至尊卡"),
        FIXED_VIP_SILVER: _("固网VIP银卡"),
        FIXED_VIP_GOLD: _("固网VIP金卡"),
        FIXED_VIP_DIAMOND: _("固网VIP钻石卡"),
        FIXED_VIP_SUPREME: _("固网VIP至尊卡"),
        G3_ORDINARY: _("3G普通用户"),
        G2_ORDINARY: _("2G普通用户"),
        FIXED_ORDINARY: _("固网普通用户"),
        ENTERPRISE: _("集团客户"),
    }


class PayMethod(ChoiceSet):
    PREPAID = "prepaid"
    POSTPAID_CASH = "postpaid_cash"
    BANK_COLLECTION = "bank_collection"

    LABELS = {PREPAID: _("预付费"), POSTPAID_CASH: _("后付费现金"), BANK_COLLECTION: _("银行托收")}


class ProductKind(ChoiceSet):
    PLAN = "plan"
    VAS = "vas"
    MONTERNET = "monternet"

    LABELS = {PLAN: _("套餐"), VAS: _("增值业务"), MONTERNET: _("梦网业务")}


class SubscriptionStatus(ChoiceSet):
    ACTIVE = "active"
    PENDING = "pending"
    ENDED = "ended"

    LABELS = {ACTIVE: _("有效"), PENDING: _("待生效"), ENDED: _("已退订")}


class CallDirection(ChoiceSet):
    OUTGOING = "out"
    INCOMING = "in"

    LABELS = {OUTGOING: _("主叫"), INCOMING: _("被叫")}


class CallType(ChoiceSet):
    LOCAL = "local"
    LONG_DISTANCE = "long_distance"
    ROAMING = "roaming"

    LABELS = {LOCAL: _("本地通话"), LONG_DISTANCE: _("长途通话"), ROAMING: _("漫游通话")}


class PaymentChannel(ChoiceSet):
    HALL = "hall"
    BANK = "bank"
    ONLINE = "online"
    TOP_UP_CARD = "card"
    AUTO_DEBIT = "auto"

    LABELS = {
        HALL: _("营业厅"),
        BANK: _("银行"),
        ONLINE: _("网上营业厅"),
        TOP_UP_CARD: _("充值卡"),
        AUTO_DEBIT: _("自动托收"),
    }


class PointsKind(ChoiceSet):
    """Entries of the points ledger; earned and activity add points, voided and redeemed take away."""

    EARNED = "earned"
    ACTIVITY = "activity"
    VOIDED = "voided"
    REDEEMED = "redeemed"

    LABELS = {EARNED: _("消费积分"), ACTIVITY: _("活动积分"), VOIDED: _("作废积分"), REDEEMED: _("兑换积分")}
    CREDIT = (EARNED, ACTIVITY)
    DEBIT = (VOIDED, REDEEMED)


class UsageKind(ChoiceSet):
    SMS = "sms"
    MMS = "mms"
    WAP = "wap"

    LABELS = {SMS: _("短信"), MMS: _("彩信"), WAP: _("WAP上网")}


class UsageStatus(ChoiceSet):
    SUCCESS = "success"
    FAILED = "failed"
    PENDING = "pending"

    LABELS = {SUCCESS: _("成功"), FAILED: _("失败"), PENDING: _("处理中")}
