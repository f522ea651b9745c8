from django.core.management.base import BaseCommand

from kefu.workorders import sla


class Command(BaseCommand):
    help = "Run one pass of the work-order SLA sweep (flag, urge, escalate) and print what it did."

    def handle(self, *args, **options):
        self.stdout.write(str(sla.sla_sweep().as_dict()))
