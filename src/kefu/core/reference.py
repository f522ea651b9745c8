"""Reference data shipped with kefu: provinces (with the operators' two-letter codes and GB/T 2260
codes), prefecture-level cities with their long-distance area codes, and the standard departments.

Loaded by a data migration and kept in step by ``load_reference_data`` (idempotent).
"""

from __future__ import annotations

# (code, GB/T 2260 code, name, English name)
PROVINCES = [
    ("BJ", "11", "北京", "Beijing"),
    ("TJ", "12", "天津", "Tianjin"),
    ("HE", "13", "河北", "Hebei"),
    ("SX", "14", "山西", "Shanxi"),
    ("NM", "15", "内蒙古", "Inner Mongolia"),
    ("LN", "21", "辽宁", "Liaoning"),
    ("JL", "22", "吉林", "Jilin"),
    ("HL", "23", "黑龙江", "Heilongjiang"),
    ("SH", "31", "上海", "Shanghai"),
    ("JS", "32", "江苏", "Jiangsu"),
    ("ZJ", "33", "浙江", "Zhejiang"),
    ("AH", "34", "安徽", "Anhui"),
    ("FJ", "35", "福建", "Fujian"),
    ("JX", "36", "江西", "Jiangxi"),
    ("SD", "37", "山东", "Shandong"),
    ("HA", "41", "河南", "Henan"),
    ("HB", "42", "湖北", "Hubei"),
    ("HN", "43", "湖南", "Hunan"),
    ("GD", "44", "广东", "Guangdong"),
    ("GX", "45", "广西", "Guangxi"),
    ("HI", "46", "海南", "Hainan"),
    ("CQ", "50", "重庆", "Chongqing"),
    ("SC", "51", "四川", "Sichuan"),
    ("GZ", "52", "贵州", "Guizhou"),
    ("YN", "53", "云南", "Yunnan"),
    ("XZ", "54", "西藏", "Tibet"),
    ("SN", "61", "陕西", "Shaanxi"),
    ("GS", "62", "甘肃", "Gansu"),
    ("QH", "63", "青海", "Qinghai"),
    ("NX", "64", "宁夏", "Ningxia"),
    ("XJ", "65", "新疆", "Xinjiang"),
]

# (GB/T 2260 city code, area code, name, English name); JS and ZJ complete, elsewhere the capital
# and the largest cities.
CITIES = [
    ("1101", "010", "北京", "Beijing"),
    ("1201", "022", "天津", "Tianjin"),
    ("1301", "0311", "石家庄", "Shijiazhuang"),
    ("1302", "0315", "唐山", "Tangshan"),
    ("1306", "0312", "保定", "Baoding"),
    ("1401", "0351", "太原", "Taiyuan"),
    ("1402", "0352", "大同", "Datong"),
    ("1501", "0471", "呼和浩特", "Hohhot"),
    ("1502", "0472", "包头", "Baotou"),
    ("2101", "024", "沈阳", "Shenyang"),
    ("2102", "0411", "大连", "Dalian"),
    ("2201", "0431", "长春", "Changchun"),
    ("2202", "0432", "吉林", "Jilin"),
    ("2301", "0451", "哈尔滨", "Harbin"),
    ("2302", "0452", "齐齐哈尔", "Qiqihar"),
    ("3101", "021", "上海", "Shanghai"),
    ("3201", "025", "南京", "Nanjing"),
    ("3202", "0510", "无锡", "Wuxi"),
    ("3203", "0516", "徐州", "Xuzhou"),
    ("3204", "0519", "常州", "Changzhou"),
    ("3205", "0512", "苏州", "Suzhou"),
    ("3206", "0513", "南通", "Nantong"),
    ("3207", "0518", "连云港", "Lianyungang"),
    ("3208", "0517", "淮安", "Huai'an"),
    ("3209", "0515", "盐城", "Yancheng"),
    ("3210", "0514", "扬州", "Yangzhou"),
    ("3211", "0511", "镇江", "Zhenjiang"),
    ("3212", "0523", "泰州", "Taizhou"),
    ("3213", "0527", "宿迁", "Suqian"),
    ("3301", "0571", "杭州", "Hangzhou"),
    ("3302", "0574", "宁波", "Ningbo"),
    ("3303", "0577", "温州", "Wenzhou"),
    ("3304", "0573", "嘉兴", "Jiaxing"),
    ("3305", "0572", "湖州", "Huzhou"),
    ("3306", "0575", "绍兴", "Shaoxing"),
    ("3307", "0579", "金华", "Jinhua"),
    ("3308", "0570", "衢州", "Quzhou"),
    ("3309", "0580", "舟山", "Zhoushan"),
    ("3310", "0576", "台州", "Taizhou"),
    ("3311", "0578", "丽水", "Lishui"),
    ("3401", "0551", "合肥", "Hefei"),
    ("3402", "0553", "芜湖", "Wuhu"),
    ("3501", "0591", "福州", "Fuzhou"),
    ("3502", "0592", "厦门", "Xiamen"),
    ("3505", "0595", "泉州", "Quanzhou"),
    ("3601", "0791", "南昌", "Nanchang"),
    ("3604", "0792", "九江", "Jiujiang"),
    ("3701", "0531", "济南", "Jinan"),
    ("3702", "0532", "青岛", "Qingdao"),
    ("3706", "0535", "烟台", "Yantai"),
    ("4101", "0371", "郑州", "Zhengzhou"),
    ("4103", "0379", "洛阳", "Luoyang"),
    ("4201", "027", "武汉", "Wuhan"),
    ("4205", "0717", "宜昌", "Yichang"),
    ("4301", "0731", "长沙", "Changsha"),
    ("4303", "0731", "湘潭", "Xiangtan"),
    ("4401", "020", "广州", "Guangzhou"),
    ("4403", "0755", "深圳", "Shenzhen"),
    ("4406", "0757", "佛山", "Foshan"),
    ("4419", "0769", "东莞", "Dongguan"),
    ("4501", "0771", "南宁", "Nanning"),
    ("4503", "0773", "桂林", "Guilin"),
    ("4601", "0898", "海口", "Haikou"),
    ("4602", "0898", "三亚", "Sanya"),
    ("5001", "023", "重庆", "Chongqing"),
    ("5101", "028", "成都", "Chengdu"),
    ("5107", "0816", "绵阳", "Mianyang"),
    ("5201", "0851", "贵阳", "Guiyang"),
    ("5203", "0851", "遵义", "Zunyi"),
    ("5301", "0871", "昆明", "Kunming"),
    ("5303", "0874", "曲靖", "Qujing"),
    ("5401", "0891", "拉萨", "Lhasa"),
    ("6101", "029", "西安", "Xi'an"),
    ("6104", "029", "咸阳", "Xianyang"),
    ("6201", "0931", "兰州", "Lanzhou"),
    ("6202", "0937", "嘉峪关", "Jiayuguan"),
    ("6301", "0971", "西宁", "Xining"),
    ("6401", "0951", "银川", "Yinchuan"),
    ("6501", "0991", "乌鲁木齐", "Urumqi"),
    ("6502", "0990", "克拉玛依", "Karamay"),
]

# Responsible departments (责任部门, SR-4); the last one is 000's addition.
RESPONSIBLE_DEPARTMENTS = [
    ("RESP-MARKET", "市场经营部"),
    ("RESP-NETWORK", "网络部"),
    ("RESP-BILLING", "业务支撑部(计费)"),
    ("RESP-SERVICE", "客户服务部"),
    ("RESP-ENTERPRISE", "集团客户部"),
    ("RESP-DATA", "数据业务部"),
    ("RESP-CHANNEL", "渠道管理部"),
    ("RESP-IT", "信息技术部"),
    ("RESP-FINANCE", "财务部"),
    ("RESP-PARTNER", "合作伙伴(SP/CP)"),
    ("RESP-OTHER", "其他部门"),
]


def load_reference_data(Province, City, Department, AgentGroup) -> None:
    """Create or update the reference rows; safe to run again. Takes model classes so that a data
    migration can pass its historical models."""
    provinces = {}
    for code, gb, name, name_en in PROVINCES:
        provinces[gb], _ = Province.objects.update_or_create(
            code=code, defaults={"gb_code": gb, "name": name, "name_en": name_en}
        )
    for code, area, name, name_en in CITIES:
        province = provinces[code[:2]]
        city, _ = City.objects.update_or_create(
            code=code, defaults={"province": province, "area_code": area, "name": name, "name_en": name_en}
        )
        Department.objects.update_or_create(
            code=f"CITY-{code}",
            defaults={
                "name": f"{name}分公司客户服务中心",
                "kind": "city_team",
                "province": province,
                "city": city,
            },
        )
        AgentGroup.objects.update_or_create(
            code=f"GRP-{code}", defaults={"name": f"{name}逻辑组", "province": province, "city": city}
        )
    for province in provinces.values():
        Department.objects.update_or_create(
            code=f"CENTRE-{province.code}",
            defaults={"name": f"{province.name}客户服务中心", "kind": "centre", "province": province},
        )
        AgentGroup.objects.update_or_create(
            code=f"GRP-{province.code}-PUBLIC",
            defaults={"name": f"{province.name}公共组", "province": province, "is_public": True},
        )
    for code, name in RESPONSIBLE_DEPARTMENTS:
        Department.objects.update_or_create(code=code, defaults={"name": name, "kind": "responsible"})
