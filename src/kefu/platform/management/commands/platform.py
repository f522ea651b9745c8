"""``kefu platform demo-setup`` — the demo login of a business platform's second line."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kefu.core.choices import Role
from kefu.core.demo import DEMO_PASSWORD
from kefu.core.errors import DomainError
from kefu.core.models import Staff
from kefu.core.services import staff_create

# job number, name: the platform's second-line staff (back office on this node, national scope)
DEMO_STAFF = [("plat01", "平台二线客服")]


class Command(BaseCommand):
    help = "Business platform: 'demo-setup' (the second line's demo login, password as every demo login)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        sub.add_parser("demo-setup", help="create the demo second-line login plat01")

    def handle(self, *args, **options):
        try:
            for job_number, name in DEMO_STAFF:
                if not Staff.objects.filter(job_number=job_number).exists():
                    staff_create(
                        actor=None,
                        job_number=job_number,
                        password=DEMO_PASSWORD,
                        role=Role.BACK_OFFICE,
                        name=name,
                    )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{len(DEMO_STAFF)} platform login(s) ready")
