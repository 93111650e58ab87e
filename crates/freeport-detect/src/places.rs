//! Detectors for values that describe a person only in a table about people: places coarser
//! than 1,000 m (Chinese divisions from GB/T 2260, US states and large cities, counties),
//! body measurements written in their own shape (blood pressure), and identifiers an
//! organisation assigns (`P000123`, `EMP-00042`).
//!
//! The gazetteers are data files (`data/cn_divisions.tsv`, `data/us_states.tsv`,
//! `data/us_cities.txt`), each citing its source.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::detector::{Cell, Strength};

/// Names and short forms of every GB/T 2260 division (`广东省`, `广东`, `海淀区`, `海淀`).
static CN_DIVISIONS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/cn_divisions.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .flat_map(|l| l.split('\t').skip(2))
        .filter(|n| !n.is_empty())
        .collect()
});

/// US state names and USPS codes, lower case.
static US_STATE_NAMES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../data/us_states.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split('\t').nth(1))
        .map(str::to_ascii_lowercase)
        .collect()
});

static US_STATE_CODES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/us_states.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split('\t').next())
        .collect()
});

/// Large US cities, lower case.
static US_CITIES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../data/us_cities.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().to_ascii_lowercase())
        .collect()
});

/// Suffixes of Chinese places below the county: streets, towns, townships, villages,
/// neighbourhood committees and residential compounds.
const CN_LOCAL_SUFFIXES: [&str; 8] = ["街道", "镇", "乡", "村", "社区", "小区", "苏木", "嘎查"];

/// Whether `s` is one to three GB/T 2260 names written one after another (`广东省广州市`,
/// `北京海淀`), each name matched longest first.
fn cn_divisions(s: &str) -> bool {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut start = 0;
    let mut parts = 0;
    while start < chars.len() {
        let from = chars.get(start).map_or(s.len(), |&(i, _)| i);
        let found = (start + 2..=chars.len().min(start + 12))
            .rev()
            .find(|&end| {
                let to = chars.get(end).map_or(s.len(), |&(i, _)| i);
                s.get(from..to).is_some_and(|w| CN_DIVISIONS.contains(w))
            });
        match found {
            Some(end) => {
                start = end;
                parts += 1;
            }
            None => return false,
        }
        if parts > 3 {
            return false;
        }
    }
    parts > 0
}

/// **What**: a Chinese administrative division at county level or above, by its GB/T 2260 name
/// or short form, or up to three of them in a row (`广东省广州市天河区`); and places below the
/// county ending in 街道, 镇, 乡, 村, 社区 or 小区 after a division name.
///
/// **Why**: a city, district or province of residence is coarse location (personal information
/// under PIPL Art. 4; HIPAA (B) below state level), not a name.
///
/// **Example**: `海淀区`, `广州`, `浙江省杭州市`; `张伟` does not match.
#[must_use]
pub fn cn_division(cell: &Cell<'_>) -> Option<Strength> {
    if cell.han < 2 || cell.han != cell.chars || cell.chars > 24 {
        return None;
    }
    if cn_divisions(cell.s) {
        return Some(Strength::Shaped);
    }
    // A division followed by a town, street or neighbourhood (`朝阳区望京街道`).
    for suffix in CN_LOCAL_SUFFIXES {
        if let Some(head) = cell.s.strip_suffix(suffix) {
            let split = head
                .char_indices()
                .map(|(i, _)| i)
                .skip(2)
                .find(|&i| head.get(..i).is_some_and(cn_divisions));
            if split.is_some() || cn_divisions(head) {
                return Some(Strength::Shaped);
            }
        }
    }
    None
}

/// **What**: a US state by name or USPS code, a large city (2020 Census places of about 100,000
/// or more), `City, ST`, or a county (`Cook County`, `Orleans Parish`).
///
/// **Why**: city, county and state columns are coarse location; below state level they are
/// HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)(i)(B)).
///
/// **Example**: `Texas`, `TX` (weak: two letters alone), `Chicago`, `Austin, TX`,
/// `Cook County`; `John Smith` does not match.
#[must_use]
pub fn us_place(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 2 || cell.len > 40 || cell.digits > 0 || !cell.ascii() {
        return None;
    }
    let s = cell.s;
    if cell.len == 2 {
        return US_STATE_CODES.contains(s).then_some(Strength::Weak);
    }
    let lower = s.to_ascii_lowercase();
    if US_STATE_NAMES.contains(&lower) || US_CITIES.contains(&lower) {
        return Some(Strength::Shaped);
    }
    if let Some((city, state)) = s.rsplit_once(", ")
        && US_STATE_CODES.contains(state)
        && city.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
    {
        return Some(Strength::Shaped);
    }
    for suffix in [" County", " Parish", " Borough"] {
        if let Some(name) = s.strip_suffix(suffix)
            && name.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
            && name.split(' ').count() <= 3
        {
            return Some(Strength::Shaped);
        }
    }
    None
}

/// **What**: a blood-pressure reading, systolic over diastolic in mmHg (`120/80`,
/// `135/85 mmHg`): systolic 60–260 above diastolic 30–160.
///
/// **Why**: body measurements are health data (28 CFR 202.241; sensitive in care under PIPL
/// Art. 28); written this way they are unmistakable.
///
/// **Example**: `120/80`; `1/2` and `2024/05` do not match.
#[must_use]
pub fn blood_pressure(cell: &Cell<'_>) -> Option<Strength> {
    if !(5..=14).contains(&cell.len) || !cell.ascii() {
        return None;
    }
    let s = cell
        .s
        .trim_end_matches("mmHg")
        .trim_end_matches("mmhg")
        .trim();
    let (sys, dia) = s.split_once('/')?;
    let parse = |t: &str| {
        let t = t.trim();
        (t.len() <= 3 && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| crate::checks::num(t.as_bytes()))
            .flatten()
    };
    let (sys, dia) = (parse(sys)?, parse(dia)?);
    ((60..=260).contains(&sys) && (30..=160).contains(&dia) && sys > dia)
        .then_some(Strength::Shaped)
}

/// **What**: a number an organisation assigns: one to four capital letters, an optional `-` or
/// `_`, then four to twelve digits (`P000123`, `EMP-00042`, `M2024001`), or a number of six to
/// twelve digits with leading zeros (`000123`).
///
/// **Why**: member, patient, employee and student numbers identify a person within the holder's
/// records (`id.internal`; HIPAA (R)). Only shape: the column decides (one prefix, unique
/// values), and the table must be about people.
///
/// **Example**: `P000123`, `EMP-00042`; `A1` and `J45.909` do not match.
#[must_use]
pub fn internal_id(cell: &Cell<'_>) -> Option<Strength> {
    if !(6..=16).contains(&cell.len) || !cell.ascii() || cell.spaces > 0 {
        return None;
    }
    let b = cell.s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if letters == 0 {
        return (cell.digits == cell.len && b.first() == Some(&b'0') && cell.len <= 12)
            .then_some(Strength::Weak);
    }
    if letters > 4 {
        return None;
    }
    let rest = b.get(letters..)?;
    let rest = rest
        .strip_prefix(b"-")
        .or_else(|| rest.strip_prefix(b"_"))
        .unwrap_or(rest);
    ((4..=12).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit))
        .then_some(Strength::Weak)
}

/// The letter prefix of an internal identifier (`P` of `P000123`, empty for digits only), for
/// the column-level check that one prefix runs through the column.
#[must_use]
pub fn internal_prefix(s: &str) -> &str {
    let letters = s.bytes().take_while(u8::is_ascii_uppercase).count();
    s.get(..letters).unwrap_or_default()
}

/// **What**: a bank account number: 9 to 19 digits, optionally grouped by spaces or dashes,
/// that is not a payment card (fails the Luhn check or has a length cards do not use).
///
/// **Why**: financial account numbers are sensitive under PIPL Art. 28 (金融账户) and listed
/// identifiers under 28 CFR 202.234(b). Shape only: a header must name the account.
///
/// **Example**: `6217 0000 1234 5678 90`, `110-123456-789`.
#[must_use]
pub fn bank_account(cell: &Cell<'_>) -> Option<Strength> {
    let digits = cell.packed_digits()?;
    ((9..=19).contains(&digits.len()) && cell.alpha == 0).then_some(Strength::Weak)
}

/// A cell that names a term of `category` in the free-text dictionary.
fn term_of(cell: &Cell<'_>, category: &str) -> Option<Strength> {
    // Every term has letters or Han characters; most sampled cells (numbers, codes) have none.
    if (cell.alpha < 2 && cell.han == 0) || cell.len > 40 {
        return None;
    }
    let index = crate::text::term_cell(cell.s)?;
    (crate::text::TERM_CATEGORIES.get(index) == Some(&category)).then_some(Strength::Shaped)
}

/// **What**: a disease or condition by name (`高血压`, `Type 2 diabetes`, `HIV positive`), from
/// the dictionary of `data/text_terms.tsv` (ICD-10 titles, GB/T 14396-2016 names).
///
/// **Why**: a diagnosis column written in words rather than ICD-10 codes is still health data.
#[must_use]
pub fn disease(cell: &Cell<'_>) -> Option<Strength> {
    term_of(cell, "health.diagnosis")
}

/// **What**: a medicine by name (`二甲双胍`, `metformin 500 mg`), from the same dictionary.
#[must_use]
pub fn medicine(cell: &Cell<'_>) -> Option<Strength> {
    term_of(cell, "health.medication")
}

/// **What**: a religion or denomination (`佛教`, `Catholic`), from the same dictionary.
#[must_use]
pub fn religion(cell: &Cell<'_>) -> Option<Strength> {
    term_of(cell, "person.religion")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(f: fn(&Cell<'_>) -> Option<Strength>, v: &str) -> Option<Strength> {
        f(&Cell::new(v))
    }

    #[test]
    fn chinese_divisions() {
        for v in [
            "海淀区",
            "海淀",
            "广州",
            "广州市",
            "广东省",
            "浙江省杭州市",
            "北京市朝阳区",
            "朝阳区望京街道",
            "广西",
        ] {
            assert_eq!(ok(cn_division, v), Some(Strength::Shaped), "{v}");
        }
        for v in ["张伟", "王秀英", "金额", "北京市朝阳区建国路8号", "科技园"] {
            assert_eq!(ok(cn_division, v), None, "{v}");
        }
    }

    #[test]
    fn us_places() {
        for v in [
            "Texas",
            "New York",
            "Chicago",
            "Austin, TX",
            "Cook County",
            "Orleans Parish",
        ] {
            assert_eq!(ok(us_place, v), Some(Strength::Shaped), "{v}");
        }
        assert_eq!(ok(us_place, "TX"), Some(Strength::Weak));
        for v in ["John Smith", "XX", "Thigpen", "12 Main St"] {
            assert_eq!(ok(us_place, v), None, "{v}");
        }
    }

    #[test]
    fn measurements_and_assigned_numbers() {
        assert!(ok(blood_pressure, "120/80").is_some());
        assert!(ok(blood_pressure, "135/85 mmHg").is_some());
        for v in ["1/2", "2024/05", "80/120", "12/25/1990"] {
            assert!(ok(blood_pressure, v).is_none(), "{v}");
        }
        for v in ["P000123", "EMP-00042", "M2024001", "000123"] {
            assert!(ok(internal_id, v).is_some(), "{v}");
        }
        for v in ["A1", "J45.909", "123456", "ABCDEF12", "P 000123"] {
            assert!(ok(internal_id, v).is_none(), "{v}");
        }
        assert_eq!(internal_prefix("EMP-00042"), "EMP");
        assert!(ok(bank_account, "6217 0000 1234 5678 90").is_some());
        assert!(ok(bank_account, "12345").is_none());
        assert!(ok(disease, "Type 2 diabetes").is_some());
        assert!(ok(disease, "高血压").is_some());
        assert!(ok(medicine, "metformin 500 mg").is_some());
        assert!(ok(religion, "佛教").is_some());
        assert!(ok(disease, "Diabetes education leaflet sent by post").is_none());
    }
}
