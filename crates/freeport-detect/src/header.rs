//! Header evidence: what a column name says about its content, in English, Chinese and pinyin
//! abbreviations (`sfzh` 身份证号, `xm` 姓名, `sjh` 手机号, `dh` 电话, `dz` 地址, `csrq` 出生日期).
//!
//! Long keywords (Chinese words, English words of 4+ letters) match anywhere in the normalised
//! header through one Aho-Corasick automaton; short abbreviations (`dob`, `ssn`, `xm`) must be a
//! whole token, so `xm` does not fire inside `xml_id`. The words live with their detectors
//! (`src/detectors/`, `words` and `tokens`).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::detectors::REGISTRY;

/// One header keyword.
#[derive(Debug, Clone, Copy)]
struct Keyword {
    word: &'static str,
    category: &'static str,
    /// 0..1: how strongly the keyword alone indicates the category.
    weight: f64,
}

/// Every header word of every registered detector, `tokens` or `words` (see
/// [`crate::detector::Detector`]), detector by detector in registry order.
fn keywords(tokens: bool) -> Vec<Keyword> {
    let mut out = Vec::new();
    for d in REGISTRY {
        let words = if tokens { d.tokens } else { d.words };
        out.extend(words.iter().map(|w| Keyword {
            word: w.word,
            category: d.category,
            weight: w.weight,
        }));
    }
    out
}

/// Keywords matched as substrings (≥ 4 ASCII letters or any Han text).
static SUBSTRING: LazyLock<Vec<Keyword>> = LazyLock::new(|| keywords(false));

/// Keywords that must equal a whole token of the header.
static TOKEN: LazyLock<Vec<Keyword>> = LazyLock::new(|| keywords(true));

/// Headers that name something other than personal data even though a keyword matches
/// (`order_id`, `sku`, `amount`): they cancel keyword evidence.
const NEGATIVE: &[&str] = &[
    "订单",
    "order",
    "sku",
    "金额",
    "amount",
    "price",
    "价格",
    "timestamp",
    "时间",
    "created",
    "updated",
    "商品",
    "product",
    "流水",
    "serial",
    "批次",
    "batch",
];

static AUTOMATON: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(SUBSTRING.iter().map(|k| k.word))
        .ok()
});

/// A header keyword that matched, as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderHit {
    /// The keyword (from the dictionary, not from data).
    pub keyword: &'static str,
    /// The category it speaks for.
    pub category: &'static str,
    /// Weight 0..1.
    pub weight: f64,
}

/// The normalised header and its tokens (see [`normalise`]).
pub(crate) fn tokens(header: &str) -> (String, Vec<String>) {
    normalise(header)
}

/// Lower-cases and drops separators; tokens split on `_ - . space` and camelCase boundaries.
pub(crate) fn normalise(header: &str) -> (String, Vec<String>) {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in header.trim().chars() {
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            tokens.push(std::mem::take(&mut cur));
        }
        if c.is_alphanumeric() {
            // Split between ASCII and Han runs too (`身份证号sfzh`).
            if let Some(last) = cur.chars().last()
                && last.is_ascii() != c.is_ascii()
            {
                tokens.push(std::mem::take(&mut cur));
            }
            cur.extend(c.to_lowercase());
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        } else {
            if !cur.is_empty() {
                tokens.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    (tokens.concat(), tokens)
}

/// Whether a normalised header (see [`normalise`]) holds `word` (normalised the same way): a
/// word of 4+ ASCII characters or with any non-ASCII text anywhere, a shorter one only as a
/// whole token or run of tokens (`m no` in `m_no`, not in `maximo`) — the rule of the built-in
/// header words, for a project's own ones.
pub(crate) fn word_in_header((joined, tokens): &(String, Vec<String>), word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    if !word.is_ascii() || word.len() >= 4 {
        return joined.contains(word);
    }
    (0..tokens.len()).any(|start| {
        let mut run = String::new();
        tokens.iter().skip(start).any(|t| {
            run.push_str(t);
            run == word
        })
    })
}

/// Header evidence for `header`: the strongest hit per category, strongest first.
#[must_use]
pub fn header_hits(header: &str) -> Vec<HeaderHit> {
    let (joined, tokens) = normalise(header);
    let mut hits: Vec<HeaderHit> = Vec::new();
    let mut add = |kw: &Keyword| {
        if let Some(h) = hits.iter_mut().find(|h| h.category == kw.category) {
            if kw.weight > h.weight {
                h.weight = kw.weight;
                h.keyword = kw.word;
            }
        } else {
            hits.push(HeaderHit {
                keyword: kw.word,
                category: kw.category,
                weight: kw.weight,
            });
        }
    };
    for kw in TOKEN.iter() {
        if tokens.iter().any(|t| t == kw.word) || joined == kw.word {
            add(kw);
        }
    }
    if let Some(ac) = AUTOMATON.as_ref() {
        for m in ac.find_overlapping_iter(&joined) {
            if let Some(kw) = SUBSTRING.get(m.pattern().as_usize()) {
                add(kw);
            }
        }
    }
    if NEGATIVE.iter().any(|n| joined.contains(n)) {
        for h in &mut hits {
            h.weight *= 0.2;
        }
    }
    hits.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then(a.category.cmp(b.category))
    });
    hits
}

/// Detectors whose match on a column name cannot be a name: an identifier that passes its own
/// rules. Dates, URLs and bare numbers are left out (pivot tables head columns with dates and
/// years, and `http://…` can name a source).
const NEVER_A_NAME: &[&str] = &[
    "cn.resident_id",
    "cn.resident_id_15",
    "cn.hmt_residence_permit",
    "cn.foreigner_pr",
    "cn.uscc",
    "cn.mobile",
    "cn.landline",
    "cn.plate",
    "us.ssn",
    "us.itin",
    "us.mbi",
    "us.phone",
    "email",
    "ipv4",
    "ipv6",
    "mac",
    "imei",
    "iban",
    "payment_card",
    "vin",
];

/// Why a column name is a value rather than a name (a header row that is really the first row
/// of data), or `None`. The reason names a detector or a shape, never the value: it goes into
/// an error message.
#[must_use]
pub fn header_looks_like_data(header: &str) -> Option<String> {
    let h = header.trim();
    if h.is_empty() {
        return None;
    }
    let cell = crate::detector::Cell::new(h);
    for d in crate::detector::DETECTORS {
        if NEVER_A_NAME.contains(&d.name) && (d.check)(&cell).is_some() {
            return Some(format!("passes the {} validator ({})", d.name, d.category));
        }
    }
    // A long number (an account, order or member number) is no column name.
    if cell.digits >= 7 && cell.digits == cell.chars {
        return Some("is a number of 7 or more digits".to_owned());
    }
    None
}

/// Whether a column name is itself a value of the category its column holds (`张三` over a
/// column of names, `1985-03-02` over birth dates) and names no category: then the header row
/// is a row of data.
#[must_use]
pub fn header_is_value_of(header: &str, category: &str) -> bool {
    let h = header.trim();
    if h.is_empty() || !header_hits(h).is_empty() {
        return false;
    }
    let cell = crate::detector::Cell::new(h);
    crate::detector::DETECTORS
        .iter()
        .any(|d| d.category == category && (d.check)(&cell).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_that_are_data() {
        for data in [
            "13812345678",
            "138-1234-5678",
            "11010519491231002X",
            "zhang.san@example.com",
            "(415) 555-0132",
            "219-09-9998",
            "4111 1111 1111 1111",
            "192.168.1.20",
            "6222021234567890",
        ] {
            assert!(header_looks_like_data(data).is_some(), "{data}");
        }
        // Every dictionary keyword, and headers of real tables, are names.
        for name in SUBSTRING.iter().chain(TOKEN.iter()).map(|k| k.word).chain([
            "2019",
            "2020-01",
            "2024-06-30",
            "c07",
            "Q3 2024",
            "id",
            "iata",
            "latitude",
            "elevation",
            "BMI",
            "血压",
            "column_1",
            "金额",
            "1st",
            "http://example.org/x",
        ]) {
            assert_eq!(
                header_looks_like_data(name),
                None,
                "{name}: {:?}",
                header_looks_like_data(name)
            );
        }
        assert!(header_is_value_of("张三", "person.name"));
        assert!(header_is_value_of("1985-03-02", "person.birth_date"));
        assert!(!header_is_value_of("姓名", "person.name"));
        assert!(!header_is_value_of("金额", "fin.income"));
        assert!(!header_is_value_of("birth_date", "person.birth_date"));
    }

    fn top(h: &str) -> Option<&'static str> {
        header_hits(h)
            .first()
            .filter(|x| x.weight >= 0.5)
            .map(|x| x.category)
    }

    #[test]
    fn english_chinese_pinyin() {
        assert_eq!(top("身份证号"), Some("id.cn.resident_id"));
        assert_eq!(top("sfzh"), Some("id.cn.resident_id"));
        assert_eq!(top("SFZH"), Some("id.cn.resident_id"));
        assert_eq!(top("xm"), Some("person.name"));
        assert_eq!(top("sjh"), Some("contact.phone"));
        assert_eq!(top("lxdh"), Some("contact.phone"));
        assert_eq!(top("dz"), Some("contact.address"));
        assert_eq!(top("csrq"), Some("person.birth_date"));
        assert_eq!(top("customer_phone"), Some("contact.phone"));
        assert_eq!(top("DateOfBirth"), Some("person.birth_date"));
        assert_eq!(top("patient_ssn"), Some("id.us.ssn"));
        assert_eq!(top("Email Address"), Some("contact.email"));
        assert_eq!(top("手机号码"), Some("contact.phone"));
        assert_eq!(top("lat"), Some("location.precise"));
        assert_eq!(top("年龄"), Some("person.age"));
        assert_eq!(top("customer_age"), Some("person.age"));
        assert_eq!(top("性别"), Some("person.gender"));
        assert_eq!(top("民族"), Some("person.ethnicity"));
        let both = header_hits("护照号码");
        assert!(both.iter().any(|h| h.category == "id.us.passport"));
        assert!(both.iter().any(|h| h.category == "id.cn.passport"));
    }

    #[test]
    fn no_false_hits() {
        assert_eq!(top("c07"), None);
        assert_eq!(top("xml_id"), None);
        assert_eq!(top("order_no"), None);
        assert_eq!(top("amount"), None);
        assert_eq!(top("product_name"), None, "negative word cancels `name`");
        assert_eq!(top("platform"), None);
        assert_eq!(top("page"), None, "`age` is a whole-token keyword");
        assert_eq!(top("usage"), None);
    }
}
