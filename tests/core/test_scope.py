"""The one data-scope mechanism (SYS-1): national, province, city and SP scopes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured

from kefu.core import scope
from kefu.core.models import AgentGroup, Province, Staff

pytestmark = pytest.mark.django_db


def test_province_user_sees_own_province_only(make_staff):
    """SYS-1: a province user's queries are limited to that province."""
    user = make_staff("back_office", "JS")
    groups = scope.restrict(AgentGroup.objects.all(), user)
    assert groups.exists()
    assert set(groups.values_list("province__code", flat=True)) == {"JS"}


def test_city_user_sees_own_city_only(make_staff):
    """SYS-1: a city handler sees only their city's rows."""
    user = make_staff("city_handler", "JS", city="3201")
    groups = scope.restrict(AgentGroup.objects.all(), user)
    assert list(groups.values_list("city__code", flat=True)) == ["3201"]


def test_sp_user_sees_only_own_sp(make_staff):
    """SYS-1: SP staff see only rows of their SP."""
    sp_a = make_staff("sp_staff", None, sp_code="SP0001")
    make_staff("sp_staff", None, sp_code="SP0002")
    visible = scope.restrict(Staff.objects.all(), sp_a)
    assert set(visible.values_list("sp_code", flat=True)) == {"SP0001"}
    # a model that knows no SP is closed to SP staff
    assert not scope.restrict(AgentGroup.objects.all(), sp_a).exists()


def test_national_administrator_sees_everything(make_staff):
    """SYS-1: a group-level administrator (no province) has national scope."""
    admin = make_staff("administrator", None)
    assert scope.scope_of(admin).is_national
    assert scope.restrict(AgentGroup.objects.all(), admin).count() == AgentGroup.objects.count()


def test_anonymous_sees_nothing():
    """SYS-1: an anonymous user has no scope at all."""
    assert not scope.restrict(AgentGroup.objects.all(), AnonymousUser()).exists()


def test_reference_data_is_not_restricted(make_staff):
    """SYS-1: reference data (provinces) is readable in every scope."""
    user = make_staff("city_handler", "JS", city="3201")
    assert scope.restrict(Province.objects.all(), user).count() == 31


def test_model_without_scope_declaration_is_refused(make_staff):
    """SYS-1: a model that forgot to declare its scope cannot be read through the mechanism."""

    class Undeclared:
        pass

    class QuerySetOfUndeclared:
        model = Undeclared

    with pytest.raises(ImproperlyConfigured):
        scope.restrict(QuerySetOfUndeclared(), make_staff())


def test_may_write_to(make_staff):
    """SYS-1: writes are placed in scope too."""
    js, zj = Province.objects.get(code="JS"), Province.objects.get(code="ZJ")
    user = make_staff("back_office", "JS")
    assert scope.may_write_to(user, province_id=js.id)
    assert not scope.may_write_to(user, province_id=zj.id)


def test_admits_agrees_with_restrict_for_every_kind_of_user(make_staff):
    """SYS-1: the in-memory check of a loaded row (``admits``) follows the same rules as the query
    filter (``restrict``) — for national, province, city, SP and anonymous users, on every group and
    member of staff — and refuses a model whose scope lies behind a relation."""
    from kefu.customers.models import Account

    users = [
        make_staff("administrator", None),
        make_staff("back_office", "JS"),
        make_staff("city_handler", "JS", city="3201"),
        make_staff("sp_staff", None, sp_code="SP0001"),
        AnonymousUser(),
    ]
    for model in (AgentGroup, Staff, Province):
        rows = list(model.objects.all())
        for user in users:
            visible = set(scope.restrict(model.objects.all(), user).values_list("pk", flat=True))
            assert {row.pk for row in rows if scope.admits(row, user)} == visible, (model, user)
    with pytest.raises(ImproperlyConfigured):
        scope.admits(Account(), users[1])
