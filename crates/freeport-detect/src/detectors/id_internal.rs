//! `id.internal`: organisation-assigned person identifier.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `id.internal` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.internal",
    checks: &[Check {
        name: "internal_id",
        check: internal_id,
        in_text: false,
    }],
    words: &[
        w("工号", 0.9),
        w("员工编号", 0.95),
        w("员工号", 0.9),
        w("employeeid", 0.9),
        w("employeenumber", 0.9),
        w("staffid", 0.9),
        w("会员", 0.9),
        w("客户编号", 0.9),
        w("客户号", 0.85),
        w("患者编号", 0.9),
        w("患者id", 0.9),
        w("学号", 0.9),
        w("customerid", 0.9),
        w("customerno", 0.9),
        w("custid", 0.85),
        w("clientid", 0.85),
        w("patientid", 0.9),
        w("patientno", 0.9),
        w("patientnumber", 0.9),
        w("studentid", 0.9),
        w("participantid", 0.9),
        w("subjectid", 0.85),
        w("受试者编号", 0.9),
        w("member", 0.7),
    ],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: a number an organisation assigns: one to four capital letters, an optional `-` or
/// `_`, then four to twelve digits (`P000123`, `EMP-00042`, `M2024001`), or a number of six to
/// twelve digits with leading zeros (`000123`).
///
/// **Why**: member, patient, employee and student numbers identify a person within the holder's
/// records (`id.internal`; HIPAA (R)). Only shape: the column decides (one prefix, unique
/// values), and the table must be about people.
///
/// **Example**: `P000123`, `EMP-00042`; `A1` and `J45.909` do not match.
#[must_use]
pub fn internal_id(cell: &Cell<'_>) -> Option<Strength> {
    if !(6..=16).contains(&cell.len) || !cell.ascii() || cell.spaces > 0 {
        return None;
    }
    let b = cell.s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if letters == 0 {
        return (cell.digits == cell.len && b.first() == Some(&b'0') && cell.len <= 12)
            .then_some(Strength::Weak);
    }
    if letters > 4 {
        return None;
    }
    let rest = b.get(letters..)?;
    let rest = rest
        .strip_prefix(b"-")
        .or_else(|| rest.strip_prefix(b"_"))
        .unwrap_or(rest);
    ((4..=12).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit))
        .then_some(Strength::Weak)
}
