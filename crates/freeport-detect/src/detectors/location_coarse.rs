//! `location.coarse`: coarse location.

use crate::detector::{Cell, Check, Deid, Detector, Hierarchy, Key, Mask, Strength, w};
use crate::places::{CN_LOCAL_SUFFIXES, US_CITIES, US_STATE_CODES, US_STATE_NAMES, cn_divisions};

/// The `location.coarse` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "location.coarse",
    checks: &[
        Check {
            name: "cn.division",
            check: cn_division,
            in_text: false,
        },
        Check {
            name: "us.place",
            check: us_place,
            in_text: false,
        },
    ],
    words: &[
        // GB/T 2260 administrative-division codes: six digits that name a county or district.
        w("行政区划", 0.9),
        w("区划代码", 0.9),
        w("地区代码", 0.85),
        // Places coarser than 1,000 m: city, county, district, province, neighbourhood.
        w("城市", 0.9),
        w("所在市", 0.9),
        w("省份", 0.9),
        w("所在省", 0.9),
        w("区县", 0.9),
        w("县区", 0.9),
        w("街道", 0.8),
        w("社区", 0.7),
        w("居住地", 0.85),
        w("所在地", 0.8),
        w("province", 0.9),
        w("county", 0.9),
        w("district", 0.85),
        w("neighborhood", 0.9),
        w("neighbourhood", 0.9),
        w("township", 0.8),
    ],
    tokens: &[
        w("city", 0.9),
        w("state", 0.7),
        w("town", 0.8),
        w("region", 0.6),
        w("省", 0.9),
        w("市", 0.9),
        w("区", 0.8),
        w("县", 0.9),
    ],
    mask: Mask::Degrees,
    strength: None,
    key: Key::Compact,
    deid: Deid::QuasiIdentifier(Hierarchy::File),
};

/// **What**: a Chinese administrative division at county level or above, by its GB/T 2260 name
/// or short form, or up to three of them in a row (`广东省广州市天河区`); and places below the
/// county ending in 街道, 镇, 乡, 村, 社区 or 小区 after a division name.
///
/// **Why**: a city, district or province of residence is coarse location (personal information
/// under PIPL Art. 4; HIPAA (B) below state level), not a name.
///
/// **Example**: `海淀区`, `广州`, `浙江省杭州市`; `张伟` does not match.
#[must_use]
pub fn cn_division(cell: &Cell<'_>) -> Option<Strength> {
    if cell.han < 2 || cell.han != cell.chars || cell.chars > 24 {
        return None;
    }
    if cn_divisions(cell.s) {
        return Some(Strength::Shaped);
    }
    // A division followed by a town, street or neighbourhood (`朝阳区望京街道`).
    for suffix in CN_LOCAL_SUFFIXES {
        if let Some(head) = cell.s.strip_suffix(suffix) {
            let split = head
                .char_indices()
                .map(|(i, _)| i)
                .skip(2)
                .find(|&i| head.get(..i).is_some_and(cn_divisions));
            if split.is_some() || cn_divisions(head) {
                return Some(Strength::Shaped);
            }
        }
    }
    None
}

/// **What**: a US state by name or USPS code, a large city (2020 Census places of about 100,000
/// or more), `City, ST`, or a county (`Cook County`, `Orleans Parish`).
///
/// **Why**: city, county and state columns are coarse location; below state level they are
/// HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)(i)(B)).
///
/// **Example**: `Texas`, `TX` (weak: two letters alone), `Chicago`, `Austin, TX`,
/// `Cook County`; `John Smith` does not match.
#[must_use]
pub fn us_place(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 2 || cell.len > 40 || cell.digits > 0 || !cell.ascii() {
        return None;
    }
    let s = cell.s;
    if cell.len == 2 {
        return US_STATE_CODES.contains(s).then_some(Strength::Weak);
    }
    let lower = s.to_ascii_lowercase();
    if US_STATE_NAMES.contains(&lower) || US_CITIES.contains(&lower) {
        return Some(Strength::Shaped);
    }
    if let Some((city, state)) = s.rsplit_once(", ")
        && US_STATE_CODES.contains(state)
        && city.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
    {
        return Some(Strength::Shaped);
    }
    for suffix in [" County", " Parish", " Borough"] {
        if let Some(name) = s.strip_suffix(suffix)
            && name.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
            && name.split(' ').count() <= 3
        {
            return Some(Strength::Shaped);
        }
    }
    None
}
