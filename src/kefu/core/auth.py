"""Staff authentication: job number and password (argon2), lockout after repeated failures, and
bearer tokens for the API."""

from __future__ import annotations

import copy
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import PermissionDenied

from kefu.core import audit
from kefu.core.devices import device_may_open
from kefu.core.errors import DomainError, LoginFailed, LoginLocked
from kefu.core.formats import local_datetime
from kefu.core.models import Staff


def staff_login(*, job_number: str, password: str) -> Staff:
    """Check a job number and password, counting failures; raise LoginFailed or LoginLocked.

    The failure counter is updated in its own transaction so that a failure is remembered even though
    the caller's request fails.
    """
    now = timezone.now()
    error: DomainError | None = None
    with transaction.atomic():
        staff = Staff.objects.select_for_update().filter(job_number=job_number).first()
        if staff is None:
            # Same answer as a wrong password: a caller learns nothing about which job numbers exist.
            Staff().set_password(password)  # spend the same time hashing
            error = LoginFailed(_("工号或密码错误"))
        elif staff.is_locked(now):
            error = _locked(staff)
        elif not staff.is_active or not staff.check_password(password):
            staff.failed_logins += 1
            fields = ["failed_logins"]
            locked = staff.failed_logins >= settings.KEFU_LOGIN_MAX_FAILURES
            if locked:
                staff.locked_until = now + timedelta(minutes=settings.KEFU_LOGIN_LOCK_MINUTES)
                staff.failed_logins = 0
                fields.append("locked_until")
            staff.save(update_fields=fields)
            audit.record(actor=None, action="staff.login_failed", obj=staff, changes={"locked": locked})
            error = _locked(staff) if locked else LoginFailed(_("工号或密码错误"))
        else:
            staff.failed_logins = 0
            staff.locked_until = None
            staff.last_login = now
            staff.save(update_fields=["failed_logins", "locked_until", "last_login"])
            audit.record(actor=staff, action="staff.login", obj=staff)
    # Raised after commit: the failure counter must survive the caller's failed request.
    if error is not None:
        raise error
    return staff


def _locked(staff: Staff) -> LoginLocked:
    until = timezone.localtime(staff.locked_until)
    return LoginLocked(
        _("登录失败次数过多，工号已锁定至 %(until)s") % {"until": local_datetime(until)},
        locked_until=until.isoformat(),
    )


class JobNumberBackend(ModelBackend):
    """Django auth backend for the UI login form; shares the lockout with the API."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        job_number = username or kwargs.get("job_number")
        if not job_number or password is None:
            return None
        try:
            return staff_login(job_number=job_number, password=password)
        except LoginLocked as exc:
            if request is not None:
                request.kefu_login_error = exc.message
            return None
        except LoginFailed:
            return None


class BearerTokenAuthentication(TokenAuthentication):
    """``Authorization: Bearer <token>``.

    A busy desk sends several calls a second with the same token, so each process remembers a
    token's staff member for ``KEFU_TOKEN_CACHE_SECONDS`` (default 10; 0 turns it off) instead of
    reading the token and staff rows on every call. The price: a token deleted or a member of staff
    deactivated in another process keeps working there for at most that long (in this process the
    signals below forget it at once).
    """

    keyword = "Bearer"
    _cache: dict[str, tuple[float, Staff]] = {}
    _lock = threading.Lock()

    def authenticate(self, request):
        """The token's staff member; a device's token (a PIN pad) opens only its screen's endpoints
        (``core/devices.py``): anything else is 403."""
        result = super().authenticate(request)
        if result is not None:
            match = getattr(request._request, "resolver_match", None)
            if not device_may_open(result[0], match.view_name if match else None):
                raise PermissionDenied(_("密码键盘账号只能用于客户输入密码"))
        return result

    def authenticate_credentials(self, key):
        ttl = settings.KEFU_TOKEN_CACHE_SECONDS
        now = time.monotonic()
        hit = self._cache.get(key) if ttl > 0 else None
        if hit is not None and hit[0] > now:
            # a copy per request: views may set attributes on request.user
            return copy.copy(hit[1]), key
        staff, token = super().authenticate_credentials(key)
        if ttl > 0:
            with self._lock:
                if len(self._cache) >= 10_000:
                    self._cache.clear()
                self._cache[key] = (now + ttl, copy.copy(staff))
        return staff, token

    @classmethod
    def forget(cls, *, staff_id: int | None = None) -> None:
        with cls._lock:
            if staff_id is None:
                cls._cache.clear()
            else:
                for key in [k for k, (_t, s) in cls._cache.items() if s.pk == staff_id]:
                    cls._cache.pop(key, None)


def _forget_staff(sender, instance, **kwargs):
    BearerTokenAuthentication.forget(staff_id=getattr(instance, "user_id", None) or instance.pk)


def connect_token_cache_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from rest_framework.authtoken.models import Token

    post_save.connect(_forget_staff, sender=Staff, dispatch_uid="kefu-token-cache-staff")
    post_delete.connect(_forget_staff, sender=Staff, dispatch_uid="kefu-token-cache-staff-del")
    post_delete.connect(_forget_staff, sender=Token, dispatch_uid="kefu-token-cache-token")
