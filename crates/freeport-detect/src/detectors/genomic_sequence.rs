//! `genomic.sequence`: human genomic sequence.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `genomic.sequence` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "genomic.sequence",
    checks: &[Check {
        name: "genomic.sequence",
        check: crate::intl::dna_sequence,
        in_text: true,
    }],
    words: &[w("sequence", 0.6), w("序列", 0.8)],
    tokens: &[w("dna", 0.9), w("seq", 0.7)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};
