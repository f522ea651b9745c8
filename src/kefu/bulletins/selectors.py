"""Reads on notices (SYS-1): a member of staff's inbox and unread count, the notices an author may
follow with their read and acknowledgement counts."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from kefu.bulletins.models import Notice, NoticeReceipt
from kefu.bulletins.services import AUTHORS
from kefu.core import scope
from kefu.core.errors import NotFoundError


def unread_count(user) -> int:
    """How many notices ``user`` has not opened yet (the top bar's badge): one index scan."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return NoticeReceipt.objects.filter(staff=user, read_at__isnull=True).count()


def inbox(user, *, limit: int = 50) -> list[NoticeReceipt]:
    """The notices ``user`` received, newest first, with their read and acknowledgement times."""
    return list(
        NoticeReceipt.objects.filter(staff=user)
        .select_related("notice", "notice__author")
        .order_by("-notice_id")[:limit]
    )


def may_author(user) -> bool:
    return getattr(user, "role", None) in AUTHORS


def _with_counts(queryset: QuerySet[Notice]) -> QuerySet[Notice]:
    return queryset.annotate(
        read_count=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
        ack_count=Count("receipts", filter=Q(receipts__acknowledged_at__isnull=False)),
    )


def sent(user, *, limit: int = 50) -> list[Notice]:
    """For supervisors and administrators: the notices of their scope, newest first, each with how
    many recipients read and acknowledged it."""
    if not may_author(user):
        return []
    notices = scope.restrict(Notice.objects.all(), user).select_related("author")
    return list(_with_counts(notices).order_by("-id")[:limit])


def notice_for_author(user, notice_id: int) -> tuple[Notice, list[NoticeReceipt]]:
    """A notice of the author's scope with its counts and every receipt (who read or acknowledged
    it, when). Not found for anyone else."""
    notice = None
    if may_author(user):
        notice = _with_counts(scope.restrict(Notice.objects.all(), user)).filter(pk=notice_id).first()
    if notice is None:
        raise NotFoundError(_("公告不存在"))
    receipts = list(notice.receipts.select_related("staff").order_by("staff__job_number"))
    return notice, receipts
