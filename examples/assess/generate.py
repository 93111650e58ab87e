#!/usr/bin/env python3
"""Writes the synthetic datasets of the `freeport assess` examples.

    python3 examples/assess/generate.py           # from anywhere; writes beside this file
    python3 examples/assess/generate.py --check   # exit 1 if a committed file differs

Every value is made up: names are random surname + given-name draws, identifiers are random
numbers made valid (so the scanner's validators accept them) and belong to nobody. Python 3.11
standard library only, one fixed seed per dataset: the same script writes the same bytes.

Identifier rules (../shared/reference/identifiers.md):
- resident ID (GB 11643-1999, §1.1): 6-digit GB/T 2260 county code + YYYYMMDD + 3-digit
  sequence (odd = male, even = female) + ISO 7064 MOD 11-2 check character;
- mobile numbers (§1.4): 11 digits on prefixes of the libphonenumber CN mobile pattern;
- UnionPay debit cards (§1.8): IIN 62, 16 or 19 digits, Luhn check digit (ISO/IEC 7812).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --- GB/T 2260 county-level codes (real codes, current names) ---------------------------------
# code: (province, prefecture, county); municipalities repeat the city as province.
REGIONS: dict[str, tuple[str, str, str]] = {
    "110101": ("北京市", "北京市", "东城区"),
    "110102": ("北京市", "北京市", "西城区"),
    "110105": ("北京市", "北京市", "朝阳区"),
    "110106": ("北京市", "北京市", "丰台区"),
    "110108": ("北京市", "北京市", "海淀区"),
    "110112": ("北京市", "北京市", "通州区"),
    "110114": ("北京市", "北京市", "昌平区"),
    "110115": ("北京市", "北京市", "大兴区"),
    "120101": ("天津市", "天津市", "和平区"),
    "120103": ("天津市", "天津市", "河西区"),
    "120104": ("天津市", "天津市", "南开区"),
    "120116": ("天津市", "天津市", "滨海新区"),
    "130102": ("河北省", "石家庄市", "长安区"),
    "130203": ("河北省", "唐山市", "路北区"),
    "130602": ("河北省", "保定市", "竞秀区"),
    "140105": ("山西省", "太原市", "小店区"),
    "150102": ("内蒙古自治区", "呼和浩特市", "新城区"),
    "210102": ("辽宁省", "沈阳市", "和平区"),
    "210202": ("辽宁省", "大连市", "中山区"),
    "220102": ("吉林省", "长春市", "南关区"),
    "230103": ("黑龙江省", "哈尔滨市", "南岗区"),
    "310101": ("上海市", "上海市", "黄浦区"),
    "310104": ("上海市", "上海市", "徐汇区"),
    "310105": ("上海市", "上海市", "长宁区"),
    "310106": ("上海市", "上海市", "静安区"),
    "310107": ("上海市", "上海市", "普陀区"),
    "310110": ("上海市", "上海市", "杨浦区"),
    "310112": ("上海市", "上海市", "闵行区"),
    "310115": ("上海市", "上海市", "浦东新区"),
    "320102": ("江苏省", "南京市", "玄武区"),
    "320105": ("江苏省", "南京市", "建邺区"),
    "320115": ("江苏省", "南京市", "江宁区"),
    "320213": ("江苏省", "无锡市", "梁溪区"),
    "320506": ("江苏省", "苏州市", "吴中区"),
    "320508": ("江苏省", "苏州市", "姑苏区"),
    "330102": ("浙江省", "杭州市", "上城区"),
    "330106": ("浙江省", "杭州市", "西湖区"),
    "330108": ("浙江省", "杭州市", "滨江区"),
    "330110": ("浙江省", "杭州市", "余杭区"),
    "330212": ("浙江省", "宁波市", "鄞州区"),
    "330302": ("浙江省", "温州市", "鹿城区"),
    "340104": ("安徽省", "合肥市", "蜀山区"),
    "340111": ("安徽省", "合肥市", "包河区"),
    "350102": ("福建省", "福州市", "鼓楼区"),
    "350203": ("福建省", "厦门市", "思明区"),
    "360102": ("江西省", "南昌市", "东湖区"),
    "370102": ("山东省", "济南市", "历下区"),
    "370202": ("山东省", "青岛市", "市南区"),
    "370212": ("山东省", "青岛市", "崂山区"),
    "410105": ("河南省", "郑州市", "金水区"),
    "410302": ("河南省", "洛阳市", "老城区"),
    "420102": ("湖北省", "武汉市", "江岸区"),
    "420106": ("湖北省", "武汉市", "武昌区"),
    "420111": ("湖北省", "武汉市", "洪山区"),
    "430102": ("湖南省", "长沙市", "芙蓉区"),
    "430104": ("湖南省", "长沙市", "岳麓区"),
    "440103": ("广东省", "广州市", "荔湾区"),
    "440104": ("广东省", "广州市", "越秀区"),
    "440105": ("广东省", "广州市", "海珠区"),
    "440106": ("广东省", "广州市", "天河区"),
    "440111": ("广东省", "广州市", "白云区"),
    "440112": ("广东省", "广州市", "黄埔区"),
    "440113": ("广东省", "广州市", "番禺区"),
    "440114": ("广东省", "广州市", "花都区"),
    "440115": ("广东省", "广州市", "南沙区"),
    "440118": ("广东省", "广州市", "增城区"),
    "440203": ("广东省", "韶关市", "武江区"),
    "440304": ("广东省", "深圳市", "福田区"),
    "440305": ("广东省", "深圳市", "南山区"),
    "440306": ("广东省", "深圳市", "宝安区"),
    "440307": ("广东省", "深圳市", "龙岗区"),
    "440402": ("广东省", "珠海市", "香洲区"),
    "440507": ("广东省", "汕头市", "龙湖区"),
    "440604": ("广东省", "佛山市", "禅城区"),
    "440605": ("广东省", "佛山市", "南海区"),
    "440606": ("广东省", "佛山市", "顺德区"),
    "440703": ("广东省", "江门市", "蓬江区"),
    "440802": ("广东省", "湛江市", "赤坎区"),
    "441202": ("广东省", "肇庆市", "端州区"),
    "441302": ("广东省", "惠州市", "惠城区"),
    "441402": ("广东省", "梅州市", "梅江区"),
    "441802": ("广东省", "清远市", "清城区"),
    "450103": ("广西壮族自治区", "南宁市", "青秀区"),
    "450202": ("广西壮族自治区", "柳州市", "城中区"),
    "460106": ("海南省", "海口市", "龙华区"),
    "500103": ("重庆市", "重庆市", "渝中区"),
    "500112": ("重庆市", "重庆市", "渝北区"),
    "510104": ("四川省", "成都市", "锦江区"),
    "510107": ("四川省", "成都市", "武侯区"),
    "520102": ("贵州省", "贵阳市", "南明区"),
    "530102": ("云南省", "昆明市", "五华区"),
    "610113": ("陕西省", "西安市", "雁塔区"),
    "620102": ("甘肃省", "兰州市", "城关区"),
    "640104": ("宁夏回族自治区", "银川市", "兴庆区"),
    "650102": ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
)
# Weights fall with rank, roughly as surname frequencies do.
SURNAME_WEIGHTS = [1.0 / (i + 4) for i in range(len(SURNAMES))]
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华玉萍红梅鹏辉玲鑫宇浩凯健俊帆帅旭宁龙林"
    "欣佳颖婷雪琳晶燕倩丹蕾薇晨阳亮斌波飞鸣峰宏志文博成春聪达德东冬栋芬凤福光国海航豪和虹鸿"
)
ROADS = (
    "中山路", "人民路", "解放路", "建设路", "和平路", "新华路", "长江路", "东风路", "文化路",
    "青年路", "滨江路", "花园路", "迎宾路", "学府路", "科技路", "湖滨路", "南京路", "朝阳路",
)
# Mobile prefixes inside the libphonenumber CN mobile pattern (identifiers.md §1.4).
MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)]
    + ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + [f"18{d}" for d in range(10)]
    + ["166", "173", "175", "176", "177", "178", "191", "198", "199"]
)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(rng: random.Random, region: str, born: dt.date, male: bool) -> str:
    """An 18-character GB 11643 number with a correct MOD 11-2 check character."""
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    total = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS))
    return body + "10X98765432"[total % 11]


def luhn_complete(body: str) -> str:
    """Appends the Luhn check digit."""
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:  # doubled positions, counted from the check digit's left neighbour
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def union_pay(rng: random.Random, bin_: str, length: int) -> str:
    body = bin_ + "".join(str(rng.randrange(10)) for _ in range(length - len(bin_) - 1))
    return luhn_complete(body)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
    given_len = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(GIVEN) for _ in range(given_len))


def birth_date(rng: random.Random, first: int, last: int) -> dt.date:
    start = dt.date(first, 1, 1).toordinal()
    end = dt.date(last, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def street_address(rng: random.Random, region: str) -> str:
    province, city, county = REGIONS[region]
    head = city + county if province == city else province + city + county
    number = rng.randint(1, 999)
    if rng.random() < 0.8:
        building, floor, flat = rng.randint(1, 30), rng.randint(1, 33), rng.randint(1, 8)
        return f"{head}{rng.choice(ROADS)}{number}号{building}栋{floor}{flat:02d}室"
    return f"{head}{rng.choice(ROADS)}{number}号"


CHECK = "--check" in sys.argv[1:]
STALE: list[str] = []


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding)
    name = path.relative_to(HERE)
    if CHECK:
        if not path.exists() or path.read_bytes() != data:
            STALE.append(str(name))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"{name}: {len(rows)} rows, {len(data):,} bytes, {encoding}")


# --- 1. Cross-border e-commerce orders, China → US seller ---------------------------------------

PRODUCTS = (
    ("户外徒步背包 45L", 899), ("防水冲锋衣 男款", 1299), ("防水冲锋衣 女款", 1299),
    ("轻量羽绒服", 1599), ("登山杖 碳纤维 两支装", 459), ("速干T恤", 199), ("露营帐篷 双人", 1899),
    ("睡袋 零下5度", 799), ("户外炉头套装", 369), ("保温水壶 1L", 259), ("徒步鞋 中帮防水", 1099),
    ("头灯 400流明", 229), ("抓绒外套", 499), ("越野跑鞋", 959), ("折叠露营椅", 329),
)


def orders() -> None:
    rng = random.Random(20261111)
    customers = []
    for _ in range(2400):
        # Buyers cluster in the big coastal cities.
        weights = [4 if c[:2] in ("11", "31", "33", "44") else 1 for c in REGIONS]
        region = rng.choices(list(REGIONS), weights)[0]
        customers.append((name(rng), mobile(rng), street_address(rng, region)))
    rows = []
    start = dt.datetime(2026, 11, 1, 0, 0, 0)
    seconds = [rng.randrange(12 * 86400) for _ in range(3000)]
    seconds.sort()
    seen = 0
    for s in seconds:
        # Four orders in five come from a new customer; the rest from one who ordered before.
        if seen == 0 or (rng.random() < 0.8 and seen < len(customers)):
            who = customers[seen]
            seen += 1
        else:
            who = customers[rng.randrange(seen)]
        product, price = rng.choice(PRODUCTS)
        qty = 1 if rng.random() < 0.85 else 2
        order_id = "1" + f"{rng.randrange(10**18):018d}"
        placed = start + dt.timedelta(seconds=s)
        rows.append([
            order_id,
            placed.strftime("%Y-%m-%d %H:%M:%S"),
            *who,
            product,
            str(qty),
            f"{price * qty:.2f}",
        ])
    write_csv(
        HERE / "ecommerce-cn-us" / "orders.csv",
        ["订单号", "下单时间", "收货人", "手机号", "收货地址", "商品", "数量", "金额"],
        rows,
        "gb18030",
    )


# --- 2. HR records, Chinese subsidiary → US parent -----------------------------------------------

DEPARTMENTS = {
    "研发部": (["软件工程师", "高级软件工程师", "测试工程师", "架构师", "研发经理"], 0.45),
    "产品部": (["产品经理", "高级产品经理", "交互设计师"], 0.10),
    "销售部": (["销售代表", "客户经理", "大客户经理", "销售总监"], 0.15),
    "市场部": (["市场专员", "品牌经理"], 0.06),
    "客户成功部": (["技术支持工程师", "客户成功经理"], 0.10),
    "人力资源部": (["HR专员", "招聘经理", "薪酬福利主管"], 0.04),
    "财务部": (["会计", "出纳", "财务经理"], 0.04),
    "行政部": (["行政助理", "前台"], 0.03),
    "法务部": (["法务专员", "合规经理"], 0.03),
}
SALARY = {  # monthly, yuan: (low, high)
    "实习生": (3000, 5000), "前台": (6000, 8000), "行政助理": (6500, 9000), "出纳": (7000, 10000),
    "销售代表": (9000, 15000), "市场专员": (9000, 14000), "HR专员": (9000, 14000), "会计": (10000, 15000),
    "测试工程师": (14000, 24000), "技术支持工程师": (12000, 20000), "软件工程师": (18000, 32000),
    "交互设计师": (15000, 26000), "法务专员": (13000, 20000), "客户经理": (14000, 24000),
    "客户成功经理": (16000, 26000), "品牌经理": (18000, 28000), "产品经理": (22000, 35000),
    "招聘经理": (18000, 28000), "薪酬福利主管": (17000, 26000), "高级软件工程师": (30000, 48000),
    "大客户经理": (25000, 40000), "财务经理": (28000, 40000), "合规经理": (28000, 42000),
    "高级产品经理": (35000, 50000), "架构师": (45000, 65000), "研发经理": (45000, 65000),
    "销售总监": (50000, 75000),
}
# Jobs the dispatch agency fills.
DISPATCHED_JOBS = (
    ("行政部", "前台"),
    ("行政部", "行政助理"),
    ("客户成功部", "技术支持工程师"),
    ("研发部", "测试工程师"),
)
# Payroll banks: ICBC and CMB debit cards (UnionPay IINs, identifiers.md §1.8).
PAYROLL_CARDS = (("621226", 19), ("622202", 19), ("622588", 16))


def employees() -> None:
    rng = random.Random(20260302)
    rows = []
    depts = list(DEPARTMENTS)
    for i in range(800):
        kind = rng.choices(["正式员工", "劳务派遣", "实习生"], [0.90, 0.06, 0.04])[0]
        male = rng.random() < 0.6
        if kind == "实习生":
            born = birth_date(rng, 2002, 2005)
            dept = rng.choice(["研发部", "产品部", "市场部"])
            title = "实习生"
            hired = dt.date(2026, rng.choice([6, 7, 9]), 1)
        else:
            born = birth_date(rng, 1968, 2001)
            if kind == "劳务派遣":
                dept, title = rng.choice(DISPATCHED_JOBS)
            else:
                dept = rng.choices(depts, [DEPARTMENTS[d][1] for d in depts])[0]
                title = rng.choice(DEPARTMENTS[dept][0])
            earliest = max(2012, born.year + 22)
            hired = birth_date(rng, earliest, 2026)
            if hired > dt.date(2026, 10, 31):
                hired = dt.date(2026, 10, 8)
        region = rng.choices(list(REGIONS), [6 if c[:2] == "11" else 1 for c in REGIONS])[0]
        low, high = SALARY[title]
        salary = round(rng.randint(low, high), -2)
        # Dispatched workers are paid by their agency: the subsidiary holds no card for them.
        if kind == "劳务派遣":
            card = ""
        else:
            bin_, length = rng.choice(PAYROLL_CARDS)
            card = union_pay(rng, bin_, length)
        rows.append([
            f"BJ{10001 + i:05d}",
            name(rng),
            resident_id(rng, region, born, male),
            mobile(rng),
            dept,
            title,
            kind,
            hired.isoformat(),
            str(salary),
            card,
        ])
    write_csv(
        HERE / "hr-cn-subsidiary-us-parent" / "employees.csv",
        [
            "工号", "姓名", "身份证号", "手机号", "部门", "职位",
            "用工类型", "入职日期", "月薪", "银行卡号",
        ],
        rows,
        "utf-8",
    )


# --- 3. Clinical dataset, Guangzhou hospital → US research partner -------------------------------

# Primary diagnosis (ICD-10, WHO), weight, and (fasting glucose mmol/L, HbA1c %) centres.
DIAGNOSES = (
    ("E11.9", 30, (8.2, 7.6)), ("E11.2", 8, (8.9, 8.1)), ("E11.3", 6, (9.1, 8.3)),
    ("E11.4", 6, (9.0, 8.2)), ("E11.5", 4, (9.3, 8.4)), ("E11.7", 3, (9.8, 8.9)),
    ("E10.9", 3, (9.5, 8.5)), ("R73.0", 8, (6.4, 6.0)), ("I10", 12, (5.6, 5.6)),
    ("E78.5", 8, (5.5, 5.5)), ("E66.9", 4, (5.9, 5.8)), ("I25.1", 4, (6.0, 5.9)),
    ("N18.9", 2, (6.3, 6.1)), ("I63.9", 2, (6.1, 6.0)),
)
ETHNICITIES = (
    ("汉族", 960), ("壮族", 14), ("瑶族", 5), ("土家族", 5), ("苗族", 4), ("回族", 4),
    ("满族", 3), ("畲族", 2), ("侗族", 2), ("蒙古族", 1),
)


def patients() -> None:
    rng = random.Random(20260615)
    guangzhou = [c for c in REGIONS if c.startswith("4401")]
    guangdong = [c for c in REGIONS if c.startswith("44") and not c.startswith("4401")]
    elsewhere = [c for c in REGIONS if c[:2] in ("43", "45", "36", "42", "51", "35")]
    rows = []
    for i in range(2000):
        male = rng.random() < 0.55
        age = min(92, max(25, int(rng.gauss(60, 12))))
        born = birth_date(rng, 2026 - age, 2026 - age)
        where = rng.random()
        home = guangzhou if where < 0.70 else guangdong if where < 0.92 else elsewhere
        address = rng.choice(home)
        # The ID's region is where the person was registered at birth: mostly, not always, home.
        id_region = address if rng.random() < 0.75 else rng.choice(list(REGIONS))
        code, _, (fpg, a1c) = rng.choices(DIAGNOSES, [d[1] for d in DIAGNOSES])[0]
        ethnicity = rng.choices([e[0] for e in ETHNICITIES], [e[1] for e in ETHNICITIES])[0]
        rows.append([
            f"{2019 + i % 7}{300001 + i:06d}",
            name(rng),
            resident_id(rng, id_region, born, male),
            mobile(rng),
            born.isoformat(),
            "男" if male else "女",
            ethnicity,
            address,
            code,
            f"{max(3.6, rng.gauss(fpg, 1.2)):.1f}",
            f"{max(4.2, rng.gauss(a1c, 0.8)):.1f}",
        ])
    write_csv(
        HERE / "clinical-cn-hospital-us" / "patients.csv",
        [
            "病历号", "姓名", "身份证号", "联系电话", "出生日期", "性别", "民族",
            "住址区划代码", "诊断", "空腹血糖检验结果", "糖化血红蛋白检验结果",
        ],
        rows,
        "utf-8",
    )


if __name__ == "__main__":
    orders()
    employees()
    patients()
    if STALE:
        print("differs from what generate.py writes: " + ", ".join(STALE), file=sys.stderr)
        sys.exit(1)
