//! `id.internal`: organisation-assigned person identifier.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.internal` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.internal",
    checks: &[Check {
        name: "internal_id",
        check: crate::places::internal_id,
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
