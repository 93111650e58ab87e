//! `id.cn.resident_id`: PRC resident identity card number.

use crate::checks::{num, real_date};
use crate::cn::{birth_ok, eighteen, mod11_ok};
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::lists::province_code;

/// The `id.cn.resident_id` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.cn.resident_id",
    checks: &[
        Check {
            name: "cn.resident_id",
            check: resident_id,
            in_text: true,
        },
        Check {
            name: "cn.resident_id_15",
            check: resident_id_15,
            in_text: false,
        },
    ],
    words: &[
        w("身份证", 0.95),
        w("身份證", 0.95),
        w("证件号", 0.6),
        w("公民身份号码", 0.95),
        w("idcard", 0.8),
        w("shenfenzheng", 0.95),
    ],
    tokens: &[
        w("sfz", 0.95),
        w("sfzh", 0.95),
        w("sfzhm", 0.95),
        w("zjhm", 0.7),
    ],
    mask: Mask::Keep { head: 6, tail: 4 },
    strength: Some(1),
    key: Key::ResidentId,
    deid: Deid::Identifier,
};

/// **What**: mainland resident identity card number (居民身份证号码), GB 11643-1999, 18 characters.
///
/// **Why**: the national identifier of every mainland resident; sensitive PI (it keys every
/// record of a person).
///
/// **How**: province code from the GB/T 2260 table (not 81–83, which are residence permits),
/// a real birth date, and the ISO 7064 MOD 11-2 check character.
///
/// **Example**: `11010519491231002X` matches; `110105194912310021` (wrong check) does not.
#[must_use]
pub fn resident_id(cell: &Cell<'_>) -> Option<Strength> {
    let c = eighteen(cell)?;
    let prov = c.get(..2).and_then(num)?;
    (province_code(prov) && c.get(6..14).is_some_and(birth_ok) && mod11_ok(c))
        .then_some(Strength::Validated)
}

/// **What**: legacy 15-digit resident ID (GB 11643-1989): address code, `YYMMDD`, sequence.
///
/// **Why**: still present in old records; no check digit, so it is only shape-validated.
///
/// **Example**: `110105491231002` matches; `110105491331002` (month 13) does not.
#[must_use]
pub fn resident_id_15(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len != 15 || cell.digits != 15 {
        return None;
    }
    let b = cell.s.as_bytes();
    let prov = b.get(..2).and_then(num)?;
    let (y, m, d) = (
        b.get(6..8).and_then(num)?,
        b.get(8..10).and_then(num)?,
        b.get(10..12).and_then(num)?,
    );
    (province_code(prov) && real_date(1900 + y, m, d)).then_some(Strength::Shaped)
}
