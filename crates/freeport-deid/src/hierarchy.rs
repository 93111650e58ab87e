//! Generalisation hierarchies: ARX's CSV form (value; level 1; ...; `*`, one row per original
//! value) and built-in ones — numeric bands, dates to month and year, Chinese administrative
//! divisions by GB/T 2260 code prefix, and US ZIP3 with the HIPAA 20,000-population rule.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::table::Column;

/// A generalisation hierarchy over a finite domain of original values ("leaves").
///
/// Level 0 is the original value; the last level is normally `*`. Every level is a function of
/// the one below (checked on construction), so raising a level only ever merges classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Hierarchy {
    /// `map[level][leaf]`: the code of the leaf's generalisation at `level`.
    map: Vec<Vec<u32>>,
    /// `labels[level][code]`: the text of each generalised value.
    labels: Vec<Vec<String>>,
    /// `leaves[level][code]`: how many leaves each generalised value covers (ARX's domain share
    /// numerator).
    leaves: Vec<Vec<u32>>,
    index: FxHashMap<String, u32>,
}

impl Hierarchy {
    /// Builds a hierarchy from rows of `[value, level 1, ..., top]`. `origin` names the source
    /// in errors (a file name or a built-in hierarchy's name).
    ///
    /// # Errors
    ///
    /// No rows, rows of different depth, a value listed twice, or a level that is not a function
    /// of the level below (one value generalised two ways); each error names the line.
    pub fn from_rows(rows: &[Vec<String>], origin: &str) -> Result<Self> {
        let Some(first) = rows.first() else {
            return Err(Error::input(format!("hierarchy `{origin}` is empty"), None));
        };
        let depth = first.len();
        if depth == 0 {
            return Err(Error::input(format!("hierarchy `{origin}` is empty"), None));
        }
        let mut map = vec![Vec::with_capacity(rows.len()); depth];
        let mut labels: Vec<Vec<String>> = vec![Vec::new(); depth];
        let mut leaves: Vec<Vec<u32>> = vec![Vec::new(); depth];
        let mut interners: Vec<FxHashMap<&str, u32>> = vec![FxHashMap::default(); depth];
        // parent[level][code] = code at level + 1, to check each level is a function of the last.
        let mut parent: Vec<FxHashMap<u32, u32>> = vec![FxHashMap::default(); depth];
        for (i, row) in rows.iter().enumerate() {
            let line = i + 1;
            if row.len() != depth {
                return Err(Error::input(
                    format!(
                        "hierarchy `{origin}` has uneven depth: line {line} has {} levels, line 1 has {depth}",
                        row.len()
                    ),
                    Some(
                        "every row must list the value and all its generalisations up to the top"
                            .into(),
                    ),
                ));
            }
            let mut codes = Vec::with_capacity(depth);
            for (level, cell) in row.iter().enumerate() {
                let cell = cell.as_str();
                let next = u32::try_from(labels[level].len()).unwrap_or(u32::MAX);
                let code = *interners[level].entry(cell).or_insert(next);
                if code == next {
                    labels[level].push(cell.to_owned());
                    leaves[level].push(0);
                } else if level == 0 {
                    return Err(Error::input(
                        format!("hierarchy `{origin}` lists the value on line {line} twice"),
                        None,
                    ));
                }
                if let Some(n) = leaves[level].get_mut(code as usize) {
                    *n += 1;
                }
                map[level].push(code);
                codes.push(code);
            }
            for level in 0..depth.saturating_sub(1) {
                let (here, up) = (codes[level], codes[level + 1]);
                if *parent[level].entry(here).or_insert(up) != up {
                    return Err(Error::input(
                        format!(
                            "hierarchy `{origin}` is inconsistent: on line {line} a level-{level} value is generalised differently than on an earlier line"
                        ),
                        Some("each generalised value must have exactly one generalisation at the next level".into()),
                    ));
                }
            }
        }
        let index = labels[0]
            .iter()
            .enumerate()
            .map(|(i, v)| (v.clone(), u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        Ok(Self {
            map,
            labels,
            leaves,
            index,
        })
    }

    /// Reads an ARX hierarchy file: one row per original value, `;`, `,` or tab separated, no
    /// header.
    ///
    /// # Errors
    ///
    /// Unreadable file or an invalid hierarchy (see [`Hierarchy::from_rows`]).
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let first = text.lines().next().unwrap_or("");
        let delimiter = crate::io::sniff_delimiter(first);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                Error::input(
                    format!(
                        "hierarchy `{}` is not readable near line {}",
                        path.display(),
                        e.position().map_or(0, csv::Position::line)
                    ),
                    None,
                )
            })?;
            if record.len() == 1 && record.get(0) == Some("") {
                continue;
            }
            rows.push(record.iter().map(str::to_owned).collect());
        }
        Self::from_rows(&rows, &path.display().to_string())
    }

    /// Number of levels including level 0.
    #[must_use]
    pub fn height(&self) -> usize {
        self.map.len()
    }

    /// Number of original values (leaves).
    #[must_use]
    pub fn domain_size(&self) -> usize {
        self.labels.first().map_or(0, Vec::len)
    }

    /// The leaf index of an original value.
    #[must_use]
    pub fn leaf(&self, value: &str) -> Option<u32> {
        self.index.get(value).copied()
    }

    /// The code at `level` of `leaf`.
    #[must_use]
    pub fn generalise(&self, leaf: u32, level: usize) -> u32 {
        self.map
            .get(level)
            .and_then(|m| m.get(leaf as usize))
            .copied()
            .unwrap_or(0)
    }

    /// The lookup table leaf → code at `level`.
    #[must_use]
    pub fn level_map(&self, level: usize) -> &[u32] {
        self.map.get(level).map_or(&[], Vec::as_slice)
    }

    /// Number of distinct values at `level`.
    #[must_use]
    pub fn cardinality(&self, level: usize) -> usize {
        self.labels.get(level).map_or(0, Vec::len)
    }

    /// The text of a generalised value.
    #[must_use]
    pub fn label(&self, level: usize, code: u32) -> &str {
        self.labels
            .get(level)
            .and_then(|l| l.get(code as usize))
            .map_or("*", String::as_str)
    }

    /// ARX's domain share of a generalised value: the fraction of leaves it covers.
    #[must_use]
    pub fn share(&self, level: usize, code: u32) -> f64 {
        let covered = self
            .leaves
            .get(level)
            .and_then(|l| l.get(code as usize))
            .copied()
            .unwrap_or(0);
        f64::from(covered) / self.domain_size().max(1) as f64
    }

    /// Maps every code of `column` to its leaf.
    ///
    /// # Errors
    ///
    /// A value of the column missing from the hierarchy, naming the column and the first line
    /// where it occurs (not the value: cell values stay out of errors).
    pub fn leaves_of(&self, column: &Column, origin: &str) -> Result<Vec<u32>> {
        let mut out = Vec::with_capacity(column.dictionary.len());
        for (code, value) in column.dictionary.iter().enumerate() {
            match self.leaf(value) {
                Some(leaf) => out.push(leaf),
                None => {
                    let row = column
                        .codes
                        .iter()
                        .position(|&c| c as usize == code)
                        .unwrap_or(0);
                    return Err(Error::input(
                        format!(
                            "column `{}`: the value on data line {} is missing from its hierarchy `{origin}`",
                            column.name,
                            row + 2
                        ),
                        Some("add a row for it to the hierarchy (value followed by its generalisations)".into()),
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// A built-in hierarchy, generated from the distinct values of a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Builtin {
    /// Integers in nested bands of the given widths (e.g. 5, 10, 20), then `*`. With
    /// `top_code`, values at or above it become `{top_code}+` at every level above 0 — HIPAA
    /// Safe Harbor's "age 90 or older" (45 CFR 164.514(b)(2)(i)(C)).
    Interval {
        /// Band widths, each a multiple of the previous.
        widths: Vec<u64>,
        /// Values at or above this are one category from level 1 up.
        top_code: Option<i64>,
    },
    /// Dates (`YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`) to `YYYY-MM`, then `YYYY`, then `*`.
    Date,
    /// GB/T 2260 six-digit administrative division codes to prefecture (`XXXX00`), province
    /// (`XX0000`), then `*` (layout in `identifiers.md` §1.1: the first 6 digits of a resident
    /// ID are the county-level GB/T 2260 code).
    CnAdmin,
    /// US five-digit ZIP codes (or ZIP+4) to ZIP3, with ZIP3 areas of 20,000 people or fewer
    /// turned into `000` (45 CFR 164.514(b)(2)(i)(B)), then `*`.
    UsZip3(Zip3Table),
}

/// Which ZIP3 areas have 20,000 people or fewer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Zip3Table {
    small: Vec<String>,
    /// Where the table came from, for the report.
    pub source: String,
}

/// The embedded table (see the file's header for its source and status).
pub const EMBEDDED_ZIP3: &str = include_str!("../data/us-zip3-population.csv");

impl Zip3Table {
    /// Parses a `zip3,population` CSV (comment lines start with `#`); a population may be a
    /// number or `<=20000` when only the bound is known.
    ///
    /// # Errors
    ///
    /// A malformed line, named by number.
    pub fn parse(text: &str, source: &str) -> Result<Self> {
        let mut small = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("zip3") {
                continue;
            }
            let mut parts = line.split(',');
            let zip3 = parts.next().unwrap_or("").trim();
            let population = parts.next().unwrap_or("").trim();
            let bad = || {
                Error::input(
                    format!(
                        "ZIP3 population table `{source}`: line {} is not `zip3,population`",
                        i + 1
                    ),
                    None,
                )
            };
            if zip3.len() != 3 || !zip3.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let is_small = if population == "<=20000" {
                true
            } else {
                population.parse::<u64>().map_err(|_| bad())? <= 20_000
            };
            if is_small {
                small.push(zip3.to_owned());
            }
        }
        small.sort();
        small.dedup();
        Ok(Self {
            small,
            source: source.to_owned(),
        })
    }

    /// The embedded table.
    ///
    /// # Errors
    ///
    /// Never for the shipped file; kept fallible so a bad edit is caught by tests.
    pub fn embedded() -> Result<Self> {
        Self::parse(EMBEDDED_ZIP3, "embedded us-zip3-population.csv")
    }

    /// Whether the ZIP3 area has 20,000 people or fewer.
    #[must_use]
    pub fn is_small(&self, zip3: &str) -> bool {
        self.small
            .binary_search_by(|z| z.as_str().cmp(zip3))
            .is_ok()
    }
}

impl Builtin {
    /// A short name for reports and errors.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Interval { .. } => "interval",
            Self::Date => "date",
            Self::CnAdmin => "cn-admin",
            Self::UsZip3(_) => "us-zip3",
        }
    }

    /// Builds the hierarchy over the distinct values of `column`.
    ///
    /// # Errors
    ///
    /// A value that does not fit the hierarchy (not an integer, not a date, not a six-digit
    /// code, not a ZIP), naming the column and line; or bad band widths.
    pub fn build(&self, column: &Column) -> Result<Hierarchy> {
        if let Self::Interval { widths, .. } = self {
            let nested = widths.windows(2).all(|w| w[0] > 0 && w[1] % w[0] == 0);
            if widths.is_empty() || widths.contains(&0) || !nested {
                return Err(Error::input(
                    format!(
                        "column `{}`: interval widths must be positive and each a multiple of the previous",
                        column.name
                    ),
                    None,
                ));
            }
        }
        let mut rows = Vec::with_capacity(column.dictionary.len());
        for (code, value) in column.dictionary.iter().enumerate() {
            let row = self.row(value).ok_or_else(|| {
                let at = column
                    .codes
                    .iter()
                    .position(|&c| c as usize == code)
                    .unwrap_or(0);
                Error::input(
                    format!(
                        "column `{}`: the value on data line {} does not fit the `{}` hierarchy",
                        column.name,
                        at + 2,
                        self.name()
                    ),
                    Some(self.expectation().into()),
                )
            })?;
            rows.push(row);
        }
        Hierarchy::from_rows(
            &rows,
            &format!("built-in {} on `{}`", self.name(), column.name),
        )
    }

    fn expectation(&self) -> &'static str {
        match self {
            Self::Interval { .. } => "values must be integers",
            Self::Date => "values must be dates as YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD",
            Self::CnAdmin => "values must be six-digit GB/T 2260 codes",
            Self::UsZip3(_) => "values must be five-digit ZIP codes or ZIP+4",
        }
    }

    fn row(&self, value: &str) -> Option<Vec<String>> {
        let v = value.trim();
        match self {
            Self::Interval { widths, top_code } => {
                let n: i64 = v.parse().ok()?;
                let mut row = vec![value.to_owned()];
                for &w in widths {
                    let w = i64::try_from(w).ok()?;
                    match top_code {
                        Some(t) if n >= *t => row.push(format!("{t}+")),
                        _ => {
                            let lo = n.div_euclid(w) * w;
                            row.push(format!("{lo}-{}", lo + w - 1));
                        }
                    }
                }
                row.push("*".into());
                Some(row)
            }
            Self::Date => {
                let (y, m, d) = parse_date(v)?;
                let _ = d;
                Some(vec![
                    value.to_owned(),
                    format!("{y:04}-{m:02}"),
                    format!("{y:04}"),
                    "*".into(),
                ])
            }
            Self::CnAdmin => {
                if v.len() != 6 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let prefecture = format!("{}00", v.get(..4)?);
                let province = format!("{}0000", v.get(..2)?);
                Some(vec![value.to_owned(), prefecture, province, "*".into()])
            }
            Self::UsZip3(table) => {
                let five = v.split('-').next()?;
                if five.len() != 5 || !five.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let zip3 = five.get(..3)?;
                let shown = if table.is_small(zip3) { "000" } else { zip3 };
                Some(vec![value.to_owned(), shown.to_owned(), "*".into()])
            }
        }
    }
}

/// Parses `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD` into a valid calendar date.
#[must_use]
pub fn parse_date(v: &str) -> Option<(u32, u32, u32)> {
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    let separated = v.len() == 10
        && matches!(v.as_bytes().get(4), Some(b'-' | b'/'))
        && v.as_bytes().get(7) == v.as_bytes().get(4);
    if !(separated || v.len() == 8) || digits.len() != 8 {
        return None;
    }
    let y: u32 = digits.get(..4)?.parse().ok()?;
    let m: u32 = digits.get(4..6)?.parse().ok()?;
    let d: u32 = digits.get(6..8)?.parse().ok()?;
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::TableBuilder;

    fn column(values: &[&str]) -> Column {
        let mut b = TableBuilder::new(vec!["c".into()]);
        for v in values {
            b.push([*v]);
        }
        b.finish().columns.remove(0)
    }

    fn rows(text: &str) -> Vec<Vec<String>> {
        text.lines()
            .map(|l| l.split(';').map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn arx_rows_build_levels_and_shares() {
        let h = Hierarchy::from_rows(&rows("a;ab;*\nb;ab;*\nc;c;*"), "t").unwrap();
        assert_eq!(h.height(), 3);
        assert_eq!(h.domain_size(), 3);
        let a = h.leaf("a").unwrap();
        let b = h.leaf("b").unwrap();
        assert_eq!(h.generalise(a, 1), h.generalise(b, 1));
        assert_eq!(h.label(1, h.generalise(a, 1)), "ab");
        assert!((h.share(1, h.generalise(a, 1)) - 2.0 / 3.0).abs() < 1e-12);
        assert!((h.share(2, 0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn uneven_depth_and_inconsistency_are_rejected() {
        let e = Hierarchy::from_rows(&rows("a;x;*\nb;*"), "h.csv").unwrap_err();
        assert!(e.to_string().contains("uneven depth: line 2"), "{e}");
        let e = Hierarchy::from_rows(&rows("a;x;*\nb;x;y"), "h.csv").unwrap_err();
        assert!(e.to_string().contains("inconsistent"), "{e}");
    }

    #[test]
    fn missing_value_names_column_and_line_not_value() {
        let h = Hierarchy::from_rows(&rows("a;*"), "h.csv").unwrap();
        let c = column(&["a", "secret-value"]);
        let e = h.leaves_of(&c, "h.csv").unwrap_err().to_string();
        assert!(e.contains("column `c`") && e.contains("line 3"), "{e}");
        assert!(!e.contains("secret-value"));
    }

    #[test]
    fn builtins_generalise_as_documented() {
        let ages = column(&["23", "27", "95"]);
        let h = Builtin::Interval {
            widths: vec![5, 10],
            top_code: Some(90),
        }
        .build(&ages)
        .unwrap();
        assert_eq!(h.height(), 4);
        assert_eq!(h.label(1, h.generalise(h.leaf("23").unwrap(), 1)), "20-24");
        assert_eq!(h.label(2, h.generalise(h.leaf("27").unwrap(), 2)), "20-29");
        assert_eq!(h.label(1, h.generalise(h.leaf("95").unwrap(), 1)), "90+");

        let dates = column(&["2024-02-29", "20231231"]);
        let h = Builtin::Date.build(&dates).unwrap();
        assert_eq!(h.label(1, h.generalise(0, 1)), "2024-02");
        assert_eq!(h.label(2, h.generalise(1, 2)), "2023");
        assert!(Builtin::Date.build(&column(&["2023-02-29"])).is_err());

        let cn = column(&["110105", "110108", "440305"]);
        let h = Builtin::CnAdmin.build(&cn).unwrap();
        assert_eq!(h.label(1, h.generalise(0, 1)), "110100");
        assert_eq!(h.label(2, h.generalise(2, 2)), "440000");

        let table = Zip3Table::parse("zip3,population\n036,<=20000\n021,1000000\n", "t").unwrap();
        let zips = column(&["03601", "02139-4307"]);
        let h = Builtin::UsZip3(table).build(&zips).unwrap();
        assert_eq!(h.label(1, h.generalise(0, 1)), "000");
        assert_eq!(h.label(1, h.generalise(1, 1)), "021");
    }

    #[test]
    fn embedded_zip3_table_parses() {
        let t = Zip3Table::embedded().unwrap();
        assert!(t.is_small("036"));
        assert!(!t.is_small("021"));
    }
}
