//! `contact.email`: email address.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `contact.email` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "contact.email",
    checks: &[Check {
        name: "email",
        check: crate::intl::email,
        in_text: true,
    }],
    words: &[
        w("邮箱", 0.95),
        w("电子邮件", 0.95),
        w("email", 0.95),
        w("mail", 0.7),
    ],
    tokens: &[w("yx", 0.7), w("email", 0.95)],
    mask: Mask::Email,
    strength: Some(5),
    key: Key::Lowercase,
    deid: Deid::Identifier,
};
