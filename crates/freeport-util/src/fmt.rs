//! Formatting of numbers and hashes, the same everywhere they appear (tables, reports, file
//! names, manifests).

/// `1234567` → `1,234,567` (the grouping reads the same in English and Chinese).
#[must_use]
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// [`thousands`] of a `usize` (saturating at `u64::MAX`, which no count reaches).
#[must_use]
pub fn thousands_usize(n: usize) -> String {
    thousands(u64::try_from(n).unwrap_or(u64::MAX))
}

/// Lowercase hexadecimal, two digits a byte: `[0xab, 0x01]` → `ab01`.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (99_999, "99,999"),
            (1_000_000, "1,000,000"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ] {
            assert_eq!(thousands(n), text, "{n}");
        }
        assert_eq!(thousands_usize(12_345), "12,345");
    }

    #[test]
    fn hex_is_lowercase_two_digits_a_byte() {
        assert_eq!(hex(&[0xab, 0x01, 0x00]), "ab0100");
        assert_eq!(hex(&[]), "");
    }
}
