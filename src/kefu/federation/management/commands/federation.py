"""``kefu federation status|deliver|replay|ping|inbox`` — operate a node's federation link."""

from __future__ import annotations

import json
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, transaction

from kefu.core.errors import DomainError
from kefu.federation import client, delivery, peers, selectors, services
from kefu.federation.models import InboxMessage


class Command(BaseCommand):
    help = (
        "Federation: 'status' (queues, lag, last error per peer), 'deliver' (the delivery loop), "
        "'replay' (dead letters back to the queue), 'ping <PEER>' (prove the link), "
        "'inbox' (recent received messages)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="queues, lag and last error per peer")
        status.add_argument("--json", action="store_true")
        deliver = sub.add_parser("deliver", help="deliver queued messages in a loop (or --once)")
        deliver.add_argument("--once", action="store_true", help="deliver what is due, then exit")
        deliver.add_argument("--interval", type=float, default=None, help="seconds between polls")
        replay = sub.add_parser("replay", help="put dead-lettered messages back in the queue")
        replay.add_argument("--peer", help="only this peer's dead letters")
        replay.add_argument("--id", type=int, action="append", dest="ids", help="outbox id (repeatable)")
        replay.add_argument("--all", action="store_true", help="every dead letter")
        ping = sub.add_parser("ping", help="synchronous echo, or a ping/pong through both outboxes")
        ping.add_argument("peer", nargs="?", help="peer code (or --all)")
        ping.add_argument("--all", action="store_true", help="echo every peer in turn")
        ping.add_argument("--outbox", action="store_true", help="send a ping event and wait for the pong")
        ping.add_argument("--no-wait", action="store_true", help="with --outbox: queue the ping and exit")
        ping.add_argument("--order", default="", help="with --outbox: order reference (per-order sequence)")
        ping.add_argument("--timeout", type=float, default=10.0)
        setup = sub.add_parser("demo-setup", help="(used by `kefu demo --federation`) prepare this node")
        setup.add_argument("--staff", default="", help="comma-separated demo job numbers to create")
        setup.add_argument("--province", help="seed demo subscribers of this province when empty")
        setup.add_argument("--subscribers", type=int, default=300)
        inbox = sub.add_parser("inbox", help="recent received messages")
        inbox.add_argument("--limit", type=int, default=20)
        inbox.add_argument("--type")
        inbox.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        getattr(self, "do_" + options["action"].replace("-", "_"))(options)

    # --- status ---
    def do_status(self, options):
        status = selectors.peer_status()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "node": settings.KEFU_NODE_CODE,
                        "role": settings.KEFU_ROLE,
                        "peers": [s.as_dict() for s in status],
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(f"node {settings.KEFU_NODE_CODE} ({settings.KEFU_ROLE})")
        if not status:
            self.stdout.write("no peers (set KEFU_PEERS_FILE)")
            return
        header = (
            f"{'peer':<8} {'role':<9} {'pending':>7} {'dead':>5} {'lag s':>8} {'recv':>6} {'held':>5}  last"
        )
        self.stdout.write(header)
        for s in status:
            lag = f"{s.lag_seconds:.1f}" if s.lag_seconds is not None else "-"
            last = f"ok {s.last_success_at:%Y-%m-%d %H:%M:%S}" if s.last_success_at else "never delivered"
            self.stdout.write(
                f"{s.code:<8} {s.role:<9} {s.pending:>7} {s.dead:>5} {lag:>8} {s.received:>6} {s.held:>5}  {last}"
            )
            if s.last_error:
                when = f"{s.last_error_at:%Y-%m-%d %H:%M:%S}" if s.last_error_at else ""
                self.stdout.write(f"{'':<8} last error {when}: {s.last_error[:200]}")
            if s.retry_at:
                self.stdout.write(f"{'':<8} backing off until {s.retry_at:%H:%M:%S}")

    # --- deliver ---
    def do_deliver(self, options):
        if options["once"]:
            report = delivery.deliver_all()
            held = services.held_retry()
            self.stdout.write(
                f"delivered {report.delivered}, retried {report.retried}, dead {report.dead}, "
                f"held applied {held}"
            )
            return
        interval = options["interval"] or settings.KEFU_FEDERATION_POLL
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        self.stdout.write(f"delivering for node {settings.KEFU_NODE_CODE} every {interval:g} s")
        self.stdout.flush()
        last_held = 0.0
        while not stopping:
            try:
                close_old_connections()
                report = delivery.deliver_once()
                if time.monotonic() - last_held > 5:
                    services.held_retry()
                    last_held = time.monotonic()
            except Exception as exc:  # a database hiccup must not end the loop
                self.stderr.write(f"delivery round failed: {exc.__class__.__name__}: {exc}")
                report = delivery.Report()
                time.sleep(interval)
            if report.claimed == 0:
                time.sleep(interval)

    # --- replay ---
    def do_replay(self, options):
        if not (options["all"] or options["peer"] or options["ids"]):
            raise CommandError("say what to replay: --all, --peer CODE or --id N")
        count = services.dead_letter_replay(actor=None, peer=options["peer"], ids=options["ids"])
        self.stdout.write(f"replayed {count} dead letter(s)")

    # --- ping ---
    def do_ping(self, options):
        if options["all"]:
            failed = 0
            for code in sorted(peers.all_peers()):
                started = time.perf_counter()
                try:
                    result = client.request(to=code, type="echo", payload={}, timeout=options["timeout"])
                except DomainError as exc:
                    failed += 1
                    self.stdout.write(f"{code}: {exc.code}: {exc.message}")
                    continue
                ms = (time.perf_counter() - started) * 1000
                self.stdout.write(f"{code}: answered in {ms:.0f} ms ({result.get('role')})")
            if failed:
                raise CommandError(f"{failed} peer(s) did not answer")
            return
        code = options["peer"]
        if not code:
            raise CommandError("name a peer, or use --all")
        if peers.get(code) is None:
            raise CommandError(f"no peer {code!r} in the peers file")
        if not options["outbox"]:
            started = time.perf_counter()
            try:
                result = client.request(
                    to=code, type="echo", payload={"hello": "你好"}, timeout=options["timeout"]
                )
            except DomainError as exc:
                raise CommandError(f"{exc.code}: {exc.message}")
            ms = (time.perf_counter() - started) * 1000
            self.stdout.write(
                f"{code} answered in {ms:.0f} ms: node {result.get('node')} ({result.get('role')})"
            )
            return
        with transaction.atomic():
            ping_id = services.send(
                to=code, type="ping", payload={"note": "kefu federation ping"}, order=options["order"]
            )
        self.stdout.write(f"queued ping {ping_id}")
        if options["no_wait"]:
            return
        deadline = time.monotonic() + options["timeout"]
        while time.monotonic() < deadline:
            delivery.deliver_all()
            pong = InboxMessage.objects.filter(
                sender=code, type="pong", envelope__payload__ping_id=ping_id
            ).first()
            if pong is not None:
                self.stdout.write(f"pong {pong.message_id} from {code}")
                return
            time.sleep(0.2)
        raise CommandError(
            f"no pong from {code} within {options['timeout']:g} s (see kefu federation status)"
        )

    # --- demo-setup ---
    def do_demo_setup(self, options):
        from django.core.management import call_command

        from kefu.core.demo import DEMO_PASSWORD, DEMO_STAFF
        from kefu.core.models import Staff
        from kefu.core.services import staff_create

        call_command("migrate", interactive=False, verbosity=0)
        if options["province"]:
            from kefu.customers.models import Subscriber

            if not Subscriber.objects.exists():
                call_command(
                    "seed",
                    subscribers=options["subscribers"],
                    province=options["province"],
                    months=6,
                    verbosity=0,
                )
            from kefu.knowledge.demo import load_demo

            load_demo(actor=None)  # KB-1, KB-4: the province's own demo knowledge (idempotent)
        wanted = {j for j in options["staff"].split(",") if j}
        for job_number, role, province, city, name in DEMO_STAFF:
            if job_number in wanted and not Staff.objects.filter(job_number=job_number).exists():
                staff_create(
                    actor=None,
                    job_number=job_number,
                    password=DEMO_PASSWORD,
                    role=role,
                    name=name,
                    province_code=province,
                    city_code=city,
                    sp_code="SP901234" if role == "sp_staff" else "",
                )
        self.stdout.write(f"node {settings.KEFU_NODE_CODE} ready")

    # --- inbox ---
    def do_inbox(self, options):
        rows = list(selectors.inbox_recent(limit=options["limit"], type=options["type"]))
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "id": str(r.message_id),
                            "sender": r.sender,
                            "type": r.type,
                            "order": r.order_ref,
                            "seq": r.seq,
                            "status": r.status,
                            "payload": r.envelope.get("payload"),
                            "received_at": r.received_at.isoformat(),
                            "last_error": r.last_error,
                        }
                        for r in rows
                    ],
                    ensure_ascii=False,
                )
            )
            return
        for r in rows:
            self.stdout.write(
                f"{r.received_at:%H:%M:%S} {r.sender:<6} {r.type:<24} {r.order_ref or '-':<18} "
                f"{r.seq or '-':>4} {r.status}"
            )
