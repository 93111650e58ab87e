//! `genomic.variant`: human genetic variants and genotypes.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `genomic.variant` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "genomic.variant",
    checks: &[
        Check {
            name: "genomic.rsid",
            check: crate::intl::rsid,
            in_text: true,
        },
        Check {
            name: "genomic.genotype",
            check: crate::intl::genotype,
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
