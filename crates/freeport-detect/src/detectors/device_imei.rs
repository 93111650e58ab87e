//! `device.imei`: IMEI.

use crate::checks::luhn;
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `device.imei` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "device.imei",
    checks: &[Check {
        name: "imei",
        check: imei,
        in_text: true,
    }],
    words: &[w("imei", 0.95)],
    tokens: &[w("imei", 0.95)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(7),
    key: Key::Digits,
    deid: Deid::Identifier,
};

/// **What**: IMEI, 15 digits (TAC + serial + Luhn check) (identifiers.md §2.9).
///
/// **Why**: identifies a handset and so its user; the device id that keys precise-geolocation
/// device counts.
///
/// **Example**: `490154203237518` matches; `490154203237519` does not.
#[must_use]
pub fn imei(cell: &Cell<'_>) -> Option<Strength> {
    if !(15..=18).contains(&cell.len) || cell.digits != 15 || cell.alpha > 0 {
        return None;
    }
    let d = cell.packed_digits()?;
    (tac_prefix(d) && luhn(d)).then_some(Strength::Validated)
}

/// Reporting-body identifiers that begin real TACs (GSMA: 01, 35, 86, 99, …; 3GPP TS 23.003).
fn tac_prefix(d: &[u8]) -> bool {
    matches!(
        d.get(..2),
        Some(
            b"01"
                | b"30"
                | b"33"
                | b"35"
                | b"44"
                | b"45"
                | b"49"
                | b"50"
                | b"51"
                | b"52"
                | b"53"
                | b"54"
                | b"86"
                | b"91"
                | b"98"
                | b"99"
        )
    )
}
