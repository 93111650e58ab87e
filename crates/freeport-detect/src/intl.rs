//! International identifiers: e-mail, IP and MAC addresses, IMEI, IBAN, payment cards, URLs,
//! dates (of birth), coordinates, genomic data, ICD-10 codes and VINs.
//!
//! Rules and sources: `shared/reference/identifiers.md` §§2–5.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::checks::{self, luhn, num, real_date};
use crate::detector::{Cell, Strength};

/// **What**: e-mail address `local@domain.tld`.
///
/// **Why**: a direct contact identifier that usually names or keys one person.
///
/// **How**: one `@`, a non-empty local part of RFC 5322 atom characters and dots, a domain of
/// LDH labels with at least one dot and an alphabetic TLD of 2+ letters.
///
/// **Example**: `zhang.wei@example.com.cn` matches; `a@b`, `@example.com` do not.
#[must_use]
pub fn email(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 6 || cell.len > 254 || cell.spaces > 0 || !cell.ascii() {
        return None;
    }
    let (local, domain) = cell.s.split_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
    let mut labels = domain.split('.');
    let tld = domain.rsplit('.').next()?;
    let domain_ok = domain.contains('.')
        && labels.all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic());
    (local_ok && domain_ok).then_some(Strength::Shaped)
}

/// **What**: IPv4 address in dotted-quad form.
///
/// **Why**: an online identifier (PIPL; HIPAA identifier (O)); public addresses locate a
/// subscriber.
///
/// **Example**: `192.168.1.20` matches; `256.1.1.1`, `1.2.3` do not.
#[must_use]
pub fn ipv4(cell: &Cell<'_>) -> Option<Strength> {
    if !(7..=15).contains(&cell.len) || cell.alpha > 0 {
        return None;
    }
    let ip: Ipv4Addr = cell.s.parse().ok()?;
    // Version-like strings (1.0.0.0) and the unspecified address are not subjects' addresses.
    (!ip.is_unspecified()).then_some(Strength::Shaped)
}

/// **What**: IPv6 address (any RFC 4291 text form).
///
/// **Why**: as IPv4.
///
/// **Example**: `2001:db8::8a2e:370:7334` matches; `12:30` does not.
#[must_use]
pub fn ipv6(cell: &Cell<'_>) -> Option<Strength> {
    if !(3..=45).contains(&cell.len) || !cell.s.contains(':') || cell.s.matches(':').count() < 2 {
        return None;
    }
    let ip: Ipv6Addr = cell.s.parse().ok()?;
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(Strength::Shaped)
}

/// **What**: MAC address: six hex octets separated by `:` or `-`, or Cisco `xxxx.xxxx.xxxx`.
///
/// **Why**: a hardware identifier of a person's device (device / online identifier).
///
/// **Example**: `00:1A:2B:3C:4D:5E`, `001a.2b3c.4d5e` match; `00:1A:2B:3C:4D` does not.
#[must_use]
pub fn mac(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    let hex = |x: &[u8]| x.iter().all(u8::is_ascii_hexdigit);
    let ok = match b.len() {
        17 => {
            let sep = *b.get(2)?;
            (sep == b':' || sep == b'-')
                && b.chunks(3).all(|ch| {
                    hex(ch.get(..2).unwrap_or(b"zz")) && ch.get(2).is_none_or(|&s| s == sep)
                })
        }
        14 => b
            .chunks(5)
            .all(|ch| hex(ch.get(..4).unwrap_or(b"zz")) && ch.get(4).is_none_or(|&s| s == b'.')),
        _ => false,
    };
    (ok && b
        .iter()
        .any(|&c| c != b'0' && c != b':' && c != b'-' && c != b'.'))
    .then_some(Strength::Shaped)
}

/// Reporting-body identifiers that begin real TACs (GSMA: 01, 35, 86, 99, …; 3GPP TS 23.003).
fn tac_prefix(d: &[u8]) -> bool {
    matches!(
        d.get(..2),
        Some(
            b"01"
                | b"30"
                | b"33"
                | b"35"
                | b"44"
                | b"45"
                | b"49"
                | b"50"
                | b"51"
                | b"52"
                | b"53"
                | b"54"
                | b"86"
                | b"91"
                | b"98"
                | b"99"
        )
    )
}

/// **What**: IMEI, 15 digits (TAC + serial + Luhn check) (identifiers.md §2.9).
///
/// **Why**: identifies a handset and so its user; the device id that keys precise-geolocation
/// device counts.
///
/// **Example**: `490154203237518` matches; `490154203237519` does not.
#[must_use]
pub fn imei(cell: &Cell<'_>) -> Option<Strength> {
    if !(15..=18).contains(&cell.len) || cell.digits != 15 || cell.alpha > 0 {
        return None;
    }
    let d = cell.packed_digits()?;
    (tac_prefix(d) && luhn(d)).then_some(Strength::Validated)
}

/// **What**: IBAN (ISO 13616): country code, check digits, BBAN of the country's length,
/// mod 97 = 1 (identifiers.md §2.10).
///
/// **Why**: a bank account number (financial data).
///
/// **Example**: `GB82 WEST 1234 5698 7654 32` matches; `GB82WEST12345698765433` does not.
#[must_use]
pub fn iban(cell: &Cell<'_>) -> Option<Strength> {
    if !(15..=42).contains(&cell.len) || cell.alpha < 2 || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    checks::iban(c).then_some(Strength::Validated)
}

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

/// **What**: payment card number (PAN) of a known network — Visa, Mastercard, Amex, Discover,
/// JCB, Diners, UnionPay (62/81, 16–19 digits, the Chinese bank card), Maestro — with the
/// Luhn check (identifiers.md §§1.8, 2.8).
///
/// **Why**: financial data (PIPL sensitive PI; 28 CFR 202 personal financial data).
///
/// **How**: IIN + length + Luhn → `Validated`. Some older domestic UnionPay cards do not follow
/// Luhn, so a 62-prefixed 16–19-digit number failing Luhn is still `Weak` evidence.
///
/// **Example**: `4111 1111 1111 1111`, `6217001234567890125`-shaped numbers; `4111111111111112`
/// does not match.
#[must_use]
pub fn payment_card(cell: &Cell<'_>) -> Option<Strength> {
    if !(12..=19).contains(&cell.digits) || cell.len > 23 || cell.alpha > 0 || !cell.ascii() {
        return None;
    }
    let d = cell.packed_digits()?;
    let network = card_network(d)?;
    if luhn(d) {
        Some(Strength::Validated)
    } else if network == "unionpay" && d.starts_with(b"62") && d.len() >= 16 {
        Some(Strength::Weak)
    } else {
        None
    }
}

/// **What**: URL with an `http(s)`/`ftp` scheme or a `www.` host.
///
/// **Why**: online identifiers and browsing data; URLs often carry user ids in paths and query
/// strings.
///
/// **Example**: `https://example.com/u/123` matches; `example` does not.
#[must_use]
pub fn url(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 8 || cell.spaces > 0 || !cell.ascii() {
        return None;
    }
    let s = cell.s;
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .or_else(|| s.strip_prefix("ftp://"))
        .or_else(|| s.starts_with("www.").then_some(s))?;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    (host.contains('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
    .then_some(Strength::Shaped)
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

/// **What**: a calendar date (no time of day) in many formats, incl. `1990年1月2日`.
///
/// **Why**: dates of birth are PI and HIPAA identifier (C). A date alone is not a birth date:
/// the column decision also needs a birth-date header or a spread of plausible birth years
/// (see the profiler), so bare `YYYYMMDD` is `Weak` and other forms `Shaped`.
///
/// **Example**: `1990-01-02`, `01/02/1990`, `1990年1月2日`, `Jan 2, 1990`; not
/// `2024-01-02 13:45:10`.
#[must_use]
pub fn date(cell: &Cell<'_>) -> Option<Strength> {
    if !(8..=20).contains(&cell.len) || cell.digits < 6 {
        return None;
    }
    let d = parse_date(cell.s)?;
    Some(if d.bare {
        Strength::Weak
    } else {
        Strength::Shaped
    })
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

fn decimal(s: &str) -> Option<(f64, u8)> {
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

/// **What**: nucleotide sequence (DNA/RNA), FASTA or FASTQ record content: ≥ 20 characters of
/// which ≥ 95 % are `ACGTUN` (identifiers.md §4).
///
/// **Why**: human genomic data is a 28 CFR 202 category with a 100-person bulk threshold and a
/// prohibited class of transactions; PIPL treats it as sensitive (biometric/health).
///
/// **Example**: `ACGTTGCAAGGCTTACGATCG`, `>seq1\nACGT…`; `ACGT` does not match.
#[must_use]
pub fn dna_sequence(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 20 || !cell.ascii() || cell.alpha * 10 < cell.len * 7 {
        return None;
    }
    let s = cell.s;
    // Cheap rejection: prose and names fail within the first bytes.
    if !s.starts_with(['>', '@']) && s.bytes().take(12).any(|b| !b"ACGTUNacgtun".contains(&b)) {
        return None;
    }
    let body: &str = if s.starts_with('>') || s.starts_with('@') {
        // FASTA/FASTQ: skip the header line, and a FASTQ quality line after '+'.
        let mut lines = s.lines().skip(1);
        lines.next()?
    } else {
        s
    };
    let n = body.len();
    let nuc = body.bytes().filter(|b| b"ACGTUNacgtun".contains(b)).count();
    (n >= 20 && nuc * 100 >= n * 95).then_some(Strength::Shaped)
}

/// **What**: dbSNP reference SNP id `rs` + digits (or a consumer-genotype internal `i` + digits
/// only with the header).
///
/// **Why**: variant ids key genotype tables (23andMe-style exports) — genomic data.
///
/// **Example**: `rs6054257` matches; `rs` and `RSVP` do not.
#[must_use]
pub fn rsid(cell: &Cell<'_>) -> Option<Strength> {
    let rest = cell.s.strip_prefix("rs")?;
    (cell.len >= 4 && cell.len <= 14 && rest.bytes().all(|b| b.is_ascii_digit()))
        .then_some(Strength::Shaped)
}

/// **What**: diploid genotype call: two of `ACGT` (`AG`, `TT`), `A/G`, `A|G`, or `--`.
///
/// **Why**: genotype columns of consumer genomic exports. Two letters alone are ambiguous, so
/// `Weak`: the rsID column or header decides.
///
/// **Example**: `AG`, `C/T`; `AX` does not match.
#[must_use]
pub fn genotype(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    let n = |c: &u8| b"ACGT".contains(c);
    match b {
        [x, y] if n(x) && n(y) => Some(Strength::Weak),
        [x, b'/' | b'|', y] if n(x) && n(y) => Some(Strength::Weak),
        b"--" => Some(Strength::Weak),
        _ => None,
    }
}

/// **What**: ICD-10 (and ICD-10-CM) diagnosis code: letter (not U), two digits (or digit +
/// A/B), optional `.` and up to 4 more characters.
///
/// **Why**: a diagnosis is health data (PIPL sensitive PI; 28 CFR 202 personal health data).
///
/// **Example**: `E11.9`, `J45.909`, `C50.911` (`Shaped`), `I10`, `E119` (`Weak`); `U07` and
/// `E1` do not.
#[must_use]
pub fn icd10(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    if !(3..=8).contains(&b.len()) {
        return None;
    }
    let (l, d1, d2) = (*b.first()?, *b.get(1)?, *b.get(2)?);
    if !l.is_ascii_uppercase()
        || l == b'U'
        || !d1.is_ascii_digit()
        || !(d2.is_ascii_digit() || d2 == b'A' || d2 == b'B')
    {
        return None;
    }
    match b.get(3..) {
        Some([]) => Some(Strength::Weak),
        // ICD-10-CM exports often drop the dot (`E119`, `S72001A`).
        Some(rest)
            if (1..=4).contains(&rest.len())
                && rest
                    .iter()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
                && rest.first().is_some_and(u8::is_ascii_digit) =>
        {
            Some(Strength::Weak)
        }
        Some([b'.', rest @ ..])
            if (1..=4).contains(&rest.len())
                && rest
                    .iter()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()) =>
        {
            Some(Strength::Shaped)
        }
        _ => None,
    }
}

/// **What**: Vehicle Identification Number, 17 characters (no I, O, Q), position-9 check digit
/// (ISO 3779; 49 CFR 565).
///
/// **Why**: identifies a vehicle and through registration its owner (HIPAA identifier (L)).
///
/// **Example**: `1M8GDM9AXKP042788` matches; `1M8GDM9A1KP042788` does not.
#[must_use]
pub fn vin(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len != 17 || cell.alpha == 0 || cell.digits < 5 || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    checks::vin(c).then_some(Strength::Validated)
}

#[cfg(test)]
mod tests {
    use super::*;

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
