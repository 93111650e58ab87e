//! `genomic.variant`: human genetic variants and genotypes.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `genomic.variant` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "genomic.variant",
    checks: &[
        Check {
            name: "genomic.rsid",
            check: rsid,
            in_text: true,
        },
        Check {
            name: "genomic.genotype",
            check: genotype,
            in_text: false,
        },
    ],
    words: &[
        w("基因型", 0.95),
        w("genotype", 0.95),
        w("allele", 0.8),
        w("位点", 0.7),
    ],
    tokens: &[w("rsid", 0.95), w("snp", 0.9)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};

/// **What**: dbSNP reference SNP id `rs` + digits (or a consumer-genotype internal `i` + digits
/// only with the header).
///
/// **Why**: variant ids key genotype tables (23andMe-style exports) — genomic data.
///
/// **Example**: `rs6054257` matches; `rs` and `RSVP` do not.
#[must_use]
pub fn rsid(cell: &Cell<'_>) -> Option<Strength> {
    let rest = cell.s.strip_prefix("rs")?;
    (cell.len >= 4 && cell.len <= 14 && rest.bytes().all(|b| b.is_ascii_digit()))
        .then_some(Strength::Shaped)
}

/// **What**: diploid genotype call: two of `ACGT` (`AG`, `TT`), `A/G`, `A|G`, or `--`.
///
/// **Why**: genotype columns of consumer genomic exports. Two letters alone are ambiguous, so
/// `Weak`: the rsID column or header decides.
///
/// **Example**: `AG`, `C/T`; `AX` does not match.
#[must_use]
pub fn genotype(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    let n = |c: &u8| b"ACGT".contains(c);
    match b {
        [x, y] if n(x) && n(y) => Some(Strength::Weak),
        [x, b'/' | b'|', y] if n(x) && n(y) => Some(Strength::Weak),
        b"--" => Some(Strength::Weak),
        _ => None,
    }
}
