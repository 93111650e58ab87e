//! `health.body_measurement`: body measurements.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `health.body_measurement` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.body_measurement",
    checks: &[Check {
        name: "blood_pressure",
        check: crate::places::blood_pressure,
        in_text: false,
    }],
    words: &[
        w("体重指数", 0.95),
        w("身高", 0.9),
        w("体重", 0.9),
        w("血压", 0.95),
        w("收缩压", 0.95),
        w("舒张压", 0.95),
        w("心率", 0.9),
        w("脉搏", 0.9),
        w("血型", 0.9),
        w("腰围", 0.9),
        w("waist", 0.9),
        w("bloodpressure", 0.95),
        w("systolic", 0.95),
        w("diastolic", 0.95),
        w("heartrate", 0.9),
        w("pulse", 0.8),
        w("bloodtype", 0.9),
        w("height", 0.6),
        w("weight", 0.6),
    ],
    tokens: &[w("bmi", 0.95), w("bp", 0.7), w("sbp", 0.9), w("dbp", 0.9)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};
