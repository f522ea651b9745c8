from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class CallState(ChoiceSet):
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"

    LABELS = {RINGING: _("振铃"), ANSWERED: _("通话中"), ENDED: _("已挂机")}


class CallEventKind(ChoiceSet):
    RING = "ring"
    ANSWER = "answer"
    HANGUP = "hangup"

    LABELS = {RING: _("振铃"), ANSWER: _("应答"), HANGUP: _("挂机")}
