//! `fin.income`: income and salary.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `fin.income` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "fin.income",
    checks: &[],
    words: &[
        w("收入", 0.9),
        w("工资", 0.9),
        w("薪", 0.7),
        w("income", 0.9),
        w("salary", 0.95),
    ],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};
