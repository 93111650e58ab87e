//! Seeded, labelled, bilingual synthetic benchmark for column classification.
//!
//! `cargo run -p freeport-detect --example gen_bench -- --seed 7 --out DIR [--tables 24] [--rows 1000]`
//!
//! Writes `DIR/tNN_<kind>.csv` tables (Chinese customers, US customers, health/device/genomic
//! records, free-text notes, hard negatives) and `DIR/labels.tsv`
//! (`file<TAB>column<TAB>category|none<TAB>role`), where role is `positive`, `negative` or
//! `hard_negative` (order numbers, amounts, timestamps, SKUs, 18-digit numbers failing GB 11643,
//! 16-digit numbers failing Luhn).
//!
//! Realism over convenience: values come in several formats per category (dashes, spaces,
//! country codes, lower-case check characters, Chinese dates), carry nulls (0–15 % per column)
//! and dirty cells (`N/A`, `无`, typos that break the check digit), and headers are English,
//! Chinese, pinyin abbreviations or neutral (`c07`), so values alone must decide. Categories
//! whose values carry no signal of their own (a 9-digit US passport, a driver's licence, a
//! 5-digit ZIP, a genotype) always get a descriptive header, as no detector — human or
//! machine — can tell them from any other number otherwise.
//!
//! The generator keeps its own name, surname and region lists (deliberately not the detector's:
//! some surnames and given-name characters are outside the detector's lists).

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "command-line example"
)]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "command-line example; failing fast is the point"
)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

/// SplitMix64: small, seeded, reproducible across platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
    fn float(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

// ---------------------------------------------------------------------------------------------
// Check-digit helpers (independent implementations of the public rules in identifiers.md).

fn mod11_2(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = first17
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    char::from(b"10X98765432"[(s % 11) as usize])
}

fn luhn_digit(body: &str) -> char {
    let mut sum = 0;
    for (i, b) in body.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

fn luhn_valid(s: &str) -> bool {
    let body = &s[..s.len() - 1];
    s.ends_with(luhn_digit(body))
}

const USCC_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn uscc(r: &mut Rng) -> String {
    let region = r.pick(&["110108", "310115", "440300", "330106", "350100", "510107"]);
    let mut org = String::new();
    for _ in 0..8 {
        org.push(char::from(*r.pick(b"0123456789ABCDEFGHJKLMNPQRTUWXY")));
    }
    let w = [3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = org
        .bytes()
        .zip(w)
        .map(|(b, w)| {
            w * if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                u32::from(b - b'A') + 10
            }
        })
        .sum();
    let c = match 11 - s % 11 {
        10 => 'X',
        11 => '0',
        d => char::from(b'0' + d as u8),
    };
    let body = format!(
        "{}{}{region}{org}{c}",
        r.pick(&["9", "9", "9", "1", "5", "Y"]),
        r.pick(&["1", "1", "2", "3"])
    );
    let w = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let s: u32 = body
        .bytes()
        .zip(w)
        .map(|(b, w)| w * USCC_ALPHABET.iter().position(|&a| a == b).unwrap() as u32)
        .sum();
    let c = USCC_ALPHABET[((31 - s % 31) % 31) as usize];
    format!("{body}{}", char::from(c))
}

// ---------------------------------------------------------------------------------------------
// Value generators.

const REGIONS: &[&str] = &[
    "110101", "110105", "110108", "120101", "130102", "130602", "140105", "150102", "210102",
    "220102", "230103", "310101", "310104", "310115", "320102", "320506", "330106", "330203",
    "340104", "350102", "350203", "360102", "370102", "370202", "410105", "420102", "420111",
    "430104", "440104", "440305", "440606", "450103", "460105", "500103", "510107", "520102",
    "530102", "540102", "610113", "620102", "630102", "640104", "650102",
];

fn birth(r: &mut Rng) -> (u64, u64, u64) {
    let y = r.range(1938, 2012);
    let m = r.range(1, 12);
    let d = r.range(1, if m == 2 { 28 } else { 30 });
    (y, m, d)
}

fn resident_id(r: &mut Rng, region: &str) -> String {
    let (y, m, d) = birth(r);
    let body = format!("{region}{y:04}{m:02}{d:02}{}", r.digits(3));
    format!("{body}{}", mod11_2(&body))
}

fn bad_resident_id(r: &mut Rng) -> String {
    loop {
        let good = {
            let reg = *r.pick(REGIONS);
            resident_id(r, reg)
        };
        let c = char::from(*r.pick(b"0123456789X"));
        if !good.ends_with(c) {
            return format!("{}{c}", &good[..17]);
        }
    }
}

const CN_SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "欧阳", "司马", "诸葛", "贲", "郦", "隗", "蹇",
];
const CN_GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "英", "华", "子", "梓", "浩", "宇", "轩", "涵", "欣", "怡", "博", "文", "思", "嘉",
    "俊", "雨", "晨", "琰", "珏", "翊", "赟", "骞", "彧", "一", "诺", "依", "可", "沐", "泽", "佳",
    "昊", "然",
];

fn cn_name(r: &mut Rng) -> String {
    let mut s = r.pick(CN_SURNAMES).to_string();
    let n = if r.chance(0.3) { 1 } else { 2 };
    for _ in 0..n {
        let g: &&str = r.pick(CN_GIVEN);
        s.push_str(g);
    }
    if r.chance(0.03) {
        // Some systems pad two-character names with a space.
        s = s.chars().map(String::from).collect::<Vec<_>>().join(" ");
    }
    s
}

fn cn_mobile_digits(r: &mut Rng) -> String {
    format!(
        "{}{}",
        r.pick(&[
            "130", "131", "135", "138", "139", "147", "150", "152", "158", "166", "173", "177",
            "180", "186", "188", "191", "199"
        ]),
        r.digits(8)
    )
}

fn cn_phone(r: &mut Rng) -> String {
    let m = cn_mobile_digits(r);
    match r.below(10) {
        0 => format!("+86 {m}"),
        1 => format!("{}-{}-{}", &m[..3], &m[3..7], &m[7..]),
        2 => format!("{} {} {}", &m[..3], &m[3..7], &m[7..]),
        3 => format!(
            "{}-{}{}",
            r.pick(&["010", "021", "0755", "0571", "028"]),
            r.range(2, 8),
            r.digits(7)
        ),
        4 => format!("0086{m}"),
        _ => m,
    }
}

fn cn_address(r: &mut Rng) -> String {
    let (p, c, d) = *r.pick(&[
        ("北京市", "", "朝阳区"),
        ("上海市", "", "浦东新区"),
        ("广东省", "深圳市", "南山区"),
        ("广东省", "广州市", "天河区"),
        ("浙江省", "杭州市", "西湖区"),
        ("江苏省", "南京市", "鼓楼区"),
        ("四川省", "成都市", "武侯区"),
        ("湖北省", "武汉市", "洪山区"),
        ("山东省", "青岛市", "市南区"),
        ("河南省", "郑州市", "金水区"),
    ]);
    let road = r.pick(&[
        "建国路",
        "科技园路",
        "文三路",
        "中山路",
        "人民大道",
        "解放街",
        "长江路",
        "学院路",
        "滨江大道",
    ]);
    let mut s = String::new();
    if r.chance(0.8) {
        s.push_str(p);
    }
    s.push_str(c);
    s.push_str(d);
    s.push_str(road);
    write!(s, "{}号", r.range(1, 999)).unwrap();
    match r.below(4) {
        0 => write!(s, "{}栋{}室", r.range(1, 30), r.range(101, 2808)).unwrap(),
        1 => write!(
            s,
            "{}小区{}单元{}",
            r.pick(&["阳光", "幸福", "锦绣", "翠苑"]),
            r.range(1, 6),
            r.range(101, 1802)
        )
        .unwrap(),
        _ => {}
    }
    s
}

fn card(r: &mut Rng, prefix: &str, len: usize) -> String {
    let body = format!("{prefix}{}", r.digits(len - prefix.len() - 1));
    format!("{body}{}", luhn_digit(&body))
}

fn spaced4(s: &str) -> String {
    s.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

fn unionpay(r: &mut Rng) -> String {
    let prefix = r.pick(&[
        "622848", "621700", "622202", "623668", "621483", "622588", "625966",
    ]);
    let len = *r.pick(&[16, 19, 19]);
    let c = card(r, prefix, len);
    if r.chance(0.15) { spaced4(&c) } else { c }
}

fn intl_card(r: &mut Rng) -> String {
    let c = match r.below(5) {
        0 | 1 => card(r, "4", 16),
        2 => {
            let p = *r.pick(&["51", "53", "55", "2221", "2720"]);
            card(r, p, 16)
        }
        3 => {
            let p = *r.pick(&["34", "37"]);
            card(r, p, 15)
        }
        _ => {
            let p = *r.pick(&["6011", "65"]);
            card(r, p, 16)
        }
    };
    if r.chance(0.25) { spaced4(&c) } else { c }
}

fn cn_date(r: &mut Rng) -> String {
    let (y, m, d) = birth(r);
    match r.below(5) {
        0 => format!("{y}年{m}月{d}日"),
        1 => format!("{y}/{m}/{d}"),
        2 => format!("{y}{m:02}{d:02}"),
        3 => format!("{y}.{m:02}.{d:02}"),
        _ => format!("{y}-{m:02}-{d:02}"),
    }
}

fn us_date(r: &mut Rng) -> String {
    let (y, m, d) = birth(r);
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match r.below(4) {
        0 => format!("{y}-{m:02}-{d:02}"),
        1 => format!("{} {d}, {y}", MON[(m - 1) as usize]),
        _ => format!("{m:02}/{d:02}/{y}"),
    }
}

fn plate(r: &mut Rng) -> String {
    let p = r.pick(&[
        "京", "沪", "粤", "浙", "苏", "川", "鄂", "鲁", "豫", "津", "渝",
    ]);
    let a = char::from(*r.pick(b"ABCDEFGHJK"));
    let alnum = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let rest: String = if r.chance(0.25) {
        format!(
            "{}{}{}",
            r.pick(&["D", "F"]),
            char::from(*r.pick(alnum)),
            r.digits(4)
        )
    } else {
        (0..5)
            .map(|i| {
                if i < 2 && r.chance(0.3) {
                    char::from(*r.pick(&alnum[10..]))
                } else {
                    char::from(b'0' + r.below(10) as u8)
                }
            })
            .collect()
    };
    match r.below(5) {
        0 => format!("{p}{a}·{rest}"),
        1 => format!("{p}{a}-{rest}"),
        _ => format!("{p}{a}{rest}"),
    }
}

fn with_check_18(r: &mut Rng, prefix: &str) -> String {
    let (y, m, d) = birth(r);
    let body = format!("{prefix}{y:04}{m:02}{d:02}{}", r.digits(3));
    let body = &body[..17];
    format!("{body}{}", mod11_2(body))
}

const FIRST: &[&str] = &[
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Keanu",
    "Zoltan",
    "Priya",
    "Wei",
    "Aaliyah",
    "Mateo",
    "Siobhan",
    "Dmitri",
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Nguyen",
    "Patel",
    "Kowalski",
    "O'Brien",
    "Okafor",
    "Yamamoto",
    "Schmidt",
    "Rossi",
    "Chen",
];

fn us_name(r: &mut Rng) -> String {
    let (f, l) = (r.pick(FIRST), r.pick(LAST));
    match r.below(8) {
        0 => format!("{l}, {f}"),
        1 => format!("{f} {}. {l}", char::from(b'A' + r.below(26) as u8)),
        _ => format!("{f} {l}"),
    }
}

fn ssn_parts(r: &mut Rng) -> (u64, u64, u64) {
    loop {
        let a = r.range(1, 899);
        if a != 666 {
            return (a, r.range(1, 99), r.range(1, 9999));
        }
    }
}

fn ssn(r: &mut Rng) -> String {
    let (a, g, s) = ssn_parts(r);
    if r.chance(0.2) {
        format!("{a:03}{g:02}{s:04}")
    } else {
        format!("{a:03}-{g:02}-{s:04}")
    }
}

fn itin(r: &mut Rng) -> String {
    let g = *r.pick(&[50, 55, 62, 65, 70, 75, 78, 80, 84, 88, 90, 92, 94, 99]);
    format!("9{}-{g}-{}", r.digits(2), r.digits(4))
}

fn ein(r: &mut Rng) -> String {
    let p = *r.pick(&[
        1, 4, 10, 13, 20, 26, 30, 35, 41, 45, 52, 58, 61, 65, 74, 81, 86, 91, 95, 98,
    ]);
    format!("{p:02}-{}", r.digits(7))
}

fn us_phone(r: &mut Rng) -> String {
    let (a, e, l) = (r.range(201, 989), r.range(200, 999), r.digits(4));
    match r.below(6) {
        0 => format!("({a}) {e}-{l}"),
        1 => format!("{a}-{e}-{l}"),
        2 => format!("{a}.{e}.{l}"),
        3 => format!("+1 {a} {e} {l}"),
        4 => format!("{a}{e}{l}"),
        _ => format!("1-{a}-{e}-{l}"),
    }
}

fn us_address(r: &mut Rng) -> String {
    let street = format!(
        "{} {} {}",
        r.range(1, 9999),
        r.pick(&[
            "Main",
            "Oak",
            "Maple",
            "Cedar",
            "Washington",
            "Lake",
            "Hill",
            "Park",
            "Elm",
            "Sunset",
            "Martin Luther King Jr"
        ]),
        r.pick(&[
            "St", "Street", "Ave", "Avenue", "Rd", "Blvd", "Dr", "Ln", "Way", "Ct", "Pl", "Terrace"
        ])
    );
    match r.below(3) {
        0 => street,
        1 => format!("{street} Apt {}", r.range(1, 40)),
        _ => format!(
            "{street}, {}, {} {:05}",
            r.pick(&["Springfield", "Austin", "Portland", "Denver", "Columbus"]),
            r.pick(&["IL", "TX", "OR", "CO", "OH"]),
            r.range(10001, 99950)
        ),
    }
}

fn aba(r: &mut Rng) -> String {
    let p = r.pick(&[
        "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "21", "22", "26",
        "31", "32", "61", "63", "67",
    ]);
    let body = format!("{p}{}", r.digits(6));
    let d: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
    let s = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5]);
    let c = (10 - s % 10) % 10;
    format!("{body}{c}")
}

fn npi(r: &mut Rng) -> String {
    let body = format!("{}{}", r.pick(&["1", "2"]), r.digits(8));
    // Luhn over 80840 + body.
    let c = luhn_digit(&format!("80840{body}"));
    format!("{body}{c}")
}

fn mbi(r: &mut Rng) -> String {
    let l = b"ACDEFGHJKMNPQRTUVWXY";
    let ld = b"ACDEFGHJKMNPQRTUVWXY0123456789";
    let mut s = String::new();
    s.push(char::from(b'1' + r.below(9) as u8));
    s.push(char::from(*r.pick(l)));
    s.push(char::from(*r.pick(ld)));
    s.push_str(&r.digits(1));
    s.push(char::from(*r.pick(l)));
    s.push(char::from(*r.pick(ld)));
    s.push_str(&r.digits(1));
    s.push(char::from(*r.pick(l)));
    s.push(char::from(*r.pick(l)));
    s.push_str(&r.digits(2));
    if r.chance(0.3) {
        format!("{}-{}-{}", &s[..4], &s[4..7], &s[7..])
    } else {
        s
    }
}

fn vin(r: &mut Rng) -> String {
    let alphabet = b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
    let wmi = r.pick(&[
        "1HG", "1FA", "2T1", "3VW", "JHM", "WBA", "LSV", "LFV", "5YJ",
    ]);
    let mut s: Vec<u8> = wmi.bytes().collect();
    while s.len() < 17 {
        s.push(*r.pick(alphabet));
    }
    s[8] = freeport_detect::checks::vin_check_digit(&s).unwrap();
    String::from_utf8(s).unwrap()
}

fn imei(r: &mut Rng) -> String {
    let body = format!("{}{}", r.pick(&["35", "86", "01", "99"]), r.digits(12));
    format!("{body}{}", luhn_digit(&body))
}

fn iban(r: &mut Rng) -> String {
    let (cc, bban) = match r.below(4) {
        0 => (
            "GB",
            format!("{}{}", r.pick(&["WEST", "NWBK", "BARC"]), r.digits(14)),
        ),
        1 => ("DE", r.digits(18)),
        2 => ("FR", r.digits(23)),
        _ => (
            "NL",
            format!("{}{}", r.pick(&["ABNA", "INGB", "RABO"]), r.digits(10)),
        ),
    };
    let mut rem = 0u32;
    for b in format!("{bban}{cc}00").bytes() {
        rem = if b.is_ascii_digit() {
            (rem * 10 + u32::from(b - b'0')) % 97
        } else {
            (rem * 100 + u32::from(b - b'A') + 10) % 97
        };
    }
    let s = format!("{cc}{:02}{bban}", 98 - rem);
    if r.chance(0.3) { spaced4(&s) } else { s }
}

fn email(r: &mut Rng, cn: bool) -> String {
    let local = if cn {
        format!(
            "{}{}",
            r.pick(&[
                "zhangwei",
                "li.na",
                "wangfang",
                "liuyang",
                "chenjing",
                "xiaoming",
                "yang_lei",
                "huang.min"
            ]),
            r.range(1, 9999)
        )
    } else {
        format!(
            "{}{}{}",
            r.pick(&[
                "john", "mary", "j.smith", "mgarcia", "dlee", "k.nguyen", "pat"
            ]),
            r.pick(&["", ".", "_"]),
            r.range(1, 999)
        )
    };
    let domain = if cn {
        r.pick(&[
            "qq.com",
            "163.com",
            "126.com",
            "sina.com",
            "foxmail.com",
            "example.com.cn",
        ])
    } else {
        r.pick(&[
            "gmail.com",
            "yahoo.com",
            "outlook.com",
            "example.org",
            "acme-corp.com",
        ])
    };
    format!("{local}@{domain}")
}

fn dna(r: &mut Rng) -> String {
    let n = r.range(40, 160) as usize;
    (0..n).map(|_| char::from(*r.pick(b"ACGT"))).collect()
}

fn cn_note(r: &mut Rng) -> String {
    let opener = r.pick(&[
        "客户来电要求修改收货地址",
        "已电话回访，客户对服务满意",
        "用户反馈物流太慢",
        "请尽快为客户办理退款",
        "客户咨询会员积分规则",
        "投诉处理完毕",
    ]);
    if r.chance(0.45) {
        let id = {
            let reg = *r.pick(REGIONS);
            resident_id(r, reg)
        };
        let m = cn_mobile_digits(r);
        let embedded = match r.below(4) {
            0 => format!("，身份证号{id}"),
            1 => format!("，联系电话：{m}"),
            2 => format!("，手机{m}，邮箱{}", email(r, true)),
            _ => format!("，新手机号{} {} {}", &m[..3], &m[3..7], &m[7..]),
        };
        format!("{opener}{embedded}。")
    } else {
        format!(
            "{opener}，{}。",
            r.pick(&["已记录", "待跟进", "无需回电", "已转交主管"])
        )
    }
}

fn en_note(r: &mut Rng) -> String {
    let opener = r.pick(&[
        "Customer called about a late delivery",
        "Refund approved after review",
        "Patient asked to reschedule the appointment",
        "Left a voicemail regarding the invoice",
        "Account holder requested a statement",
    ]);
    if r.chance(0.45) {
        let embedded = match r.below(4) {
            0 => format!(", call back at {}", us_phone(r)),
            1 => format!(", email {}", email(r, false)),
            2 => {
                let (a, g, s) = ssn_parts(r);
                format!(", verified SSN {a:03}-{g:02}-{s:04}")
            }
            _ => format!(", card ending changed to {}", intl_card(r)),
        };
        format!("{opener}{embedded}.")
    } else {
        format!(
            "{opener}; {}.",
            r.pick(&[
                "no further action needed",
                "follow up next week",
                "escalated to billing",
                "resolved on the call"
            ])
        )
    }
}

fn product_text(r: &mut Rng) -> String {
    format!(
        "{} {} with {}, {}.",
        r.pick(&["Soft", "Durable", "Lightweight", "Premium", "Compact"]),
        r.pick(&[
            "cotton t-shirt",
            "steel water bottle",
            "wireless earbuds",
            "hiking backpack",
            "desk lamp"
        ]),
        r.pick(&[
            "a two-year warranty",
            "free shipping",
            "a charging case",
            "adjustable straps",
            "three colour options"
        ]),
        r.pick(&[
            "machine washable",
            "ships in 24 hours",
            "rated 4.5 stars",
            "recycled packaging"
        ])
    )
}

fn cn_product_text(r: &mut Rng) -> String {
    format!(
        "{}{}，{}，{}。",
        r.pick(&["新款", "经典", "热销", "限量"]),
        r.pick(&["纯棉T恤", "保温杯", "蓝牙耳机", "双肩包", "台灯"]),
        r.pick(&["支持七天无理由退货", "全国包邮", "品质保证", "多色可选"]),
        r.pick(&["欢迎选购", "下单立减", "售后无忧"])
    )
}

// Hard negatives.
fn order_no(r: &mut Rng) -> String {
    match r.below(3) {
        0 => format!(
            "2024{:02}{:02}{}",
            r.range(1, 12),
            r.range(1, 28),
            r.digits(10)
        ),
        1 => format!("ORD{}{}", r.range(20230101, 20251231), r.digits(6)),
        _ => format!("SO-{}-{}", r.range(2022, 2025), r.digits(6)),
    }
}
fn amount(r: &mut Rng) -> String {
    let v = r.float(0.5, 20000.0);
    match r.below(4) {
        0 => format!("¥{v:.2}"),
        1 => format!("{:.2}", v),
        2 => format!("{:.1}", v / 10.0),
        _ => format!(
            "{},{:03}.{:02}",
            (v as u64) / 1000 + 1,
            (v as u64) % 1000,
            r.below(100)
        ),
    }
}
fn timestamp(r: &mut Rng) -> String {
    let (y, mo, d, h, mi, s) = (
        r.range(2022, 2025),
        r.range(1, 12),
        r.range(1, 28),
        r.below(24),
        r.below(60),
        r.below(60),
    );
    match r.below(4) {
        0 => format!("{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
        1 => format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
        2 => format!("{}", r.range(1_640_000_000, 1_735_000_000)),
        _ => format!("{y}/{mo:02}/{d:02} {h:02}:{mi:02}"),
    }
}
fn sku(r: &mut Rng) -> String {
    match r.below(3) {
        0 => format!(
            "SKU-{}{}-{}",
            char::from(b'A' + r.below(26) as u8),
            r.digits(4),
            r.digits(2)
        ),
        1 => format!("{}{}", r.pick(&["AB", "XK", "TT", "MZ"]), r.digits(8)),
        _ => format!("P{}-{}", r.digits(5), char::from(b'A' + r.below(26) as u8)),
    }
}
fn bad_luhn16(r: &mut Rng) -> String {
    loop {
        let s = format!("{}{}", r.range(1, 9), r.digits(15));
        if !luhn_valid(&s) {
            return s;
        }
    }
}
fn event_date(r: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}",
        r.range(2023, 2025),
        r.range(1, 12),
        r.range(1, 28)
    )
}
fn quantity(r: &mut Rng) -> String {
    r.range(1, 500).to_string()
}
fn status(r: &mut Rng) -> String {
    r.pick(&[
        "paid",
        "shipped",
        "delivered",
        "refunded",
        "已付款",
        "已发货",
    ])
    .to_string()
}

// ---------------------------------------------------------------------------------------------
// Columns.

type Gen = fn(&mut Rng) -> String;

struct Col {
    category: &'static str,
    role: &'static str,
    en: &'static [&'static str],
    zh: &'static [&'static str],
    pinyin: &'static [&'static str],
    /// Values carry no signal of their own: always a descriptive header.
    needs_header: bool,
    generate: Gen,
}

const fn col(
    category: &'static str,
    en: &'static [&'static str],
    zh: &'static [&'static str],
    pinyin: &'static [&'static str],
    generate: Gen,
) -> Col {
    Col {
        category,
        role: "positive",
        en,
        zh,
        pinyin,
        needs_header: false,
        generate,
    }
}
const fn hdr(c: Col) -> Col {
    Col {
        needs_header: true,
        ..c
    }
}
const fn neg(
    en: &'static [&'static str],
    zh: &'static [&'static str],
    generate: Gen,
    hard: bool,
) -> Col {
    Col {
        category: "none",
        role: if hard { "hard_negative" } else { "negative" },
        en,
        zh,
        pinyin: &[],
        needs_header: false,
        generate,
    }
}

fn cn_columns() -> Vec<Col> {
    vec![
        col(
            "person.name",
            &["name", "customer_name", "full_name"],
            &["姓名", "客户姓名", "联系人"],
            &["xm", "khxm"],
            cn_name,
        ),
        col(
            "id.cn.resident_id",
            &["id_card", "national_id", "id_number"],
            &["身份证号", "身份证号码", "公民身份号码"],
            &["sfzh", "sfzhm"],
            |r| {
                let id = {
                    let reg = *r.pick(REGIONS);
                    resident_id(r, reg)
                };
                match r.below(20) {
                    0 => id.to_lowercase(),
                    1 => format!("{} {} {}", &id[..6], &id[6..14], &id[14..]),
                    _ => id,
                }
            },
        ),
        col(
            "contact.phone",
            &["phone", "mobile", "contact_number"],
            &["手机号", "联系电话", "电话"],
            &["sjh", "lxdh", "dh"],
            cn_phone,
        ),
        col(
            "contact.email",
            &["email", "e_mail"],
            &["邮箱", "电子邮件"],
            &["yx"],
            |r| email(r, true),
        ),
        col(
            "contact.address",
            &["address", "home_address"],
            &["地址", "家庭住址", "收货地址"],
            &["dz", "jtzz"],
            cn_address,
        ),
        col(
            "fin.payment_card",
            &["bank_card", "card_no"],
            &["银行卡号", "卡号"],
            &["yhkh"],
            unionpay,
        ),
        col(
            "person.birth_date",
            &["birth_date", "dob"],
            &["出生日期", "生日"],
            &["csrq"],
            cn_date,
        ),
        col(
            "vehicle.plate",
            &["plate_no", "license_plate"],
            &["车牌号", "车牌"],
            &["cph"],
            plate,
        ),
        hdr(col(
            "location.postal_code",
            &["postcode", "zip_code"],
            &["邮编", "邮政编码"],
            &["yb"],
            |r| format!("{}{}", r.range(1, 8), r.digits(5)),
        )),
        col(
            "id.cn.passport",
            &["passport_no"],
            &["护照号", "护照号码"],
            &["hzh"],
            |r| {
                if r.chance(0.8) {
                    format!(
                        "E{}{}",
                        char::from(*r.pick(b"ABCDEFGHJKLMNPQRSTUVWXYZ")),
                        r.digits(7)
                    )
                } else {
                    format!("E{}", r.digits(8))
                }
            },
        ),
        col(
            "org.cn.uscc",
            &["credit_code", "company_code"],
            &["统一社会信用代码", "信用代码"],
            &["tyshxydm"],
            uscc,
        ),
        col(
            "id.cn.hmt_residence_permit",
            &["residence_permit_no"],
            &["港澳台居民居住证号", "居住证号"],
            &["jzzh"],
            |r| {
                let p = *r.pick(&["810000", "820000", "830000"]);
                with_check_18(r, p)
            },
        ),
        col(
            "id.cn.foreigner_pr",
            &["permanent_residence_id"],
            &["外国人永久居留身份证号", "永久居留证号"],
            &["yjjlzh"],
            |r| {
                let p = format!(
                    "9{}{}",
                    r.pick(&["11", "31", "44"]),
                    r.pick(&["840", "826", "392", "410"])
                );
                with_check_18(r, &p)
            },
        ),
        col(
            "id.cn.travel_permit",
            &["travel_permit_no", "home_return_permit"],
            &["港澳居民来往内地通行证", "回乡证号"],
            &["hxzh"],
            |r| format!("{}{}{:02}", r.pick(&["H", "M"]), r.digits(8), r.below(5)),
        ),
        neg(
            &["order_no", "order_id"],
            &["订单号", "订单编号"],
            order_no,
            true,
        ),
        neg(&["amount", "total"], &["金额", "实付金额"], amount, true),
        neg(
            &["created_at", "pay_time"],
            &["下单时间", "支付时间"],
            timestamp,
            true,
        ),
        neg(&["sku", "item_code"], &["商品编码", "货号"], sku, true),
        neg(&["status"], &["订单状态"], status, false),
        neg(&["qty"], &["数量"], quantity, false),
    ]
}

fn us_columns() -> Vec<Col> {
    vec![
        col(
            "person.name",
            &["name", "customer_name", "full_name", "patient_name"],
            &["姓名", "客户姓名"],
            &["xm"],
            us_name,
        ),
        col(
            "id.us.ssn",
            &["ssn", "social_security_number", "SSN"],
            &["社会安全号"],
            &[],
            ssn,
        ),
        col(
            "id.us.itin",
            &["itin", "taxpayer_itin"],
            &["纳税人识别号ITIN"],
            &[],
            itin,
        ),
        col(
            "org.us.ein",
            &["ein", "employer_id", "fein"],
            &["雇主识别号EIN"],
            &[],
            ein,
        ),
        col(
            "contact.phone",
            &["phone", "phone_number", "cell"],
            &["电话", "联系电话"],
            &["dh"],
            us_phone,
        ),
        col(
            "contact.email",
            &["email", "email_address"],
            &["邮箱"],
            &["yx"],
            |r| email(r, false),
        ),
        col(
            "contact.address",
            &["address", "street_address", "mailing_address"],
            &["地址"],
            &["dz"],
            us_address,
        ),
        hdr(col(
            "location.postal_code",
            &["zip", "zip_code", "postal_code"],
            &["邮编"],
            &["yb"],
            |r| {
                if r.chance(0.3) {
                    format!("{:05}-{}", r.range(10001, 99950), r.digits(4))
                } else {
                    format!("{:05}", r.range(10001, 99950))
                }
            },
        )),
        col(
            "person.birth_date",
            &["dob", "date_of_birth", "birthdate"],
            &["出生日期"],
            &["csrq"],
            us_date,
        ),
        col(
            "fin.payment_card",
            &["credit_card", "card_number", "pan"],
            &["信用卡号"],
            &[],
            intl_card,
        ),
        col(
            "fin.routing_number",
            &["routing_number", "aba", "bank_routing"],
            &["银行路由号"],
            &[],
            aba,
        ),
        hdr(col(
            "id.us.passport",
            &["passport_number", "passport_no"],
            &["护照号码"],
            &[],
            |r| {
                if r.chance(0.6) {
                    format!("{}{}", char::from(b'A' + r.below(26) as u8), r.digits(8))
                } else {
                    format!("{}{}", r.range(1, 9), r.digits(8))
                }
            },
        )),
        hdr(col(
            "id.us.driver_license",
            &["drivers_license", "dl_number", "driver_license_no"],
            &["驾照号"],
            &[],
            |r| match r.below(3) {
                0 => format!("{}{}", char::from(b'A' + r.below(26) as u8), r.digits(7)),
                1 => r.digits(9),
                _ => format!("{}{}", char::from(b'A' + r.below(26) as u8), r.digits(12)),
            },
        )),
        col(
            "online.ip_address",
            &["ip", "ip_address", "client_ip"],
            &["IP地址"],
            &[],
            |r| {
                if r.chance(0.85) {
                    format!(
                        "{}.{}.{}.{}",
                        r.range(1, 223),
                        r.below(256),
                        r.below(256),
                        r.range(1, 254)
                    )
                } else {
                    format!(
                        "2001:db8:{:x}:{:x}::{:x}",
                        r.below(65535),
                        r.below(65535),
                        r.range(1, 65535)
                    )
                }
            },
        ),
        col(
            "online.mac_address",
            &["mac", "mac_address"],
            &["MAC地址"],
            &[],
            |r| {
                let o: Vec<String> = (0..6).map(|_| format!("{:02X}", r.below(256))).collect();
                if r.chance(0.5) {
                    o.join(":")
                } else {
                    o.join("-").to_lowercase()
                }
            },
        ),
        neg(&["order_id", "invoice_no"], &["订单号"], order_no, true),
        neg(&["amount", "price"], &["金额"], amount, true),
        neg(
            &["updated_at", "event_time"],
            &["更新时间"],
            timestamp,
            true,
        ),
        neg(&["sku", "product_code"], &["商品编码"], sku, true),
        neg(&["ref_number"], &["参考号"], bad_luhn16, true),
    ]
}

fn health_columns() -> Vec<Col> {
    vec![
        col(
            "id.us.mbi",
            &["mbi", "medicare_id", "medicare_beneficiary_id"],
            &["医保号MBI"],
            &[],
            mbi,
        ),
        col(
            "health.provider_npi",
            &["npi", "provider_npi", "rendering_npi"],
            &["医生NPI"],
            &[],
            npi,
        ),
        col(
            "health.diagnosis",
            &["diagnosis_code", "icd10", "dx"],
            &["诊断编码", "诊断"],
            &["zdbm"],
            |r| {
                let code = r.pick(&[
                    "E11.9", "I10", "J45.909", "C50.911", "F32.A", "M54.5", "K21.9", "N39.0",
                    "E78.5", "G43.909", "J06.9", "R51.9", "Z00.00", "S72.001A", "O80",
                ]);
                if r.chance(0.3) {
                    code.replace('.', "")
                } else {
                    code.to_string()
                }
            },
        ),
        col(
            "location.precise",
            &["latitude", "lat", "gps_lat"],
            &["纬度"],
            &["wd"],
            |r| format!("{:.*}", r.range(4, 6) as usize, r.float(18.0, 53.0)),
        ),
        col(
            "location.precise",
            &["longitude", "lng", "lon"],
            &["经度"],
            &["jd"],
            |r| format!("{:.*}", r.range(4, 6) as usize, r.float(73.0, 135.0)),
        ),
        col(
            "location.precise",
            &["coordinates", "location", "gps"],
            &["坐标", "定位"],
            &["zb"],
            |r| format!("{:.6},{:.6}", r.float(22.0, 45.0), r.float(-122.0, 121.0)),
        ),
        hdr(col(
            "location.coarse",
            &["latitude", "lat"],
            &["纬度"],
            &["wd"],
            |r| format!("{:.1}", r.float(18.0, 53.0)),
        )),
        col(
            "vehicle.vin",
            &["vin", "vehicle_vin"],
            &["车架号", "车辆识别代号"],
            &["cjh"],
            vin,
        ),
        col(
            "device.imei",
            &["imei", "device_imei"],
            &["IMEI", "设备IMEI"],
            &[],
            imei,
        ),
        col(
            "fin.iban",
            &["iban", "bank_iban"],
            &["国际银行账号IBAN"],
            &[],
            iban,
        ),
        col(
            "online.url",
            &["profile_url", "website", "url"],
            &["个人主页", "网址"],
            &[],
            |r| {
                format!(
                    "https://{}/{}/{}",
                    r.pick(&[
                        "example.com",
                        "social.example.org",
                        "weibo.com",
                        "github.com"
                    ]),
                    r.pick(&["u", "user", "profile"]),
                    r.digits(7)
                )
            },
        ),
        col(
            "genomic.variant",
            &["rsid", "snp_id", "variant_id"],
            &["位点", "SNP编号"],
            &[],
            |r| format!("rs{}", r.range(100, 99_999_999)),
        ),
        hdr(col(
            "genomic.variant",
            &["genotype", "allele_call"],
            &["基因型"],
            &[],
            |r| {
                let b = b"ACGT";
                if r.chance(0.03) {
                    "--".into()
                } else {
                    format!("{}{}", char::from(*r.pick(b)), char::from(*r.pick(b)))
                }
            },
        )),
        col(
            "genomic.sequence",
            &["sequence", "dna_seq", "read"],
            &["序列", "基因序列"],
            &[],
            dna,
        ),
        neg(
            &["visit_date", "admission_date"],
            &["就诊日期"],
            event_date,
            false,
        ),
        neg(&["claim_amount"], &["报销金额"], amount, true),
        neg(&["record_ts"], &["记录时间"], timestamp, true),
        neg(
            &["national_id_check"],
            &["证件校验码"],
            bad_resident_id,
            true,
        ),
        neg(&["account_ref"], &["流水号"], bad_luhn16, true),
    ]
}

fn text_columns() -> Vec<Col> {
    vec![
        col(
            "communication.content",
            &["notes", "comment", "remarks"],
            &["备注", "客服记录", "留言"],
            &["bz"],
            cn_note,
        ),
        col(
            "communication.content",
            &["notes", "call_notes", "message"],
            &["备注"],
            &[],
            en_note,
        ),
        neg(
            &["description", "product_description"],
            &["商品描述"],
            product_text,
            false,
        ),
        neg(&["detail"], &["商品详情", "描述"], cn_product_text, false),
        neg(&["order_no"], &["订单号"], order_no, true),
        neg(&["id_like_number"], &["编号"], bad_resident_id, true),
        neg(&["amount"], &["金额"], amount, true),
    ]
}

fn dirty(r: &mut Rng) -> String {
    r.pick(&["N/A", "-", "unknown", "无", "未知", "0", "test", "?"])
        .to_string()
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut seed, mut out, mut tables, mut rows) = (7u64, None, 24usize, 1000usize);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_default();
        match a.as_str() {
            "--seed" => seed = v.parse().expect("--seed N"),
            "--out" => out = Some(PathBuf::from(v)),
            "--tables" => tables = v.parse().expect("--tables N"),
            "--rows" => rows = v.parse().expect("--rows N"),
            _ => {
                eprintln!("usage: gen_bench --seed N --out DIR [--tables N] [--rows N]");
                std::process::exit(2);
            }
        }
    }
    let out = out.expect("--out DIR is required");
    std::fs::create_dir_all(&out).expect("create output directory");
    let mut r = Rng(seed);
    let mut labels = String::from("file\tcolumn\tcategory\trole\n");
    for t in 0..tables {
        let (kind, cols) = match t % 4 {
            0 => ("cn", cn_columns()),
            1 => ("us", us_columns()),
            2 => ("health", health_columns()),
            _ => ("text", text_columns()),
        };
        // Shuffle column order.
        let mut order: Vec<usize> = (0..cols.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, r.below(i as u64 + 1) as usize);
        }
        let mut headers: Vec<String> = Vec::new();
        for (pos, &ci) in order.iter().enumerate() {
            let c = &cols[ci];
            let roll = r.below(100);
            let h = if roll < 30 && !c.needs_header || c.zh.is_empty() && c.en.is_empty() {
                format!("c{:02}", pos + 1)
            } else if roll < 55 || c.zh.is_empty() {
                r.pick(c.en).to_string()
            } else if roll < 80 || c.pinyin.is_empty() {
                r.pick(c.zh).to_string()
            } else {
                r.pick(c.pinyin).to_string()
            };
            // Duplicate headers get a suffix, as exports do.
            let h = if headers.contains(&h) {
                format!("{h}_{}", pos + 1)
            } else {
                h
            };
            headers.push(h);
        }
        let file = format!("t{t:02}_{kind}.csv");
        for (h, &ci) in headers.iter().zip(&order) {
            writeln!(
                labels,
                "{file}\t{h}\t{}\t{}",
                cols[ci].category, cols[ci].role
            )
            .unwrap();
        }
        let null_rate: Vec<f64> = order
            .iter()
            .map(|_| {
                if r.chance(0.5) {
                    0.0
                } else {
                    r.float(0.0, 0.15)
                }
            })
            .collect();
        let mut body = String::new();
        if t % 5 == 0 {
            body.push('\u{feff}'); // Excel-style UTF-8 BOM on some files.
        }
        body.push_str(
            &headers
                .iter()
                .map(|h| quote(h))
                .collect::<Vec<_>>()
                .join(","),
        );
        body.push('\n');
        for _ in 0..rows {
            let cells: Vec<String> = order
                .iter()
                .zip(&null_rate)
                .map(|(&ci, &nr)| {
                    if r.chance(nr) {
                        String::new()
                    } else if r.chance(0.02) {
                        dirty(&mut r)
                    } else {
                        quote(&(cols[ci].generate)(&mut r))
                    }
                })
                .collect();
            body.push_str(&cells.join(","));
            body.push('\n');
        }
        std::fs::write(out.join(&file), body).expect("write table");
    }
    let mut f = std::fs::File::create(out.join("labels.tsv")).expect("write labels");
    f.write_all(labels.as_bytes()).expect("write labels");
    println!(
        "wrote {tables} tables of {rows} rows and labels.tsv to {}",
        out.display()
    );
}
