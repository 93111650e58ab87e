//! `location.precise`: precise geolocation.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `location.precise` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "location.precise",
    checks: &[Check {
        name: "geo.coordinate",
        check: crate::intl::coordinate,
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
