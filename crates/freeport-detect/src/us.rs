//! US identifiers: SSN, ITIN, EIN, ABA routing, NPI, MBI, passports, driver's licences, NANP
//! phones, ZIP codes, street addresses and person names.
//!
//! Rules and sources: `shared/reference/identifiers.md` §2.

use crate::checks::{self, digits_only, num};
use crate::detector::{Cell, Strength};
use crate::lists::{EN_FIRST, EN_LAST};

/// Splits `AAA-GG-SSSS` (dashes or spaces) or 9 bare digits; `(digits, formatted)`.
fn nine(cell: &Cell<'_>) -> Option<([u32; 3], bool)> {
    if cell.digits != 9 || cell.len > 11 || cell.alpha > 0 || !cell.ascii() {
        return None;
    }
    let b = cell.s.as_bytes();
    let formatted = match b.len() {
        11 if matches!(
            (b.get(3), b.get(6)),
            (Some(b'-'), Some(b'-')) | (Some(b' '), Some(b' '))
        ) =>
        {
            true
        }
        9 => false,
        _ => return None,
    };
    let d = cell.packed_digits()?;
    Some((
        [num(d.get(..3)?)?, num(d.get(3..5)?)?, num(d.get(5..)?)?],
        formatted,
    ))
}

fn strength(formatted: bool) -> Strength {
    if formatted {
        Strength::Shaped
    } else {
        Strength::Weak
    }
}

/// **What**: US Social Security number `AAA-GG-SSSS`.
///
/// **Why**: the de-facto national identifier; HIPAA identifier (G), 28 CFR 202 covered personal
/// identifier.
///
/// **How**: area not 000, 666 or 900–999; group not 00; serial not 0000; known junk values
/// (`078-05-1120`, `123-45-6789`) rejected (identifiers.md §2.1). No check digit: dashed values
/// are `Shaped`, bare 9 digits `Weak`.
///
/// **Example**: `219-09-9998` matches; `666-12-3456`, `123-45-6789` do not.
#[must_use]
pub fn ssn(cell: &Cell<'_>) -> Option<Strength> {
    let ([a, g, s], f) = nine(cell)?;
    let junk = (a, g, s) == (78, 5, 1120) || (a, g, s) == (123, 45, 6789);
    (a != 0 && a != 666 && a < 900 && g != 0 && s != 0 && !junk).then(|| strength(f))
}

/// **What**: Individual Taxpayer Identification Number `9XX-ZZ-XXXX`, ZZ in 50–65, 70–88,
/// 90–92, 94–99 (identifiers.md §2.2).
///
/// **Why**: issued to people who cannot get an SSN; identifies a person like an SSN.
///
/// **Example**: `912-70-1234` matches; `912-93-1234` (an ATIN) does not.
#[must_use]
pub fn itin(cell: &Cell<'_>) -> Option<Strength> {
    let ([a, g, _], f) = nine(cell)?;
    ((900..=999).contains(&a) && matches!(g, 50..=65 | 70..=88 | 90..=92 | 94..=99))
        .then(|| strength(f))
}

/// **What**: Employer Identification Number `XX-XXXXXXX` with a valid IRS campus prefix
/// (identifiers.md §2.3).
///
/// **Why**: identifies a business — or a sole proprietor who uses it instead of an SSN.
///
/// **Example**: `12-3456789` matches; `07-3456789` does not.
#[must_use]
pub fn ein(cell: &Cell<'_>) -> Option<Strength> {
    if cell.digits != 9 || cell.alpha > 0 || !cell.ascii() || !(9..=10).contains(&cell.len) {
        return None;
    }
    let b = cell.s.as_bytes();
    let formatted = b.len() == 10 && b.get(2) == Some(&b'-');
    if b.len() == 10 && !formatted {
        return None;
    }
    let d = cell.packed_digits()?;
    let p = num(d.get(..2)?)?;
    let valid = matches!(p, 1..=6 | 10..=16 | 20..=27 | 30..=48 | 50..=68 | 71..=77 | 80..=88 | 90..=95 | 98 | 99);
    valid.then(|| strength(formatted))
}

/// **What**: ABA routing transit number: 9 digits, 3-7-1 checksum, Federal Reserve prefix
/// (identifiers.md §2.4).
///
/// **Why**: with an account number it locates a person's bank account (financial data).
///
/// **Example**: `021000021` matches; `123456789` does not.
#[must_use]
pub fn aba(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len != 9 || cell.digits != 9 {
        return None;
    }
    checks::aba(cell.s.as_bytes()).then_some(Strength::Validated)
}

/// **What**: National Provider Identifier: 10 digits, first 1 or 2, Luhn over the `80840`
/// prefix (identifiers.md §2.5).
///
/// **Why**: identifies a health-care provider; in claims data it points to the patient's care.
///
/// **Example**: `1558598797` matches; `1558598798` does not.
#[must_use]
pub fn npi(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len != 10 || cell.digits != 10 {
        return None;
    }
    checks::npi(cell.s.as_bytes()).then_some(Strength::Validated)
}

/// **What**: Medicare Beneficiary Identifier, 11 characters: digit 1–9, letter, letter/digit,
/// digit, letter, letter/digit, digit, letter, letter, digit, digit; letters exclude S L O I B Z
/// (identifiers.md §2.6). Dashes are display-only.
///
/// **Why**: HIPAA health-plan beneficiary number (identifier (I)).
///
/// **Example**: `1EG4-TE5-MK73` matches; `0EG4-TE5-MK73` does not.
#[must_use]
pub fn mbi(cell: &Cell<'_>) -> Option<Strength> {
    if !(11..=13).contains(&cell.len) || cell.alpha < 3 || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    if c.len() != 11 {
        return None;
    }
    let letter =
        |b: u8| b.is_ascii_uppercase() && !matches!(b, b'S' | b'L' | b'O' | b'I' | b'B' | b'Z');
    let digit = |b: u8| b.is_ascii_digit();
    let either = |b: u8| letter(b) || digit(b);
    let rules: [&dyn Fn(u8) -> bool; 11] = [
        &|b| (b'1'..=b'9').contains(&b),
        &letter,
        &either,
        &digit,
        &letter,
        &either,
        &digit,
        &letter,
        &letter,
        &digit,
        &digit,
    ];
    c.iter()
        .zip(rules)
        .all(|(&b, r)| r(b))
        .then_some(Strength::Shaped)
}

/// **What**: US passport number: letter + 8 digits (Next Generation, since 2021) or 9 digits
/// (older books) (identifiers.md §2.7).
///
/// **Why**: identifies the holder; 28 CFR 202 covered personal identifier. No check digit, so
/// always `Weak`: the header decides.
///
/// **Example**: `A12345678`, `123456789`.
#[must_use]
pub fn passport(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    match (cell.len, cell.digits, b.first()) {
        (9, 8, Some(f)) if f.is_ascii_uppercase() => Some(Strength::Weak),
        (9, 9, _) => Some(Strength::Weak),
        _ => None,
    }
}

/// **What**: US driver's licence number. Formats differ by state (1–2 letters + 4–14 digits,
/// or 7–13 digits, sometimes with separators); none has a published check digit.
///
/// **Why**: a state-issued identifier; 28 CFR 202 covered personal identifier. Only a header
/// (`driver`, `license`, `dl`, 驾驶证) makes this usable, so matches are `Weak`.
///
/// **Example**: `D1234567`, `A123-4567-8901`.
#[must_use]
pub fn driver_license(cell: &Cell<'_>) -> Option<Strength> {
    if !(6..=16).contains(&cell.len) || !cell.ascii() || cell.digits < 4 || cell.alpha > 2 {
        return None;
    }
    let c = cell.packed()?;
    let letters = c.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let rest = c.get(letters..)?;
    (letters <= 2
        && (4..=14).contains(&rest.len())
        && rest.iter().all(u8::is_ascii_digit)
        && c.len() >= 6)
        .then_some(Strength::Weak)
}

/// **What**: NANP telephone number (US/Canada): optional `+1`/`1`, area code and exchange
/// `[2-9]XX`, 4-digit line; common punctuation `(212) 555-0100`, `212.555.0100`, extensions.
///
/// **Why**: contact data; HIPAA identifier (D).
///
/// **Example**: `(212) 555-0100` (`Shaped`), `2125550100` (`Weak`); `1125550100` does not match.
#[must_use]
pub fn phone(cell: &Cell<'_>) -> Option<Strength> {
    if !(10..=16).contains(&cell.digits) || !cell.ascii() {
        return None;
    }
    let s = match cell.s.find(['x', 'X']) {
        Some(i) if cell.s.get(i..).is_some_and(|e| e.len() <= 8) => cell.s.get(..i)?.trim_end(),
        _ if cell.alpha > 0 => return None,
        _ => cell.s,
    };
    let s = s
        .trim_end_matches([' ', ',', ';'])
        .trim_end_matches("ext")
        .trim_end();
    let punctuated = s.contains(['(', '-', '.', ' ']);
    let s = s.trim_start_matches('+');
    let mut buf = [0u8; 24];
    let d = digits_only(s, &mut buf)?;
    let d = match d.len() {
        10 => d,
        11 if d.first() == Some(&b'1') => d.get(1..)?,
        _ => return None,
    };
    let (a, e) = (d.first()?, d.get(3)?);
    if !(b'2'..=b'9').contains(a) || !(b'2'..=b'9').contains(e) {
        return None;
    }
    // N11 service codes are not area codes.
    if d.get(1..3) == Some(b"11") {
        return None;
    }
    Some(if punctuated {
        Strength::Shaped
    } else {
        Strength::Weak
    })
}

/// **What**: ZIP code `12345` or ZIP+4 `12345-6789`.
///
/// **Why**: HIPAA identifier (B) below the first three digits; a coarse location. Five bare
/// digits are everywhere, so only ZIP+4 is `Shaped`.
///
/// **Example**: `94103-1234` (`Shaped`), `94103` (`Weak`); `00000` does not match.
#[must_use]
pub fn zip(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    let five = |x: &[u8]| x.len() == 5 && x.iter().all(u8::is_ascii_digit) && x != b"00000";
    match cell.len {
        5 if five(b) => Some(Strength::Weak),
        10 if b.get(5) == Some(&b'-')
            && b.get(..5).is_some_and(five)
            && b.get(6..).is_some_and(|x| x.iter().all(u8::is_ascii_digit)) =>
        {
            Some(Strength::Shaped)
        }
        _ => None,
    }
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

/// **What**: US licence plate: 2–8 letters and digits with at most one space or dash, at
/// least one of each (`7ABC123`, `ABC-1234`, `153-ONW`). Formats vary by state and carry no
/// check, so matches are `Weak`: the header decides.
///
/// **Why**: identifies a vehicle and through registration its keeper (HIPAA identifier (L)).
///
/// **Example**: `ABC-1234`; `ABCDEFGH` and `12345` do not match.
#[must_use]
pub fn plate(cell: &Cell<'_>) -> Option<Strength> {
    if !(2..=9).contains(&cell.len) || cell.alpha == 0 || cell.digits == 0 || !cell.ascii() {
        return None;
    }
    let seps = cell.s.bytes().filter(|b| matches!(b, b'-' | b' ')).count();
    (seps <= 1
        && cell.alpha + cell.digits + seps == cell.len
        && !cell.s.bytes().any(|b| b.is_ascii_lowercase()))
    .then_some(Strength::Weak)
}

/// Looks `word` up lower-cased in `set` without allocating.
fn in_list(word: &str, set: &std::collections::HashSet<&'static str>) -> bool {
    let mut buf = [0u8; 24];
    let Some(l) = buf.get_mut(..word.len()) else {
        return false;
    };
    l.copy_from_slice(word.as_bytes());
    l.make_ascii_lowercase();
    std::str::from_utf8(l).is_ok_and(|s| set.contains(s))
}

/// Honorifics and suffixes that may surround a name.
const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "dr", "prof", "mx", "sir"];
const SUFFIXES: &[&str] = &[
    "jr", "sr", "ii", "iii", "iv", "md", "phd", "dds", "dvm", "esq", "rn", "cpa",
];
/// Words that make a capitalised phrase an organisation rather than a person.
const ORG_WORDS: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "plc",
    "group",
    "corp",
    "co",
    "company",
    "and",
    "sons",
    "partners",
    "associates",
    "bank",
    "university",
    "hospital",
    "services",
    "solutions",
    "of",
    "the",
];

/// **What**: Western person name: `First Last`, `First M. Last`, `Last, First`, with optional
/// honorific (`Dr.`) and suffix (`Jr.`, `MD`), or a single capitalised given name or surname;
/// matched against US first-name and surname frequency lists.
///
/// **Why**: names are PI and HIPAA identifier (A).
///
/// **How**: every token capitalised and alphabetic; organisation words (`Inc`, `LLC`, `and`)
/// reject. A listed first name or surname in a multi-token name, or an honorific, is `Shaped`;
/// a name-shaped phrase with no listed token, or a single listed token, is `Weak` (the header
/// or the column's rate decides).
///
/// **Example**: `Mary Smith`, `Smith, John`, `Dr. Patricia Nash MD` match; `Blue Widget Inc`,
/// `mary smith` do not.
#[must_use]
pub fn name(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 2 || cell.len > 48 || cell.digits > 0 || !cell.ascii() || cell.spaces > 5 {
        return None;
    }
    let (first_part, last_part) = match cell.s.split_once(", ") {
        Some((l, f)) if !f.contains(' ') || f.split(' ').count() <= 2 => (f, l),
        _ => (cell.s, ""),
    };
    let mut tokens: [&str; 8] = [""; 8];
    let mut n = 0;
    for t in first_part
        .split(' ')
        .chain(last_part.split(' '))
        .filter(|t| !t.is_empty())
    {
        *tokens.get_mut(n)? = t;
        n += 1;
    }
    let tokens = tokens.get(..n)?;
    let mut titled = false;
    let mut known = false;
    let mut core = 0;
    for t in tokens {
        let bare = t.trim_end_matches(['.', ',']);
        if bare.is_empty() {
            return None;
        }
        if TITLES.iter().any(|w| bare.eq_ignore_ascii_case(w)) {
            titled = true;
            continue;
        }
        if ORG_WORDS.iter().any(|w| bare.eq_ignore_ascii_case(w)) {
            return None;
        }
        if SUFFIXES.iter().any(|w| bare.eq_ignore_ascii_case(w)) {
            continue;
        }
        let cap = bare.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
            && bare
                .bytes()
                .all(|b| b.is_ascii_alphabetic() || b == b'\'' || b == b'-');
        if !cap {
            return None;
        }
        core += 1;
        known |= in_list(bare, &EN_FIRST) || in_list(bare, &EN_LAST);
    }
    match core {
        0 => None,
        1 if known => Some(Strength::Weak),
        1 => None,
        2..=4 if known || titled => Some(Strength::Shaped),
        2..=4 => Some(Strength::Weak),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cell<'_> {
        Cell::new(s)
    }

    #[test]
    fn ssn_itin_ein() {
        assert_eq!(ssn(&c("219-09-9998")), Some(Strength::Shaped));
        assert_eq!(ssn(&c("219099998")), Some(Strength::Weak));
        for bad in [
            "666-12-3456",
            "000-12-3456",
            "912-12-3456",
            "219-00-9998",
            "219-09-0000",
            "123-45-6789",
            "078-05-1120",
            "219-099-998",
        ] {
            assert_eq!(ssn(&c(bad)), None, "{bad}");
        }
        assert_eq!(itin(&c("912-70-1234")), Some(Strength::Shaped));
        assert_eq!(itin(&c("912-93-1234")), None);
        assert_eq!(itin(&c("812-70-1234")), None);
        assert_eq!(ein(&c("12-3456789")), Some(Strength::Shaped));
        assert_eq!(ein(&c("07-3456789")), None);
        assert_eq!(ein(&c("123-456789")), None);
    }

    #[test]
    fn aba_npi_mbi() {
        assert_eq!(aba(&c("021000021")), Some(Strength::Validated));
        assert_eq!(aba(&c("123456789")), None);
        assert_eq!(npi(&c("1558598797")), Some(Strength::Validated));
        assert_eq!(npi(&c("1558598798")), None);
        assert_eq!(mbi(&c("1EG4-TE5-MK73")), Some(Strength::Shaped));
        assert_eq!(mbi(&c("1EG4TE5MK73")), Some(Strength::Shaped));
        assert_eq!(mbi(&c("0EG4-TE5-MK73")), None);
        assert_eq!(mbi(&c("1SG4-TE5-MK73")), None);
    }

    #[test]
    fn documents() {
        assert_eq!(passport(&c("A12345678")), Some(Strength::Weak));
        assert_eq!(passport(&c("A1234567")), None);
        assert_eq!(driver_license(&c("D1234567")), Some(Strength::Weak));
        assert_eq!(driver_license(&c("ABC12345")), None);
    }

    #[test]
    fn phones_and_zips() {
        for ok in [
            "(212) 555-0100",
            "212-555-0100",
            "+1 212 555 0100",
            "212.555.0100 x123",
        ] {
            assert_eq!(phone(&c(ok)), Some(Strength::Shaped), "{ok}");
        }
        assert_eq!(phone(&c("2125550100")), Some(Strength::Weak));
        for bad in ["1125550100", "2121550100", "212-555-010", "9115550100"] {
            assert_eq!(phone(&c(bad)), None, "{bad}");
        }
        assert_eq!(zip(&c("94103")), Some(Strength::Weak));
        assert_eq!(zip(&c("94103-1234")), Some(Strength::Shaped));
        assert_eq!(zip(&c("00000")), None);
        assert_eq!(zip(&c("9410")), None);
    }

    #[test]
    fn addresses_and_names() {
        assert!(street_address(&c("1600 Pennsylvania Ave NW, Washington, DC 20500")).is_some());
        assert!(street_address(&c("42 Oak Street Apt 5")).is_some());
        assert_eq!(street_address(&c("42 apples and pears")), None);
        assert!(street_address(&c("504 Pamela Harbors, Paulbury, PA 87326")).is_some());
        assert!(street_address(&c("PSC 1234, Box 5678, APO AE 09876")).is_some());
        assert_eq!(plate(&c("ABC-1234")), Some(Strength::Weak));
        assert_eq!(plate(&c("153-ONW")), Some(Strength::Weak));
        assert_eq!(plate(&c("ABCDEFGH")), None);
        assert_eq!(plate(&c("12345")), None);
        assert_eq!(name(&c("Mary Smith")), Some(Strength::Shaped));
        assert_eq!(name(&c("Smith, John")), Some(Strength::Shaped));
        assert_eq!(name(&c("John Q. Public")), Some(Strength::Shaped));
        assert_eq!(name(&c("Dr. Patricia Nash MD")), Some(Strength::Shaped));
        assert_eq!(name(&c("Zorblat Quux")), Some(Strength::Weak));
        assert_eq!(name(&c("Blue Widget Inc")), None);
        assert_eq!(name(&c("Smith and Sons")), None);
        assert_eq!(name(&c("Johnson")), Some(Strength::Weak));
        assert_eq!(name(&c("Blue Widget")), Some(Strength::Weak));
        assert_eq!(name(&c("mary smith")), None);
    }
}
