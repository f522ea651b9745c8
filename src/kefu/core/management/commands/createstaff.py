from django.core.management.base import BaseCommand, CommandError

from kefu.core.choices import Role
from kefu.core.errors import DomainError
from kefu.core.services import staff_create


class Command(BaseCommand):
    help = "Create a member of staff who logs in with a job number (工号)."

    def add_arguments(self, parser):
        parser.add_argument("--job-number", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values())
        parser.add_argument("--province", help="province code, e.g. JS")
        parser.add_argument("--city", help="city code (GB/T 2260, four digits), e.g. 3201")
        parser.add_argument("--sp-code", default="", help="SP code for SP staff")
        parser.add_argument("--name", default="")

    def handle(self, *args, **options):
        try:
            staff = staff_create(
                actor=None,
                job_number=options["job_number"],
                password=options["password"],
                role=options["role"],
                name=options["name"],
                province_code=options["province"],
                city_code=options["city"],
                sp_code=options["sp_code"],
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            f"created {staff.job_number} ({staff.get_role_display()}, scope {staff.scope_kind})"
        )
