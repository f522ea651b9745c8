"""OpenAPI description of the TMF629 Customer shape kefu serves (for /api/schema/ only; responses are
built in ``resources.py`` and validated against the official specification in tests/tmf/)."""

from __future__ import annotations

from rest_framework import serializers

from kefu.tmf.common import tmf_serializer

Customer = tmf_serializer(
    "TmfCustomer",
    {
        "id": serializers.CharField(),
        "href": serializers.CharField(),
        "name": serializers.CharField(),
        "status": serializers.CharField(help_text="active | inactive"),
        "engagedParty": serializers.DictField(help_text="Individual or Organization reference"),
        "contactMedium": serializers.ListField(child=serializers.DictField(), help_text="e-mail masked"),
        "account": serializers.ListField(child=serializers.DictField()),
        "characteristic": serializers.ListField(
            child=serializers.DictField(), help_text="idNumber is always masked"
        ),
        "validFor": serializers.DictField(),
        "@type": serializers.CharField(),
    },
)
