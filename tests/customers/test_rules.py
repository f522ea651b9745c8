"""Pure rules: user-type derivation, ID check digits, masking."""

from __future__ import annotations

import pytest

from kefu.core.choices import CustomerLevel, NetworkType
from kefu.customers.choices import CustomerType, UserType
from kefu.customers.rules import derive_user_type, id_check_digit, is_valid_resident_id, mask_id_number

IND = CustomerType.INDIVIDUAL


@pytest.mark.parametrize(
    ("network", "level", "expected"),
    [
        (NetworkType.G3, CustomerLevel.SILVER, UserType.G3_VIP_SILVER),
        (NetworkType.G4, CustomerLevel.GOLD, UserType.G3_VIP_GOLD),
        (NetworkType.G5, CustomerLevel.DIAMOND, UserType.G3_VIP_DIAMOND),
        (NetworkType.G3, CustomerLevel.SUPREME, UserType.G3_VIP_SUPREME),
        (NetworkType.G2, CustomerLevel.SILVER, UserType.G2_VIP_SILVER),
        (NetworkType.G2, CustomerLevel.GOLD, UserType.G2_VIP_GOLD),
        (NetworkType.G2, CustomerLevel.DIAMOND, UserType.G2_VIP_DIAMOND),
        (NetworkType.G2, CustomerLevel.SUPREME, UserType.G2_VIP_SUPREME),
        (NetworkType.FIXED, CustomerLevel.SILVER, UserType.FIXED_VIP_SILVER),
        (NetworkType.BROADBAND, CustomerLevel.GOLD, UserType.FIXED_VIP_GOLD),
        (NetworkType.FIXED, CustomerLevel.DIAMOND, UserType.FIXED_VIP_DIAMOND),
        (NetworkType.FIXED, CustomerLevel.SUPREME, UserType.FIXED_VIP_SUPREME),
        (NetworkType.G4, CustomerLevel.ORDINARY, UserType.G3_ORDINARY),
        (NetworkType.G2, CustomerLevel.ORDINARY, UserType.G2_ORDINARY),
        (NetworkType.BROADBAND, CustomerLevel.ORDINARY, UserType.FIXED_ORDINARY),
    ],
    ids=lambda value: str(value),
)
def test_individual_user_type_follows_network_and_level(network, level, expected):
    """AUTH-9: 3G/2G/fixed VIP by card level, else 3G/2G/fixed ordinary."""
    assert derive_user_type(customer_type=IND, network_type=network, level=level) == expected


@pytest.mark.parametrize("level", CustomerLevel.values())
def test_enterprise_customers_are_group_users_whatever_their_level(level):
    """AUTH-9: a group (enterprise) customer's lines are of the group user type."""
    derived = derive_user_type(
        customer_type=CustomerType.ENTERPRISE, network_type=NetworkType.G2, level=level
    )
    assert derived == UserType.ENTERPRISE


def test_every_derived_user_type_is_a_declared_choice():
    """AUTH-9: the sixteen user types are exactly what the derivation can produce."""
    produced = {
        derive_user_type(customer_type=ct, network_type=nt, level=lv)
        for ct in CustomerType.values()
        for nt in NetworkType.values()
        for lv in CustomerLevel.values()
    }
    assert produced == set(UserType.values())


def test_unknown_inputs_are_refused():
    """AUTH-9: an unknown network type or level is an error, not a silent default."""
    with pytest.raises(ValueError):
        derive_user_type(customer_type=IND, network_type="6g", level=CustomerLevel.GOLD)
    with pytest.raises(ValueError):
        derive_user_type(customer_type=IND, network_type=NetworkType.G4, level="platinum")


def test_check_digit_of_the_standard_example():
    """VIEW-1: ID numbers carry a GB 11643 check digit (the standard's own example ends in X)."""
    assert id_check_digit("11010519491231002") == "X"
    assert is_valid_resident_id("11010519491231002X")
    assert not is_valid_resident_id("110105194912310021")
    assert not is_valid_resident_id("1101051949123100")


def test_masking_keeps_four_and_four():
    """VIEW-1: the ID number shows masked, e.g. 3201**********1234."""
    assert mask_id_number("320102198001011234") == "3201**********1234"
    assert mask_id_number("") == ""
    assert mask_id_number("E1234567") == "E*******"
