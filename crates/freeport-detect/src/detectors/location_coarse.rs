//! `location.coarse`: coarse location.

use crate::detector::{Check, Deid, Detector, Hierarchy, Key, Mask, w};

/// The `location.coarse` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "location.coarse",
    checks: &[
        Check {
            name: "cn.division",
            check: crate::places::cn_division,
            in_text: false,
        },
        Check {
            name: "us.place",
            check: crate::places::us_place,
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
