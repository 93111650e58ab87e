"""Generates the throughput benchmark CSV: mixed Chinese and US columns, seeded, valid
identifiers (GB 11643 check digit, Luhn cards, SSN rules), ≥ 200 MB by default.

Usage: gen_csv.py OUT.csv [--mb 220] [--seed 7]
Rows are drawn from pools of pre-built values so generation runs at disk speed; subjects repeat
(about 200,000 distinct people), as in real exports.
"""

import random
import sys

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏建华飞琳玲晶宇浩然子轩梓涵一诺欣怡"
REGIONS = ["110105", "310104", "440305", "510107", "330106", "320102", "420106", "610113", "370202", "500103"]
CITIES = ["北京市朝阳区", "上海市浦东新区", "广东省深圳市南山区", "四川省成都市武侯区", "浙江省杭州市西湖区", "江苏省南京市鼓楼区"]
ROADS = ["建国路", "世纪大道", "科技园路", "文三路", "人民南路", "中山路", "解放大道"]
FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Moore"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(r):
    body = f"{r.choice(REGIONS)}{r.randint(1950, 2005)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 999):03d}"
    s = sum(int(c) * w for c, w in zip(body, WEIGHTS))
    return body + "10X98765432"[s % 11]


def luhn(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def ssn(r):
    while True:
        area = r.randint(1, 899)
        if area != 666:
            return f"{area:03d}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}"


def person(r):
    return (
        r.choice(SURNAMES) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.6 else ""),
        resident_id(r),
        r.choice(["138", "139", "150", "186", "135", "199"]) + f"{r.randint(0, 99999999):08d}",
        f"{r.choice(CITIES)}{r.choice(ROADS)}{r.randint(1, 999)}号",
        luhn("622848" + f"{r.randint(0, 10**12 - 1):012d}"),
        f"{r.choice(FIRST)} {r.choice(LAST)}",
        ssn(r),
        f"({r.randint(201, 989)}) {r.randint(200, 999)}-{r.randint(0, 9999):04d}",
        f"user{r.randint(0, 10**7)}@example.com",
        f"{r.randint(1, 12):02d}/{r.randint(1, 28):02d}/{r.randint(1940, 2005)}",
    )


HEADER = "姓名,身份证号,手机号,地址,银行卡号,name,ssn,phone,email,dob,lat,lon,order_id,amount,note\n"


def main():
    args = sys.argv[1:]
    out = args[0]
    mb = float(args[args.index("--mb") + 1]) if "--mb" in args else 220
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 7
    r = random.Random(seed)
    people = [person(r) for _ in range(200_000)]
    notes = ["", "", "客户要求周末送货", "call back after 5pm", "已核实身份", "VIP"]
    target = int(mb * 1e6)
    written = 0
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        chunk = []
        while written < target:
            p = people[r.randrange(len(people))]
            row = ",".join(p[:10]) + (
                f",{r.uniform(18, 53):.5f},{r.uniform(73, 135):.5f},"
                f"{r.randint(10**15, 10**16 - 1)},{r.randint(1, 99999) / 100:.2f},{r.choice(notes)}\n"
            )
            chunk.append(row)
            written += len(row.encode("utf-8"))
            if len(chunk) == 10_000:
                f.write("".join(chunk))
                chunk.clear()
        f.write("".join(chunk))
    print(f"wrote {out}: {written / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
