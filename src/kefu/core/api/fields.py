"""The number fields every serializer and desk form of kefu uses for input.

DRF's ``IntegerField`` and Django's ``forms.IntegerField`` parse with ``int()``, and the decimal
fields with ``Decimal()``: both take Arabic-Indic ('١٢') and full-width ('１２') digits as if they were
'12', and an integer field without bounds lets a number past 64 bits through to the database driver,
which answers it with a server error. The classes here take ASCII digits only and keep an integer
within what a 64-bit column stores (narrower when the field or the model column says so); anything
else is the field's ordinary validation error: DRF's 400 ``validation_failed`` naming the field
(``core/errors.py``), a form error on a desk page.

Every serializer and form uses these instead of the library classes (ruff's banned-api list in
pyproject.toml says so), and :class:`kefu.core.api.base.ModelSerializer` maps model columns to them.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

from kefu.core.numbers import ID_MAX

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def ascii_only(data) -> bool:
    """False for a string with any non-ASCII character ('١٢', '１２', '³'); True for anything else
    (numbers from JSON, ASCII text), which the field's own parsing then judges."""
    return not isinstance(data, str) or data.isascii()


class IntegerField(serializers.IntegerField):
    """An integer from ASCII digits (or a JSON number), within ``min_value``/``max_value`` when given
    and always within 64 bits."""

    def to_internal_value(self, data):
        if not ascii_only(data):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if value > INT64_MAX:
            self.fail("max_value", max_value=INT64_MAX)
        if value < INT64_MIN:
            self.fail("min_value", min_value=INT64_MIN)
        return value


class IdField(IntegerField):
    """The id of a row, in a body: 1 to the largest 64-bit key."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class DecimalField(serializers.DecimalField):
    """A decimal from ASCII text (or a JSON number); ``max_digits`` bounds it as the column does."""

    def to_internal_value(self, data):
        if not ascii_only(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row named by its key: for an integer key, ASCII digits within 64 bits, so '١٢' is
    not row 12."""

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        # every AutoField is an IntegerField too
        if self.pk_field is None and isinstance(queryset.model._meta.pk, models.IntegerField):
            if isinstance(data, bool) or not ascii_only(data):
                self.fail("incorrect_type", data_type=type(data).__name__)
            if isinstance(data, int) and not INT64_MIN <= data <= INT64_MAX:
                self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


# The library class each of these replaces, for ModelSerializer's mapping of model columns.
SERIALIZER_FIELDS = {
    serializers.IntegerField: IntegerField,
    serializers.DecimalField: DecimalField,
}


# --- Django forms (desk pages) --------------------------------------------------------------------


class FormIntegerField(forms.IntegerField):
    """A desk form's integer: ASCII digits only, within 64 bits (and ``min_value``/``max_value``)."""

    def to_python(self, value):
        if not ascii_only(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        value = super().to_python(value)
        if value is not None and not INT64_MIN <= value <= INT64_MAX:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class FormIdField(FormIntegerField):
    """A desk form's row id: 1 to the largest 64-bit key."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class FormDecimalField(forms.DecimalField):
    """A desk form's decimal: ASCII text only; ``max_digits`` bounds it as the column does."""

    def to_python(self, value):
        if not ascii_only(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
