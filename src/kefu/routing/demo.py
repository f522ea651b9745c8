"""The demo's routing (issue 14): number segments of the demo provinces' cities, one hotline queue
per province with skill queues (ORG-6), and seats for the demo's agents plus a few routing agents, so
that the wallboard and the call bar have something to show. Idempotent."""

from __future__ import annotations

from django.db import transaction

from kefu.core.choices import Role
from kefu.core.models import AgentGroup, City, Province, Staff
from kefu.core.services import staff_create
from kefu.routing.models import NumberSegment, RoutingQueue, Seat

DEMO_PROVINCES = ("JS", "ZJ")
# the mobile prefixes the demo's segments are cut from (seven digits: prefix + 4)
PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "187",
    "188",
)
# one hotline per province on the demo's single node: JS answers 10086, ZJ its area-coded 057110086
HOTLINES = {"JS": "10086", "ZJ": "057110086"}
SKILLS = (
    ("COMPLAINT", "complaint", "投诉"),
    ("BROADBAND", "broadband", "宽带故障"),
    ("CALLBACK", "callback", "回访"),
)
# (job number, name, province, city or None, groups besides the public one?, skills)
ROUTING_AGENTS = [
    ("js2001", "钱进", "JS", "3201", {}),
    ("js2002", "孙悦", "JS", "3205", {"complaint": 3}),
    ("js2003", "李响", "JS", None, {"broadband": 2, "callback": 1}),
    ("zj2001", "周航", "ZJ", "3301", {}),
    ("zj2002", "吴越", "ZJ", None, {"complaint": 2, "broadband": 1}),
]
DEMO_AGENTS = [("js1001", "3201", {"complaint": 1}), ("zj1001", "3301", {"complaint": 1})]


def segments_for(province: str, city_code: str) -> list[str]:
    """Ten segments per prefix for a city: prefix + province digit + the city's two digits + 0-9."""
    digit = "2" if province == "JS" else "3"
    return [f"{p}{digit}{city_code[2:]}{n}" for p in PREFIXES for n in range(10)]


@transaction.atomic
def load_demo(*, password: str) -> dict[str, int]:
    provinces = {p.code: p for p in Province.objects.filter(code__in=(*DEMO_PROVINCES, "BJ"))}
    existing = set(NumberSegment.objects.values_list("prefix", flat=True))
    segments = []
    for city in City.objects.filter(province__code__in=DEMO_PROVINCES).select_related("province"):
        for prefix in segments_for(city.province.code, city.code):
            if prefix not in existing:
                segments.append(NumberSegment(prefix=prefix, province=city.province, city=city))
    beijing = City.objects.filter(code="1101").first()
    for n in range(10):  # out of the demo's area: Beijing numbers go to the public group first
        if f"139010{n}" not in existing:
            segments.append(NumberSegment(prefix=f"139010{n}", province=provinces["BJ"], city=beijing))
    NumberSegment.objects.bulk_create(segments, batch_size=1000)

    queues = 0
    for code in DEMO_PROVINCES:
        province = provinces[code]
        hotline = HOTLINES[code]
        _, made = RoutingQueue.objects.get_or_create(
            code=f"{code}-10086",
            defaults={
                "name": f"{province.name}10086",
                "province": province,
                "hotline": hotline,
                "max_wait": 110,  # under the SIP INVITE's 120 s
                "fallback": f"sip:voicemail-{code.lower()}@127.0.0.1",
                "priority": "score",
                "level_bonus": {"1": 15, "2": 30, "3": 60, "4": 120},
            },
        )
        queues += made
        for n, (suffix, skill, label) in enumerate(SKILLS, start=1):
            _, made = RoutingQueue.objects.get_or_create(
                code=f"{code}-{suffix}",
                defaults={
                    "name": f"{province.name}{label}专席",
                    "province": province,
                    "hotline": f"{hotline}{n:02d}",
                    "skill": skill,
                    "tiers": [{"groups": "@public", "wait": 0}, {"groups": "@home", "wait": 0}],
                    "max_wait": 110,
                    "fallback": f"sip:callback-{code.lower()}@127.0.0.1",
                },
            )
            queues += made

    seats = 0
    port = 5070
    agents = [(job, city, skills) for job, city, skills in DEMO_AGENTS]
    for job, name, province, city, skills in ROUTING_AGENTS:
        if not Staff.objects.filter(job_number=job).exists():
            staff_create(actor=None, job_number=job, password=password, role=Role.HOTLINE_AGENT, name=name,
                         province_code=province, city_code=city)  # fmt: skip
        agents.append((job, city, skills))
    for job, city, skills in agents:
        staff = Staff.objects.filter(job_number=job).first()
        port += 1
        if staff is None or Seat.objects.filter(staff=staff).exists():
            continue
        seat = Seat.objects.create(staff=staff, skills=skills, contact=f"sip:{job}@127.0.0.1:{port}")
        codes = [f"GRP-{staff.province.code}-PUBLIC"] + ([f"GRP-{city}"] if city else [])
        seat.groups.set(AgentGroup.objects.filter(code__in=codes))
        seats += 1
    return {"segments": len(segments), "queues": queues, "seats": seats}
