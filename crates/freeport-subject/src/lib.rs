//! Subject keys as 128-bit hashes: the one hasher Scan (per cell, while it counts people) and
//! the store (when a caller hashes a key itself) share, so that a hash computed by either
//! compares with one computed by the other.
//!
//! With an exporter's salt the hash follows the salt's [`HashScheme`]: keyed SipHash-2-4
//! (128-bit) for salts created since store migration 0007, HMAC-SHA-256 truncated to 128 bits
//! before (RFC 2104 §5 allows truncating to half the output). Why two schemes: DESIGN.md,
//! "Two subject-hash schemes". Without a salt the hash is SipHash-1-3 (128-bit) under a key
//! drawn at random for each hasher, so nobody can craft colliding identifiers to make people
//! vanish from a count, and the hashes mean nothing outside the process.
//!
//! ```
//! use freeport_subject::{HashScheme, SubjectHasher};
//!
//! let salt = [7_u8; 32];
//! let hasher = SubjectHasher::salted(&salt, HashScheme::SipHash24);
//! assert_eq!(hasher.hash(b"person-1"), hasher.hash(b"person-1"));
//! assert_ne!(hasher.hash(b"person-1"), hasher.hash(b"person-2"));
//! ```

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use siphasher::sip128::{Hasher128, SipHasher13, SipHasher24};

/// How an exporter's subject hashes are computed; the store fixes it with the salt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum HashScheme {
    /// HMAC-SHA-256 keyed with the salt, truncated to its first 128 bits (big-endian): salts
    /// created before store migration 0007.
    #[default]
    HmacSha256,
    /// SipHash-2-4 with 128-bit output keyed with the salt's first 16 bytes (two little-endian
    /// `u64`, a shorter salt padded with zeros): salts created since; a fraction of an HMAC's
    /// cost per row.
    SipHash24,
}

impl HashScheme {
    /// The name the store keeps.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha256 => "hmac-sha256-128",
            Self::SipHash24 => "siphash24-128",
        }
    }

    /// The scheme a stored name means.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "hmac-sha256-128" => Some(Self::HmacSha256),
            "siphash24-128" => Some(Self::SipHash24),
            _ => None,
        }
    }
}

/// Hashes subject keys; cheap to clone, keyed once.
#[derive(Clone)]
pub struct SubjectHasher(Keyed);

#[derive(Clone)]
enum Keyed {
    /// SipHash-1-3 under a key drawn for this hasher.
    Random(u64, u64),
    /// HMAC-SHA-256 with the salt, its key schedule computed once.
    Hmac(Hmac<Sha256>),
    /// SipHash-2-4 keyed with the salt's first 16 bytes.
    Sip(u64, u64),
}

impl std::fmt::Debug for SubjectHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.write_str(match self.0 {
            Keyed::Random(..) => "SubjectHasher::Random",
            Keyed::Hmac(_) => "SubjectHasher::HmacSha256",
            Keyed::Sip(..) => "SubjectHasher::SipHash24",
        })
    }
}

impl SubjectHasher {
    /// A hasher under an exporter's salt: the same key hashes alike in every scan and store of
    /// that exporter, and the hashes reveal nothing without the salt.
    #[must_use]
    pub fn salted(salt: &[u8], scheme: HashScheme) -> Self {
        Self(match scheme {
            HashScheme::SipHash24 => {
                let mut key = [0_u8; 16];
                for (k, b) in key.iter_mut().zip(salt) {
                    *k = *b;
                }
                let (k0, k1) = key.split_at(8);
                Keyed::Sip(le_word(k0), le_word(k1))
            }
            HashScheme::HmacSha256 => {
                // RFC 2104 §2: a key longer than the 64-byte block is hashed first; a shorter
                // one is padded with zeros. Done here, the fixed-size constructor cannot fail.
                let mut block = [0_u8; 64];
                if salt.len() > block.len() {
                    block[..32].copy_from_slice(&Sha256::digest(salt));
                } else {
                    block[..salt.len()].copy_from_slice(salt);
                }
                Keyed::Hmac(<Hmac<Sha256> as KeyInit>::new(&block.into()))
            }
        })
    }

    /// A hasher under a key drawn at random: exact distinct counting within one process only.
    #[must_use]
    pub fn random() -> Self {
        let state = RandomState::new();
        Self(Keyed::Random(
            state.hash_one(0x5eed_u64),
            state.hash_one(0xfeed_u64),
        ))
    }

    /// The 128-bit hash of one subject key.
    #[must_use]
    pub fn hash(&self, key: &[u8]) -> u128 {
        match &self.0 {
            Keyed::Random(k0, k1) => {
                let mut hasher = SipHasher13::new_with_keys(*k0, *k1);
                hasher.write(key);
                hasher.finish128().as_u128()
            }
            Keyed::Sip(k0, k1) => {
                let mut hasher = SipHasher24::new_with_keys(*k0, *k1);
                hasher.write(key);
                hasher.finish128().as_u128()
            }
            Keyed::Hmac(mac) => {
                let mut mac = mac.clone();
                mac.update(key);
                let digest: [u8; 32] = mac.finalize().into_bytes().into();
                let mut first = [0_u8; 16];
                first.copy_from_slice(&digest[..16]);
                u128::from_be_bytes(first)
            }
        }
    }

    /// Whether the hashes may leave the process (they are under an exporter's salt).
    #[must_use]
    pub const fn is_salted(&self) -> bool {
        matches!(self.0, Keyed::Hmac(_) | Keyed::Sip(..))
    }
}

fn le_word(bytes: &[u8]) -> u64 {
    let mut word = [0_u8; 8];
    word.copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salted_hash_is_hmac_sha256_truncated() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let hasher = SubjectHasher::salted(b"Jefe", HashScheme::HmacSha256);
        assert_eq!(
            hasher.hash(b"what do ya want for nothing?"),
            0x5bdcc146_bf60754e_6a042426_089575c7_u128
        );
        assert!(hasher.is_salted());
    }

    #[test]
    fn hmac_keys_longer_than_a_block_are_hashed_first() {
        // RFC 4231 test case 6: a 131-byte key of 0xaa.
        let hasher = SubjectHasher::salted(&[0xaa; 131], HashScheme::HmacSha256);
        assert_eq!(
            hasher.hash(b"Test Using Larger Than Block-Size Key - Hash Key First"),
            0x60e43159_1ee0b67f_0d8a26aa_cbf5b77f_u128
        );
    }

    #[test]
    fn salted_siphash_is_siphash24_under_the_salts_first_16_bytes() {
        // The SipHash paper's key 00 01 .. 0f, little-endian words; the rest of the salt is unused.
        let salt: Vec<u8> = (0_u8..32).collect();
        let hasher = SubjectHasher::salted(&salt, HashScheme::SipHash24);
        let mut reference =
            SipHasher24::new_with_keys(0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908);
        reference.write(b"110101199003071234");
        assert_eq!(
            hasher.hash(b"110101199003071234"),
            reference.finish128().as_u128()
        );
        assert!(hasher.is_salted());
        let other = SubjectHasher::salted(&salt[1..], HashScheme::SipHash24);
        assert_ne!(
            other.hash(b"110101199003071234"),
            hasher.hash(b"110101199003071234")
        );
    }

    #[test]
    fn random_hash_is_stable_within_a_hasher_and_separates_keys() {
        let hasher = SubjectHasher::random();
        assert_eq!(hasher.hash(b"a"), hasher.hash(b"a"));
        assert_ne!(hasher.hash(b"a"), hasher.hash(b"b"));
        assert!(!hasher.is_salted());
    }

    #[test]
    fn scheme_names_round_trip() {
        for scheme in [HashScheme::HmacSha256, HashScheme::SipHash24] {
            assert_eq!(HashScheme::parse(scheme.as_str()), Some(scheme));
        }
        assert_eq!(HashScheme::parse("md5"), None);
    }
}
