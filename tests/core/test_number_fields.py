"""Numbers in bodies and forms (SYS-1): the fields of ``kefu.core.api.fields`` take ASCII digits only
and keep integers within what a 64-bit column stores, and every serializer and desk form of kefu uses
them: '١٢' (Arabic-Indic), '１２' (full-width), '³' (superscript) and 2**70 are validation errors,
never 12 and never a server error."""

from __future__ import annotations

import importlib
import pkgutil
from decimal import Decimal
from urllib.parse import quote

import pytest
from django import forms
from django.core.exceptions import ValidationError as FormError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

import kefu
from kefu.core.api import fields
from kefu.core.api.base import ModelSerializer
from kefu.core.models import Province

NOT_ASCII = ["١٢", "１２", "³", "٣.٥"]
LIBRARY_FIELDS = (serializers.IntegerField, serializers.DecimalField, serializers.PrimaryKeyRelatedField)


def _refused(field, value) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        field.run_validation(value)
    return refused.value.detail


@pytest.mark.parametrize("value", [*NOT_ASCII, 2**70, -(2**70), str(2**64)])
def test_integer_field_refuses_non_ascii_digits_and_numbers_past_64_bits(value):
    """SYS-1: an integer in a body is ASCII digits (or a JSON number) within 64 bits; DRF's own
    IntegerField reads '١٢' as 12."""
    assert serializers.IntegerField().run_validation("١٢") == 12  # what the library does
    assert _refused(fields.IntegerField(), value)


def test_integer_field_still_takes_ascii_numbers_and_its_own_bounds():
    """SYS-1: ASCII digits, JSON numbers and the 64-bit bounds pass; min_value/max_value still apply."""
    field = fields.IntegerField()
    assert [field.run_validation(v) for v in ("12", 12, " 7 ", 2**63 - 1, -(2**63))] == [
        12,
        12,
        7,
        2**63 - 1,
        -(2**63),
    ]
    assert _refused(fields.IntegerField(max_value=100), 101)


@pytest.mark.parametrize("value", [*NOT_ASCII, 0, -1, 2**63])
def test_id_field_is_a_row_id(value):
    """SYS-1: an id in a body is 1 to the largest 64-bit key: zero and negatives are refused too."""
    assert _refused(fields.IdField(), value)
    assert fields.IdField().run_validation("42") == 42


@pytest.mark.parametrize("value", [*NOT_ASCII, "1" * 20, 10**15])
def test_decimal_field_refuses_non_ascii_digits_and_too_many_digits(value):
    """SYS-1: a decimal is ASCII text or a JSON number within max_digits; DRF's DecimalField reads
    '１２' as 12 through Decimal()."""
    assert serializers.DecimalField(max_digits=12, decimal_places=2).run_validation("１２") == 12
    assert _refused(fields.DecimalField(max_digits=12, decimal_places=2), value)
    assert fields.DecimalField(max_digits=12, decimal_places=2).run_validation("-12.5") == Decimal("-12.50")


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["١", "１", 2**70, True])
def test_related_field_refuses_non_ascii_digits_for_an_integer_key(value):
    """SYS-1: a related row named by '١' is no row 1; a key past 64 bits is no row either."""
    row = Province.objects.order_by("pk").first()
    library = serializers.PrimaryKeyRelatedField(queryset=Province.objects.all())
    assert library.run_validation(str(row.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))) == row
    field = fields.PrimaryKeyRelatedField(queryset=Province.objects.all())
    assert _refused(field, value)
    assert field.run_validation(row.pk) == row


@pytest.mark.parametrize("value", [*NOT_ASCII, str(2**70)])
def test_form_fields_refuse_non_ascii_digits_and_numbers_past_64_bits(value):
    """SYS-1: the desk's form fields: Django's IntegerField reads '１２' as 12; kefu's refuse it."""
    assert forms.IntegerField().clean("１２") == 12  # what the library does
    for field in (fields.FormIntegerField(), fields.FormIdField(), fields.FormDecimalField(max_digits=12)):
        with pytest.raises(FormError):
            field.clean(value)
    assert (fields.FormIdField().clean("42"), fields.FormDecimalField().clean("1.5")) == (42, Decimal("1.5"))
    with pytest.raises(FormError):
        fields.FormIdField().clean("0")


def test_model_serializer_maps_number_columns_to_kefu_fields():
    """SYS-1: the ModelSerializer base maps integer and decimal columns and related rows to kefu's
    fields, keeping the column's range as the database states it (0..32767 for a
    PositiveSmallIntegerField on PostgreSQL)."""
    from django.db import connection

    from kefu.workorders.models import WorkOrder

    class Probe(ModelSerializer):
        class Meta:
            model = WorkOrder
            fields = ["priority", "subscriber"]

    probe = Probe().fields
    assert (type(probe["priority"]), type(probe["subscriber"])) == (
        fields.IntegerField,
        fields.PrimaryKeyRelatedField,
    )
    low, high = connection.ops.integer_field_range("PositiveSmallIntegerField")
    assert (probe["priority"].min_value, probe["priority"].max_value) == (low, high)
    assert _refused(probe["priority"], "١")
    assert _refused(probe["priority"], -1)


def _kefu_modules():
    """Every module of kefu that may define a serializer or a form (not migrations, commands, the CLI)."""
    skip = (".migrations", ".management", "kefu.cli", "kefu.celery", "kefu.wsgi", "kefu.settings")
    for module in pkgutil.walk_packages(kefu.__path__, "kefu."):
        if not any(part in module.name for part in skip):
            importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@pytest.mark.django_db
def test_every_serializer_of_kefu_uses_kefu_number_fields():
    """SYS-1: no serializer of kefu (native API, TMF, desk API) has a library IntegerField,
    DecimalField or PrimaryKeyRelatedField, declared or mapped from a model column."""
    _kefu_modules()
    found, library = 0, []
    for cls in set(_subclasses(serializers.Serializer)):
        if not cls.__module__.startswith("kefu.") or cls is ModelSerializer:
            continue
        found += 1
        for name, field in cls().fields.items():
            if type(field) in LIBRARY_FIELDS:
                library.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert found > 100  # the sweep saw the serializers, not an empty list
    assert library == []


def test_every_desk_form_uses_kefu_number_fields():
    """SYS-1: no form of a desk page has Django's IntegerField, DecimalField or FloatField (the admin
    site's model forms are Django's own)."""
    _kefu_modules()
    forms_seen, library = 0, []
    for cls in set(_subclasses(forms.BaseForm)):
        if not cls.__module__.startswith("kefu.") or cls.__module__.endswith(".admin"):
            continue
        forms_seen += 1
        for name, field in cls.base_fields.items():
            if type(field) in (forms.IntegerField, forms.DecimalField, forms.FloatField):
                library.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert forms_seen >= 3
    assert library == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/contacts", "/api/v1/work-orders", "/api/v1/subscribers", "/api/v1/request-categories"]
)
@pytest.mark.parametrize("value", ["١٢", "１２", "³", str(2**70), "0", "-1", "abc"])
def test_page_size_is_ascii_digits_from_one(path, value, js_agent, api_client_for):
    """SYS-1 (CON-4, WO-6): every keyset-paged list takes ``page_size`` as ASCII digits from 1 —
    DRF's own parsing reads '１２' as 12 and ignores text — otherwise 400 invalid_number naming it."""
    client = api_client_for(js_agent)

    response = client.get(f"{path}?page_size={quote(value)}")

    assert response.status_code == 400, response.content
    assert (response.json()["code"], "page_size" in response.json()["detail"]) == ("invalid_number", True)


@pytest.mark.django_db
def test_page_size_past_the_cap_is_the_cap(js_agent, api_client_for):
    """CON-4: a page size past the list's cap is the cap, as before (not an error)."""
    response = api_client_for(js_agent).get("/api/v1/contacts?page_size=100000")
    assert response.status_code == 200
