"""``kefu seed --subscribers N [--province CODE] [--months M]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kefu.customers.seeding import DEFAULT_PROVINCES, DEMO_PASSWORD_PREFIX, MAX_MONTHS, SeedError, seed


def _whole_number(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise CommandError(f"not a whole number: {value!r}")


class Command(BaseCommand):
    help = (
        "Add N synthetic subscribers (customer, account, line) with M months of billing history: "
        "subscriptions, monthly bills, payments, points ledger, and the last 30 days of call details and "
        "SMS/MMS/WAP usage records. Without --province the lines are spread over "
        f"{' and '.join(DEFAULT_PROVINCES)}; --province may be repeated. Repeated runs add lines with new "
        "numbers. Service passwords of seeded lines follow a public demo rule: "
        f"'{DEMO_PASSWORD_PREFIX}' followed by the number's last digit (13912345677 -> "
        f"{DEMO_PASSWORD_PREFIX}7); about one line in ten is flagged as still on its initial password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", required=True, type=_whole_number, help="how many lines to add")
        parser.add_argument(
            "--province", action="append", help="home province code (e.g. JS); may be repeated"
        )
        parser.add_argument(
            "--months", type=_whole_number, default=6, help=f"months of history, 1..{MAX_MONTHS} (default 6)"
        )
        parser.add_argument("--random-seed", type=_whole_number, default=None, help="for reproducible data")

    def handle(self, *args, **options):
        province = options.get("province")
        if isinstance(province, str):  # call_command(province="JS")
            province = [province]
        verbosity = options.get("verbosity", 1)
        try:
            result = seed(
                count=options["subscribers"],
                province_codes=province,
                months=options["months"],
                random_seed=options.get("random_seed"),
                progress=(lambda message: self.stdout.write(message)) if verbosity >= 2 else None,
            )
        except SeedError as exc:
            raise CommandError(str(exc))
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"seeded {result.subscribers:,} subscribers in {result.seconds:.1f} s")
            )
            for table, count in result.rows.items():
                self.stdout.write(f"  {table:<26} {count:>12,}")
            self.stdout.write("demo service passwords (rule: see --help):")
            for number, password in result.samples:
                self.stdout.write(f"  {number}  {password}")
