"""What the hub's and SIMS's copies of a cross-level order share in their pages and APIs (WO-3): the
fields of a copy, the comment of a desk action, and the keyset paging of their lists."""

from __future__ import annotations

from rest_framework import serializers

from kefu.core.api import fields

MAX_LIMIT = 2000


class OrderCopySerializer(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.CharField()
    origin = serializers.CharField()
    sp_code = serializers.CharField()
    rounds = fields.IntegerField()
    urge_count = fields.IntegerField()
    event_seq = fields.IntegerField()
    result = serializers.CharField()
    updated_at = serializers.DateTimeField()


class CommentInput(serializers.Serializer):
    """The body of a desk action on a copy."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")


def int_or_none(value) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def page_params(params) -> dict:
    """``before`` (keyset on id) and ``limit`` (100 unless asked, at most ``MAX_LIMIT``) of a list."""
    return {
        "before": int_or_none(params.get("before")),
        "limit": min(int_or_none(params.get("limit")) or 100, MAX_LIMIT),
    }
