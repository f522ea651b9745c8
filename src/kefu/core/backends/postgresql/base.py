"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django asks a reused connection ``SELECT 1`` at the start of every request:
one round trip before any work, about a sixth of a work-order action's time in a worker (py-spy of the
floor benchmark's kefu workers). A connection the server has closed (a restart, an idle timeout,
``pg_terminate_backend``) shows without asking: the server's last message and the end of the stream
make the idle socket readable. So the check looks at the socket first, and only when something arrived
that nobody asked for does it ask the server, as Django does.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if readable:  # a notice, a notification or the end of the stream: ask the server to be sure
            return super().is_usable()
        return True
