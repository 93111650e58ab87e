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
            check: crate::us::street_address,
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
