"""Pure rules of the customer data: user-type derivation (AUTH-9), ID-number check digits (GB 11643)
and masking of personal data. No database access here, so every rule is testable on its own."""

from __future__ import annotations

from kefu.core.choices import CustomerLevel, NetworkType
from kefu.core.numbers import is_digits
from kefu.customers.choices import CustomerType, UserType

# Network types grouped the way AUTH-9 names them: 3G stands for every data-capable mobile network.
_NETWORK_FAMILY = {
    NetworkType.G2: "2g",
    NetworkType.G3: "3g",
    NetworkType.G4: "3g",
    NetworkType.G5: "3g",
    NetworkType.FIXED: "fixed",
    NetworkType.BROADBAND: "fixed",
}


def derive_user_type(*, customer_type: str, network_type: str, level: str) -> str:
    """The user type of a line (AUTH-9): enterprise customers first, then VIP by network and card
    level, else ordinary by network."""
    if customer_type == CustomerType.ENTERPRISE:
        return UserType.ENTERPRISE
    try:
        family = _NETWORK_FAMILY[network_type]
    except KeyError:
        raise ValueError(f"unknown network type {network_type!r}") from None
    if level in CustomerLevel.VIP:
        return f"{family}_vip_{level}"
    if level != CustomerLevel.ORDINARY:
        raise ValueError(f"unknown customer level {level!r}")
    return f"{family}_ordinary"


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The 18th character of a resident ID number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not is_digits(first17):
        raise ValueError("an ID number body is 17 digits")
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_valid_resident_id(value: str) -> bool:
    """Whether ``value`` is an 18-character resident ID number with a correct check digit."""
    if len(value) != 18 or not is_digits(value[:17]):
        return False
    return id_check_digit(value[:17]) == value[17].upper()


def mask_phone_number(value: str) -> str:
    """A phone number of someone else (a call's other party): the first three and last four digits."""
    if not value:
        return ""
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_number(value: str) -> str:
    """Keep the first four and last four characters (3201**********1234); short values keep less."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
