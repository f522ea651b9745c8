"""Fixtures of the customers tests: a subscriber factory with a known service password."""

from __future__ import annotations

import pytest

from kefu.core.choices import CustomerLevel, NetworkType
from kefu.customers.choices import Brand, CustomerType
from kefu.customers.models import Subscriber
from tests.factories import SERVICE_PASSWORD, CustomerFactory, SubscriberFactory

__all__ = ["SERVICE_PASSWORD"]


@pytest.fixture
def make_subscriber(db):
    """make_subscriber(city="3201", **fields) -> Subscriber with service password SERVICE_PASSWORD,
    still the initial one (AUTH-6), whose customer is 王建国 with ID number 32010219800101123X."""

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
        customer = CustomerFactory(
            home=city,
            name=fields.pop("customer_name", "王建国"),
            customer_type=customer_type,
            id_number=id_number,
            level=level,
        )
        if number is not None:
            fields["number"] = number
        fields.setdefault("password_initial", True)
        return SubscriberFactory(
            home=city, customer=customer, level=level, brand=brand, network_type=network_type, **fields
        )

    return make
