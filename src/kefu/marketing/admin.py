"""Admin pages of offers and of the retention and marketing history (writes audited)."""

from __future__ import annotations

from django.contrib import admin

from kefu.core import scope
from kefu.core.admin import AuditedModelAdmin
from kefu.marketing.models import MarketingRecord, Offer, RetentionRecord


@admin.register(Offer)
class OfferAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "min_monthly_spend", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]


class _ScopedHistoryAdmin(AuditedModelAdmin):
    raw_id_fields = ["subscriber"]
    show_full_result_count = False

    def get_queryset(self, request):
        return scope.restrict(super().get_queryset(request), request.user)


@admin.register(RetentionRecord)
class RetentionRecordAdmin(_ScopedHistoryAdmin):
    list_display = ["subscriber", "at", "reason", "offer_type", "outcome"]
    list_filter = ["reason", "outcome"]


@admin.register(MarketingRecord)
class MarketingRecordAdmin(_ScopedHistoryAdmin):
    list_display = ["subscriber", "at", "product", "channel", "result"]
    list_filter = ["channel", "result"]
