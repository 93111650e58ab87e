//! `vehicle.vin`: vehicle identification number.

use crate::checks::{self};
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `vehicle.vin` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "vehicle.vin",
    checks: &[Check {
        name: "vin",
        check: vin,
        in_text: true,
    }],
    words: &[w("车架号", 0.95)],
    tokens: &[w("vin", 0.95)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(8),
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: Vehicle Identification Number, 17 characters (no I, O, Q), position-9 check digit
/// (ISO 3779; 49 CFR 565).
///
/// **Why**: identifies a vehicle and through registration its owner (HIPAA identifier (L)).
///
/// **Example**: `1M8GDM9AXKP042788` matches; `1M8GDM9A1KP042788` does not.
#[must_use]
pub fn vin(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len != 17 || cell.alpha == 0 || cell.digits < 5 || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    checks::vin(c).then_some(Strength::Validated)
}
