"""Independent cross-check benchmark built with Faker (not with the project's own generator).

The main benchmark generator (`gen_bench`) was written by the same engineer as the detectors;
this one uses Faker's zh_CN and en_US providers (identifiers.md §9), so shared assumptions
between generator and detector cannot inflate the score. Same output format as gen_bench:
tables plus labels.tsv (file, column, category|none, role).

Usage: faker_tables.py OUT_DIR [--seed 7] [--tables 8] [--rows 1000]
"""

import csv
import random
import sys
from pathlib import Path

from faker import Faker


def main() -> None:
    args = sys.argv[1:]
    out = Path(args[0])
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 7
    tables = int(args[args.index("--tables") + 1]) if "--tables" in args else 8
    rows = int(args[args.index("--rows") + 1]) if "--rows" in args else 1000
    out.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    Faker.seed(seed)
    zh, us = Faker("zh_CN"), Faker("en_US")

    def one_line(s: str) -> str:
        return s.replace("\n", ", ")

    # (category, role, [headers], needs_header, generator)
    cn_cols = [
        ("person.name", "positive", ["姓名", "name", "xm"], False, zh.name),
        ("id.cn.resident_id", "positive", ["身份证号", "id_card", "sfzh"], False, zh.ssn),
        ("contact.phone", "positive", ["手机号", "phone", "sjh"], False, zh.phone_number),
        ("contact.email", "positive", ["邮箱", "email"], False, zh.email),
        ("contact.address", "positive", ["地址", "address", "dz"], False, zh.address),
        ("fin.payment_card", "positive", ["卡号", "card_no"], False, zh.credit_card_number),
        ("person.birth_date", "positive", ["出生日期", "dob", "csrq"], False, lambda: zh.date_of_birth().isoformat()),
        ("vehicle.plate", "positive", ["车牌号", "plate_no"], False, zh.license_plate),
        ("location.postal_code", "positive", ["邮编", "postcode"], True, zh.postcode),
        ("none", "hard_negative", ["金额", "amount"], False, lambda: f"{zh.pyfloat(min_value=1, max_value=9999, right_digits=2):.2f}"),
        ("none", "hard_negative", ["下单时间", "created_at"], False, lambda: zh.date_time().isoformat(sep=" ")),
        ("none", "hard_negative", ["商品条码", "ean"], False, zh.ean13),
        ("none", "negative", ["公司", "company"], False, zh.company),
    ]
    us_cols = [
        ("person.name", "positive", ["name", "customer_name", "姓名"], False, us.name),
        ("id.us.ssn", "positive", ["ssn", "social_security_number"], False, us.ssn),
        ("id.us.itin", "positive", ["itin"], False, us.itin),
        ("org.us.ein", "positive", ["ein", "employer_id"], False, us.ein),
        ("contact.phone", "positive", ["phone", "phone_number", "电话"], False, us.phone_number),
        ("contact.email", "positive", ["email", "邮箱"], False, us.email),
        ("contact.address", "positive", ["address", "mailing_address", "地址"], False, lambda: one_line(us.address())),
        ("location.postal_code", "positive", ["zip", "zipcode"], True, us.zipcode),
        ("person.birth_date", "positive", ["dob", "birth_date"], False, lambda: us.date_of_birth().strftime("%m/%d/%Y")),
        ("fin.payment_card", "positive", ["credit_card", "card_number"], False, us.credit_card_number),
        ("fin.routing_number", "positive", ["routing_number", "aba"], False, us.aba),
        ("id.us.passport", "positive", ["passport_number"], True, us.passport_number),
        ("online.ip_address", "positive", ["ip", "ip_address"], False, us.ipv4),
        ("online.mac_address", "positive", ["mac_address"], False, us.mac_address),
        ("fin.iban", "positive", ["iban"], False, us.iban),
        ("location.precise", "positive", ["latitude", "lat"], True, lambda: str(us.latitude())),
        ("location.precise", "positive", ["longitude", "lng"], True, lambda: str(us.longitude())),
        ("vehicle.plate", "positive", ["license_plate", "plate"], False, us.license_plate),
        ("none", "hard_negative", ["ref_ssn_check", "c_ssn"], False, us.invalid_ssn),
        ("none", "hard_negative", ["amount", "price"], False, lambda: f"{us.pyfloat(min_value=1, max_value=9999, right_digits=2):.2f}"),
        ("none", "hard_negative", ["event_time", "updated_at"], False, lambda: us.date_time().isoformat()),
        ("none", "hard_negative", ["sku", "upc"], False, us.ean13),
        ("none", "negative", ["job", "title"], False, us.job),
    ]
    labels = [("file", "column", "category", "role")]
    for t in range(tables):
        kind, cols = ("cn", cn_cols) if t % 2 == 0 else ("us", us_cols)
        order = list(range(len(cols)))
        rnd.shuffle(order)
        headers = []
        for pos, ci in enumerate(order):
            cat, role, names, needs_header, _ = cols[ci]
            h = f"c{pos + 1:02d}" if (rnd.random() < 0.3 and not needs_header) else rnd.choice(names)
            if h in headers:
                h = f"{h}_{pos + 1}"
            headers.append(h)
        name = f"f{t:02d}_{kind}.csv"
        for h, ci in zip(headers, order):
            labels.append((name, h, cols[ci][0], cols[ci][1]))
        with (out / name).open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(headers)
            for _ in range(rows):
                w.writerow(["" if rnd.random() < 0.03 else str(cols[ci][4]()) for ci in order])
    with (out / "labels.tsv").open("w", newline="") as f:
        csv.writer(f, delimiter="\t", lineterminator="\n").writerows(labels)
    print(f"wrote {tables} Faker tables of {rows} rows and labels.tsv to {out}")


if __name__ == "__main__":
    main()
