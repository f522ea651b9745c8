"""Number segments (号段) and a caller's home (ORG-4): the subscriber's city first, else the segment of
the number's first seven digits."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from kefu.core.models import City, Province
from kefu.routing.models import NumberSegment

CSV_HEADER = ["prefix", "province_code", "city_code"]


def national_number(number: str) -> str:
    """The number without its country code (+86, 0086, 86 before an eleven-digit mobile number)."""
    number = number.strip().replace(" ", "").replace("-", "")
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            return number[len(prefix) :]
    if number.startswith("86") and len(number) == 13:
        return number[2:]
    return number


def home_of(number: str) -> tuple[str, str | None] | None:
    """(province code, city code or None) of a caller, or None when neither the subscribers nor the
    number segments know the number."""
    from kefu.customers.models import Subscriber

    number = national_number(number)
    row = (
        Subscriber.objects.filter(number=number).values_list("home_province__code", "home_city__code").first()
    )
    if row is not None:
        return row[0], row[1]
    if len(number) < 7 or not number[:7].isdigit():
        return None
    segment = (
        NumberSegment.objects.filter(prefix=number[:7]).values_list("province__code", "city__code").first()
    )
    return (segment[0], segment[1]) if segment is not None else None


@dataclass
class ImportResult:
    created: int
    updated: int


class SegmentFileError(ValueError):
    """A file with bad lines: ``errors`` holds one ``line N: field: message`` per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def import_segments(text: str) -> ImportResult:
    """Load a CSV ``prefix,province_code,city_code`` (with that header): all lines or none."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != CSV_HEADER:
        raise SegmentFileError([f"line 1: header: expected {','.join(CSV_HEADER)}"])
    provinces = dict(Province.objects.values_list("code", "id"))
    cities = {
        code: (pk, province) for code, pk, province in City.objects.values_list("code", "id", "province_id")
    }
    errors: list[str] = []
    rows: dict[str, tuple[int, int | None]] = {}
    for line, fields in enumerate(reader, start=2):
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != 3:
            errors.append(f"line {line}: columns: expected 3, found {len(fields)}")
            continue
        prefix, province_code, city_code = (f.strip() for f in fields)
        if len(prefix) != 7 or not prefix.isascii() or not prefix.isdigit():
            errors.append(f"line {line}: prefix: {prefix!r} is not seven digits")
        elif prefix in rows:
            errors.append(f"line {line}: prefix: {prefix} appears twice")
        province_id = provinces.get(province_code)
        if province_id is None:
            errors.append(f"line {line}: province_code: unknown province {province_code!r}")
        city_id = None
        if city_code:
            city = cities.get(city_code)
            if city is None:
                errors.append(f"line {line}: city_code: unknown city {city_code!r}")
            elif province_id is not None and city[1] != province_id:
                errors.append(f"line {line}: city_code: city {city_code} is not in province {province_code}")
            else:
                city_id = city[0]
        rows[prefix] = (province_id, city_id)
    if errors:
        raise SegmentFileError(errors)
    return _store(rows)


@transaction.atomic
def _store(rows: dict[str, tuple[int, int | None]]) -> ImportResult:
    existing = {s.prefix: s for s in NumberSegment.objects.filter(prefix__in=list(rows))}
    changed = []
    for prefix, (province_id, city_id) in rows.items():
        segment = existing.get(prefix)
        if segment is not None and (segment.province_id, segment.city_id) != (province_id, city_id):
            segment.province_id, segment.city_id = province_id, city_id
            changed.append(segment)
    NumberSegment.objects.bulk_update(changed, ["province", "city"], batch_size=1000)
    new = [
        NumberSegment(prefix=p, province_id=province_id, city_id=city_id)
        for p, (province_id, city_id) in rows.items()
        if p not in existing
    ]
    NumberSegment.objects.bulk_create(new, batch_size=1000)
    return ImportResult(created=len(new), updated=len(changed))
