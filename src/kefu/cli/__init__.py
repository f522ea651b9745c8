"""The ``kefu`` console script: every Django management command, plus kefu's own.

``kefu demo`` (``kefu.cli.management.commands.demo``) is this package's own command: it assembles the
whole system, so it sits with the CLI at the top of the layers. ``kefu serve`` and ``kefu worker`` are
commands of ``core``, ``kefu seed`` of ``customers``; ``kefu help`` lists them all beside ``migrate``.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kefu", *(sys.argv[1:] if argv is None else argv)])
