"""OpenAPI descriptions of the TMF621 shapes kefu serves (for /api/schema/ only; the responses are
built in ``resources.py`` and validated against the official specification in tests/tmf/)."""

from __future__ import annotations

from rest_framework import serializers

from kefu.tmf.common import tmf_serializer

_LIST = serializers.ListField(child=serializers.DictField(), required=False)
_COMMON = {
    "name": serializers.CharField(required=False, help_text="the order's title"),
    "description": serializers.CharField(),
    "ticketType": serializers.CharField(
        help_text="complaint | suggestion | consultation | fault_report | pre_acceptance | business_handling"
    ),
    "severity": serializers.CharField(help_text="Critical or Major make the order urgent"),
    "priority": serializers.CharField(required=False),
    "relatedParty": serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="role customer (or @referredType Subscriber): id = subscriber number",
    ),
    "relatedEntity": serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="role requestCategory: id = request-category node id or code",
    ),
    "note": _LIST,
    "@type": serializers.CharField(required=False),
}
TroubleTicket = tmf_serializer(
    "TmfTroubleTicket",
    {
        "id": serializers.CharField(),
        "href": serializers.CharField(),
        "creationDate": serializers.DateTimeField(),
        "lastUpdate": serializers.DateTimeField(),
        "expectedResolutionDate": serializers.DateTimeField(required=False),
        "resolutionDate": serializers.DateTimeField(required=False),
        "status": serializers.CharField(
            help_text="acknowledged | inProgress | pending | held | resolved | closed | rejected | cancelled"
        ),
        "statusChangeDate": serializers.DateTimeField(required=False),
        "statusChangeReason": serializers.CharField(required=False),
        "statusChange": _LIST,
        "attachment": _LIST,
        "channel": serializers.DictField(required=False),
        **_COMMON,
    },
)
TroubleTicketCreate = tmf_serializer("TmfTroubleTicketCreate", dict(_COMMON))
TroubleTicketUpdate = tmf_serializer(
    "TmfTroubleTicketUpdate",
    {
        "status": serializers.CharField(required=False, help_text="the status to move to (see the mapping)"),
        "statusChangeReason": serializers.CharField(required=False, help_text="the reason or result"),
        "note": serializers.ListField(
            child=serializers.DictField(), required=False, help_text="notes without an id are added"
        ),
        "satisfaction": serializers.CharField(required=False, help_text="kefu: feedback before closing"),
        "responsibilityCause": serializers.CharField(required=False, help_text="kefu: cause code (SR-4)"),
        "responsibleDepartment": serializers.CharField(
            required=False, help_text="kefu: responsible department code (SR-4)"
        ),
    },
)
EventSubscriptionInput = tmf_serializer(
    "TmfEventSubscriptionInput",
    {"callback": serializers.CharField(), "query": serializers.CharField(required=False)},
)
EventSubscription = tmf_serializer(
    "TmfEventSubscription",
    {
        "id": serializers.CharField(),
        "callback": serializers.CharField(),
        "query": serializers.CharField(required=False),
    },
)
