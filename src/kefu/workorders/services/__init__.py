"""Every write on a work order: one service per action (WO-4), each in one transaction that checks
the transition table, writes the order, appends an immutable event, records an outbox message
(``workorder.<past tense>``, for federation and TMF listeners) and an audit row, and tells whoever
must be told after commit.

Signatures are keyword-only with ``actor``; ``order`` is a :class:`WorkOrder` (or its number).
Each returns the order as saved. A forbidden (state, action) pair raises ``invalid_transition``
(409) and changes nothing. The engine never imports federation code: it only writes the outbox.

The package, by concern (import the names from here):

* ``holders`` — :class:`Holder`, parsing refs and flow specs, the bus channel of a holder;
* ``clock`` — step deadlines and the paused clock on the business calendar;
* ``rows`` — the order's locked read and its narrow UPDATE (compiled once per connection);
* ``events`` — :func:`order_event_record`: event + outbox + audit (+ notification), for every write;
* ``engine`` — :func:`check_action` and ``perform``, the one path every action takes;
* ``accept`` — :func:`order_accept` (WO-1), order numbers, the flow an order follows;
* ``order_actions`` — one ``order_<action>`` per action, and :func:`order_link_oa` (WO-10);
* ``triage`` — :func:`order_categorise`: an order accepted without a category gets one;
* ``sweep`` — the SLA sweep's writes (WO-5);
* ``coordination`` — the WO-9 coordination flows' data and effects, the urge acknowledgement and the
  billing adjustment's approval;
* ``publishing`` — :func:`flow_publish` (SYS-3).

Which service a request calls, with which input, is declared once in :mod:`kefu.workorders.actions`.
"""

from kefu.workorders.services.accept import (
    AcceptResult,
    OrderInput,
    fingerprint,
    flow_for,
    next_number,
    order_accept,
    triage_hours,
)
from kefu.workorders.services.coordination import (
    order_acknowledge_urge,
    order_decide_adjustment,
    order_line_resume,
    suspensions_ended,
)
from kefu.workorders.services.engine import Change, check_action
from kefu.workorders.services.events import order_event_record
from kefu.workorders.services.holders import (
    NOBODY,
    Holder,
    holder_from_spec,
    holder_of,
    holder_parse,
    notify_channel,
    peer_of,
)
from kefu.workorders.services.order_actions import (
    order_archive,
    order_attach,
    order_cancel,
    order_comment,
    order_dispatch,
    order_feedback,
    order_link_oa,
    order_pause,
    order_process,
    order_query,
    order_receive,
    order_reply,
    order_reprocess,
    order_resume,
    order_return,
    order_urge,
)
from kefu.workorders.services.publishing import flow_publish
from kefu.workorders.services.sweep import order_sla_overdue, order_sla_step_overdue, order_sla_warn
from kefu.workorders.services.triage import order_categorise

__all__ = [
    "suspensions_ended",
    "NOBODY",
    "AcceptResult",
    "Change",
    "Holder",
    "OrderInput",
    "check_action",
    "fingerprint",
    "flow_for",
    "flow_publish",
    "holder_from_spec",
    "holder_of",
    "holder_parse",
    "next_number",
    "notify_channel",
    "order_accept",
    "order_acknowledge_urge",
    "order_decide_adjustment",
    "order_line_resume",
    "order_archive",
    "order_attach",
    "order_cancel",
    "order_categorise",
    "order_comment",
    "order_dispatch",
    "order_event_record",
    "order_feedback",
    "order_link_oa",
    "order_pause",
    "order_process",
    "order_query",
    "order_receive",
    "order_reply",
    "order_reprocess",
    "order_resume",
    "order_return",
    "order_sla_overdue",
    "order_sla_step_overdue",
    "order_sla_warn",
    "order_urge",
    "peer_of",
    "triage_hours",
]
