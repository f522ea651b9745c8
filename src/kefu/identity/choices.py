"""Authentication methods, results and grant scopes (AUTH-1..8)."""

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class AuthMethod(ChoiceSet):
    """AUTH-1's methods. ``ivr_password`` is the password collected by the IVR for an agent (AUTH-3):
    logged as its own method, never posted to the authenticate endpoint."""

    PASSWORD = "password"
    BROADBAND = "broadband"
    ID_NUMBER = "id_number"
    ID_SHOWN = "id_shown"
    MEMBERSHIP_CARD = "membership_card"
    CALLING_NUMBER = "calling_number"
    OTP = "otp"
    IVR_PASSWORD = "ivr_password"

    LABELS = {
        PASSWORD: _("号码+服务密码"),
        BROADBAND: _("宽带账号+服务密码"),
        ID_NUMBER: _("证件号码+服务密码"),
        ID_SHOWN: _("出示证件"),
        MEMBERSHIP_CARD: _("会员卡+服务密码"),
        CALLING_NUMBER: _("主叫号码"),
        OTP: _("短信验证码"),
        IVR_PASSWORD: _("语音采集服务密码"),
    }
    # methods the API accepts in POST .../authenticate
    API = (PASSWORD, BROADBAND, ID_NUMBER, ID_SHOWN, MEMBERSHIP_CARD, CALLING_NUMBER, OTP)
    # methods whose failures count towards the lock (AUTH-5): everything that checks a secret
    SECRET = (PASSWORD, BROADBAND, ID_NUMBER, MEMBERSHIP_CARD, OTP, IVR_PASSWORD)
    # methods whose secret only the customer may key (AUTH-3): never typed on a staff member's keyboard
    CUSTOMER_KEYED = (PASSWORD, BROADBAND, ID_NUMBER, MEMBERSHIP_CARD, OTP)
    # the first factor of self-service: the service password in one of its forms (004)
    SERVICE_PASSWORD = (PASSWORD, BROADBAND, ID_NUMBER, MEMBERSHIP_CARD, IVR_PASSWORD)
    # what a collection (IVR or PIN pad) may collect for a member of staff
    COLLECTABLE = (PASSWORD, BROADBAND, ID_NUMBER, MEMBERSHIP_CARD, OTP)


class GrantScope(ChoiceSet):
    FULL = "full"
    CALLING_LINE = "calling_line"

    LABELS = {FULL: _("全部业务"), CALLING_LINE: _("仅本机查询")}


class Collector(ChoiceSet):
    """The device on which the customer keys a secret for a member of staff (AUTH-3)."""

    IVR = "ivr"
    PIN_PAD = "pin_pad"

    LABELS = {IVR: _("自助语音"), PIN_PAD: _("密码键盘")}


class CollectionPurpose(ChoiceSet):
    AUTHENTICATE = "authenticate"
    PASSWORD_CHANGE = "password_change"

    LABELS = {AUTHENTICATE: _("身份鉴权"), PASSWORD_CHANGE: _("修改服务密码")}


class CollectionState(ChoiceSet):
    WAITING = "waiting"
    DONE = "done"

    LABELS = {WAITING: _("等待客户输入"), DONE: _("已完成")}


class CollectionResult(ChoiceSet):
    PASS = "pass"
    FAIL = "fail"
    LOCKED = "locked"

    LABELS = {PASS: _("验证通过"), FAIL: _("验证失败"), LOCKED: _("已锁定")}


class FailureReason(ChoiceSet):
    """Why an attempt failed (AUTH-8 log); never says which part of a secret was wrong to the caller."""

    WRONG_PASSWORD = "wrong_password"
    ACCOUNT_MISMATCH = "account_mismatch"
    ID_MISMATCH = "id_mismatch"
    CARD_MISMATCH = "card_mismatch"
    WRONG_OTP = "wrong_otp"
    OTP_EXPIRED = "otp_expired"
    NOT_CALLING_LINE = "not_calling_line"
    LOCKED = "locked"

    LABELS = {
        WRONG_PASSWORD: _("密码错误"),
        ACCOUNT_MISMATCH: _("宽带账号不符"),
        ID_MISMATCH: _("证件号码不符"),
        CARD_MISMATCH: _("会员卡号不符"),
        WRONG_OTP: _("验证码错误"),
        OTP_EXPIRED: _("验证码已过期"),
        NOT_CALLING_LINE: _("非本机来电"),
        LOCKED: _("认证已锁定"),
    }


STATS_DIMENSIONS = ("channel", "customer_type", "user_type", "level", "network_type")

# The methods POST .../authenticate accepts, as choices (also the OpenAPI enum).
API_METHOD_CHOICES = [(value, label) for value, label in AuthMethod.CHOICES if value in AuthMethod.API]
# What a device may collect for staff (POST calls/{id}/password-collection, pin-pad/collections).
COLLECTED_METHOD_CHOICES = [
    (value, label) for value, label in AuthMethod.CHOICES if value in AuthMethod.COLLECTABLE
]
