"""OpenAPI descriptions of the TMF683 shapes kefu serves (for /api/schema/ only; the responses are
built in ``resources.py`` and validated against the official specification in tests/tmf/)."""

from __future__ import annotations

from rest_framework import serializers

from kefu.tmf.common import tmf_serializer

TimePeriod = tmf_serializer(
    "TmfTimePeriod",
    {"startDateTime": serializers.DateTimeField(), "endDateTime": serializers.DateTimeField(required=False)},
)
Ref = tmf_serializer(
    "TmfPartyInteractionRef",
    {
        "id": serializers.CharField(),
        "href": serializers.CharField(),
        "name": serializers.CharField(required=False),
        "role": serializers.CharField(required=False),
        "@referredType": serializers.CharField(required=False),
    },
)
Note = tmf_serializer(
    "TmfNote",
    {
        "id": serializers.CharField(required=False),
        "author": serializers.CharField(required=False, help_text="job number"),
        "date": serializers.DateTimeField(required=False),
        "text": serializers.CharField(),
    },
)
_COMMON = {
    "description": serializers.CharField(required=False, help_text="the contact's summary"),
    "reason": serializers.CharField(
        help_text="request category path or request type name; on input a request type code "
        "(complaint, consultation, query, business_handling, fault_report, suggestion) or its name"
    ),
    "status": serializers.CharField(help_text="opened | inProgress | completed"),
    "interactionDate": TimePeriod(),
    "channel": serializers.ListField(child=serializers.DictField(), help_text="RelatedChannel; id = code"),
    "relatedParty": serializers.ListField(
        child=serializers.DictField(), required=False, help_text="roles customer, subscriber, agent, caller"
    ),
    "attachment": serializers.ListField(child=serializers.DictField(), required=False),
    "note": serializers.ListField(child=Note(), required=False, help_text="corrections (CON-6)"),
    "@type": serializers.CharField(required=False),
}
PartyInteraction = tmf_serializer(
    "TmfPartyInteraction",
    {
        "id": serializers.CharField(),
        "href": serializers.CharField(),
        "creationDate": serializers.DateTimeField(),
        "direction": serializers.CharField(help_text="inbound | outbound"),
        "statusChangeDate": serializers.DateTimeField(),
        **_COMMON,
        "interactionItem": serializers.ListField(child=serializers.DictField()),
        "interactionRelationship": serializers.ListField(child=serializers.DictField()),
    },
)
PartyInteractionCreate = tmf_serializer(
    "TmfPartyInteractionCreate",
    {"direction": serializers.CharField(help_text="inbound | outbound"), **_COMMON},
)
PartyInteractionUpdate = tmf_serializer(
    "TmfPartyInteractionUpdate",
    {
        "description": serializers.CharField(required=False),
        "reason": serializers.CharField(required=False),
        "status": serializers.CharField(required=False, help_text="completed closes an open contact"),
        "interactionDate": TimePeriod(required=False),
        "note": serializers.ListField(
            child=Note(), required=False, help_text="its text says why the record is corrected (CON-6)"
        ),
    },
)
