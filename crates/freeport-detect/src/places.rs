//! Detectors for values that describe a person only in a table about people: places coarser
//! than 1,000 m (Chinese divisions from GB/T 2260, US states and large cities, counties),
//! body measurements written in their own shape (blood pressure), and identifiers an
//! organisation assigns (`P000123`, `EMP-00042`).
//!
//! The gazetteers are data files (`data/cn_divisions.tsv`, `data/us_states.tsv`,
//! `data/us_cities.txt`), each citing its source. Each validator lives with its detector
//! (`src/detectors/`); this module keeps the gazetteers, the dictionary lookup the term
//! validators share and the family's tests.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::detector::{Cell, Strength};

// The validators live with their detectors (`src/detectors/`); re-exported here under the
// family paths they have always had.
pub use crate::detectors::fin_bank_account::bank_account;
pub use crate::detectors::health_body_measurement::blood_pressure;
pub use crate::detectors::health_diagnosis::disease;
pub use crate::detectors::health_medication::medicine;
pub use crate::detectors::id_internal::internal_id;
pub use crate::detectors::location_coarse::{cn_division, us_place};
pub use crate::detectors::person_religion::religion;

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
pub(crate) static US_STATE_NAMES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../data/us_states.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split('\t').nth(1))
        .map(str::to_ascii_lowercase)
        .collect()
});

pub(crate) static US_STATE_CODES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/us_states.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split('\t').next())
        .collect()
});

/// Large US cities, lower case.
pub(crate) static US_CITIES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../data/us_cities.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().to_ascii_lowercase())
        .collect()
});

/// Suffixes of Chinese places below the county: streets, towns, townships, villages,
/// neighbourhood committees and residential compounds.
pub(crate) const CN_LOCAL_SUFFIXES: [&str; 8] =
    ["街道", "镇", "乡", "村", "社区", "小区", "苏木", "嘎查"];

/// Whether `s` is one to three GB/T 2260 names written one after another (`广东省广州市`,
/// `北京海淀`), each name matched longest first.
pub(crate) fn cn_divisions(s: &str) -> bool {
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

/// The letter prefix of an internal identifier (`P` of `P000123`, empty for digits only), for
/// the column-level check that one prefix runs through the column.
#[must_use]
pub fn internal_prefix(s: &str) -> &str {
    let letters = s.bytes().take_while(u8::is_ascii_uppercase).count();
    s.get(..letters).unwrap_or_default()
}

/// A cell that names a term of `category` in the free-text dictionary.
pub(crate) fn term_of(cell: &Cell<'_>, category: &str) -> Option<Strength> {
    // Every term has letters or Han characters; most sampled cells (numbers, codes) have none.
    if (cell.alpha < 2 && cell.han == 0) || cell.len > 40 {
        return None;
    }
    let index = crate::text::term_cell(cell.s)?;
    (crate::text::TERM_CATEGORIES.get(index) == Some(&category)).then_some(Strength::Shaped)
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
