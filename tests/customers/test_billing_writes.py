"""The billing port's writes and the local adapter (WO-9, BA-1): each refuses what billing cannot do
with a stable code and changes nothing; an adjustment is applied once per reference; every write is
audited with its reference and never with personal data in clear."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kefu.core.errors import DomainError
from kefu.core.models import AuditEvent
from kefu.customers.models import Account, BillingAdjustment, Subscriber
from kefu.ports.billing import ContactDetails, NewOwner, get_billing

pytestmark = pytest.mark.django_db


def test_line_state_suspend_resume_and_conflicts(make_subscriber, js_agent):
    """WO-9, BA-1: suspend an active line, resume a suspended one; the reverse is line_state_conflict
    and a state other than active/suspended invalid_line_state; refusals change nothing."""
    line = make_subscriber()
    billing = get_billing()
    with pytest.raises(DomainError) as bad:
        billing.set_line_state(line.number, state="closed", reason="x", reference="R0", actor=js_agent)
    assert bad.value.code == "invalid_line_state"
    with pytest.raises(DomainError) as conflict:
        billing.set_line_state(line.number, state="active", reason="x", reference="R1", actor=js_agent)
    assert conflict.value.code == "line_state_conflict"
    assert AuditEvent.objects.filter(action="customers.subscriber.set_line_state").count() == 0
    change = billing.set_line_state(
        line.number, state="suspended", reason="出国", reference="R2", actor=js_agent
    )
    assert (change.state_before, change.state_after) == ("active", "suspended")
    assert Subscriber.objects.get(pk=line.pk).status == "suspended"
    billing.set_line_state(line.number, state="active", reason="回国", reference="R3", actor=js_agent)
    assert Subscriber.objects.get(pk=line.pk).status == "active"
    refs = list(
        AuditEvent.objects.filter(action="customers.subscriber.set_line_state")
        .order_by("id")
        .values_list("changes__reference", flat=True)
    )
    assert refs == ["R2", "R3"]


def test_adjustment_is_applied_once_per_reference(make_subscriber, js_agent):
    """WO-9: the same reference applies an adjustment once (a retried approval does not pay twice);
    a zero amount is invalid_adjustment_amount."""
    line = make_subscriber()
    billing = get_billing()
    before = Account.objects.get(pk=line.account_id).balance
    first = billing.apply_adjustment(
        line.number, amount=Decimal("20.00"), reason="误扣", reference="JS1", actor=js_agent
    )
    again = billing.apply_adjustment(
        line.number, amount=Decimal("20.00"), reason="误扣", reference="JS1", actor=js_agent
    )
    assert first == again and first.balance_after == before + Decimal("20.00")
    assert Account.objects.get(pk=line.account_id).balance == before + Decimal("20.00")
    assert BillingAdjustment.objects.count() == 1
    with pytest.raises(DomainError) as zero:
        billing.apply_adjustment(
            line.number, amount=Decimal("0"), reason="x", reference="JS2", actor=js_agent
        )
    assert zero.value.code == "invalid_adjustment_amount"
    assert BillingAdjustment.objects.count() == 1


def test_sim_owner_and_contact_details_refusals_and_masking(make_subscriber, js_agent):
    """BA-1: a malformed ICCID is invalid_iccid, the same owner same_owner; the audit of a SIM change
    and of a transfer holds the ICCID and the ID numbers masked only."""
    line = make_subscriber()
    billing = get_billing()
    with pytest.raises(DomainError) as bad_sim:
        billing.replace_sim(line.number, iccid="12345", reference="A1", actor=js_agent)
    assert bad_sim.value.code == "invalid_iccid"
    iccid = "89860011112222333344"
    billing.replace_sim(line.number, iccid=iccid, reference="A2", actor=js_agent)
    owner = line.customer
    with pytest.raises(DomainError) as same:
        billing.transfer_ownership(
            line.number,
            owner=NewOwner(name=owner.name, id_type=owner.id_type, id_number=owner.id_number),
            reference="A3",
            actor=js_agent,
        )
    assert same.value.code == "same_owner"
    billing.transfer_ownership(
        line.number,
        owner=NewOwner(name="王五", id_type="passport", id_number="E12345678"),
        reference="A4",
        actor=js_agent,
    )
    before = billing.set_contact_details(
        line.number,
        details=ContactDetails(email="w5@example.com", contact_phone="13900000000", mailing_address="杭州"),
        reference="A5",
        actor=js_agent,
    )
    assert before.email == ""  # the new owner had none
    trail = str(
        list(AuditEvent.objects.filter(action__startswith="customers.").values_list("changes", flat=True))
    )
    for secret in (iccid, owner.id_number, "E12345678", "w5@example.com", "13900000000"):
        assert secret not in trail
