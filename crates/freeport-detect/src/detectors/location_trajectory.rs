//! `location.trajectory`: location trajectory.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `location.trajectory` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "location.trajectory",
    checks: &[],
    words: &[w("轨迹", 0.9), w("trajectory", 0.9)],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};
