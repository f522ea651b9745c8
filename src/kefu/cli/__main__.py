"""``python -m kefu.cli``: the same as the ``kefu`` console script."""

from kefu.cli import main

main()
