"""Fixtures of the customers tests: a subscriber factory with a known service password."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.hashers import make_password

from kefu.core.choices import CustomerLevel, NetworkType
from kefu.core.models import City
from kefu.customers.choices import Brand, CustomerType, IdType, PayMethod
from kefu.customers.models import Account, Customer, Subscriber

SERVICE_PASSWORD = "802413"
_serial = itertools.count(1)


@pytest.fixture(scope="session")
def password_hash():
    return make_password(SERVICE_PASSWORD)


@pytest.fixture
def make_subscriber(db, password_hash):
    """make_subscriber(city="3201", **fields) -> Subscriber with service password SERVICE_PASSWORD."""

    def make(
        city: str = "3201",
        *,
        number: str | None = None,
        level: str = CustomerLevel.ORDINARY,
        brand: str = Brand.GOTONE,
        network_type: str = NetworkType.G4,
        customer_type: str = CustomerType.INDIVIDUAL,
        id_number: str = "32010219800101123X",
        **fields,
    ) -> Subscriber:
        home = City.objects.select_related("province").get(code=city)
        customer = Customer.objects.create(
            name=fields.pop("customer_name", "王建国"),
            customer_type=customer_type,
            id_type=IdType.RESIDENT_ID,
            id_number=id_number,
            level=level,
            province=home.province,
            city=home,
        )
        account = Account.objects.create(customer=customer, pay_method=PayMethod.POSTPAID_CASH)
        subscriber = Subscriber(
            number=number or f"139{next(_serial):08d}",
            customer=customer,
            account=account,
            user_name=customer.name,
            brand=brand,
            network_type=network_type,
            level=level,
            home_province=home.province,
            home_city=home,
            **fields,
        )
        subscriber.service_password = password_hash
        subscriber.save()
        return subscriber

    return make
