//! `person.name`: personal name.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `person.name` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.name",
    checks: &[
        Check {
            name: "cn.name",
            check: crate::cn::name,
            in_text: false,
        },
        Check {
            name: "us.name",
            check: crate::us::name,
            in_text: false,
        },
    ],
    words: &[
        w("姓名", 0.95),
        w("名字", 0.8),
        w("联系人", 0.7),
        w("客户名", 0.8),
        w("患者", 0.4),
        w("fullname", 0.95),
        w("firstname", 0.9),
        w("lastname", 0.9),
        w("surname", 0.9),
        w("givenname", 0.9),
        w("customername", 0.9),
        w("patientname", 0.95),
        w("name", 0.55),
    ],
    tokens: &[w("xm", 0.9), w("name", 0.9)],
    mask: Mask::Name,
    strength: None,
    key: Key::Words,
    deid: Deid::Identifier,
};
