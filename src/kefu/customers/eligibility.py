"""Which products fit a line (BA-1): the one rule behind every offer list (the desk's acceptance
form, the offers of the unified view) and behind the acceptance itself, so a list never offers what
the server then refuses, and the server refuses whatever a stale or hand-made request asks for.

Pure: no database access. The caller hands in the product (anything with the catalog attributes of
:class:`kefu.customers.models.Product`: ``code``, ``name``, ``kind``, ``line_types``, ``brands``,
``network_types``, ``pay_methods``, ``requires``, ``exclusive_group``) and a :class:`Line` built from
the subscriber, its account and the products it holds.

Rules, in the order a customer would hear them: the kind of line (mobile, fixed, broadband), the
brand, the network (2G..5G, fixed, broadband), the way of paying; then against what the line holds:
not the product it already has (for a plan: not the current plan), nothing in the same exclusive
group (the product being replaced excepted), and every prerequisite held (the replaced one no longer
counts). An empty attribute list means "any".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from kefu.core.choices import NetworkType
from kefu.customers.choices import Brand, LineType, PayMethod, ProductKind


class Ineligible(StrEnum):
    """Why a product does not fit a line (the ``reason`` member of the problem answer)."""

    LINE_TYPE = "line_type"
    BRAND = "brand"
    NETWORK = "network"
    PAY_METHOD = "pay_method"
    HELD = "already_held"
    EXCLUSIVE = "mutually_exclusive"
    PREREQUISITE = "prerequisite_missing"


# Refusals that conflict with what the line holds (HTTP 409); the others say the product does not fit
# the line at all (HTTP 422).
CONFLICTS = (Ineligible.HELD, Ineligible.EXCLUSIVE)


@dataclass(frozen=True)
class HeldProduct:
    code: str
    name: str
    kind: str
    exclusive_group: str = ""


@dataclass(frozen=True)
class Line:
    """What the rule needs to know of one line."""

    network_type: str
    brand: str
    pay_method: str
    held: tuple[HeldProduct, ...] = ()

    @property
    def line_type(self) -> str:
        return LineType.of_network(self.network_type)

    @property
    def plan(self) -> HeldProduct | None:
        """The current main plan, if the line has one."""
        return next((p for p in self.held if p.kind == ProductKind.PLAN), None)

    @classmethod
    def of(cls, subscriber, *, pay_method: str, held: Iterable) -> Line:
        """From a subscriber row, its account's pay method and the product rows it holds."""
        return cls(
            network_type=subscriber.network_type,
            brand=subscriber.brand,
            pay_method=pay_method,
            held=tuple(
                HeldProduct(code=p.code, name=p.name, kind=p.kind, exclusive_group=p.exclusive_group or "")
                for p in held
            ),
        )


@dataclass(frozen=True)
class Verdict:
    """``eligible`` or not, and why not: a stable ``reason`` and a readable ``message``."""

    eligible: bool
    reason: str = ""
    message: str = ""
    detail: dict = field(default_factory=dict)

    @property
    def conflict(self) -> bool:
        return self.reason in CONFLICTS


ELIGIBLE = Verdict(eligible=True)


def _labels(choices, values) -> str:
    return "、".join(str(choices.label(v)) for v in values)


def eligibility(
    product, line: Line, *, replaces: str | None = None, names: Mapping[str, str] | None = None
) -> Verdict:
    """Whether ``product`` may be ordered on ``line`` — or, with ``replaces`` (a product code the line
    holds), take its place. ``names`` (code → name) words a missing prerequisite; its code otherwise."""

    def refuse(reason: Ineligible, message: str, **detail) -> Verdict:
        return Verdict(eligible=False, reason=reason, message=message, detail=detail)

    name = product.name
    if product.line_types and line.line_type not in product.line_types:
        return refuse(
            Ineligible.LINE_TYPE,
            _("%(p)s 仅适用于%(t)s线路，该号码是%(l)s线路")
            % {"p": name, "t": _labels(LineType, product.line_types), "l": LineType.label(line.line_type)},
            line_type=line.line_type,
        )
    if product.brands and line.brand not in product.brands:
        return refuse(
            Ineligible.BRAND,
            _("%(p)s 仅适用于%(b)s品牌，该号码是%(l)s，须先办理品牌转换")
            % {"p": name, "b": _labels(Brand, product.brands), "l": Brand.label(line.brand)},
            brand=line.brand,
        )
    if product.network_types and line.network_type not in product.network_types:
        return refuse(
            Ineligible.NETWORK,
            _("%(p)s 须在%(n)s网络使用，该号码是%(l)s网络")
            % {
                "p": name,
                "n": _labels(NetworkType, product.network_types),
                "l": NetworkType.label(line.network_type),
            },
            network_type=line.network_type,
        )
    if product.pay_methods and line.pay_method not in product.pay_methods:
        return refuse(
            Ineligible.PAY_METHOD,
            _("%(p)s 仅适用于%(m)s用户，该号码是%(l)s")
            % {
                "p": name,
                "m": _labels(PayMethod, product.pay_methods),
                "l": PayMethod.label(line.pay_method),
            },
            pay_method=line.pay_method,
        )
    remaining = [p for p in line.held if p.code != replaces]
    if any(p.code == product.code for p in line.held):
        current = product.kind == ProductKind.PLAN
        return refuse(
            Ineligible.HELD,
            (_("%(p)s 是该号码的当前套餐") if current else _("该号码已订购%(p)s")) % {"p": name},
        )
    group = product.exclusive_group
    other = next((p for p in remaining if group and p.exclusive_group == group), None)
    if other is not None:
        return refuse(
            Ineligible.EXCLUSIVE,
            _("%(p)s 与已订购的%(o)s 互斥，不能同时订购") % {"p": name, "o": other.name},
            excludes=other.code,
        )
    held = {p.code for p in remaining}
    missing = [code for code in product.requires or () if code not in held]
    if missing:
        words = "、".join((names or {}).get(code, code) for code in missing)
        return refuse(
            Ineligible.PREREQUISITE,
            _("须先订购%(r)s，才能订购%(p)s") % {"r": words, "p": name},
            requires=missing,
        )
    return ELIGIBLE
