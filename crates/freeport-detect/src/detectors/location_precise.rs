//! `location.precise`: precise geolocation.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::intl::parse_coordinate;

/// The `location.precise` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "location.precise",
    checks: &[Check {
        name: "geo.coordinate",
        check: coordinate,
        in_text: true,
    }],
    words: &[
        w("纬度", 0.95),
        w("经度", 0.95),
        w("坐标", 0.9),
        w("latitude", 0.95),
        w("longitude", 0.95),
        w("coord", 0.8),
    ],
    tokens: &[
        w("lat", 0.95),
        w("lng", 0.95),
        w("lon", 0.95),
        w("long", 0.6),
        w("wd", 0.5),
        w("jd", 0.5),
    ],
    mask: Mask::Degrees,
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: latitude/longitude in decimal degrees, as one number per column or a pair per cell.
///
/// **Why**: precise geolocation (≤ 1,000 m, 28 CFR 202.242) is a US sensitive category and
/// PIPL sensitive PI. Resolution follows the decimals: ≥ 3 dp ≈ 111 m ⇒ precise; 2 dp ≈ 1.1 km
/// (borderline, treated as precise); ≤ 1 dp ⇒ coarse (identifiers.md §3). A single number is
/// only `Weak` (amounts look the same); the header decides. Pairs are `Shaped`.
///
/// **Example**: `39.904211,116.407395` (`Shaped`), `-122.4194` (`Weak`).
#[must_use]
pub fn coordinate(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 3 || cell.len > 40 || cell.alpha > 0 || !cell.ascii() {
        return None;
    }
    let c = parse_coordinate(cell.s)?;
    Some(if c.pair && c.decimals >= 3 {
        Strength::Shaped
    } else {
        Strength::Weak
    })
}
