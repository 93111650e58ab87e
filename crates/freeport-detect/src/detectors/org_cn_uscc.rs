//! `org.cn.uscc`: unified social credit code.

use crate::checks::{self};
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `org.cn.uscc` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "org.cn.uscc",
    checks: &[Check {
        name: "cn.uscc",
        check: uscc,
        in_text: true,
    }],
    words: &[w("信用代码", 0.95), w("社会信用", 0.9), w("uscc", 0.95)],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::Insensitive,
};

/// **What**: unified social credit code (统一社会信用代码), GB 32100-2015.
///
/// **Why**: identifies an organisation (not PI by itself, but it reveals the counter-party and,
/// for sole traders, the person). Two independent checks: the GB 32100 check character and the
/// embedded GB 11714 organisation code (identifiers.md §1.3).
///
/// **Example**: `91350100M000100Y43` matches; `91350100M000100Y4Z` does not.
#[must_use]
pub fn uscc(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len != 18 || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    // Pure-digit strings are resident-ID territory; a USCC starts with a registration authority
    // and type and nearly always holds a letter, but all-digit codes exist, so only reject when the
    // structural prefix is wrong.
    let structural = matches!(c.first(), Some(b'1'..=b'9' | b'A' | b'N' | b'Y'))
        && matches!(c.get(1), Some(b'1'..=b'5' | b'9'))
        && c.get(2..8)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    (structural && checks::uscc_check(c) && c.get(8..17).is_some_and(checks::org_code_check))
        .then_some(Strength::Validated)
}
