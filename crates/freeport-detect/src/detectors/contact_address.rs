//! `contact.address`: postal address.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::lists::PROVINCES;

/// The `contact.address` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "contact.address",
    checks: &[
        Check {
            name: "cn.address",
            check: address,
            in_text: false,
        },
        Check {
            name: "us.street_address",
            check: street_address,
            in_text: false,
        },
    ],
    words: &[
        w("地址", 0.95),
        w("住址", 0.95),
        w("address", 0.9),
        w("street", 0.9),
    ],
    tokens: &[w("dz", 0.9), w("zz", 0.6), w("addr", 0.9)],
    mask: Mask::Address,
    strength: None,
    key: Key::Words,
    deid: Deid::Identifier,
};

/// **What**: Chinese postal address: Han text with administrative-division tokens
/// (province/city/district: 省 市 区 县 镇) and street/building tokens (路 街 号 楼 室 …).
///
/// **Why**: a home address is PI and, with a name, identifies a person.
///
/// **How**: at least one division token and one street/building token, or a province name,
/// plus a digit (house number) or ≥ 3 tokens.
///
/// **Example**: `广东省深圳市南山区科技园路18号` matches; `北京` does not.
#[must_use]
pub fn address(cell: &Cell<'_>) -> Option<Strength> {
    if cell.han < 5 || cell.chars > 80 {
        return None;
    }
    let s = cell.s;
    // Prose (sentence punctuation) is free text that may contain an address, not an address.
    if s.contains(['，', '。', '！', '？', '；', '：', '!', '?']) {
        return None;
    }
    let tokens = ADDRESS_TOKENS.iter().filter(|t| s.contains(*t)).count();
    let division = ["省", "市", "区", "县", "镇", "乡"]
        .iter()
        .any(|t| s.contains(t))
        || PROVINCES
            .iter()
            .any(|p| p.names.first().is_some_and(|n| s.starts_with(n)));
    let street = ["路", "街", "道", "巷", "弄", "号", "楼", "室", "村", "小区"]
        .iter()
        .any(|t| s.contains(t));
    if division && street && (cell.digits > 0 || tokens >= 3) {
        Some(Strength::Shaped)
    } else if division && tokens >= 2 {
        Some(Strength::Weak)
    } else {
        None
    }
}

/// Address tokens, from coarse to fine.
const ADDRESS_TOKENS: &[&str] = &[
    "省", "市", "区", "县", "镇", "乡", "村", "路", "街", "道", "巷", "弄", "号", "楼", "室", "栋",
    "幢", "单元", "小区", "大厦", "花园", "苑", "组",
];

/// **What**: US street address: house number, street name words and a USPS street suffix,
/// optionally unit, city, state and ZIP; or any line ending in `City, ST 12345` (incl. PO boxes
/// and military APO/FPO addresses).
///
/// **Why**: HIPAA identifier (B); with a name it identifies a person.
///
/// **Example**: `1600 Pennsylvania Ave NW, Washington, DC 20500`, `42 Oak Street Apt 5`,
/// `PSC 1234, Box 5678, APO AE 09876` match; `42 apples` does not.
#[must_use]
pub fn street_address(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 8 || cell.len > 160 || cell.spaces < 2 || cell.alpha < 4 || !cell.ascii() {
        return None;
    }
    if cell.digits >= 5 && state_zip_tail(cell.s) {
        return Some(Strength::Shaped);
    }
    let mut words = cell.s.split([' ', ',']).filter(|w| !w.is_empty());
    let first = words.next()?;
    if !(1..=6).contains(&first.len()) || !first.bytes().next().is_some_and(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut lower = [0u8; 16];
    for w in words.take(6) {
        let w = w.trim_end_matches('.');
        if w.len() > lower.len() {
            continue;
        }
        let l = lower.get_mut(..w.len())?;
        l.copy_from_slice(w.as_bytes());
        l.make_ascii_lowercase();
        if let Ok(ls) = std::str::from_utf8(l)
            && STREET_SUFFIXES.contains(&ls)
        {
            return Some(Strength::Shaped);
        }
    }
    None
}

/// Street suffixes (USPS Publication 28 Appendix C1, common subset), lower case.
const STREET_SUFFIXES: &[&str] = &[
    "st",
    "street",
    "ave",
    "avenue",
    "rd",
    "road",
    "blvd",
    "boulevard",
    "dr",
    "drive",
    "ln",
    "lane",
    "way",
    "ct",
    "court",
    "pl",
    "place",
    "ter",
    "terrace",
    "cir",
    "circle",
    "pkwy",
    "parkway",
    "hwy",
    "highway",
    "sq",
    "square",
    "trl",
    "trail",
    "loop",
    "row",
    "run",
    "path",
    "pike",
    "plz",
    "plaza",
    "aly",
    "alley",
    "crossing",
    "xing",
    "ridge",
    "park",
    "walk",
    "point",
    "pt",
    "mall",
    "manor",
    "heights",
    "hts",
    "vista",
    "view",
    "commons",
    "cv",
    "cove",
    "bend",
    "harbor",
    "harbors",
    "hbr",
    "rest",
    "creek",
    "crk",
    "estates",
    "ests",
    "expressway",
    "expy",
    "ferry",
    "field",
    "fields",
    "flat",
    "flats",
    "ford",
    "forest",
    "fork",
    "forks",
    "fort",
    "freeway",
    "fwy",
    "garden",
    "gardens",
    "gateway",
    "glen",
    "glens",
    "green",
    "greens",
    "grove",
    "groves",
    "haven",
    "hill",
    "hills",
    "hollow",
    "island",
    "islands",
    "isle",
    "junction",
    "key",
    "keys",
    "knoll",
    "knolls",
    "lake",
    "lakes",
    "landing",
    "light",
    "lights",
    "lock",
    "locks",
    "lodge",
    "meadow",
    "meadows",
    "mill",
    "mills",
    "mission",
    "motorway",
    "mount",
    "mountain",
    "mountains",
    "neck",
    "orchard",
    "oval",
    "pass",
    "passage",
    "pine",
    "pines",
    "plain",
    "plains",
    "port",
    "ports",
    "prairie",
    "radial",
    "ranch",
    "rapid",
    "rapids",
    "shoal",
    "shoals",
    "shore",
    "shores",
    "spring",
    "springs",
    "spur",
    "station",
    "stravenue",
    "stream",
    "summit",
    "throughway",
    "trace",
    "track",
    "trafficway",
    "tunnel",
    "turnpike",
    "union",
    "unions",
    "valley",
    "valleys",
    "viaduct",
    "villages",
    "village",
    "ville",
    "well",
    "wells",
    "wall",
    "ways",
    "underpass",
    "overpass",
    "parks",
    "camp",
    "canyon",
    "cape",
    "causeway",
    "center",
    "centers",
    "cliff",
    "cliffs",
    "club",
    "common",
    "corner",
    "corners",
    "course",
    "courts",
    "crescent",
    "crest",
    "curve",
    "dale",
    "dam",
    "divide",
    "drives",
    "extension",
    "ext",
    "falls",
    "burg",
    "burgs",
    "bypass",
    "bluff",
    "bluffs",
    "bottom",
    "branch",
    "bridge",
    "brook",
    "brooks",
    "beach",
    "arcade",
    "annex",
    "route",
];

/// USPS state and territory abbreviations, plus the military "states" AA/AE/AP.
const STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "PR", "GU", "VI", "AS", "MP", "AA", "AE", "AP",
];

/// Whether `s` ends like a US mailing address: `…, City, ST 12345` or `… ST 12345-6789`.
fn state_zip_tail(s: &str) -> bool {
    let mut it = s.rsplit([' ', ',']).filter(|w| !w.is_empty());
    let (Some(zip), Some(state)) = (it.next(), it.next()) else {
        return false;
    };
    let zb = zip.as_bytes();
    let zip_ok = (zb.len() == 5 || (zb.len() == 10 && zb.get(5) == Some(&b'-')))
        && zb
            .iter()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (i == 5 && *b == b'-'));
    zip_ok && STATES.contains(&state)
}
