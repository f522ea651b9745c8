"""`kefu demo`: the embedded demo of one province, or (``--federation``) of five nodes."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kefu.bulletins.choices import Audience
from kefu.bulletins.models import Notice
from kefu.bulletins.services import notice_publish
from kefu.core.demo import DEMO_PASSWORD, seed_demo_staff
from kefu.core.models import Staff
from kefu.customers.models import Subscriber
from kefu.federation import demo as federation_demo
from kefu.identity.demo import seed_demo_pin_pads
from kefu.knowledge.demo import load_demo as load_demo_knowledge
from kefu.routing.demo import load_demo as load_demo_routing
from kefu.workorders import classify
from kefu.workorders.demo import seed_demo_orders

STOP_SECONDS = 4  # Ctrl-C: how long the demo's processes get to stop before they are killed


class Command(BaseCommand):
    help = (
        "Start the demo on the embedded default: migrate, seed demo data when the database is empty, "
        "run the web server and the background worker, print the URL and the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--subscribers", type=int, default=300, help="demo subscribers per province")
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")
        parser.add_argument(
            "--federation",
            action="store_true",
            help="start a hub, two provinces (JS, ZJ), SIMS and a platform, each with its own database "
            "and port from --port on",
        )

    def handle(self, *args, **options):
        if options["federation"]:
            # the multi-node launcher lives with the federation (it starts one process tree per node)
            federation_demo.run(
                base=settings.DATA_DIR / "federation",
                host=options["host"],
                port=options["port"],
                subscribers=options["subscribers"],
                worker=not options["no_worker"],
                out=self.stdout,
            )
            return
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database ready")
        if not Subscriber.objects.exists():
            for province in ("JS", "ZJ"):
                call_command(
                    "seed", subscribers=options["subscribers"], province=province, months=6, verbosity=0
                )
            self.stdout.write(f"seeded {Subscriber.objects.count()} demo subscribers in JS and ZJ")
        # offers, retention and marketing history for the unified customer view (idempotent)
        call_command("seedmarketing", verbosity=0)
        staff = seed_demo_staff()
        self._knowledge()
        # SVC-2: VIP and enterprise customers of the demo managers' cities get their account manager
        call_command("assignmanagers", actor="admin", verbosity=0)
        pads = seed_demo_pin_pads(password=DEMO_PASSWORD)  # AUTH-3: the counter's customer keypad
        routing = load_demo_routing(password=DEMO_PASSWORD)  # issue 14: segments, queues, seats
        if any(routing.values()):
            self.stdout.write(
                f"routing: {routing['segments']} number segments, {routing['queues']} queues, "
                f"{routing['seats']} seats"
            )
        self._first_notices()
        self._orders_and_suggestions()

        kefu = [sys.executable, "-m", "kefu.cli"]
        # one router decides for both web workers (ADR 0008); they reach it at KEFU_ROUTER_URL
        router_port = options["port"] + 765
        os.environ.setdefault("KEFU_ROUTER_URL", f"http://127.0.0.1:{router_port}")
        children = [
            subprocess.Popen([*kefu, "router"]),
            subprocess.Popen(
                [*kefu, "serve", "--host", options["host"], "--port", str(options["port"]), "--workers", "2"]
            ),
        ]
        if not options["no_worker"]:
            children.append(
                subprocess.Popen([*kefu, "worker", "--concurrency", "2", "--loglevel", "WARNING"])
            )

        url = f"http://{options['host']}:{options['port']}/"
        self._wait_until_up(url + "healthz", children[1])
        self.stdout.write(self.style.SUCCESS(f"\nkefu is running at {url}"))
        self.stdout.write(f"API docs: {url}api/docs/   admin: {url}admin/")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for member in staff:
            where = member.city.name if member.city else (member.province.name if member.province else "全国")
            self.stdout.write(f"  {member.job_number:<10} {member.get_role_display()} · {where}")
        for pad, holder in pads:
            self.stdout.write(
                f"  {pad.job_number:<10} {pad.get_role_display()} · {holder.job_number} {holder.name}"
            )
        self._print_subscribers()
        self.stdout.write("Press Ctrl-C to stop.")

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()
            # the web server ends its event streams at once (kefu.core.server); the worker's warm
            # shutdown on the SQLite broker can take ten seconds and more. Its tasks are idempotent
            # and acknowledged late (ADR 0003), so one cut short runs again at the next start.
            deadline = time.monotonic() + STOP_SECONDS
            for child in children:
                try:
                    child.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            sys.exit(0)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        self.stderr.write("a demo process stopped; stopping the rest")
        stop()

    def _print_subscribers(self):
        self.stdout.write("Demo subscribers (service password: 24680 followed by the number's last digit):")
        for code in ("JS", "ZJ"):
            numbers = Subscriber.objects.filter(
                home_province__code=code, password_initial=False, status="active"
            )
            sample = list(numbers.order_by("id").values_list("number", flat=True)[:3])
            self.stdout.write(f"  {code}: {', '.join(sample)}")

    def _orders_and_suggestions(self) -> None:
        """SR-3, WO-4: archived complaints to learn from and a ticket in triage, then the category
        suggestion model trained on them, so the triage screen (待分拣) suggests a category."""
        started = time.monotonic()
        archived, ticket = seed_demo_orders()
        if ticket is not None:
            self.stdout.write(
                f"archived {archived} demo complaints; ticket {ticket.number} waits in triage "
                f"({time.monotonic() - started:.1f} s)"
            )
        started = time.monotonic()
        try:
            result = classify.train()
        except ValueError:  # fewer than two categories archived (a catalog without them)
            self.stdout.write("no category suggestions: too few archived orders to train on")
            return
        self.stdout.write(
            f"category suggestions trained on {result.documents} archived orders "
            f"({time.monotonic() - started:.1f} s)"
        )

    def _knowledge(self) -> None:
        """KB-1, KB-4: the demo's articles, explanation wording and synonyms (once; idempotent)."""
        started = time.monotonic()
        loaded = load_demo_knowledge(actor=None)
        if loaded.articles or loaded.wordings or loaded.synonyms:
            self.stdout.write(
                f"knowledge base: {loaded.articles} articles, {loaded.wordings} wordings, "
                f"{loaded.synonyms} synonym groups ({time.monotonic() - started:.1f} s)"
            )

    @staticmethod
    def _first_notices() -> None:
        """SYS-1: each province's supervisor greets the province's staff once, so the desk's top bar
        shows an unread notice to open and acknowledge."""
        if Notice.objects.exists():
            return
        for job_number in ("js1006", "zj1006"):
            author = Staff.objects.filter(job_number=job_number, is_active=True).first()
            if author is not None:
                notice_publish(
                    actor=author,
                    title="欢迎使用 kefu 演示系统",
                    body="这是班长发布的公告：请打开后点击“确认已阅”。班长可在“公告”页查看阅读和确认情况。",
                    audience=Audience.EVERYONE,
                )

    def _wait_until_up(self, url, server, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit("the web server did not start")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("the web server did not answer in time")
