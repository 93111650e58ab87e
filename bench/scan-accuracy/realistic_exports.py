"""Realistic exports, generated with Faker (zh_CN, en_US), as they leave real systems: a Chinese
CRM export in GBK with Chinese headers, a pinyin-headed registry, a US clinic export with a
death date, vitals and lab values, an HR workbook with an employee sheet beside a product and a
store sheet, nested JSON Lines orders (`orders[].pay_card`), and free-text service and clinical
notes that hold ID numbers, phone numbers, diseases, religions and children's ages.

Labels are what a careful person would give each column, "none" included; sheets and tables
about things (products, stores) carry role `table_negative` and must get no category and no
people. Parquet is not generated: it would need pyarrow in the benchmark environment (the
scanner's Parquet reader has its own tests).

Usage: realistic_exports.py OUT_DIR [--seed 7] [--rows 1000]
"""

import csv
import json
import random
import sys
from pathlib import Path

from faker import Faker
from openpyxl import Workbook

DISEASES_ZH = ["高血压", "糖尿病", "乙肝", "哮喘", "抑郁症", "冠心病", "肺结核", "艾滋病"]
DISEASES_EN = ["hypertension", "type 2 diabetes", "asthma", "depression", "HIV positive", "COPD", "epilepsy", "hepatitis C"]
RELIGIONS_ZH = ["佛教", "基督教", "伊斯兰教", "天主教", "道教", "无"]
RELIGIONS_EN = ["Catholic", "Baptist", "Muslim", "Jewish", "Buddhist", "None"]
MEDS_EN = ["metformin 500 mg", "lisinopril 10 mg", "atorvastatin 20 mg", "insulin glargine", "sertraline 50 mg"]
MARITAL_ZH = ["已婚", "未婚", "离异", "丧偶"]
MARITAL_EN = ["Married", "Single", "Divorced", "Widowed"]
POLITICAL_ZH = ["中共党员", "共青团员", "群众", "民主党派"]


def internal(prefix: str, n: int, width: int = 6) -> str:
    return f"{prefix}{n:0{width}d}"


def bank_account(rnd: random.Random) -> str:
    return "".join(str(rnd.randint(0, 9)) for _ in range(rnd.choice([12, 16, 19])))


def write_csv(path: Path, header, rows, encoding="utf-8") -> None:
    with open(path, "w", newline="", encoding=encoding, errors="strict") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main() -> None:
    args = sys.argv[1:]
    out = Path(args[0])
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 7
    n = int(args[args.index("--rows") + 1]) if "--rows" in args else 1000
    out.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    Faker.seed(seed)
    zh, us = Faker("zh_CN"), Faker("en_US")
    labels = [("file", "column", "category", "role")]

    def label(file, columns):
        things = all(c == "none" for _, c in columns)
        for column, category in columns:
            role = "table_negative" if things else ("positive" if category != "none" else "negative")
            labels.append((file, column, category, role))

    # 1. Chinese CRM export, GBK, Chinese headers, service notes.
    cols = [("客户编号", "id.internal"), ("姓名", "person.name"), ("手机号", "contact.phone"),
            ("身份证号", "id.cn.resident_id"), ("省份", "location.coarse"), ("城市", "location.coarse"),
            ("区县", "location.coarse"), ("详细地址", "contact.address"), ("婚姻状况", "person.marital_status"),
            ("政治面貌", "person.political_affiliation"), ("宗教信仰", "person.religion"),
            ("银行账号", "fin.bank_account"), ("消费金额", "none"), ("下单时间", "none"),
            ("客服备注", "communication.content")]
    rows = []
    for i in range(n):
        note = rnd.choice([
            f"客户来电修改收货地址，联系电话{zh.phone_number()}，已处理。",
            f"客户称患有{rnd.choice(DISEASES_ZH)}，要求优先配送药品。",
            f"客户信仰{rnd.choice(RELIGIONS_ZH[:5])}，不吃猪肉制品，请备注。",
            f"客户孩子{rnd.randint(3, 12)}岁，咨询儿童座椅。",
            f"已核实身份证号{zh.ssn()}，退款完成。",
            "订单已发货，预计三天内送达，客户表示满意。",
            "客户要求开具发票，抬头为公司名称，已发送邮件。",
        ])
        rows.append([internal("C", 100000 + i), zh.name(), zh.phone_number(), zh.ssn(), zh.province(),
                     zh.city(), zh.district() + "区", zh.street_address(), rnd.choice(MARITAL_ZH),
                     rnd.choice(POLITICAL_ZH), rnd.choice(RELIGIONS_ZH), bank_account(rnd),
                     f"{rnd.uniform(5, 5000):.2f}", zh.date_time_this_year().isoformat(sep=" "), note])
    write_csv(out / "rx_cn_crm_gbk.csv", [c for c, _ in cols], rows, encoding="gbk")
    label("rx_cn_crm_gbk.csv", cols)

    # 2. Registry with pinyin-abbreviation headers (UTF-8).
    cols = [("xm", "person.name"), ("sfzh", "id.cn.resident_id"), ("sjh", "contact.phone"),
            ("csrq", "person.birth_date"), ("xb", "person.gender"), ("mz", "person.ethnicity"),
            ("hyzk", "person.marital_status"), ("zzmm", "person.political_affiliation"),
            ("dz", "contact.address"), ("yb", "location.postal_code")]
    rows = []
    for _ in range(n):
        rows.append([zh.name(), zh.ssn(), zh.phone_number(), zh.date_of_birth().isoformat(),
                     rnd.choice(["男", "女"]), rnd.choice(["汉族", "回族", "满族", "壮族", "苗族"]),
                     rnd.choice(MARITAL_ZH), rnd.choice(POLITICAL_ZH), zh.address(), zh.postcode()])
    write_csv(out / "rx_cn_pinyin.csv", [c for c, _ in cols], rows)
    label("rx_cn_pinyin.csv", cols)

    # 3. US clinic export: vitals, labs, a death date, clinical notes.
    cols = [("patient_id", "id.internal"), ("first_name", "person.name"), ("last_name", "person.name"),
            ("dob", "person.birth_date"), ("date_of_death", "person.death_date"), ("ssn", "id.us.ssn"),
            ("phone", "contact.phone"), ("email", "contact.email"), ("city", "location.coarse"),
            ("state", "location.coarse"), ("zip", "location.postal_code"), ("marital_status", "person.marital_status"),
            ("religion", "person.religion"), ("bmi", "health.body_measurement"),
            ("blood_pressure", "health.body_measurement"), ("glucose_mg_dl", "health.lab_result"),
            ("hba1c", "health.lab_result"), ("diagnosis", "health.diagnosis"), ("medication", "health.medication"),
            ("visit_fee", "none"), ("clinical_note", "communication.content")]
    rows = []
    for i in range(n):
        dead = rnd.random() < 0.2
        note = rnd.choice([
            f"Pt seen for follow-up. SSN {us.ssn()} verified. {rnd.choice(DISEASES_EN)} stable.",
            f"Patient reports {rnd.choice(DISEASES_EN)}; started {rnd.choice(MEDS_EN)}.",
            f"Mother brought her {rnd.randint(2, 12)}-year-old son; call back at {us.phone_number()}.",
            f"Patient is {rnd.choice(RELIGIONS_EN[:5])} and declines blood products.",
            "Routine visit, no complaints, vitals within normal limits.",
        ])
        rows.append([internal("P", i + 1), us.first_name(), us.last_name(),
                     us.date_of_birth(minimum_age=18, maximum_age=90).strftime("%m/%d/%Y"),
                     us.date_between("-5y", "today").isoformat() if dead else "",
                     us.ssn(), us.phone_number(), us.email(), us.city(), us.state_abbr(), us.zipcode(),
                     rnd.choice(MARITAL_EN), rnd.choice(RELIGIONS_EN), f"{rnd.uniform(16, 45):.1f}",
                     f"{rnd.randint(95, 180)}/{rnd.randint(55, 110)}", str(rnd.randint(65, 300)),
                     f"{rnd.uniform(4.5, 12):.1f}", rnd.choice(DISEASES_EN), rnd.choice(MEDS_EN),
                     f"{rnd.uniform(20, 400):.2f}", note])
    write_csv(out / "rx_us_patients.csv", [c for c, _ in cols], rows)
    label("rx_us_patients.csv", cols)

    # 4. HR workbook: employees beside products and stores.
    book = Workbook()
    sheet = book.active
    sheet.title = "Employees"
    cols = [("employee_id", "id.internal"), ("name", "person.name"), ("email", "contact.email"),
            ("mobile", "contact.phone"), ("department", "employment.record"), ("salary", "fin.income"),
            ("bank_account", "fin.bank_account"), ("hire_date", "employment.record")]
    sheet.append([c for c, _ in cols])
    for i in range(n // 4):
        sheet.append([f"EMP-{i + 1:05d}", us.name(), us.company_email(), us.phone_number(),
                      rnd.choice(["Sales", "Finance", "R&D", "Support"]), rnd.randint(40000, 180000),
                      bank_account(rnd), us.date_between("-10y", "today").isoformat()])
    label("rx_hr.xlsx#Employees", cols)
    products = book.create_sheet("Products")
    cols = [("sku", "none"), ("product_name", "none"), ("category", "none"), ("price", "none"),
            ("stock", "none"), ("weight_kg", "none")]
    products.append([c for c, _ in cols])
    for i in range(n // 4):
        products.append([f"SKU-{i:06d}", us.catch_phrase(), rnd.choice(["Tools", "Garden", "Kitchen"]),
                         round(rnd.uniform(1, 500), 2), rnd.randint(0, 900), round(rnd.uniform(0.1, 40), 1)])
    label("rx_hr.xlsx#Products", cols)
    stores = book.create_sheet("Stores")
    cols = [("store_id", "none"), ("store_name", "none"), ("city", "none"), ("state", "none"),
            ("latitude", "none"), ("longitude", "none"), ("opened", "none")]
    stores.append([c for c, _ in cols])
    for i in range(60):
        stores.append([f"ST{i:04d}", f"{us.last_name()} {rnd.choice(['Plaza', 'Center', 'Mall'])}",
                       rnd.choice(["Chicago", "Houston", "Phoenix", "Dallas", "Austin", "Denver"]),
                       us.state_abbr(), f"{us.latitude():.6f}", f"{us.longitude():.6f}",
                       us.date_between("-30y", "today").isoformat()])
    label("rx_hr.xlsx#Stores", cols)
    book.save(out / "rx_hr.xlsx")

    # 5. Nested JSON Lines: a customer with an array of orders.
    with open(out / "rx_orders.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            orders = [{"order_id": f"SO{rnd.randint(10**9, 10**10 - 1)}", "pay_card": us.credit_card_number(),
                       "amount": round(rnd.uniform(5, 900), 2)} for _ in range(rnd.randint(1, 3))]
            record = {"customer": {"name": us.name(), "email": us.email(), "phone": us.phone_number()},
                      "orders": orders, "channel": rnd.choice(["web", "app", "store"])}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    label("rx_orders.jsonl", [("customer.name", "person.name"), ("customer.email", "contact.email"),
                               ("customer.phone", "contact.phone"), ("orders[].order_id", "none"),
                               ("orders[].pay_card", "fin.payment_card"), ("orders[].amount", "none"),
                               ("channel", "none")])

    with open(out / "labels.tsv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter="\t", lineterminator="\n").writerows(labels)
    people = sum(1 for r in labels[1:] if r[2] != "none")
    print(f"realistic exports: {len(labels) - 1} columns, {people} personal")


if __name__ == "__main__":
    main()
