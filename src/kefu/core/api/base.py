"""Shared API building blocks: scope-limited viewsets, keyset pagination and the ModelSerializer base."""

from __future__ import annotations

from rest_framework import permissions, serializers, viewsets
from rest_framework.pagination import CursorPagination

from kefu.core import scope
from kefu.core.api import fields
from kefu.core.numbers import parse_int


class KeysetPagination(CursorPagination):
    """Keyset (cursor) pagination: constant cost per page however deep the list goes."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"

    def get_page_size(self, request):
        """``page_size`` as ASCII digits from 1 (capped at ``max_page_size``); DRF's own parsing reads
        '١٢' as 12 and silently ignores text, so anything else is 400 ``invalid_number`` here."""
        value = request.query_params.get(self.page_size_query_param) if self.page_size_query_param else None
        if value is None:
            return self.page_size
        return min(parse_int(value, name=self.page_size_query_param, minimum=1), self.max_page_size)


class ScopedQuerysetMixin:
    """Every queryset a view reads or writes through passes :func:`kefu.core.scope.restrict`.

    ``get_object`` builds on ``get_queryset``, so an object outside the user's scope is a 404 for
    reads and writes alike: its existence is not even disclosed.
    """

    def get_queryset(self):
        return scope.restrict(super().get_queryset(), self.request.user)


class ScopedReadOnlyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = KeysetPagination


class IsAdministrator(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.role == "administrator")


class ReadOnlyOrAdministrator(permissions.BasePermission):
    """Reference data: every signed-in user reads; only administrators write."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or user.role == "administrator"


# The base of every ModelSerializer of kefu: model columns map to the number fields of
# kefu.core.api.fields (ASCII digits only, within the column's range) and a related row to their
# PrimaryKeyRelatedField. A comment, not a docstring: drf-spectacular would show a docstring as the
# description of every schema built on it.
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        model_field: fields.SERIALIZER_FIELDS.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }
    serializer_related_field = fields.PrimaryKeyRelatedField
