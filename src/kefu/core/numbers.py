"""Numbers typed by a client — ids in a path, ``offset``/``limit``, a version in a filter — parsed
in one place.

``str.isdigit()`` is true for '³' and '٣', and ``int()`` takes Arabic-Indic or full-width digits,
so both let through text that is no number a client of kefu means; a number past what the database
stores (64-bit) fails in the database driver, as a server error. Here a number is ASCII digits, within
the range the caller names; anything else is bad input (400 ``invalid_number``) or "no such id".
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kefu.core.errors import DomainError, ErrorCode

# The largest row id (a 64-bit primary key) and the largest 32-bit integer column value.
ID_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1


def is_digits(value) -> bool:
    """True for a non-empty string of ASCII digits only (not '³', '٣', '１' or '-1')."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def as_id(value, *, maximum: int = ID_MAX) -> int | None:
    """The row id ``value`` names, or None when it names none (not ASCII digits, zero, too large):
    a lookup by such a value finds nothing."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not is_digits(text):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def lookup_id(value, *, name: str = "id") -> int | None:
    """The row id in a path or a reference: ASCII digits within 64 bits are the id; digits that are
    not ASCII ('³', '١٢', '１２') or a number past 64 bits are bad input (400 ``invalid_number``);
    any other text names no row (None, which the caller answers with 404)."""
    text = str(value)
    if is_digits(text):
        number = int(text) if len(text) <= 19 else ID_MAX + 1
        if number <= ID_MAX:
            return number if number >= 1 else None
    elif not text.isdigit() and not text.isnumeric():
        return None
    raise DomainError(
        _("%(name)s 必须是 1 到 %(high)s 之间的整数：%(value)s")
        % {"name": name, "high": ID_MAX, "value": text[:40]},
        code=ErrorCode.INVALID_NUMBER,
        status=400,
    )


def parse_int(value, *, name: str, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """``value`` (a query parameter, a form field) as an integer in [minimum, maximum]; otherwise
    400 ``invalid_number`` naming the parameter and the range."""
    text = str(value).strip() if value is not None else ""
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    if is_digits(digits) and len(digits) <= 20:
        number = -int(digits) if negative else int(digits)
        if minimum <= number <= maximum:
            return number
    raise DomainError(
        _("%(name)s 必须是 %(low)s 到 %(high)s 之间的整数：%(value)s")
        % {"name": name, "low": minimum, "high": maximum, "value": text[:40]},
        code=ErrorCode.INVALID_NUMBER,
        status=400,
    )
