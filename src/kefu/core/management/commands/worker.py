import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (Celery) with the periodic scheduler (beat) embedded."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--no-beat", action="store_true", help="run beat elsewhere (one per deployment)")
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, **options):
        argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kefu.celery:app",
            "worker",
            "--concurrency",
            str(options["concurrency"]),
            "--loglevel",
            options["loglevel"],
            "--pool",
            "threads",
        ]
        if not options["no_beat"]:
            from django.conf import settings

            argv += ["--beat", "--schedule", str(settings.DATA_DIR / "celerybeat-schedule")]
        os.execv(sys.executable, argv)
