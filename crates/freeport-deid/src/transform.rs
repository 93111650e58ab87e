//! Column transforms that need no search: keyed pseudonyms (HMAC-SHA-256), FF1
//! format-preserving tokens, masking, cell suppression and deletion. ISO/IEC 20889 classes:
//! pseudonymisation, cryptographic tools (format-preserving encryption), suppression (masking).
//!
//! Keyed pseudonyms and tokens can be restored or linked by whoever holds the key, so data
//! carrying them stays 去标识化 (PIPL Art. 73(3)), never 匿名化 (deid-standards.md §1).

use std::path::{Path, PathBuf};

use fpe::ff1::{FF1, FlexibleNumeralString};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::table::{Column, RowNames};

/// A secret key read from a key file that only its owner can read.
#[derive(Clone)]
pub struct Key {
    bytes: Vec<u8>,
    /// Where it came from (for reports; never the key itself).
    pub path: PathBuf,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Shortest key accepted, in bytes (128 bits).
pub const MIN_KEY_BYTES: usize = 16;

impl Key {
    /// Reads a key file, refusing one that group or others may read or write.
    ///
    /// # Errors
    ///
    /// Missing file, wrong permissions, or fewer than [`MIN_KEY_BYTES`] bytes.
    pub fn from_file(path: &Path) -> Result<Self> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(Error::input(
                    format!(
                        "key file `{}` is accessible to group or others (mode {mode:03o})",
                        path.display()
                    ),
                    Some(format!(
                        "restrict it to its owner: chmod 600 {}",
                        path.display()
                    )),
                ));
            }
        }
        #[cfg(not(unix))]
        let _ = meta;
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let trimmed = bytes.trim_ascii_end().to_vec();
        if trimmed.len() < MIN_KEY_BYTES {
            return Err(Error::input(
                format!(
                    "key file `{}` holds {} bytes; at least {MIN_KEY_BYTES} are needed",
                    path.display(),
                    trimmed.len()
                ),
                Some("e.g. head -c 32 /dev/urandom > key.bin && chmod 600 key.bin".into()),
            ));
        }
        Ok(Self {
            bytes: trimmed,
            path: path.to_owned(),
        })
    }

    /// A key from bytes (tests, callers with their own key store).
    #[must_use]
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            path: PathBuf::new(),
        }
    }

    fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        // HMAC accepts keys of any length, so this cannot fail; fall back to an empty MAC input
        // rather than panic if a future version changes that.
        let mut out = [0u8; 32];
        if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.bytes) {
            for p in parts {
                mac.update(&(p.len() as u64).to_be_bytes());
                mac.update(p);
            }
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        out
    }
}

/// Where a check character is recomputed after FF1 changes the digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckDigit {
    /// None.
    None,
    /// GB 11643 resident ID: 18th character by ISO 7064 MOD 11-2 (identifiers.md §1.1).
    CnResidentId,
    /// Luhn (payment cards, IMEI): last digit.
    Luhn,
}

/// A transform of one column.
#[derive(Debug, Clone)]
pub enum Transform {
    /// Keep as is.
    Keep,
    /// Drop the column.
    Delete,
    /// Replace every cell by `*`.
    Suppress,
    /// Keep `keep_prefix` leading and `keep_suffix` trailing characters, mask the rest.
    Mask {
        /// Characters kept at the start (6 keeps a resident ID's GB/T 2260 region).
        keep_prefix: usize,
        /// Characters kept at the end.
        keep_suffix: usize,
        /// The masking character.
        with: char,
    },
    /// `prefix` + the first `length` hex digits of HMAC-SHA-256(key, domain, value).
    Pseudonymise {
        /// The key.
        key: Key,
        /// Domain separation (defaults to the column name): equal domains give equal pseudonyms
        /// for equal values, so columns can still be joined.
        domain: String,
        /// Hex digits kept, 16..=64.
        length: usize,
        /// Text put in front.
        prefix: String,
    },
    /// FF1 (NIST SP 800-38G) over the value's digits with radix 10, keeping non-digits, the
    /// first `keep_prefix` digits and the check character in place.
    Ff1 {
        /// The key (an AES-256 key is derived from it with HMAC).
        key: Key,
        /// Tweak (defaults to the column name).
        tweak: String,
        /// Leading digits left as they are.
        keep_prefix: usize,
        /// Which check character to recompute.
        check: CheckDigit,
    },
}

impl Transform {
    /// A short name for reports.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Keep => "keep",
            Self::Delete => "delete",
            Self::Suppress => "suppress",
            Self::Mask { .. } => "mask",
            Self::Pseudonymise { .. } => "pseudonymise",
            Self::Ff1 { .. } => "ff1",
        }
    }

    /// The ISO/IEC 20889 technique class (deid-standards.md §5).
    #[must_use]
    pub fn iso_20889_class(&self) -> &'static str {
        match self {
            Self::Keep => "none",
            Self::Delete | Self::Suppress | Self::Mask { .. } => "suppression",
            Self::Pseudonymise { .. } => "pseudonymization",
            Self::Ff1 { .. } => "cryptographic tools: format-preserving encryption",
        }
    }

    /// Whether whoever holds the key can restore or link the original (PIPL Art. 73(3)).
    #[must_use]
    pub fn is_restorable(&self) -> bool {
        matches!(self, Self::Pseudonymise { .. } | Self::Ff1 { .. })
    }

    /// Transforms a column's dictionary in place (each distinct value once); codes stay valid.
    ///
    /// # Errors
    ///
    /// A value FF1 cannot encrypt (fewer than 6 digits to change), naming column and line or
    /// record (`rows` says which), never the value.
    pub fn apply(&self, column: &mut Column, rows: RowNames) -> Result<()> {
        match self {
            Self::Keep | Self::Delete => Ok(()),
            Self::Suppress => {
                column.dictionary.iter_mut().for_each(|v| *v = "*".into());
                Ok(())
            }
            Self::Mask {
                keep_prefix,
                keep_suffix,
                with,
            } => {
                for v in &mut column.dictionary {
                    *v = mask(v, *keep_prefix, *keep_suffix, *with);
                }
                Ok(())
            }
            Self::Pseudonymise {
                key,
                domain,
                length,
                prefix,
            } => {
                let length = (*length).clamp(16, 64);
                for v in &mut column.dictionary {
                    let mac = key.mac(&[domain.as_bytes(), v.as_bytes()]);
                    let mut hex = String::with_capacity(prefix.len() + 64);
                    hex.push_str(prefix);
                    for b in mac {
                        hex.push_str(&format!("{b:02x}"));
                    }
                    hex.truncate(prefix.len() + length);
                    *v = hex;
                }
                Ok(())
            }
            Self::Ff1 {
                key,
                tweak,
                keep_prefix,
                check,
            } => {
                let aes_key = key.mac(&[b"freeport ff1 aes-256 key"]);
                let ff1 = FF1::<aes::Aes256>::new(&aes_key, 10)
                    .map_err(|_| Error::input("cannot set up FF1 with the derived key", None))?;
                let name = column.name.clone();
                for (code, v) in column.dictionary.iter_mut().enumerate() {
                    let Some(out) = ff1_value(&ff1, tweak.as_bytes(), v, *keep_prefix, *check)
                    else {
                        let row = column
                            .codes
                            .iter()
                            .position(|&c| c as usize == code)
                            .unwrap_or(0);
                        return Err(Error::input(
                            format!(
                                "column `{name}`: the value on {} has too few digits for FF1 (at least 6 must change)",
                                rows.place(row)
                            ),
                            Some("use `pseudonymise` or `mask` for short values".into()),
                        ));
                    };
                    *v = out;
                }
                Ok(())
            }
        }
    }
}

/// Masks all but the first `keep_prefix` and last `keep_suffix` characters.
#[must_use]
pub fn mask(value: &str, keep_prefix: usize, keep_suffix: usize, with: char) -> String {
    let n = value.chars().count();
    value
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_prefix || i + keep_suffix >= n {
                c
            } else {
                with
            }
        })
        .collect()
}

fn ff1_value(
    ff1: &FF1<aes::Aes256>,
    tweak: &[u8],
    value: &str,
    keep_prefix: usize,
    check: CheckDigit,
) -> Option<String> {
    let mut chars: Vec<char> = value.chars().collect();
    let mut positions: Vec<usize> = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    // The check character is recomputed, not encrypted.
    let check_at = match check {
        CheckDigit::None => None,
        CheckDigit::CnResidentId => {
            if chars.len() != 18 {
                return None;
            }
            positions.retain(|&p| p < 17);
            Some(17)
        }
        CheckDigit::Luhn => positions.pop(),
    };
    let change: Vec<usize> = positions.into_iter().skip(keep_prefix).collect();
    if change.len() < 6 {
        return None;
    }
    let digits: Vec<u16> = change
        .iter()
        .map(|&p| chars[p].to_digit(10).map_or(0, |d| d as u16))
        .collect();
    let out: Vec<u16> = ff1
        .encrypt(tweak, &FlexibleNumeralString::from(digits))
        .ok()?
        .into();
    for (&p, d) in change.iter().zip(out) {
        chars[p] = char::from_digit(u32::from(d), 10)?;
    }
    match (check, check_at) {
        (CheckDigit::CnResidentId, Some(at)) => {
            chars[at] = cn_resident_check(&chars[..17])?;
        }
        (CheckDigit::Luhn, Some(at)) => {
            let body: Vec<u32> = chars[..at].iter().filter_map(|c| c.to_digit(10)).collect();
            chars[at] = char::from_digit(luhn_check(&body), 10)?;
        }
        _ => {}
    }
    Some(chars.into_iter().collect())
}

/// ISO 7064 MOD 11-2 check character of a GB 11643 resident ID's first 17 digits
/// (weights and table from identifiers.md §1.1).
#[must_use]
pub fn cn_resident_check(first17: &[char]) -> Option<char> {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const T: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    if first17.len() != 17 {
        return None;
    }
    let mut s = 0;
    for (c, w) in first17.iter().zip(W) {
        s += c.to_digit(10)? * w;
    }
    T.get((s % 11) as usize).copied()
}

/// The Luhn check digit for `body`.
#[must_use]
pub fn luhn_check(body: &[u32]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::TableBuilder;
    use proptest::prelude::*;

    fn column(values: &[&str]) -> Column {
        let mut b = TableBuilder::new(vec!["id".into()]);
        for v in values {
            b.push([*v]);
        }
        b.finish().columns.remove(0)
    }

    fn pseudo(key: &[u8], values: &[&str]) -> Vec<String> {
        let mut c = column(values);
        Transform::Pseudonymise {
            key: Key::from_bytes(key.to_vec()),
            domain: "id".into(),
            length: 32,
            prefix: String::new(),
        }
        .apply(&mut c, RowNames::Lines)
        .unwrap();
        (0..values.len())
            .map(|r| c.value(r).unwrap().to_owned())
            .collect()
    }

    proptest! {
        #[test]
        fn pseudonyms_are_stable_per_key_and_differ_across_keys(
            v in "[a-z0-9]{1,20}", k1 in prop::collection::vec(any::<u8>(), 16..40), k2 in prop::collection::vec(any::<u8>(), 16..40)
        ) {
            let a = pseudo(&k1, &[&v]);
            prop_assert_eq!(&a, &pseudo(&k1, &[&v]));
            prop_assert_eq!(a[0].len(), 32);
            prop_assert!(!a[0].contains(&v) || v.len() < 4);
            if k1 != k2 {
                prop_assert_ne!(a, pseudo(&k2, &[&v]));
            }
        }
    }

    #[test]
    fn check_digits_match_identifiers_reference() {
        let id: Vec<char> = "11010519491231002X".chars().collect();
        assert_eq!(cn_resident_check(&id[..17]), Some('X'));
        let id: Vec<char> = "440524188001010014".chars().collect();
        assert_eq!(cn_resident_check(&id[..17]), Some('4'));
        // 7992739871 → 3 (the classic Luhn example).
        assert_eq!(luhn_check(&[7, 9, 9, 2, 7, 3, 9, 8, 7, 1]), 3);
    }

    #[test]
    fn ff1_keeps_shape_region_and_a_valid_check_character() {
        let mut c = column(&["11010519491231002X", "440524188001010014"]);
        let t = Transform::Ff1 {
            key: Key::from_bytes(vec![7; 32]),
            tweak: "id".into(),
            keep_prefix: 6,
            check: CheckDigit::CnResidentId,
        };
        t.apply(&mut c, RowNames::Lines).unwrap();
        for (r, original) in ["11010519491231002X", "440524188001010014"]
            .iter()
            .enumerate()
        {
            let out: Vec<char> = c.value(r).unwrap().chars().collect();
            assert_eq!(out.len(), 18);
            assert_eq!(out[..6], original.chars().collect::<Vec<_>>()[..6]);
            assert_ne!(&out.iter().collect::<String>(), original);
            assert_eq!(cn_resident_check(&out[..17]), Some(out[17]));
        }
    }

    #[test]
    fn mask_keeps_region_of_resident_id() {
        assert_eq!(mask("11010519491231002X", 6, 0, '*'), "110105************");
        assert_eq!(mask("13800138000", 3, 4, '*'), "138****8000");
    }

    #[cfg(unix)]
    #[test]
    fn key_file_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        std::fs::write(&p, [1u8; 32]).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = Key::from_file(&p).unwrap_err().to_string();
        assert!(e.contains("mode 644"), "{e}");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Key::from_file(&p).is_ok());
    }
}
