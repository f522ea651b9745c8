"""Demo PIN pads (AUTH-3): one paired with each demo hall staff member and VIP manager, so the counter's
authentication works in `kefu demo` (log in as the pad in a second browser window)."""

from __future__ import annotations

from kefu.core.models import Staff
from kefu.core.services import staff_create
from kefu.identity.models import PinPad
from kefu.identity.services import PIN_PAD_HOLDER_ROLES, pin_pad_pair


def seed_demo_pin_pads(*, password: str) -> list[tuple[Staff, Staff]]:
    """A pad ``<holder>-pad`` for every hall staff member and VIP manager without one; returns
    (pad, holder) for all of them."""
    pairs = []
    for holder in Staff.objects.filter(role__in=PIN_PAD_HOLDER_ROLES, is_active=True).order_by("job_number"):
        pairing = PinPad.objects.select_related("pad").filter(holder=holder).first()
        if pairing is None:
            pad = Staff.objects.filter(job_number=f"{holder.job_number}-pad").first() or staff_create(
                actor=None,
                job_number=f"{holder.job_number}-pad",
                password=password,
                role="pin_pad",
                name=f"{holder.name}的密码键盘",
                province_code=holder.province.code if holder.province else None,
                city_code=holder.city.code if holder.city else None,
            )
            pairing = pin_pad_pair(actor=None, pad=pad, holder=holder)
        pairs.append((pairing.pad, holder))
    return pairs
