"""kefu Customer -> TMF629 ``Customer``.

One TMF Customer per kefu :class:`~kefu.customers.models.Customer` (客户, who owns: the person or
enterprise of the three-party model), not per line: a customer with several lines is one Customer
whose lines appear as contact media and ``subscriber`` characteristics, and whose accounts (账户, who
pays) are its ``account`` references.

=====================  ======================================================================
Customer               kefu
=====================  ======================================================================
id, href               Customer primary key; ``/tmf-api/customerManagement/v4/customer/{id}``
name                   Customer.name
status                 ``active`` while any line is active, else ``inactive``
engagedParty           the party: ``Individual`` (personal customer) or ``Organization``
                       (enterprise), id = the customer id
contactMedium          each line's number (``phone``), the e-mail address MASKED, the postal
                       location as province and city only (no street)
account                the billing accounts (AccountRef, ``@referredType: BillingAccount``)
characteristic         customerType, level, idType, idNumber (always masked: the full ID number
                       is never served here), homeProvince, homeCity, and one ``subscriber``
                       object per line: number, brand, networkType, level, userType, status,
                       homeProvince, homeCity
validFor               startDateTime = when the customer was registered
=====================  ======================================================================
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch

from kefu.customers.choices import CustomerType, SubscriberStatus
from kefu.customers.models import Account, Customer, Subscriber
from kefu.tmf.common import iso

ACTIVE, INACTIVE = "active", "inactive"
MANDATORY = ("engagedParty",)  # required by the Customer schema: kept whatever ``fields`` asks


def href(pk) -> str:
    return f"/tmf-api/customerManagement/v4/customer/{pk}"


def mask_email(value: str) -> str:
    """'zhang.san@example.com' -> 'z***@example.com'."""
    if not value:
        return ""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def with_related(queryset):
    """Everything :func:`render` touches, in a fixed number of queries; ``is_active`` annotated."""
    active = Subscriber.objects.filter(customer=OuterRef("pk"), status=SubscriberStatus.ACTIVE)
    return (
        queryset.select_related("province", "city")
        .annotate(is_active=Exists(active))
        .prefetch_related(
            Prefetch(
                "subscribers",
                queryset=Subscriber.objects.select_related("home_province", "home_city").order_by("id"),
            ),
            Prefetch("accounts", queryset=Account.objects.order_by("id")),
        )
    )


def _characteristic(name: str, value, value_type: str = "string") -> dict:
    return {"name": name, "valueType": value_type, "value": value}


def _line(subscriber: Subscriber) -> dict:
    return _characteristic(
        "subscriber",
        {
            "number": subscriber.number,
            "brand": subscriber.brand,
            "networkType": subscriber.network_type,
            "level": subscriber.level,
            "userType": subscriber.user_type,
            "status": subscriber.status,
            "homeProvince": subscriber.home_province.code,
            "homeCity": subscriber.home_city.code,
        },
        "object",
    )


def render(customer: Customer) -> dict:
    """One customer as a TMF629 Customer (objects loaded through :func:`with_related`)."""
    lines = list(customer.subscribers.all())
    media = [
        {
            "mediumType": "phone",
            "preferred": index == 0,
            "characteristic": {"phoneNumber": line.number, "contactType": line.network_type},
        }
        for index, line in enumerate(lines)
    ]
    if customer.email:
        media.append({"mediumType": "email", "characteristic": {"emailAddress": mask_email(customer.email)}})
    media.append(
        {
            "mediumType": "postalAddress",
            "characteristic": {
                "country": "CN",
                "stateOrProvince": customer.province.name,
                "city": customer.city.name,
            },
        }
    )
    organization = customer.customer_type == CustomerType.ENTERPRISE
    return {
        "id": str(customer.pk),
        "href": href(customer.pk),
        "name": customer.name,
        "status": ACTIVE if customer.is_active else INACTIVE,
        "engagedParty": {
            "id": str(customer.pk),
            "name": customer.name,
            "@referredType": "Organization" if organization else "Individual",
        },
        "contactMedium": media,
        "account": [
            {
                "id": str(account.pk),
                "name": str(account.pk),
                "description": account.get_pay_method_display(),
                "@referredType": "BillingAccount",
            }
            for account in customer.accounts.all()
        ],
        "characteristic": [
            _characteristic("customerType", customer.customer_type),
            _characteristic("level", customer.level),
            _characteristic("idType", customer.id_type),
            _characteristic("idNumber", customer.masked_id_number),
            _characteristic("homeProvince", customer.province.code),
            _characteristic("homeCity", customer.city.code),
            *[_line(line) for line in lines],
        ],
        "validFor": {"startDateTime": iso(customer.created_at)},
        "@type": "Customer",
    }
