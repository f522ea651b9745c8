"""Actions of business acceptance (BA-1)."""

from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class AcceptanceAction(ChoiceSet):
    ORDER = "order"
    CHANGE = "change"
    CANCEL = "cancel"

    LABELS = {ORDER: _("订购"), CHANGE: _("变更"), CANCEL: _("退订")}


class AcceptanceState(ChoiceSet):
    COMPLETED = "completed"

    LABELS = {COMPLETED: _("已办结")}


class DataChange(ChoiceSet):
    """Changes of customer data accepted as business (BA-1), each through the billing port."""

    CONTACT_DETAILS = "contact_details"
    OWNERSHIP_TRANSFER = "ownership_transfer"
    SIM_REPLACEMENT = "sim_replacement"
    SUSPEND = "suspend"
    RESUME = "resume"

    LABELS = {
        CONTACT_DETAILS: _("变更联系方式"),
        OWNERSHIP_TRANSFER: _("过户"),
        SIM_REPLACEMENT: _("补换SIM卡"),
        SUSPEND: _("申请停机"),
        RESUME: _("申请复机"),
    }
