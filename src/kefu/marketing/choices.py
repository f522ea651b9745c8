"""Kinds and outcomes of retention and marketing contacts (VIEW-2, VIEW-3)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class OfferKind(ChoiceSet):
    SALE = "sale"
    RETENTION = "retention"

    LABELS = {SALE: _("营销推荐"), RETENTION: _("挽留优惠")}


class RetentionReason(ChoiceSet):
    HIGH_FEES = "high_fees"
    POOR_SIGNAL = "poor_signal"
    COMPETITOR = "competitor"
    SERVICE = "service"
    MOVING = "moving"

    LABELS = {
        HIGH_FEES: _("资费偏高"),
        POOR_SIGNAL: _("信号不好"),
        COMPETITOR: _("竞争对手优惠"),
        SERVICE: _("服务不满意"),
        MOVING: _("迁往外地"),
    }


class OfferType(ChoiceSet):
    """What a retention contact offered."""

    FEE_DISCOUNT = "fee_discount"
    DATA_BONUS = "data_bonus"
    HANDSET = "handset"
    POINTS = "points"
    NONE = "none"

    LABELS = {
        FEE_DISCOUNT: _("话费优惠"),
        DATA_BONUS: _("赠送流量"),
        HANDSET: _("购机补贴"),
        POINTS: _("积分赠送"),
        NONE: _("无优惠"),
    }


class RetentionOutcome(ChoiceSet):
    RETAINED = "retained"
    LOST = "lost"
    PENDING = "pending"

    LABELS = {RETAINED: _("挽留成功"), LOST: _("挽留失败"), PENDING: _("跟进中")}


class MarketingChannel(ChoiceSet):
    OUTBOUND = "outbound"
    SMS = "sms"
    HALL = "hall"
    HOTLINE = "hotline"

    LABELS = {OUTBOUND: _("外呼"), SMS: _("短信"), HALL: _("营业厅"), HOTLINE: _("热线")}


class MarketingResult(ChoiceSet):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NO_ANSWER = "no_answer"

    LABELS = {ACCEPTED: _("成功订购"), DECLINED: _("拒绝"), NO_ANSWER: _("未接通")}
