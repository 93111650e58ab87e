//! `online.url`: personal web address.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `online.url` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "online.url",
    checks: &[Check {
        name: "url",
        check: url,
        in_text: true,
    }],
    words: &[w("网址", 0.9), w("链接", 0.8), w("website", 0.8)],
    tokens: &[w("url", 0.9)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: URL with an `http(s)`/`ftp` scheme or a `www.` host.
///
/// **Why**: online identifiers and browsing data; URLs often carry user ids in paths and query
/// strings.
///
/// **Example**: `https://example.com/u/123` matches; `example` does not.
#[must_use]
pub fn url(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 8 || cell.spaces > 0 || !cell.ascii() {
        return None;
    }
    let s = cell.s;
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .or_else(|| s.strip_prefix("ftp://"))
        .or_else(|| s.starts_with("www.").then_some(s))?;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    (host.contains('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
    .then_some(Strength::Shaped)
}
