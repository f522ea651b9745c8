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
