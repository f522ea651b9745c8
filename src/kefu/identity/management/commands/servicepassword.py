"""``kefu servicepassword NUMBER``: set a subscriber's service password, read from standard input.

What a hall agent does after checking the customer's ID card. On a terminal the password is asked
twice without echo; from a pipe the first line is taken. Nothing is changed on any error, and the
password is never printed.
"""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from kefu.core.errors import DomainError
from kefu.core.models import Staff
from kefu.identity import services


class Command(BaseCommand):
    help = "Set a subscriber's service password (AUTH-4, AUTH-6), read from stdin without echo."

    def add_arguments(self, parser):
        parser.add_argument("number", help="the subscriber's number")
        parser.add_argument("--job-number", default="", help="the hall agent doing it (for the audit log)")

    def _read(self) -> str:
        stdin = sys.stdin
        if stdin.isatty():
            first = getpass.getpass("新服务密码 / new service password: ")
            second = getpass.getpass("再次输入 / repeat: ")
            if first != second:
                raise CommandError("两次输入的密码不一致 / the two entries differ; nothing changed")
            return first
        line = stdin.readline()
        return line.rstrip("\r\n")

    def handle(self, *args, number: str, job_number: str, **options):
        actor = None
        if job_number:
            actor = Staff.objects.filter(job_number=job_number, is_active=True).first()
            if actor is None:
                raise CommandError(f"工号 {job_number} 不存在 / unknown job number; nothing changed")
        password = self._read()
        if not password:
            raise CommandError("未读到密码 / no password on standard input; nothing changed")
        try:
            services.service_password_reset(actor=actor, number=number, password=password)
        except DomainError as error:
            raise CommandError(f"{error.message} ({error.code}); nothing changed") from None
        self.stdout.write(f"已设置号码 {number} 的服务密码 / service password of {number} set")
