//! `health.body_measurement`: body measurements.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `health.body_measurement` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.body_measurement",
    checks: &[Check {
        name: "blood_pressure",
        check: blood_pressure,
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

/// **What**: a blood-pressure reading, systolic over diastolic in mmHg (`120/80`,
/// `135/85 mmHg`): systolic 60–260 above diastolic 30–160.
///
/// **Why**: body measurements are health data (28 CFR 202.241; sensitive in care under PIPL
/// Art. 28); written this way they are unmistakable.
///
/// **Example**: `120/80`; `1/2` and `2024/05` do not match.
#[must_use]
pub fn blood_pressure(cell: &Cell<'_>) -> Option<Strength> {
    if !(5..=14).contains(&cell.len) || !cell.ascii() {
        return None;
    }
    let s = cell
        .s
        .trim_end_matches("mmHg")
        .trim_end_matches("mmhg")
        .trim();
    let (sys, dia) = s.split_once('/')?;
    let parse = |t: &str| {
        let t = t.trim();
        (t.len() <= 3 && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| crate::checks::num(t.as_bytes()))
            .flatten()
    };
    let (sys, dia) = (parse(sys)?, parse(dia)?);
    ((60..=260).contains(&sys) && (30..=160).contains(&dia) && sys > dia)
        .then_some(Strength::Shaped)
}
