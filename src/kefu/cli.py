"""The ``kefu`` console script: every Django management command, plus kefu's own.

``kefu demo``, ``kefu serve``, ``kefu worker`` and ``kefu seed`` are management commands of the
``core`` and ``customers`` apps, so ``kefu help`` lists them beside ``migrate`` and the rest.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kefu", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
