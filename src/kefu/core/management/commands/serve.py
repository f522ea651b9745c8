import os
import resource
import sys

from django.core.management.base import BaseCommand

from kefu.core.server import GRACE_SECONDS


def raise_open_files_limit() -> tuple[int, int]:
    """Raise this process's soft limit of open files to the hard limit (inherited through exec by
    gunicorn and its workers): every open event stream is a socket, and the usual soft limit (1024)
    would cap a process at about a thousand browsers. Answer the (soft, hard) limits now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass  # a container may refuse: the soft limit stays, the streams it allows still work
    return resource.getrlimit(resource.RLIMIT_NOFILE)


class Command(BaseCommand):
    help = (
        "Serve kefu over HTTP with gunicorn and uvicorn workers (ASGI): several worker processes, each "
        "serving the desk's event streams without a thread per stream."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="ignored: under ASGI Django runs each request's sync code in a thread of its own "
            "(kept so that existing scripts still start)",
        )

    def handle(self, *args, **options):
        raise_open_files_limit()
        # under ASGI Django runs each request's sync code in a new thread: a connection kept for the
        # next request of the same thread would never be reused, so each request closes its own
        os.environ.setdefault("KEFU_CONN_MAX_AGE", "0")
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "kefu.asgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--worker-class",
            "kefu.core.server.Worker",
            "--timeout",
            "120",
            # the worker gives open streams GRACE_SECONDS on shutdown; gunicorn kills it one later
            "--graceful-timeout",
            str(GRACE_SECONDS + 1),
            "--access-logfile",
            "-",
        ]
        os.execv(sys.executable, argv)
