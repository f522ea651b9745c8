"""Demo staff: one of every role in JS and ZJ, with a known password printed by `kefu demo`."""

from __future__ import annotations

from kefu.core.choices import Role
from kefu.core.models import Staff
from kefu.core.services import staff_create

DEMO_PASSWORD = "kefu-demo"  # noqa: S105 - a demo login, printed on purpose; never used outside `kefu demo`

# (job number, role, province, city, name)
DEMO_STAFF = [
    ("admin", Role.ADMINISTRATOR, None, None, "系统管理员"),
    ("hub01", Role.HUB_OPERATOR, None, None, "枢纽值班员"),
    ("sp01", Role.SP_STAFF, None, None, "SP客服"),
    ("plat01", Role.PLATFORM_STAFF, None, None, "平台二线客服"),
    ("js-admin", Role.ADMINISTRATOR, "JS", None, "江苏管理员"),
    ("js-ivr", Role.IVR_SYSTEM, "JS", None, "江苏IVR"),
    ("js1001", Role.HOTLINE_AGENT, "JS", None, "王晓梅"),
    ("js1002", Role.HALL_STAFF, "JS", "3201", "李建国"),
    ("js1003", Role.VIP_MANAGER, "JS", "3205", "陈静"),
    ("js1004", Role.BACK_OFFICE, "JS", None, "张伟"),
    ("js1005", Role.CITY_HANDLER, "JS", "3201", "刘洋"),
    ("js1006", Role.SUPERVISOR, "JS", None, "赵敏"),
    ("js1007", Role.QUALITY_INSPECTOR, "JS", None, "孙丽"),
    ("js1008", Role.KNOWLEDGE_EDITOR, "JS", None, "周文"),
    ("zj-admin", Role.ADMINISTRATOR, "ZJ", None, "浙江管理员"),
    ("zj-ivr", Role.IVR_SYSTEM, "ZJ", None, "浙江IVR"),
    ("zj1001", Role.HOTLINE_AGENT, "ZJ", None, "周杰"),
    ("zj1002", Role.HALL_STAFF, "ZJ", "3301", "吴芳"),
    ("zj1003", Role.VIP_MANAGER, "ZJ", "3302", "郑强"),
    ("zj1004", Role.BACK_OFFICE, "ZJ", None, "冯雪"),
    ("zj1005", Role.CITY_HANDLER, "ZJ", "3301", "蒋涛"),
    ("zj1006", Role.SUPERVISOR, "ZJ", None, "韩梅"),
    ("zj1007", Role.QUALITY_INSPECTOR, "ZJ", None, "杨帆"),
    ("zj1008", Role.KNOWLEDGE_EDITOR, "ZJ", None, "钱程"),
]


def seed_demo_staff() -> list[Staff]:
    """Create the demo staff that do not exist yet; return all of them."""
    staff = []
    for job_number, role, province, city, name in DEMO_STAFF:
        existing = Staff.objects.filter(job_number=job_number).first()
        if existing is None:
            existing = staff_create(
                actor=None,
                job_number=job_number,
                password=DEMO_PASSWORD,
                role=role,
                name=name,
                province_code=province,
                city_code=city,
                sp_code="SP901234" if role == Role.SP_STAFF else "",
            )
        staff.append(existing)
    return staff
