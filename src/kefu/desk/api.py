"""The unified customer view as an API (VIEW-1..4): ``GET /api/v1/subscribers/{number}/view``.

The serializers below only describe the selector's output for the OpenAPI document; the data is
assembled by :func:`kefu.desk.view.customer_view` in a fixed number of queries.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import fields
from kefu.core.errors import NotFoundError
from kefu.desk.view import customer_view_open
from kefu.identity.errors import AuthRequired

PROBLEM = OpenApiResponse(description="problem+json with a stable `code`")


class LabelledSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


def _labelled():
    return LabelledSerializer()


class HeaderSerializer(serializers.Serializer):
    home_province = serializers.CharField()
    home_city = serializers.CharField()
    name = serializers.CharField()
    level = _labelled()
    brand = _labelled()
    customer_type = _labelled()
    masked_id_number = serializers.CharField()
    status = _labelled()


class OpeningSerializer(serializers.Serializer):
    opened_at = serializers.DateTimeField()
    customer_since = serializers.DateTimeField()
    id_type = _labelled()
    masked_id_number = serializers.CharField()
    masked_address = serializers.CharField()
    pay_method = _labelled()


class UserInfoSerializer(serializers.Serializer):
    user_name = serializers.CharField()
    gender = _labelled()
    interests = serializers.CharField()
    masked_mailing_address = serializers.CharField()
    masked_email = serializers.CharField()


class BasicSerializer(serializers.Serializer):
    brand = _labelled()
    network_type = _labelled()
    user_type = _labelled()
    level = _labelled()
    status = _labelled()


class OpensWithSerializer(serializers.Serializer):
    method = serializers.CharField(help_text="an authentication method (AUTH-1)")
    label = serializers.CharField()


class FeesSerializer(serializers.Serializer):
    """Q-1: whether the fee and usage sections are open to the caller, and by what."""

    locked = serializers.BooleanField()
    opened_by = serializers.CharField(help_text="the method of the grant, or calling_number; '' if locked")
    opens_with = OpensWithSerializer(many=True, help_text="what would open them (empty when open)")


class ViewPointsSerializer(serializers.Serializer):
    locked = serializers.BooleanField()
    opens_with = OpensWithSerializer(many=True, required=False, help_text="only when locked")
    total = fields.IntegerField(required=False, help_text="only when open")
    redeemable = fields.IntegerField(required=False, help_text="only when open")


class MembershipSerializer(serializers.Serializer):
    level = _labelled()
    masked_card = serializers.CharField()
    points = ViewPointsSerializer()


class ServiceInfoSerializer(serializers.Serializer):
    status = _labelled()
    network_type = _labelled()
    broadband_account = serializers.CharField()
    password_initial = serializers.BooleanField()
    password_changed_at = serializers.DateTimeField(allow_null=True)
    products_in_use = fields.IntegerField()


class ProductRowSerializer(serializers.Serializer):
    product_code = serializers.CharField()
    product_name = serializers.CharField()
    kind = _labelled()
    monthly_fee = fields.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    status = _labelled()


class BillRowSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    voice_fee = serializers.CharField()
    sms_fee = serializers.CharField()
    data_fee = serializers.CharField()
    vas_fee = serializers.CharField()
    other_fee = serializers.CharField()
    total_fee = serializers.CharField()
    amount_due = serializers.CharField()
    amount_paid = serializers.CharField()
    due_date = serializers.DateField()


class CallRowSerializer(serializers.Serializer):
    start_at = serializers.DateTimeField()
    other_party = serializers.CharField(help_text="masked unless the caller's role may reveal personal data")
    direction = _labelled()
    duration_seconds = fields.IntegerField()
    call_type = _labelled()
    fee = serializers.CharField()


class PaymentRowSerializer(serializers.Serializer):
    paid_at = serializers.DateTimeField()
    amount = serializers.CharField()
    channel = _labelled()


class BillingSerializer(serializers.Serializer):
    """Fees (Q-1): either ``{"locked": true, "opens_with": [...]}`` or the figures with ``locked: false``."""

    locked = serializers.BooleanField()
    opens_with = OpensWithSerializer(many=True, required=False, help_text="only when locked")
    balance = serializers.CharField(required=False)
    arrears = serializers.CharField(required=False)
    bills = BillRowSerializer(many=True, required=False)
    calls = CallRowSerializer(many=True, required=False)
    payments = PaymentRowSerializer(many=True, required=False)


class UsageTrendSerializer(serializers.Serializer):
    month = serializers.CharField()
    voice_fee = serializers.CharField()
    sms_fee = serializers.CharField()
    data_fee = serializers.CharField()


class RetentionRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    reason = _labelled()
    offer_type = _labelled()
    outcome = _labelled()


class ChurnSerializer(serializers.Serializer):
    score = fields.IntegerField(min_value=0, max_value=100)
    level = serializers.ChoiceField(choices=["low", "medium", "high"])
    level_label = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class AnalysisSerializer(serializers.Serializer):
    usage_trend = UsageTrendSerializer(many=True)
    retention = RetentionRowSerializer(many=True)
    churn = ChurnSerializer()


class ContactRowSerializer(serializers.Serializer):
    id = fields.IntegerField()
    started_at = serializers.DateTimeField()
    channel = _labelled()
    status = _labelled()
    request_type = _labelled()
    category = serializers.CharField()
    summary = serializers.CharField()
    staff = serializers.CharField()
    duration_seconds = fields.IntegerField(allow_null=True)


class WorkOrderRowSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = _labelled()
    state = _labelled()
    business = serializers.CharField()
    title = serializers.CharField()
    accepted_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    accepted_by = serializers.CharField()
    replied_by = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    satisfaction = serializers.CharField()
    open = serializers.BooleanField()


class ComplaintsSerializer(serializers.Serializer):
    contacts = ContactRowSerializer(many=True)
    work_orders = WorkOrderRowSerializer(many=True)


class AskedSerializer(serializers.Serializer):
    name = serializers.CharField()
    times = fields.IntegerField()


class PendingRetentionSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    reason = _labelled()


class PendingSerializer(serializers.Serializer):
    work_orders = WorkOrderRowSerializer(many=True)
    open_contacts = ContactRowSerializer(many=True)
    retention = PendingRetentionSerializer(many=True)


class TrajectorySerializer(serializers.Serializer):
    started_at = serializers.DateTimeField()
    channel = _labelled()
    request_type = _labelled()


class SpendPointSerializer(serializers.Serializer):
    month = serializers.CharField()
    total_fee = serializers.CharField()


class MarketingRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    product = serializers.CharField()
    channel = _labelled()
    result = _labelled()


class MarketingSerializer(serializers.Serializer):
    times_this_year = fields.IntegerField()
    products = serializers.ListField(child=serializers.CharField())
    records = MarketingRowSerializer(many=True)


class SixMonthSpendSerializer(serializers.Serializer):
    month = serializers.CharField()
    calls = serializers.CharField()
    sms = serializers.CharField()
    vas = serializers.CharField()
    total = serializers.CharField()


class OfferRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class OffersSerializer(serializers.Serializer):
    sale = OfferRowSerializer(many=True)
    retention = OfferRowSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    businesses_asked = AskedSerializer(many=True)
    pending = PendingSerializer()
    call_trajectory = TrajectorySerializer(many=True)
    spending_curve = SpendPointSerializer(many=True)
    services_in_use = ProductRowSerializer(many=True)
    vas_last_3_months = ProductRowSerializer(many=True)
    complaints_last_3_months = fields.IntegerField()
    marketing = MarketingSerializer()
    six_month_spend = SixMonthSpendSerializer(many=True)
    average_monthly_spend = serializers.CharField(allow_null=True, help_text="null while the fees are locked")
    offers = OffersSerializer()


class CustomerViewSerializer(serializers.Serializer):
    """The unified customer view of one line (VIEW-1..4); personal data masked."""

    number = serializers.CharField()
    walk_in = serializers.BooleanField(help_text="a line of another city of the province (SVC-1)")
    may_reveal = serializers.BooleanField(help_text="whether the caller's role may reveal personal data")
    fees = FeesSerializer()
    sections = serializers.ListField(child=serializers.CharField(), help_text="the sections shown (audited)")
    header = HeaderSerializer()
    opening = OpeningSerializer()
    user = UserInfoSerializer()
    basic = BasicSerializer()
    membership = MembershipSerializer()
    service = ServiceInfoSerializer()
    products = ProductRowSerializer(many=True)
    billing = BillingSerializer()
    analysis = AnalysisSerializer()
    complaints = ComplaintsSerializer()
    recent_contacts = ContactRowSerializer(many=True)
    summary = SummarySerializer()
    last_work_order = WorkOrderRowSerializer(allow_null=True)
    work_orders = WorkOrderRowSerializer(many=True)


class SubscriberViewApi(APIView):
    """The unified customer view of a line in the caller's data scope (VIEW-1..4). Fee and usage
    sections only under a grant or for the calling line itself (Q-1); every view audited (SYS-2)."""

    @extend_schema(
        responses={200: CustomerViewSerializer, 403: PROBLEM, 404: PROBLEM, 503: PROBLEM},
        operation_id="subscribers_view",
    )
    def get(self, request, number: str):
        view = customer_view_open(user=request.user, number=number)
        if view is None:
            raise NotFoundError(_("号码 %(n)s 不存在或不在您的数据权限范围内") % {"n": number})
        if view["walk_in"] and not view["sections"]:
            raise AuthRequired(
                _("号码 %(n)s 属于本省其他地市，须先认证客户身份") % {"n": number},
                number=number,
                opens_with=view["fees"]["opens_with"],
            )
        return Response(view)
