"""Kinds, audiences, states and channels of knowledge articles and explanation wording (KB-1, KB-4)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class ArticleKind(ChoiceSet):
    """The kinds of knowledge KB-1 names."""

    PRODUCT = "product"
    LOCATION = "location"
    NEW_SERVICE = "new_service"
    USAGE = "usage"
    PROCEDURE = "procedure"
    STANDARD = "standard"
    PROMOTION = "promotion"
    OUTLET = "outlet"

    LABELS = {
        PRODUCT: _("产品资费"),
        LOCATION: _("号码归属"),
        NEW_SERVICE: _("新业务"),
        USAGE: _("使用方法"),
        PROCEDURE: _("办理流程"),
        STANDARD: _("服务规范"),
        PROMOTION: _("营销活动"),
        OUTLET: _("服务网点"),
    }


class Audience(ChoiceSet):
    """Who may read an article: agents only, customers (self-service) too, or both."""

    AGENT = "agent"
    CUSTOMER = "customer"
    BOTH = "both"

    LABELS = {AGENT: _("仅座席"), CUSTOMER: _("仅客户"), BOTH: _("座席和客户")}


class Status(ChoiceSet):
    """The review workflow of articles and wording: draft → in review → published → retired."""

    DRAFT = "draft"
    REVIEW = "review"
    PUBLISHED = "published"
    RETIRED = "retired"

    LABELS = {DRAFT: _("草稿"), REVIEW: _("待审核"), PUBLISHED: _("已发布"), RETIRED: _("已下线")}


class Origin(ChoiceSet):
    """Where an article or wording was written: this province, or group headquarters through the hub."""

    LOCAL = "local"
    NATIONAL = "national"

    LABELS = {LOCAL: _("本省"), NATIONAL: _("全网")}


class Channel(ChoiceSet):
    """Where explanation wording is used (KB-4)."""

    AGENT = "agent"
    SELF_SERVICE = "self_service"
    ORDER_MESSAGE = "order_message"

    LABELS = {AGENT: _("座席解释"), SELF_SERVICE: _("自助服务"), ORDER_MESSAGE: _("工单状态短信")}


class UseKind(ChoiceSet):
    """What an agent did with a piece of knowledge during a contact (SR-1, KB-2, KB-4)."""

    OPENED = "opened"
    ANSWERED = "answered"
    SENT = "sent"
    WORDING = "wording"
    UNANSWERED = "unanswered"

    LABELS = {
        OPENED: _("查阅"),
        ANSWERED: _("已解答"),
        SENT: _("短信发送"),
        WORDING: _("使用口径"),
        UNANSWERED: _("未能解答"),
    }
