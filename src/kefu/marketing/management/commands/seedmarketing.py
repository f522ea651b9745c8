"""``kefu seedmarketing [--province CODE]``: demo retention and marketing history, and offers."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kefu.marketing.seeding import seed_marketing


class Command(BaseCommand):
    help = (
        "Create the offers catalogue and demo retention and marketing records for subscribers that have "
        "none yet (run after `kefu seed`). --province may be repeated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", action="append", help="home province code (e.g. JS)")

    def handle(self, *args, **options):
        province = options.get("province")
        if isinstance(province, str):
            province = [province]
        result = seed_marketing(province_codes=province)
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"offers {result.offers}, retention records +{result.retention_records:,}, "
                    f"marketing records +{result.marketing_records:,}"
                )
            )
