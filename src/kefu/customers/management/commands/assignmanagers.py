"""`kefu assignmanagers`: give VIP and enterprise customers without an account manager the VIP manager
of their city (SVC-2), each assignment checked and audited by the service."""

from django.core.management.base import BaseCommand, CommandError

from kefu.core.errors import DomainError
from kefu.core.models import Staff
from kefu.customers.services import MAY_ASSIGN_ACCOUNT_MANAGER, account_managers_assign_by_city


class Command(BaseCommand):
    help = (
        "Assign VIP and enterprise customers without an account manager to the VIP manager of their "
        "city (the least loaded when a city has several). Audited under the job number given by --as."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            help="job number of the supervisor or administrator who assigns",
        )
        parser.add_argument("--province", default="", help="province code, e.g. JS (default: every province)")

    def handle(self, *args, **options):
        actor = Staff.objects.filter(job_number=options["actor"], is_active=True).first()
        if actor is None or actor.role not in MAY_ASSIGN_ACCOUNT_MANAGER:
            raise CommandError(f"{options['actor']} is no active supervisor or administrator")
        try:
            assigned = account_managers_assign_by_city(actor=actor, province_code=options["province"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"assigned {assigned} customers to their city's account manager")
