//! `genomic.sequence`: human genomic sequence.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `genomic.sequence` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "genomic.sequence",
    checks: &[Check {
        name: "genomic.sequence",
        check: dna_sequence,
        in_text: true,
    }],
    words: &[w("sequence", 0.6), w("序列", 0.8)],
    tokens: &[w("dna", 0.9), w("seq", 0.7)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: nucleotide sequence (DNA/RNA), FASTA or FASTQ record content: ≥ 20 characters of
/// which ≥ 95 % are `ACGTUN` (identifiers.md §4).
///
/// **Why**: human genomic data is a 28 CFR 202 category with a 100-person bulk threshold and a
/// prohibited class of transactions; PIPL treats it as sensitive (biometric/health).
///
/// **Example**: `ACGTTGCAAGGCTTACGATCG`, `>seq1\nACGT…`; `ACGT` does not match.
#[must_use]
pub fn dna_sequence(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 20 || !cell.ascii() || cell.alpha * 10 < cell.len * 7 {
        return None;
    }
    let s = cell.s;
    // Cheap rejection: prose and names fail within the first bytes.
    if !s.starts_with(['>', '@']) && s.bytes().take(12).any(|b| !b"ACGTUNacgtun".contains(&b)) {
        return None;
    }
    let body: &str = if s.starts_with('>') || s.starts_with('@') {
        // FASTA/FASTQ: skip the header line, and a FASTQ quality line after '+'.
        let mut lines = s.lines().skip(1);
        lines.next()?
    } else {
        s
    };
    let n = body.len();
    let nuc = body.bytes().filter(|b| b"ACGTUNacgtun".contains(b)).count();
    (n >= 20 && nuc * 100 >= n * 95).then_some(Strength::Shaped)
}
