"""``kefu sims sp-add|demo-setup|sweep`` — SP organisations and the points sweep on a SIMS node."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kefu.core.errors import DomainError
from kefu.sims import services

DEMO_SPS = [
    ("SP901234", "梦想互动科技有限公司", "02584001234", "13905140001", "钱进"),
    ("SP902001", "星河无线传媒有限公司", "057188001234", "13905710002", "孙悦"),
]


class Command(BaseCommand):
    help = "SIMS: 'sp-add' (register an SP), 'demo-setup' (the demo SPs), 'sweep' (overdue-reply points)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        add = sub.add_parser("sp-add", help="register an SP")
        add.add_argument("code")
        add.add_argument("name")
        add.add_argument("--hotline", default="")
        add.add_argument("--mobile", default="")
        add.add_argument("--contact", default="")
        add.add_argument("--contract-end", default="")
        sub.add_parser("demo-setup", help="register the demo SPs")
        sub.add_parser("sweep", help="deduct points for replies past the limit")

    def handle(self, *args, **options):
        try:
            if options["command"] == "sp-add":
                end = date.fromisoformat(options["contract_end"]) if options["contract_end"] else None
                sp = services.sp_create(
                    actor=None, code=options["code"], name=options["name"], hotline=options["hotline"],
                    service_mobile=options["mobile"], contact_name=options["contact"], contract_end=end,
                )  # fmt: skip
                self.stdout.write(f"SP {sp.code} {sp.name}")
            elif options["command"] == "demo-setup":
                for code, name, hotline, mobile, contact in DEMO_SPS:
                    services.sp_create(
                        actor=None, code=code, name=name, hotline=hotline, service_mobile=mobile,
                        contact_name=contact, contract_start=date(2025, 1, 1), contract_end=date(2027, 12, 31),
                    )  # fmt: skip
                self.stdout.write(f"{len(DEMO_SPS)} SPs ready")
            else:
                self.stdout.write(f"deducted {services.points_sweep()}")
        except DomainError as exc:
            raise CommandError(exc.message) from None
