//! Check-digit algorithms and small parsing helpers shared by the detectors.
//!
//! Every algorithm here is cited to `shared/reference/identifiers.md`; each works on ASCII bytes
//! and never allocates, so detectors can call them on every sampled cell.

/// Luhn (ISO/IEC 7812, 3GPP TS 23.003 Annex B; identifiers.md §2.11) over ASCII digits.
/// Returns false on any non-digit or on an empty input.
#[must_use]
pub fn luhn(digits: &[u8]) -> bool {
    luhn_sum(digits, 0).is_some_and(|s| s % 10 == 0)
}

/// The Luhn sum of `digits` plus `offset` (NPI adds 24 for the `80840` prefix, §2.5).
fn luhn_sum(digits: &[u8], offset: u32) -> Option<u32> {
    if digits.is_empty() {
        return None;
    }
    let mut sum = offset;
    for (i, &b) in digits.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    Some(sum)
}

/// NPI check: 10 digits, first 1 or 2, Luhn with the `80840` prefix (identifiers.md §2.5).
#[must_use]
pub fn npi(digits: &[u8]) -> bool {
    digits.len() == 10
        && matches!(digits.first(), Some(b'1' | b'2'))
        && luhn_sum(digits, 24).is_some_and(|s| s % 10 == 0)
}

/// ISO 7064 MOD 11-2 check character of the first 17 digits of a GB 11643 number (§1.1).
#[must_use]
pub fn mod11_2_check(first17: &[u8]) -> Option<u8> {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: &[u8; 11] = b"10X98765432";
    if first17.len() != 17 {
        return None;
    }
    let mut s = 0u32;
    for (&b, w) in first17.iter().zip(W) {
        if !b.is_ascii_digit() {
            return None;
        }
        s += u32::from(b - b'0') * w;
    }
    C.get((s % 11) as usize).copied()
}

/// Whether `y-m-d` is a real Gregorian date.
#[must_use]
pub fn real_date(y: u32, m: u32, d: u32) -> bool {
    if !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    d <= days
}

/// Parses ASCII digits into a number; `None` on any other byte or overflow.
#[must_use]
pub fn num(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// The latest birth year accepted as plausible. Fixed rather than read from the clock so
/// results are reproducible; move forward once a year.
pub const MAX_BIRTH_YEAR: u32 = 2026;

/// The USCC alphabet `0-9 A-H J-N P-R T U W-Y` (GB 32100; identifiers.md §1.3): value of a byte.
#[must_use]
pub fn uscc_value(b: u8) -> Option<u32> {
    const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    ALPHABET
        .iter()
        .position(|&c| c == b)
        .and_then(|p| u32::try_from(p).ok())
}

/// GB 32100 check (position 18) over the 18-character code (§1.3).
#[must_use]
pub fn uscc_check(code: &[u8]) -> bool {
    const W: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    if code.len() != 18 {
        return false;
    }
    let mut s = 0u32;
    for (&b, w) in code.iter().zip(W) {
        let Some(v) = uscc_value(b) else { return false };
        s += v * w;
    }
    let c = (31 - s % 31) % 31;
    code.get(17).and_then(|&b| uscc_value(b)) == Some(c)
}

/// GB 11714 organisation-code check over 9 characters (8 body + check; §1.3).
#[must_use]
pub fn org_code_check(code: &[u8]) -> bool {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    if code.len() != 9 {
        return false;
    }
    let mut s = 0u32;
    for (&b, w) in code.iter().zip(W) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        s += v * w;
    }
    let c = 11 - s % 11;
    let expected = match c {
        10 => b'X',
        11 => b'0',
        d => b'0' + u8::try_from(d).unwrap_or(0),
    };
    code.get(8) == Some(&expected)
}

/// ABA routing number: 9 digits, weighted 3-7-1 sum ≡ 0 mod 10, valid Federal Reserve prefix
/// (identifiers.md §2.4).
#[must_use]
pub fn aba(d: &[u8]) -> bool {
    if d.len() != 9 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n = |i: usize| u32::from(d.get(i).copied().unwrap_or(b'0') - b'0');
    let prefix = n(0) * 10 + n(1);
    let prefix_ok = matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80);
    let sum = 3 * (n(0) + n(3) + n(6)) + 7 * (n(1) + n(4) + n(7)) + (n(2) + n(5) + n(8));
    prefix_ok && sum % 10 == 0 && d != b"000000000"
}

/// IBAN (ISO 13616): country length table and mod 97 = 1 (identifiers.md §2.10).
/// `s` must already be upper-case with spaces removed.
#[must_use]
pub fn iban(s: &[u8]) -> bool {
    let (Some(c0), Some(c1)) = (s.first(), s.get(1)) else {
        return false;
    };
    let Some(len) = iban_length([*c0, *c1]) else {
        return false;
    };
    if s.len() != len || !s.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    if !s
        .get(2..4)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    {
        return false;
    }
    let mut rem = 0u32;
    for &b in s.iter().skip(4).chain(s.iter().take(4)) {
        match b {
            b'0'..=b'9' => rem = (rem * 10 + u32::from(b - b'0')) % 97,
            b'A'..=b'Z' => rem = (rem * 100 + u32::from(b - b'A') + 10) % 97,
            _ => return false,
        }
    }
    rem == 1
}

/// IBAN length per country (ISO 13616 registry, as in Presidio's `iban_patterns.py`).
fn iban_length(cc: [u8; 2]) -> Option<usize> {
    const TABLE: &[(&[u8; 2], usize)] = &[
        (b"AD", 24),
        (b"AE", 23),
        (b"AL", 28),
        (b"AT", 20),
        (b"AZ", 28),
        (b"BA", 20),
        (b"BE", 16),
        (b"BG", 22),
        (b"BH", 22),
        (b"BR", 29),
        (b"BY", 28),
        (b"CH", 21),
        (b"CR", 22),
        (b"CY", 28),
        (b"CZ", 24),
        (b"DE", 22),
        (b"DK", 18),
        (b"DO", 28),
        (b"EE", 20),
        (b"EG", 29),
        (b"ES", 24),
        (b"FI", 18),
        (b"FO", 18),
        (b"FR", 27),
        (b"GB", 22),
        (b"GE", 22),
        (b"GI", 23),
        (b"GL", 18),
        (b"GR", 27),
        (b"GT", 28),
        (b"HR", 21),
        (b"HU", 28),
        (b"IE", 22),
        (b"IL", 23),
        (b"IQ", 23),
        (b"IS", 26),
        (b"IT", 27),
        (b"JO", 30),
        (b"KW", 30),
        (b"KZ", 20),
        (b"LB", 28),
        (b"LC", 32),
        (b"LI", 21),
        (b"LT", 20),
        (b"LU", 20),
        (b"LV", 21),
        (b"MC", 27),
        (b"MD", 24),
        (b"ME", 22),
        (b"MK", 19),
        (b"MR", 27),
        (b"MT", 31),
        (b"MU", 30),
        (b"NL", 18),
        (b"NO", 15),
        (b"PK", 24),
        (b"PL", 28),
        (b"PS", 29),
        (b"PT", 25),
        (b"QA", 29),
        (b"RO", 24),
        (b"RS", 22),
        (b"SA", 24),
        (b"SC", 31),
        (b"SE", 24),
        (b"SI", 19),
        (b"SK", 24),
        (b"SM", 27),
        (b"ST", 25),
        (b"SV", 28),
        (b"TL", 23),
        (b"TN", 24),
        (b"TR", 26),
        (b"UA", 29),
        (b"VA", 22),
        (b"VG", 24),
        (b"XK", 20),
    ];
    TABLE.iter().find(|(c, _)| **c == cc).map(|&(_, l)| l)
}

/// VIN check digit (position 9; ISO 3779 / 49 CFR 565): transliterate, weight, mod 11.
#[must_use]
pub fn vin(s: &[u8]) -> bool {
    vin_check_digit(s).is_some_and(|expected| s.get(8) == Some(&expected))
}

/// The check character a 17-character VIN must carry at position 9 (`0`–`9` or `X`), whatever
/// is there now; `None` if the length is wrong or a character cannot appear in a VIN.
#[must_use]
pub fn vin_check_digit(s: &[u8]) -> Option<u8> {
    const W: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    if s.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&b, w) in s.iter().zip(W) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A' | b'J' => 1,
            b'B' | b'K' | b'S' => 2,
            b'C' | b'L' | b'T' => 3,
            b'D' | b'M' | b'U' => 4,
            b'E' | b'N' | b'V' => 5,
            b'F' | b'W' => 6,
            b'G' | b'P' | b'X' => 7,
            b'H' | b'Y' => 8,
            b'R' | b'Z' => 9,
            _ => return None, // I, O, Q never appear in a VIN
        };
        sum += v * w;
    }
    let c = sum % 11;
    Some(if c == 10 {
        b'X'
    } else {
        b'0' + u8::try_from(c).ok()?
    })
}

/// Copies the bytes of `s` that are not separators (space, `-`, `.`, `/`, `(`, `)`, `·`
/// and full-width space) into `buf`, upper-casing ASCII letters. Returns `None` if `s` does not
/// fit, so callers never allocate.
#[must_use]
pub fn compact<'b>(s: &str, buf: &'b mut [u8]) -> Option<&'b [u8]> {
    let mut n = 0;
    for c in s.chars() {
        if matches!(
            c,
            ' ' | '-' | '.' | '/' | '(' | ')' | '·' | '\u{3000}' | '\t' | '_'
        ) {
            continue;
        }
        if !c.is_ascii() {
            return None;
        }
        let slot = buf.get_mut(n)?;
        // `c` is ASCII, so the cast is lossless.
        *slot = (c as u8).to_ascii_uppercase();
        n += 1;
    }
    buf.get(..n)
}

/// The ASCII digits of `s` (ignoring common separators) into `buf`; `None` if anything else
/// occurs or it does not fit.
#[must_use]
pub fn digits_only<'b>(s: &str, buf: &'b mut [u8]) -> Option<&'b [u8]> {
    let out = compact(s, buf)?;
    out.iter().all(u8::is_ascii_digit).then_some(out)
}

/// Wilson score interval lower bound for `k` successes in `n` trials at 95 % (z = 1.96).
#[must_use]
pub fn wilson_lower(k: u64, n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
    let (k, n) = (k as f64, n as f64);
    let z = 1.96_f64;
    let p = k / n;
    let denom = 1.0 + z * z / n;
    let centre = p + z * z / (2.0 * n);
    let margin = z * ((p * (1.0 - p) + z * z / (4.0 * n)) / n).sqrt();
    ((centre - margin) / denom).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_vectors() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"490154203237518"));
        assert!(!luhn(b"4111111111111112"));
        assert!(!luhn(b""));
        assert!(!luhn(b"41111x"));
    }

    #[test]
    fn npi_vectors() {
        assert!(npi(b"1558598797"));
        assert!(!npi(b"1558598798"));
        assert!(!npi(b"3558598797"));
    }

    #[test]
    fn mod11_vectors() {
        assert_eq!(mod11_2_check(b"11010519491231002"), Some(b'X'));
        assert_eq!(mod11_2_check(b"44052418800101001"), Some(b'4'));
        assert_eq!(mod11_2_check(b"34052419800101001"), Some(b'X'));
        assert_eq!(mod11_2_check(b"3405241980010100"), None);
    }

    #[test]
    fn uscc_vectors() {
        assert!(uscc_check(b"91350100M000100Y43"));
        assert!(!uscc_check(b"91350100M000100Y4Z"));
        assert!(uscc_check(b"91110108551385082Q"));
        assert!(org_code_check(b"M000100Y4"));
        assert!(org_code_check(b"551385082"));
    }

    #[test]
    fn aba_vectors() {
        assert!(aba(b"021000021"));
        assert!(aba(b"111000025"));
        assert!(!aba(b"123456789"));
    }

    #[test]
    fn iban_vectors() {
        assert!(iban(b"GB82WEST12345698765432"));
        assert!(iban(b"DE89370400440532013000"));
        assert!(!iban(b"GB82WEST12345698765433"));
        assert!(!iban(b"XX82WEST12345698765432"));
    }

    #[test]
    fn vin_vectors() {
        assert!(vin(b"1M8GDM9AXKP042788"));
        assert!(vin(b"11111111111111111"));
        assert!(!vin(b"1M8GDM9A1KP042788"));
    }

    #[test]
    fn dates() {
        assert!(real_date(2000, 2, 29));
        assert!(!real_date(1900, 2, 29));
        assert!(!real_date(2001, 4, 31));
    }

    #[test]
    fn wilson() {
        assert!(wilson_lower(100, 100) > 0.96);
        assert!(wilson_lower(0, 100) < 1e-9);
        assert!((wilson_lower(50, 100) - 0.4038).abs() < 1e-3);
    }
}
