//! `contact.email`: email address.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `contact.email` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "contact.email",
    checks: &[Check {
        name: "email",
        check: email,
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

/// **What**: e-mail address `local@domain.tld`.
///
/// **Why**: a direct contact identifier that usually names or keys one person.
///
/// **How**: one `@`, a non-empty local part of RFC 5322 atom characters and dots, a domain of
/// LDH labels with at least one dot and an alphabetic TLD of 2+ letters.
///
/// **Example**: `zhang.wei@example.com.cn` matches; `a@b`, `@example.com` do not.
#[must_use]
pub fn email(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 6 || cell.len > 254 || cell.spaces > 0 || !cell.ascii() {
        return None;
    }
    let (local, domain) = cell.s.split_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
    let mut labels = domain.split('.');
    let tld = domain.rsplit('.').next()?;
    let domain_ok = domain.contains('.')
        && labels.all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic());
    (local_ok && domain_ok).then_some(Strength::Shaped)
}
