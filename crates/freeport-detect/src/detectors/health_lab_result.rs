//! `health.lab_result`: laboratory and examination results.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `health.lab_result` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.lab_result",
    checks: &[],
    words: &[
        w("检验结果", 0.9),
        w("化验", 0.8),
        w("labresult", 0.95),
        w("glucose", 0.9),
        w("血糖", 0.95),
        w("bloodsugar", 0.9),
        w("cholesterol", 0.9),
        w("胆固醇", 0.95),
        w("hba1c", 0.95),
        w("血红蛋白", 0.9),
        w("hemoglobin", 0.9),
        w("haemoglobin", 0.9),
        w("creatinine", 0.9),
        w("肌酐", 0.95),
        w("白细胞", 0.9),
        w("红细胞", 0.9),
        w("血小板", 0.9),
        w("platelet", 0.9),
        w("triglycer", 0.9),
        w("甘油三酯", 0.95),
        w("尿酸", 0.9),
        w("转氨酶", 0.9),
        w("insulin", 0.8),
        w("serum", 0.7),
    ],
    tokens: &[
        w("ldl", 0.9),
        w("hdl", 0.9),
        w("wbc", 0.9),
        w("rbc", 0.9),
        w("hgb", 0.9),
    ],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};
