"""BA-1, SYS-3: operations staff set which lines a product fits in the admin — checkboxes for line
types, brands, networks and ways of paying, prerequisites as product codes — and the rule reads them."""

from __future__ import annotations

import pytest

from kefu.customers.admin import ProductForm
from kefu.customers.eligibility import Line, eligibility
from kefu.customers.models import Product
from tests.factories import billing_catalog

pytestmark = pytest.mark.django_db


def _form(product, **changes):
    data = {
        "code": product.code, "name": product.name, "kind": product.kind, "monthly_fee": product.monthly_fee,
        "business_code": product.business_code, "exclusive_group": product.exclusive_group,
        "line_types": product.line_types, "brands": product.brands, "network_types": product.network_types,
        "pay_methods": product.pay_methods, "requires": ",".join(product.requires), **changes,
    }  # fmt: skip
    return ProductForm(data=data, instance=product)


def test_rules_set_in_the_admin_are_the_rules_applied():
    """SYS-3: the form saves lists the rule reads; a 4G-only pack is then refused on a 5G line."""
    billing_catalog()
    product = Product.objects.get(code="V-WLAN")
    form = _form(product, network_types=["4g"], requires="V-CRBT，V-MCALL")
    assert form.is_valid(), form.errors
    form.save()
    product.refresh_from_db()
    assert product.network_types == ["4g"] and product.requires == ["V-CRBT", "V-MCALL"]
    line = Line(network_type="5g", brand="gotone", pay_method="postpaid_cash")
    assert eligibility(product, line).reason == "network"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"requires": "V-CRBT,NOPE"}, "requires"), ({"requires": "V-WLAN"}, "requires"),
     ({"line_types": ["satellite"]}, "line_types")],
    ids=["unknown-prerequisite", "itself", "unknown-line-type"],
)  # fmt: skip
def test_bad_rules_are_refused(changes, field):
    """SYS-3: an unknown prerequisite, the product itself or an unknown choice is a form error."""
    billing_catalog()
    product = Product.objects.get(code="V-WLAN")
    form = _form(product, **changes)
    assert not form.is_valid() and field in form.errors
    product.refresh_from_db()
    assert product.requires == []
