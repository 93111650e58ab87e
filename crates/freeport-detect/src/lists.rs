//! Word lists embedded from `data/` (surnames, given-name characters, first and last names,
//! province codes), parsed once into lookup sets.

use std::collections::HashSet;
use std::sync::LazyLock;

fn words(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
}

/// Chinese surnames (single characters and compound surnames).
pub static CN_SURNAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| words(include_str!("../data/cn_surnames.txt")).collect());

/// Characters common in Chinese given names.
pub static CN_GIVEN: LazyLock<HashSet<char>> = LazyLock::new(|| {
    words(include_str!("../data/cn_given_chars.txt"))
        .flat_map(str::chars)
        .collect()
});

/// Common US first names, lower case.
pub static EN_FIRST: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| words(include_str!("../data/en_first_names.txt")).collect());

/// Common US last names, lower case.
pub static EN_LAST: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| words(include_str!("../data/en_last_names.txt")).collect());

/// A GB/T 2260 province-level division.
#[derive(Debug)]
pub struct Province {
    /// Two-digit code.
    pub code: u32,
    /// Names and short forms (e.g. 广东, 广东省, 粤).
    pub names: Vec<&'static str>,
}

/// Province-level divisions from `data/cn_provinces.tsv`.
pub static PROVINCES: LazyLock<Vec<Province>> = LazyLock::new(|| {
    include_str!("../data/cn_provinces.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let mut f = l.split('\t');
            let code = f.next()?.parse().ok()?;
            Some(Province {
                code,
                names: f.collect(),
            })
        })
        .collect()
});

/// Whether `code` is a province-level code in the table.
#[must_use]
pub fn province_code(code: u32) -> bool {
    PROVINCES.iter().any(|p| p.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load() {
        assert!(CN_SURNAMES.contains("王") && CN_SURNAMES.contains("欧阳"));
        assert!(CN_GIVEN.contains(&'伟'));
        assert!(EN_FIRST.contains("mary") && EN_LAST.contains("smith"));
        assert_eq!(PROVINCES.len(), 32);
        assert!(province_code(44) && !province_code(20) && !province_code(81));
    }
}
