//! International identifiers: e-mail, IP and MAC addresses, IMEI, IBAN, payment cards, URLs,
//! dates (of birth), coordinates, genomic data, ICD-10 codes and VINs. Each validator lives with
//! its detector (`src/detectors/`); this module keeps the parsers others use too (dates,
//! coordinates, card networks) and the family's tests.
//!
//! Rules and sources: `shared/reference/identifiers.md` §§2–5.

use crate::checks::{num, real_date};

// The validators live with their detectors (`src/detectors/`); re-exported here under the
// family paths they have always had.
pub use crate::detectors::contact_email::email;
pub use crate::detectors::device_imei::imei;
pub use crate::detectors::fin_iban::iban;
pub use crate::detectors::fin_payment_card::payment_card;
pub use crate::detectors::genomic_sequence::dna_sequence;
pub use crate::detectors::genomic_variant::{genotype, rsid};
pub use crate::detectors::health_diagnosis::icd10;
pub use crate::detectors::location_precise::coordinate;
pub use crate::detectors::online_ip_address::{ipv4, ipv6};
pub use crate::detectors::online_mac_address::mac;
pub use crate::detectors::online_url::url;
pub use crate::detectors::person_birth_date::date;
pub use crate::detectors::vehicle_vin::vin;

/// Card networks (identifiers.md §2.8): `(network, prefix range low..=high on `width` leading
/// digits, lengths)`.
const NETWORKS: &[(&str, u32, u32, u32, &[usize])] = &[
    ("visa", 1, 4, 4, &[13, 16, 18, 19]),
    ("mastercard", 2, 51, 55, &[16]),
    ("mastercard", 4, 2221, 2720, &[16]),
    ("amex", 2, 34, 34, &[15]),
    ("amex", 2, 37, 37, &[15]),
    ("discover", 4, 6011, 6011, &[16, 19]),
    ("discover", 3, 644, 649, &[16, 19]),
    ("discover", 2, 65, 65, &[16, 19]),
    ("jcb", 4, 3528, 3589, &[16, 17, 18, 19]),
    ("diners", 3, 300, 305, &[14, 16]),
    ("diners", 2, 36, 36, &[14]),
    ("unionpay", 2, 62, 62, &[16, 17, 18, 19]),
    ("unionpay", 2, 81, 81, &[16, 17, 18, 19]),
    ("maestro", 2, 50, 50, &[12, 13, 14, 15, 16, 17, 18, 19]),
    ("maestro", 2, 56, 69, &[12, 13, 14, 15, 16, 17, 18, 19]),
];

/// The network a card number's IIN and length belong to.
#[must_use]
pub fn card_network(d: &[u8]) -> Option<&'static str> {
    NETWORKS.iter().find_map(|&(name, w, lo, hi, lens)| {
        let p = num(d.get(..w as usize)?)?;
        ((lo..=hi).contains(&p) && lens.contains(&d.len())).then_some(name)
    })
}

/// A parsed calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    /// Year.
    pub year: u32,
    /// Month 1–12.
    pub month: u32,
    /// Day 1–31.
    pub day: u32,
    /// Whether the form was bare 8 digits (`YYYYMMDD`), which is also an ordinary number.
    pub bare: bool,
    /// Whether day and month could be swapped (`01/02/1990`).
    pub ambiguous: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_name(w: &str) -> Option<u32> {
    let w = w.trim_end_matches([',', '.']);
    if w.len() < 3 {
        return None;
    }
    let p = w.get(..3)?.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == p)
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// Parses a date without a time of day: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYYMMDD`,
/// `MM/DD/YYYY`, `DD/MM/YYYY`, `DD.MM.YYYY`, `YYYY年M月D日`, `Jan 2, 1990`, `2 January 1990`.
/// Values with a time part are timestamps, not birth dates, and do not parse.
#[must_use]
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() < 8 || s.len() > 20 {
        return None;
    }
    let mk = |y: u32, m: u32, d: u32, bare: bool, ambiguous: bool| {
        ((1800..=2100).contains(&y) && real_date(y, m, d)).then_some(Date {
            year: y,
            month: m,
            day: d,
            bare,
            ambiguous,
        })
    };
    // 1990年1月2日
    if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        return mk(
            num(y.as_bytes())?,
            num(m.as_bytes())?,
            num(d.as_bytes())?,
            false,
            false,
        );
    }
    let b = s.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        return mk(
            num(b.get(..4)?)?,
            num(b.get(4..6)?)?,
            num(b.get(6..)?)?,
            true,
            false,
        );
    }
    if b.first().is_some_and(u8::is_ascii_alphabetic) || s.contains(' ') {
        // "Jan 2, 1990" / "2 January 1990" / "January 2 1990"
        let w: Vec<&str> = s.split([' ', ',']).filter(|x| !x.is_empty()).collect();
        if w.len() != 3 {
            return None;
        }
        let (m, d, y) = if let Some(m) = w.first().and_then(|x| month_name(x)) {
            (m, *w.get(1)?, *w.get(2)?)
        } else {
            (
                w.get(1).and_then(|x| month_name(x))?,
                *w.first()?,
                *w.get(2)?,
            )
        };
        return mk(num(y.as_bytes())?, m, num(d.as_bytes())?, false, false);
    }
    let sep = *b.iter().find(|c| matches!(c, b'-' | b'/' | b'.'))?;
    let mut parts = s.split(char::from(sep));
    let (p1, p2, p3) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (n1, n2, n3) = (
        num(p1.as_bytes())?,
        num(p2.as_bytes())?,
        num(p3.as_bytes())?,
    );
    if p1.len() == 4 {
        return mk(n1, n2, n3, false, false);
    }
    if p3.len() == 4 && p1.len() <= 2 && p2.len() <= 2 {
        // US order first; day-first when the first field cannot be a month.
        if n1 <= 12 {
            return mk(n3, n1, n2, false, n2 <= 12 && n1 != n2);
        }
        return mk(n3, n2, n1, false, false);
    }
    None
}

/// A parsed coordinate value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinate {
    /// Whether the cell held a `lat,lon` pair.
    pub pair: bool,
    /// Fewest decimals among the numbers (the coarsest component bounds the precision).
    pub decimals: u8,
    /// Whether the value (first of a pair) lies in [−90, 90].
    pub lat_range: bool,
}

pub(crate) fn decimal(s: &str) -> Option<(f64, u8)> {
    let s = s.trim();
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty()
        || int.len() > 3
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    Some((v, u8::try_from(frac.len()).ok()?))
}

/// Parses a decimal-degree coordinate or a `lat,lon` pair (`39.904211,116.407395`).
#[must_use]
pub fn parse_coordinate(s: &str) -> Option<Coordinate> {
    if let Some((a, b)) = s.split_once([',', ' ']) {
        let (lat, da) = decimal(a.trim_start_matches('('))?;
        let (lon, db) = decimal(b.trim().trim_end_matches(')'))?;
        return ((-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
            && da >= 1
            && db >= 1)
            .then_some(Coordinate {
                pair: true,
                decimals: da.min(db),
                lat_range: true,
            });
    }
    let (v, d) = decimal(s)?;
    ((-180.0..=180.0).contains(&v) && d >= 1).then_some(Coordinate {
        pair: false,
        decimals: d,
        lat_range: (-90.0..=90.0).contains(&v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detector::{Cell, Strength};

    fn c(s: &str) -> Cell<'_> {
        Cell::new(s)
    }

    #[test]
    fn email_vectors() {
        assert!(email(&c("zhang.wei@example.com.cn")).is_some());
        assert!(email(&c("a+b@x-y.io")).is_some());
        for bad in [
            "a@b",
            "@example.com",
            "a b@example.com",
            "x@example.c0m",
            "x@-a.com",
        ] {
            assert_eq!(email(&c(bad)), None, "{bad}");
        }
    }

    #[test]
    fn network() {
        assert!(ipv4(&c("192.168.1.20")).is_some());
        assert_eq!(ipv4(&c("256.1.1.1")), None);
        assert_eq!(ipv4(&c("1.2.3")), None);
        assert!(ipv6(&c("2001:db8::8a2e:370:7334")).is_some());
        assert_eq!(ipv6(&c("12:30")), None);
        assert!(mac(&c("00:1A:2B:3C:4D:5E")).is_some());
        assert!(mac(&c("00-1a-2b-3c-4d-5e")).is_some());
        assert!(mac(&c("001a.2b3c.4d5e")).is_some());
        assert_eq!(mac(&c("00:1A:2B:3C:4D")), None);
        assert_eq!(mac(&c("00:1A-2B:3C:4D:5E")), None);
        assert!(url(&c("https://example.com/u/123")).is_some());
        assert!(url(&c("www.example.com")).is_some());
        assert_eq!(url(&c("example")), None);
    }

    #[test]
    fn device_and_finance() {
        assert_eq!(imei(&c("490154203237518")), Some(Strength::Validated));
        assert_eq!(imei(&c("490154203237519")), None);
        assert_eq!(
            iban(&c("GB82 WEST 1234 5698 7654 32")),
            Some(Strength::Validated)
        );
        assert_eq!(iban(&c("GB82WEST12345698765433")), None);
        assert_eq!(
            payment_card(&c("4111 1111 1111 1111")),
            Some(Strength::Validated)
        );
        assert_eq!(payment_card(&c("4111111111111112")), None);
        assert_eq!(
            payment_card(&c("378282246310005")),
            Some(Strength::Validated)
        );
        assert_eq!(
            payment_card(&c("6217001234567890122")),
            Some(Strength::Validated)
        );
        assert_eq!(
            payment_card(&c("6217001234567890123")),
            Some(Strength::Weak)
        );
        assert_eq!(
            payment_card(&c("1234567812345670")),
            None,
            "no network starts with 1"
        );
        assert_eq!(card_network(b"6221260000000000"), Some("unionpay"));
    }

    #[test]
    fn dates() {
        for (s, y) in [
            ("1990-01-02", 1990),
            ("01/02/1990", 1990),
            ("1990年1月2日", 1990),
            ("Jan 2, 1990", 1990),
            ("2 January 1990", 1990),
            ("19900102", 1990),
            ("25.12.1985", 1985),
        ] {
            assert_eq!(parse_date(s).map(|d| d.year), Some(y), "{s}");
        }
        for bad in [
            "2024-01-02 13:45:10",
            "1990-02-30",
            "12345678",
            "2024-13-01",
            "1990年13月2日",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(date(&c("19900102")), Some(Strength::Weak));
    }

    #[test]
    fn coordinates() {
        assert_eq!(
            coordinate(&c("39.904211,116.407395")),
            Some(Strength::Shaped)
        );
        assert_eq!(coordinate(&c("-122.4194")), Some(Strength::Weak));
        assert_eq!(coordinate(&c("1234.56")), None);
        assert_eq!(coordinate(&c("95.1,200.2")), None);
        assert_eq!(parse_coordinate("39.9,116.4").map(|c| c.decimals), Some(1));
    }

    #[test]
    fn genomic_health_vehicle() {
        assert!(dna_sequence(&c("ACGTTGCAAGGCTTACGATCG")).is_some());
        assert!(dna_sequence(&c(">seq1\nACGTTGCAAGGCTTACGATCGAT")).is_some());
        assert_eq!(dna_sequence(&c("ACGT")), None);
        assert_eq!(dna_sequence(&c("THE QUICK BROWN FOX JUMPS")), None);
        assert!(rsid(&c("rs6054257")).is_some());
        assert_eq!(rsid(&c("rs")), None);
        assert_eq!(rsid(&c("RSVP")), None);
        assert!(genotype(&c("AG")).is_some());
        assert!(genotype(&c("C/T")).is_some());
        assert_eq!(genotype(&c("AX")), None);
        assert_eq!(icd10(&c("E11.9")), Some(Strength::Shaped));
        assert_eq!(icd10(&c("I10")), Some(Strength::Weak));
        assert_eq!(icd10(&c("U07")), None);
        assert_eq!(icd10(&c("E1")), None);
        assert_eq!(icd10(&c("E119")), Some(Strength::Weak));
        assert_eq!(icd10(&c("E11X9Z")), None);
        assert_eq!(vin(&c("1M8GDM9AXKP042788")), Some(Strength::Validated));
        assert_eq!(vin(&c("1M8GDM9A1KP042788")), None);
    }
}
