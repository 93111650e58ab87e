//! `employment.record`: employment record.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Hierarchy, Key, Mask, w};

/// The `employment.record` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "employment.record",
    checks: &[],
    words: &[
        w("职业", 0.8),
        // HR records (GB/T 35273-2020 Table B.1 lists 职业, 职位, 工作单位 as personal information).
        w("部门", 0.8),
        w("职位", 0.85),
        w("职务", 0.85),
        w("岗位", 0.85),
        w("职级", 0.85),
        w("入职", 0.9),
        w("离职", 0.9),
        w("用工", 0.8),
        w("department", 0.7),
        w("hiredate", 0.9),
        w("工作单位", 0.8),
        w("occupation", 0.8),
        w("jobtitle", 0.8),
    ],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::QuasiIdentifier(Hierarchy::File),
};
