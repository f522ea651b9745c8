"""Writes on organisation and staff. Every write is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.core import audit
from kefu.core.choices import Role
from kefu.core.errors import DomainError, ErrorCode
from kefu.core.models import City, Province, Staff


def staff_create(
    *,
    actor,
    job_number: str,
    password: str,
    role: str,
    name: str = "",
    province_code: str | None = None,
    city_code: str | None = None,
    sp_code: str = "",
) -> Staff:
    """Create a member of staff; raises DomainError with a readable message on bad input."""
    if role not in Role:
        raise DomainError(
            f"unknown role {role!r}; choose one of: {', '.join(Role.values())}",
            code=ErrorCode.VALIDATION_FAILED,
        )
    province = None
    city = None
    if province_code:
        province = Province.objects.filter(code=province_code.upper()).first()
        if province is None:
            raise DomainError(f"unknown province code {province_code!r}", code=ErrorCode.VALIDATION_FAILED)
    if city_code:
        city = City.objects.filter(code=city_code).select_related("province").first()
        if city is None:
            raise DomainError(f"unknown city code {city_code!r}", code=ErrorCode.VALIDATION_FAILED)
        if province is not None and city.province_id != province.id:
            raise DomainError(
                f"city {city_code} is not in province {province.code}", code=ErrorCode.VALIDATION_FAILED
            )
        province = province or city.province
    if Staff.objects.filter(job_number=job_number).exists():
        raise DomainError(f"job number {job_number} already exists", code=ErrorCode.CONFLICT, status=409)
    if len(password) < 8:
        raise DomainError("the password must have at least 8 characters", code=ErrorCode.VALIDATION_FAILED)
    with transaction.atomic():
        staff = Staff(
            job_number=job_number,
            name=name or job_number,
            role=role,
            province=province,
            city=city,
            sp_code=sp_code,
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR and province is None,
        )
        staff.set_password(password)
        try:
            staff.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise DomainError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()),
                code=ErrorCode.VALIDATION_FAILED,
            )
        staff.save()
        audit.record(
            actor=actor,
            action="staff.create",
            obj=staff,
            changes={"role": role, "province": province.code if province else None, "city": city_code},
        )
    return staff
