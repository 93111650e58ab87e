//! The detector table: every value detector with its category, strength and documentation.
//!
//! A detector looks at one trimmed cell through its [`Cell`] summary (computed once per cell, so
//! detectors can reject on length and character classes before doing any real work) and says
//! whether the value is an instance of its identifier, and how strongly the match speaks for the
//! category on its own ([`Strength`]).

use crate::{cn, intl, places, us};

/// How much a single match says about a column without any header evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Shape only, shared with unrelated data (a 5-digit number as a ZIP code).
    Weak,
    /// A distinctive structure with rules (prefix tables, separators, alphabets), no check digit.
    Shaped,
    /// Passed the identifier's own check digit or checksum.
    Validated,
}

/// Longest compacted value kept in a [`Cell`] (an IBAN is at most 34 characters).
const PACKED: usize = 40;

/// Character-class summary of one trimmed cell, computed in one pass.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    /// The trimmed value.
    pub s: &'a str,
    /// Length in bytes.
    pub len: usize,
    /// Number of characters.
    pub chars: usize,
    /// ASCII digits.
    pub digits: usize,
    /// ASCII letters.
    pub alpha: usize,
    /// Han (CJK unified ideograph) characters.
    pub han: usize,
    /// Spaces (ASCII and full-width).
    pub spaces: usize,
    /// Any other non-ASCII character.
    pub other_non_ascii: usize,
    /// The value without separators, upper-cased (see [`crate::checks::compact`]), computed
    /// once so detectors do not each redo it.
    packed: [u8; PACKED],
    packed_len: Option<usize>,
}

impl<'a> Cell<'a> {
    /// Summarises `s` (already trimmed).
    #[must_use]
    pub fn new(s: &'a str) -> Self {
        let mut c = Cell {
            s,
            len: s.len(),
            chars: 0,
            digits: 0,
            alpha: 0,
            han: 0,
            spaces: 0,
            other_non_ascii: 0,
            packed: [0; PACKED],
            packed_len: None,
        };
        if s.is_ascii() {
            for &b in s.as_bytes() {
                match b {
                    b'0'..=b'9' => c.digits += 1,
                    b'a'..=b'z' | b'A'..=b'Z' => c.alpha += 1,
                    b' ' => c.spaces += 1,
                    _ => {}
                }
            }
            c.chars = s.len();
            if s.len() <= 2 * PACKED {
                let mut buf = [0u8; PACKED];
                if let Some(p) = crate::checks::compact(s, &mut buf) {
                    c.packed_len = Some(p.len());
                    c.packed = buf;
                }
            }
            return c;
        }
        for ch in s.chars() {
            c.chars += 1;
            match ch {
                '0'..='9' => c.digits += 1,
                'a'..='z' | 'A'..='Z' => c.alpha += 1,
                ' ' | '\u{3000}' => c.spaces += 1,
                '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' => c.han += 1,
                c2 if !c2.is_ascii() => c.other_non_ascii += 1,
                _ => {}
            }
        }
        c
    }

    /// Whether the value is pure ASCII.
    #[must_use]
    pub fn ascii(&self) -> bool {
        self.han == 0 && self.other_non_ascii == 0
    }

    /// The ASCII value without separators (space, `-`, `.`, `/`, `(`, `)`, `_`), upper-cased;
    /// `None` for non-ASCII values and values longer than 40 compacted characters.
    #[must_use]
    pub fn packed(&self) -> Option<&[u8]> {
        self.packed.get(..self.packed_len?)
    }

    /// [`Self::packed`] if it consists of ASCII digits only.
    #[must_use]
    pub fn packed_digits(&self) -> Option<&[u8]> {
        self.packed().filter(|p| p.iter().all(u8::is_ascii_digit))
    }
}

/// A value detector.
#[derive(Debug, Clone, Copy)]
pub struct Detector {
    /// Stable detector name, used in evidence (e.g. `cn.resident_id`).
    pub name: &'static str,
    /// The vocabulary category a match speaks for.
    pub category: &'static str,
    /// The check; `None` when the cell is not an instance.
    pub check: fn(&Cell<'_>) -> Option<Strength>,
    /// Whether the detector is precise enough to run on tokens inside free text.
    pub in_text: bool,
}

macro_rules! d {
    ($name:literal, $cat:literal, $f:path, $text:literal) => {
        Detector {
            name: $name,
            category: $cat,
            check: $f,
            in_text: $text,
        }
    };
}

/// Every value detector, in a fixed order (evidence and tie-breaking follow it).
pub static DETECTORS: &[Detector] = TABLE;

/// Number of detectors (size of per-column tallies), counted from the table itself.
pub const N_DETECTORS: usize = TABLE.len();

/// The table behind [`DETECTORS`], a constant so that [`N_DETECTORS`] is its length.
const TABLE: &[Detector] = &[
    // China.
    d!("cn.resident_id", "id.cn.resident_id", cn::resident_id, true),
    d!(
        "cn.resident_id_15",
        "id.cn.resident_id",
        cn::resident_id_15,
        false
    ),
    d!(
        "cn.hmt_residence_permit",
        "id.cn.hmt_residence_permit",
        cn::hmt_residence_permit,
        true
    ),
    d!(
        "cn.foreigner_pr",
        "id.cn.foreigner_pr",
        cn::foreigner_pr,
        true
    ),
    d!("cn.uscc", "org.cn.uscc", cn::uscc, true),
    d!("cn.mobile", "contact.phone", cn::mobile, true),
    d!("cn.landline", "contact.phone", cn::landline, true),
    d!("cn.passport", "id.cn.passport", cn::passport, false),
    d!(
        "cn.travel_permit",
        "id.cn.travel_permit",
        cn::travel_permit,
        false
    ),
    d!("cn.plate", "vehicle.plate", cn::plate, true),
    d!("cn.name", "person.name", cn::name, false),
    d!("cn.address", "contact.address", cn::address, false),
    d!(
        "cn.postal_code",
        "location.postal_code",
        cn::postal_code,
        false
    ),
    // United States.
    d!("us.ssn", "id.us.ssn", us::ssn, true),
    d!("us.itin", "id.us.itin", us::itin, true),
    d!("us.ein", "org.us.ein", us::ein, false),
    d!("us.aba_routing", "fin.routing_number", us::aba, false),
    d!("us.npi", "health.provider_npi", us::npi, false),
    d!("us.mbi", "id.us.mbi", us::mbi, true),
    d!("us.passport", "id.us.passport", us::passport, false),
    d!(
        "us.driver_license",
        "id.us.driver_license",
        us::driver_license,
        false
    ),
    d!("us.phone", "contact.phone", us::phone, true),
    d!("us.zip", "location.postal_code", us::zip, false),
    d!(
        "us.street_address",
        "contact.address",
        us::street_address,
        false
    ),
    d!("us.name", "person.name", us::name, false),
    d!("us.plate", "vehicle.plate", us::plate, false),
    // International.
    d!("email", "contact.email", intl::email, true),
    d!("ipv4", "online.ip_address", intl::ipv4, true),
    d!("ipv6", "online.ip_address", intl::ipv6, true),
    d!("mac", "online.mac_address", intl::mac, true),
    d!("imei", "device.imei", intl::imei, true),
    d!("iban", "fin.iban", intl::iban, true),
    d!("payment_card", "fin.payment_card", intl::payment_card, true),
    d!("url", "online.url", intl::url, true),
    d!("date", "person.birth_date", intl::date, true),
    d!("geo.coordinate", "location.precise", intl::coordinate, true),
    d!(
        "genomic.sequence",
        "genomic.sequence",
        intl::dna_sequence,
        true
    ),
    d!("genomic.rsid", "genomic.variant", intl::rsid, true),
    d!("genomic.genotype", "genomic.variant", intl::genotype, false),
    d!("icd10", "health.diagnosis", intl::icd10, false),
    d!("vin", "vehicle.vin", intl::vin, true),
    // Values that speak for a person only in a table about people (see `crate::table`).
    d!("cn.division", "location.coarse", places::cn_division, false),
    d!("us.place", "location.coarse", places::us_place, false),
    d!(
        "blood_pressure",
        "health.body_measurement",
        places::blood_pressure,
        false
    ),
    d!("internal_id", "id.internal", places::internal_id, false),
    d!(
        "bank_account",
        "fin.bank_account",
        places::bank_account,
        false
    ),
    d!("dict.disease", "health.diagnosis", places::disease, false),
    d!(
        "dict.medicine",
        "health.medication",
        places::medicine,
        false
    ),
    d!("dict.religion", "person.religion", places::religion, false),
];

/// Index of a detector by name.
#[must_use]
pub fn index_of(name: &str) -> Option<usize> {
    DETECTORS.iter().position(|d| d.name == name)
}

/// Runs every detector on `value`, returning `(detector index, strength)` for each match.
pub fn detect_all(value: &str, mut each: impl FnMut(usize, Strength)) {
    let cell = Cell::new(value.trim());
    if cell.len == 0 {
        return;
    }
    for (i, d) in DETECTORS.iter().enumerate() {
        if let Some(st) = (d.check)(&cell) {
            each(i, st);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detector_names_are_unique() {
        let mut names: Vec<_> = DETECTORS.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), DETECTORS.len(), "detector names are unique");
    }

    #[test]
    fn categories_are_issue_2_ids() {
        for d in DETECTORS {
            assert!(
                crate::category::tests::vocabulary_ids().contains(&d.category),
                "{}",
                d.category
            );
        }
    }
}
