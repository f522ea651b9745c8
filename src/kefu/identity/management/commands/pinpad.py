"""``kefu pinpad PAD HOLDER``: pair a PIN pad account with the hall staff member or VIP manager it serves
(AUTH-3). Create the pad's account first (``kefu createstaff`` with role ``pin_pad``). Pairing again
moves the pad; the change is audited."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kefu.core.errors import DomainError
from kefu.core.models import Staff
from kefu.identity import services


class Command(BaseCommand):
    help = "Pair a PIN pad account (role pin_pad) with a hall staff member or VIP manager (AUTH-3)."

    def add_arguments(self, parser):
        parser.add_argument("pad", help="the PIN pad account's job number")
        parser.add_argument("holder", help="the job number of the staff member it serves")

    def handle(self, *args, pad: str, holder: str, **options):
        accounts = {s.job_number: s for s in Staff.objects.filter(job_number__in=(pad, holder))}
        for job_number in (pad, holder):
            if job_number not in accounts:
                raise CommandError(f"工号不存在 / no such job number: {job_number}")
        try:
            services.pin_pad_pair(actor=None, pad=accounts[pad], holder=accounts[holder])
        except DomainError as error:
            raise CommandError(f"{error.message} ({error.code})") from error
        self.stdout.write(f"{pad} → {holder}")
