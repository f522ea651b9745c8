"""The unified customer view (VIEW-1..4): every section the desk and the view API show, assembled in a
FIXED number of SQL queries, whatever the length of the subscriber's history.

``customer_view(user=, number=)`` is the one selector. It returns plain dicts and lists (JSON-ready for
the API, readable for templates). Billing data comes through the billing port
(``kefu.ports.billing.get_billing``), so a real BOSS adapter serves it unchanged; data kefu owns
(contacts, retention and marketing history, offers, work orders) is read here, each section with one
bounded query. Personal data is always masked here: revealing it is a separate, audited service
(``kefu.customers.services.personal_data_reveal``); call-detail other parties stay masked too.

Q-1: the fee and usage sections (bills, call details, payments, balance and arrears, points, the spend
and usage figures) are filled only under a valid grant of the viewer on this number
(``identity.services.grant_valid``) or for the calling line itself on the viewer's answered call (one's
own line needs no password). Otherwise ``fees`` says ``locked`` and which methods would open them, and
those sections are empty. SVC-1 walk-ins: hall and VIP staff reach every line of their province
(``scope.restrict_serving``), but a line of another city shows nothing but the authentication panel
until the customer has authenticated (:func:`customer_view` returns a ``walk_in`` stub).

Queries (pinned exactly by ``tests/desk/test_customer_view.py``): subscriber (scoped) 1, the viewer's
grant 1 (and, without one, the viewer's answered call from this line 1), billing's line overview 6
(line with account, products, bills, call details, payments, points), recent contacts and the
three-month window together 1, retention 1, marketing 1, offers with their products 1 (an offer of a
product shows only where the product fits the line; only an offered product in an exclusive group
costs one more query, for the groups of the products held), work orders 1 (only when the work-order
app is installed). Python time, not PostgreSQL, is most of this view's cost: each query
selects only the columns it shows (docs/benchmarks.md has the profile).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.choices import Channel, ContactStatus
from kefu.contacts.models import ContactRecord
from kefu.core import audit, scope
from kefu.core.choices import CustomerLevel, NetworkType, RequestType
from kefu.customers.choices import (
    Brand,
    CallDirection,
    CallType,
    CustomerType,
    Gender,
    IdType,
    PaymentChannel,
    PayMethod,
    ProductKind,
    SubscriberStatus,
    SubscriptionStatus,
    UserType,
)
from kefu.customers.eligibility import HeldProduct, Line, eligibility
from kefu.customers.models import Product, Subscriber
from kefu.customers.rules import mask_id_number, mask_phone_number
from kefu.identity import services as identity
from kefu.identity.choices import AuthMethod
from kefu.marketing.choices import (
    MarketingChannel,
    MarketingResult,
    OfferKind,
    OfferType,
    RetentionOutcome,
    RetentionReason,
)
from kefu.marketing.models import MarketingRecord, Offer, RetentionRecord
from kefu.ports.billing import get_billing
from kefu.telephony.selectors import answered_call_from
from kefu.workorders.choices import Satisfaction, WorkOrderKind, WorkOrderState
from kefu.workorders.models import WorkOrder, WorkOrderEvent

RECENT_CONTACTS = 5  # VIEW-2: at least the last five
SUMMARY_DAYS = 90  # VIEW-3: "last three months"
SUMMARY_CONTACTS = 200  # bound on the contacts the summary reads
BILL_MONTHS = 6
CALL_DETAILS = 10
PAYMENTS = 6
RETENTION_ROWS = 10
MARKETING_ROWS = 30
WORK_ORDERS = 20
# What a contact row shows (``_contact_row``): the staff and category rows are wide, the view needs
# three of their columns.
CONTACT_FIELDS = (
    "started_at",
    "channel",
    "status",
    "request_type",
    "summary",
    "duration_seconds",
    "staff__job_number",
    "category__request_type",
    "category__path_names",
    "category__version__business_name",
)


def mask_text(value: str, keep: int = 6) -> str:
    """Personal free text (addresses): the first characters, then a fixed mask."""
    if not value:
        return ""
    return value[:keep] + "****" if len(value) > keep else value[:1] + "****"


def mask_card(value: str) -> str:
    return ("*" * max(len(value) - 4, 0) + value[-4:]) if value else ""


# Sections of the view that only a grant (or the calling line itself) opens.
FEE_SECTIONS = ("billing", "points", "usage")
# What the desk offers to open them: at a hall or a VIP manager's desk the customer keys the password
# on the PIN pad or shows an ID; on the hotline the IVR collects it, or the call comes from the line.
HALL_METHODS = (
    AuthMethod.PASSWORD,
    AuthMethod.ID_SHOWN,
    AuthMethod.ID_NUMBER,
    AuthMethod.BROADBAND,
    AuthMethod.MEMBERSHIP_CARD,
)
HOTLINE_METHODS = (AuthMethod.IVR_PASSWORD, AuthMethod.CALLING_NUMBER, AuthMethod.OTP)


def subscriber_for_view(*, user, number: str) -> Subscriber | None:
    """The subscriber behind ``number`` if ``user`` may serve it (its data scope, or a walk-in of its
    province for hall and VIP staff: ``scope.restrict_serving``); one query."""
    found = scope.restrict_serving(
        Subscriber.objects.select_related("customer", "home_province", "home_city"), user
    ).filter(number=number)[:1]  # the number is unique: no ORDER BY as .first() would add
    return next(iter(found), None)


def opens_with(user) -> list[dict]:
    """The authentication methods that would open the fee sections for ``user``'s channel."""
    methods = HALL_METHODS if getattr(user, "role", "") in scope.WALK_IN_ROLES else HOTLINE_METHODS
    return [{"method": m, "label": str(AuthMethod.label(m))} for m in methods]


def fee_access(*, user, subscriber: Subscriber) -> dict:
    """Q-1: whether ``user`` may see this line's fees now, and by what. Open under the user's valid
    grant on the line, or when the user's answered call comes from the line itself (seed 002: the
    calling line's own fees need no password). One or two queries; nothing is written."""
    grant = identity.grant_valid(actor=user, subscriber=subscriber, full=False)
    if grant is not None:
        return {"locked": False, "opened_by": grant.method, "opens_with": []}
    if answered_call_from(user, subscriber.number) is not None:
        return {"locked": False, "opened_by": AuthMethod.CALLING_NUMBER, "opens_with": []}
    return {"locked": True, "opened_by": "", "opens_with": opens_with(user)}


def walk_in_stub(*, subscriber: Subscriber, access: dict) -> dict:
    """What a walk-in's view shows before authentication: the number and how to authenticate."""
    return {
        "number": subscriber.number,
        "walk_in": True,
        "fees": access,
        "sections": [],
    }


def _money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _labelled(choices, value: str) -> dict:
    return {"value": value, "label": str(choices.label(value)) if value else ""}


# --------------------------------------------------------------------------------------------------
# Pure rules: churn score and offer matching (tested on their own)


def churn_prediction(
    *,
    monthly_totals: list[Decimal],
    arrears: Decimal,
    complaints: int,
    retention_contacts: int,
    status: str,
    figures: bool = True,
) -> dict:
    """A transparent, rule-based churn score (0..100) with the reasons that produced it.

    ``monthly_totals`` are the bill totals of the last months, newest first. Rules:
    spend falling three months in a row and the latest at most 80 % of the oldest (+30); arrears (+25);
    complaints in the last three months (+15 each, at most +30); retention contacts in the last three
    months (+20); a suspended line (+10). Risk: high from 60, medium from 30, else low. Without
    ``figures`` (the fees are locked, Q-1) the reasons name no amounts.
    """
    score = 0
    reasons: list[str] = []
    last3 = monthly_totals[:3]
    if len(last3) == 3:
        newest, middle, oldest = last3
        if newest < middle < oldest and newest <= oldest * Decimal("0.8"):
            score += 30
            reasons.append(
                _("近3个月消费持续下降（%(old)s → %(new)s 元）")
                % {"old": _money(oldest), "new": _money(newest)}
                if figures
                else _("近3个月消费持续下降")
            )
    if arrears and arrears > 0:
        score += 25
        reasons.append(_("当前欠费 %(a)s 元") % {"a": _money(arrears)} if figures else _("当前欠费"))
    if complaints:
        score += min(15 * complaints, 30)
        reasons.append(_("近3个月投诉 %(n)s 次") % {"n": complaints})
    if retention_contacts:
        score += 20
        reasons.append(_("近3个月有 %(n)s 次挽留接触") % {"n": retention_contacts})
    if status == SubscriberStatus.SUSPENDED:
        score += 10
        reasons.append(_("号码处于停机状态"))
    score = min(score, 100)
    if score >= 60:
        level, label = "high", _("高")
    elif score >= 30:
        level, label = "medium", _("中")
    else:
        level, label = "low", _("低")
    if not reasons:
        reasons.append(_("未发现流失迹象"))
    return {"score": score, "level": level, "level_label": label, "reasons": reasons}


def _offer_line(subscriber, subscriptions, balance, offers) -> Line | None:
    """The line as the eligibility rule sees it, for the offers that sell a product (None when none
    does). Billing's subscriptions say what the line holds; the exclusive groups of those products are
    read (one query) only when an offered product has a group, the one rule that needs them."""
    products = [o.product for o in offers if o.product_id]
    if not products:
        return None
    active = [s for s in subscriptions if s.status == SubscriptionStatus.ACTIVE]
    pay_method = balance.pay_method if balance else ""
    if any(p.exclusive_group for p in products) and active:
        held = Product.objects.filter(code__in=[s.product_code for s in active]).only(
            "code", "name", "kind", "exclusive_group"
        )
        return Line.of(subscriber, pay_method=pay_method, held=held)
    held = [HeldProduct(code=s.product_code, name=s.product_name, kind=s.product_kind) for s in active]
    return Line(
        network_type=subscriber.network_type, brand=subscriber.brand, pay_method=pay_method, held=tuple(held)
    )


def matching_offers(
    offers, *, level: str, brand: str, monthly_spend: Decimal, line: Line | None = None
) -> dict[str, list[dict]]:
    """The active offers this subscriber qualifies for, split into sale and retention offers. An offer
    of a product is shown only when the product fits ``line`` (BA-1: the rule business acceptance
    applies, so the view never suggests what acceptance would refuse; a plan as a change of the
    current one)."""
    matched: dict[str, list[dict]] = {OfferKind.SALE: [], OfferKind.RETENTION: []}
    for offer in offers:
        product = offer.product if offer.product_id else None
        if product is not None and line is not None:
            plan = line.plan if product.kind == ProductKind.PLAN else None
            if not eligibility(product, line, replaces=plan.code if plan else None).eligible:
                continue
        if offer.matches(level=level, brand=brand, monthly_spend=monthly_spend):
            matched.setdefault(offer.kind, []).append(
                {"code": offer.code, "name": offer.name, "description": offer.description}
            )
    return matched


# --------------------------------------------------------------------------------------------------
# Work orders (VIEW-4, Q-3)


def work_orders_of(subscriber_id: int, *, limit: int = WORK_ORDERS) -> list[dict]:
    """The subscriber's latest work orders, newest first, in one query.

    Each: number, kind, state, business, accepted at, deadline, accepting agent, replying agent,
    replied at, satisfaction, open or not.
    """
    replies = WorkOrderEvent.objects.filter(order=OuterRef("pk"), action="reply").order_by("-at", "-id")
    rows = (
        WorkOrder.objects.filter(subscriber_id=subscriber_id)
        .order_by("-id")
        # only what the section shows, as plain values: building forty-column model rows costs more
        # than running the query
        .values(
            "number",
            "kind",
            "state",
            "title",
            "accepted_at",
            "order_due_at",
            "satisfaction",
            "business__name",
            "created_by__job_number",
        )
        .annotate(
            replied_at=Subquery(replies.values("at")[:1]),
            replied_by=Subquery(replies.values("actor_job_number")[:1]),
        )[:limit]
    )
    terminal = set(WorkOrderState.TERMINAL)
    return [
        {
            "number": order["number"],
            "kind": _labelled(WorkOrderKind, order["kind"]),
            "state": _labelled(WorkOrderState, order["state"]),
            "business": order["business__name"] or "",
            "title": order["title"],
            "accepted_at": _iso(order["accepted_at"]),
            "deadline": _iso(order["order_due_at"]),
            "accepted_by": order["created_by__job_number"] or "",
            "replied_by": order["replied_by"] or "",
            "replied_at": _iso(order["replied_at"]),
            "satisfaction": str(Satisfaction.label(order["satisfaction"])) if order["satisfaction"] else "",
            "open": order["state"] not in terminal,
        }
        for order in rows
    ]


# --------------------------------------------------------------------------------------------------
# The view


def _month_label(day: date) -> str:
    return f"{day:%Y-%m}"


def _contact_row(contact: ContactRecord) -> dict:
    category = contact.category.full_path if contact.category_id else ""
    return {
        "id": contact.pk,
        "started_at": _iso(contact.started_at),
        "channel": _labelled(Channel, contact.channel),
        "status": _labelled(ContactStatus, contact.status),
        "request_type": _labelled(RequestType, contact.request_type),
        "category": category,
        "summary": contact.summary,
        "staff": contact.staff.job_number if contact.staff_id else "",
        "duration_seconds": contact.duration_seconds,
    }


def customer_view_open(*, user, number: str, fragment: str = "") -> dict | None:
    """The desk page's and the API's entry: :func:`customer_view`, then one audit row for this view
    (SYS-2: action ``view``, the viewer, the number, the sections shown, when, from where), committed
    before the caller renders; ``core.audit.record_view`` refuses the view (503) if it cannot be
    written. ``fragment`` names the one section a partial refresh shows. None: unknown or out of scope
    (nothing is audited: nothing was shown)."""
    subscriber = subscriber_for_view(user=user, number=number)
    if subscriber is None:
        return None
    view = view_of(user=user, subscriber=subscriber)
    sections = [fragment] if fragment else view["sections"]
    details = {"walk_in": True} if view["walk_in"] else None
    audit.record_view(
        actor=user,
        obj=subscriber,
        object_type="customers.subscriber",
        object_id=subscriber.number,
        sections=sections,
        details=details,
    )
    return view


def customer_view(*, user, number: str) -> dict | None:
    """Every section of the unified customer view for ``number``, or None when the number is unknown
    or outside ``user``'s data scope (callers answer 404: the number's existence is not disclosed).
    Reads only: a caller that shows it to someone uses :func:`customer_view_open`, which audits."""
    subscriber = subscriber_for_view(user=user, number=number)
    if subscriber is None:
        return None
    return view_of(user=user, subscriber=subscriber)


def view_of(*, user, subscriber: Subscriber) -> dict:
    """The view of a subscriber already found in ``user``'s serving scope."""
    number = subscriber.number
    access = fee_access(user=user, subscriber=subscriber)
    walk_in = not scope.admits(subscriber, user)
    if walk_in and access["opened_by"] in ("", AuthMethod.CALLING_NUMBER):
        # SVC-1: another city's customer at this hall is served only after authenticating here
        return walk_in_stub(subscriber=subscriber, access=access)
    fees_open = not access["locked"]
    may_reveal = bool(getattr(user, "may_reveal_personal_data", False))
    customer = subscriber.customer
    now = timezone.now()
    since = now - timedelta(days=SUMMARY_DAYS)

    line = get_billing().line_overview(number, months=BILL_MONTHS, calls=CALL_DETAILS, payments=PAYMENTS)
    subscriptions = list(line.subscriptions) if line else []
    bills = list(line.bills) if line else []
    calls = list(line.calls) if line else []
    payments = list(line.payments) if line else []
    balance = line.balance if line else None
    points = line.points if line else None

    # One query for the recent contacts and the three-month window: both are the newest contacts, so
    # the window is the prefix of the newest SUMMARY_CONTACTS that started after ``since``, and the
    # recent ones their first RECENT_CONTACTS (window or not).
    contacts = list(
        ContactRecord.objects.filter(subscriber_id=subscriber.pk)
        .select_related("staff", "category__version")
        .only(*CONTACT_FIELDS)
        .order_by("-started_at", "-id")[:SUMMARY_CONTACTS]
    )
    recent = contacts[:RECENT_CONTACTS]
    window = [c for c in contacts if c.started_at >= since]
    retention = list(
        RetentionRecord.objects.filter(subscriber_id=subscriber.pk).only(
            "at", "reason", "offer_type", "outcome"
        )[:RETENTION_ROWS]
    )
    year_start = timezone.localtime(now).replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    marketing = list(
        MarketingRecord.objects.filter(subscriber_id=subscriber.pk, at__gte=year_start)
        .order_by("-at", "-id")
        .values("at", "channel", "result", "product__name")[:MARKETING_ROWS]
    )
    offers = list(Offer.objects.filter(active=True).select_related("product"))
    orders = work_orders_of(subscriber.pk)

    # ---- derived figures
    totals = [b.total_fee for b in bills]
    last3 = totals[:3]
    avg3 = (sum(last3, Decimal(0)) / len(last3)) if last3 else Decimal(0)
    arrears = balance.arrears if balance else Decimal(0)
    complaint_contacts = [c for c in window if c.request_type == RequestType.COMPLAINT]
    complaint_orders = [
        o for o in orders if o["kind"]["value"] == "complaint" and (o["accepted_at"] or "") >= _iso(since)
    ]
    retention_recent = [r for r in retention if r.at >= since]
    churn = churn_prediction(
        monthly_totals=totals,
        arrears=arrears,
        complaints=len(complaint_contacts) + len(complaint_orders),
        retention_contacts=len(retention_recent),
        status=subscriber.status,
        figures=fees_open,
    )
    asked: dict[str, int] = {}
    for contact in window:
        if contact.request_type or contact.category_id:
            key = (
                contact.category.full_path
                if contact.category_id
                else str(RequestType.label(contact.request_type))
            )
            asked[key] = asked.get(key, 0) + 1
    active_subs = [s for s in subscriptions if s.status != SubscriptionStatus.ENDED]
    vas_recent = [
        s
        for s in subscriptions
        if s.product_kind in (ProductKind.VAS, ProductKind.MONTERNET) and s.start_date >= since.date()
    ]

    def sub_row(s) -> dict:
        return {
            "product_code": s.product_code,
            "product_name": s.product_name,
            "kind": _labelled(ProductKind, s.product_kind),
            "monthly_fee": _money(s.monthly_fee),
            "start_date": _iso(s.start_date),
            "end_date": _iso(s.end_date),
            "status": _labelled(SubscriptionStatus, s.status),
        }

    chronological = list(reversed(bills))
    last_order = orders[0] if orders else None
    open_orders = [o for o in orders if o["open"]]
    open_contacts = [c for c in window if c.status == ContactStatus.OPEN]

    locked = {"locked": True, "opens_with": access["opens_with"]}
    billing = (
        {
            "locked": False,
            "balance": _money(balance.balance if balance else 0),
            "arrears": _money(arrears),
            "bills": [
                {
                    "month": _month_label(b.month),
                    "voice_fee": _money(b.voice_fee),
                    "sms_fee": _money(b.sms_fee),
                    "data_fee": _money(b.data_fee),
                    "vas_fee": _money(b.vas_fee),
                    "other_fee": _money(b.other_fee),
                    "total_fee": _money(b.total_fee),
                    "amount_due": _money(b.amount_due),
                    "amount_paid": _money(b.amount_paid),
                    "due_date": _iso(b.due_date),
                }
                for b in bills
            ],
            "calls": [
                {
                    "start_at": _iso(c.start_at),
                    # another person's number: shown only to a role that may reveal (the view's
                    # audit row then lists "call_parties")
                    "other_party": c.other_party if may_reveal else mask_phone_number(c.other_party),
                    "direction": _labelled(CallDirection, c.direction),
                    "duration_seconds": c.duration_seconds,
                    "call_type": _labelled(CallType, c.call_type),
                    "fee": _money(c.fee),
                }
                for c in calls
            ],
            "payments": [
                {
                    "paid_at": _iso(p.paid_at),
                    "amount": _money(p.amount),
                    "channel": _labelled(PaymentChannel, p.channel),
                }
                for p in payments
            ],
        }
        if fees_open
        else locked
    )
    shown = ["header", "opening", "user", "basic", "membership", "service", "products", "analysis"]
    shown += ["complaints", "recent_contacts", "summary", "work_orders"]
    if fees_open:
        shown += list(FEE_SECTIONS)
        if may_reveal and calls:
            shown.append("call_parties")
    return {
        "number": subscriber.number,
        "walk_in": walk_in,
        "may_reveal": may_reveal,
        "fees": access,
        "sections": shown,
        "header": {
            "home_province": subscriber.home_province.name,
            "home_city": subscriber.home_city.name,
            "name": customer.name,
            "level": _labelled(CustomerLevel, subscriber.level),
            "brand": _labelled(Brand, subscriber.brand),
            "customer_type": _labelled(CustomerType, customer.customer_type),
            "masked_id_number": mask_id_number(customer.id_number),
            "status": _labelled(SubscriberStatus, subscriber.status),
        },
        "opening": {
            "opened_at": _iso(subscriber.opened_at),
            "customer_since": _iso(customer.created_at),
            "id_type": _labelled(IdType, customer.id_type),
            "masked_id_number": mask_id_number(customer.id_number),
            "masked_address": mask_text(customer.address),
            "pay_method": _labelled(PayMethod, balance.pay_method if balance else ""),
        },
        "user": {
            "user_name": subscriber.user_name or customer.name,
            "gender": _labelled(Gender, customer.gender),
            "interests": subscriber.interests,
            "masked_mailing_address": mask_text(subscriber.mailing_address),
            "masked_email": mask_text(customer.email, keep=2),
        },
        "basic": {
            "brand": _labelled(Brand, subscriber.brand),
            "network_type": _labelled(NetworkType, subscriber.network_type),
            "user_type": _labelled(UserType, subscriber.user_type),
            "level": _labelled(CustomerLevel, subscriber.level),
            "status": _labelled(SubscriberStatus, subscriber.status),
        },
        "membership": {
            "level": _labelled(CustomerLevel, subscriber.level),
            "masked_card": mask_card(subscriber.membership_card),
            "points": (
                {
                    "locked": False,
                    "total": points.current_total if points else 0,
                    "redeemable": points.redeemable if points else 0,
                }
                if fees_open
                else locked
            ),
        },
        "service": {
            "status": _labelled(SubscriberStatus, subscriber.status),
            "network_type": _labelled(NetworkType, subscriber.network_type),
            "broadband_account": subscriber.broadband_account,
            "password_initial": subscriber.password_initial,
            "password_changed_at": _iso(subscriber.password_changed_at),
            "products_in_use": len(active_subs),
        },
        "products": [sub_row(s) for s in subscriptions],
        "billing": billing,
        "analysis": {
            "usage_trend": [
                {
                    "month": _month_label(b.month),
                    "voice_fee": _money(b.voice_fee),
                    "sms_fee": _money(b.sms_fee),
                    "data_fee": _money(b.data_fee),
                }
                for b in (chronological[-3:] if fees_open else [])
            ],
            "retention": [
                {
                    "at": _iso(r.at),
                    "reason": _labelled(RetentionReason, r.reason),
                    "offer_type": _labelled(OfferType, r.offer_type),
                    "outcome": _labelled(RetentionOutcome, r.outcome),
                }
                for r in retention
            ],
            "churn": churn,
        },
        "complaints": {
            "contacts": [_contact_row(c) for c in complaint_contacts],
            "work_orders": [o for o in orders if o["kind"]["value"] == "complaint"],
        },
        "recent_contacts": [_contact_row(c) for c in recent],
        "summary": {
            "businesses_asked": [
                {"name": name, "times": n}
                for name, n in sorted(asked.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "pending": {
                "work_orders": open_orders,
                "open_contacts": [_contact_row(c) for c in open_contacts],
                "retention": [
                    {"at": _iso(r.at), "reason": _labelled(RetentionReason, r.reason)}
                    for r in retention
                    if r.outcome == RetentionOutcome.PENDING
                ],
            },
            "call_trajectory": [
                {
                    "started_at": _iso(c.started_at),
                    "channel": _labelled(Channel, c.channel),
                    "request_type": _labelled(RequestType, c.request_type),
                }
                for c in window
            ],
            "spending_curve": [
                {"month": _month_label(b.month), "total_fee": _money(b.total_fee)}
                for b in (chronological if fees_open else [])
            ],
            "services_in_use": [sub_row(s) for s in active_subs],
            "vas_last_3_months": [sub_row(s) for s in vas_recent],
            "complaints_last_3_months": len(complaint_contacts) + len(complaint_orders),
            "marketing": {
                "times_this_year": len(marketing),
                "products": sorted({m["product__name"] for m in marketing}),
                "records": [
                    {
                        "at": _iso(m["at"]),
                        "product": m["product__name"],
                        "channel": _labelled(MarketingChannel, m["channel"]),
                        "result": _labelled(MarketingResult, m["result"]),
                    }
                    for m in marketing
                ],
            },
            "six_month_spend": [
                {
                    "month": _month_label(b.month),
                    "calls": _money(b.voice_fee),
                    "sms": _money(b.sms_fee),
                    "vas": _money(b.vas_fee),
                    "total": _money(b.total_fee),
                }
                for b in (chronological if fees_open else [])
            ],
            "average_monthly_spend": _money(avg3) if fees_open else None,
            "offers": matching_offers(
                offers,
                level=subscriber.level,
                brand=subscriber.brand,
                monthly_spend=avg3,
                line=_offer_line(subscriber, subscriptions, balance, offers),
            ),
        },
        "last_work_order": last_order,
        "work_orders": orders,
    }
