//! `online.account`: online account identifier.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `online.account` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "online.account",
    checks: &[],
    words: &[
        w("username", 0.9),
        w("userid", 0.8),
        w("用户名", 0.9),
        w("账号名", 0.8),
    ],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(7),
    key: Key::Compact,
    deid: Deid::Identifier,
};
