from django.utils.translation import gettext_lazy as _

from kefu.core.choices import ChoiceSet


class CallState(ChoiceSet):
    RINGING = "ringing"
    ANSWERED = "answered"
    HELD = "held"
    ENDED = "ended"

    # a seat's calls: the one being talked on and the ones it put on hold (KEFU_CALLS_PER_SEAT)
    ON_SEAT = (ANSWERED, HELD)

    LABELS = {RINGING: _("振铃"), ANSWERED: _("通话中"), HELD: _("保持中"), ENDED: _("已挂机")}


class CallEventKind(ChoiceSet):
    RING = "ring"
    ANSWER = "answer"
    HANGUP = "hangup"
    RESUME = "resume"  # take a held call back (the call in progress, if any, goes on hold)
    ABANDON = "abandon"  # the caller left while queued or ringing (issue 14)
    NO_ANSWER = "no_answer"  # the offered agent did not pick up (issue 14)

    # events that may come without an agent (a caller leaving the queue involves none)
    AGENT_OPTIONAL = (ABANDON, NO_ANSWER)

    LABELS = {
        RING: _("振铃"),
        ANSWER: _("应答"),
        HANGUP: _("挂机"),
        RESUME: _("恢复通话"),
        ABANDON: _("放弃"),
        NO_ANSWER: _("未接听"),
    }
