//! Subject keys as 128-bit hashes: exact distinct counting without holding raw values.
//!
//! Without a salt the hash is SipHash-1-3 (128-bit) under a key drawn at random for each run,
//! so nobody can craft colliding identifiers to make people vanish from a count. With the
//! exporter's salt it is the salt's scheme — keyed SipHash-2-4 (128-bit) for salts created since
//! store migration 0007, HMAC-SHA-256 truncated to 128 bits before (RFC 2104 §5 allows
//! truncation to at least half the output) — and the hashes can leave the process: the store
//! unions them across datasets and exports to count people per year without ever seeing an
//! identifier.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use siphasher::sip128::{Hasher128, SipHasher13, SipHasher24};

/// How salted subject hashes are computed; the store fixes it per exporter with the salt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum SaltScheme {
    /// HMAC-SHA-256 truncated to 128 bits (salts created before store migration 0007).
    #[default]
    HmacSha256,
    /// SipHash-2-4 with 128-bit output, keyed with the salt's first 16 bytes read as two
    /// little-endian `u64` (salts created since): a fraction of an HMAC's cost per row.
    SipHash24,
}

/// A 128-bit subject-key hash.
pub type KeyHash = u128;

/// How subject keys are hashed.
#[derive(Clone)]
pub(crate) enum KeyHasher {
    /// Keyed SipHash with a per-run random key.
    Random(u64, u64),
    /// HMAC-SHA-256 with the exporter's salt, truncated to 128 bits.
    Salted(Hmac<Sha256>),
    /// SipHash-2-4 (128-bit) keyed with the salt's first 16 bytes.
    SaltedSip(u64, u64),
}

impl std::fmt::Debug for KeyHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.write_str(match self {
            Self::Random(..) => "KeyHasher::Random",
            Self::Salted(_) => "KeyHasher::Salted",
            Self::SaltedSip(..) => "KeyHasher::SaltedSip",
        })
    }
}

impl KeyHasher {
    pub(crate) fn new(salt: Option<&[u8]>, scheme: SaltScheme) -> Self {
        if let (Some(salt), SaltScheme::SipHash24) = (salt, scheme) {
            // A salt shorter than 16 bytes is padded with zeros (the store's are 32).
            let mut key = [0_u8; 16];
            for (k, b) in key.iter_mut().zip(salt) {
                *k = *b;
            }
            let (k0, k1) = key.split_at(8);
            let word = |b: &[u8]| {
                let mut w = [0_u8; 8];
                w.copy_from_slice(b);
                u64::from_le_bytes(w)
            };
            return Self::SaltedSip(word(k0), word(k1));
        }
        if let Some(salt) = salt {
            // HMAC accepts keys of any length, so this cannot fail; fall back to a random key
            // rather than panic if it ever did.
            if let Ok(mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(salt) {
                return Self::Salted(mac);
            }
        }
        let state = RandomState::new();
        Self::Random(state.hash_one(0x5eed_u64), state.hash_one(0xfeed_u64))
    }

    pub(crate) fn hash(&self, key: &str) -> KeyHash {
        match self {
            Self::Random(k0, k1) => {
                let mut hasher = SipHasher13::new_with_keys(*k0, *k1);
                hasher.write(key.as_bytes());
                hasher.finish128().as_u128()
            }
            Self::SaltedSip(k0, k1) => {
                let mut hasher = SipHasher24::new_with_keys(*k0, *k1);
                hasher.write(key.as_bytes());
                hasher.finish128().as_u128()
            }
            Self::Salted(mac) => {
                let mut mac = mac.clone();
                mac.update(key.as_bytes());
                let digest = mac.finalize().into_bytes();
                let mut first = [0u8; 16];
                first.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
                u128::from_be_bytes(first)
            }
        }
    }

    pub(crate) const fn is_salted(&self) -> bool {
        matches!(self, Self::Salted(_) | Self::SaltedSip(..))
    }
}

/// Keys are uniformly distributed hashes already: use their low 64 bits as the table hash.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, i: u128) {
        #[expect(clippy::cast_possible_truncation, reason = "the low half is the hash")]
        let low = i as u64;
        self.0 = low;
    }
}

/// A map keyed by key hashes.
pub(crate) type KeyMap<V> = HashMap<KeyHash, V, BuildHasherDefault<Identity>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salted_hash_is_hmac_sha256_truncated() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let hasher = KeyHasher::new(Some(b"Jefe"), SaltScheme::HmacSha256);
        assert_eq!(
            hasher.hash("what do ya want for nothing?"),
            0x5bdcc146_bf60754e_6a042426_089575c7_u128
        );
        assert!(hasher.is_salted());
    }

    #[test]
    fn salted_siphash_is_siphash24_under_the_salts_first_16_bytes() {
        // The SipHash paper's key 00 01 .. 0f, little-endian words; the rest of the salt is unused.
        let salt: Vec<u8> = (0_u8..32).collect();
        let hasher = KeyHasher::new(Some(&salt), SaltScheme::SipHash24);
        let mut reference =
            SipHasher24::new_with_keys(0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908);
        reference.write(b"110101199003071234");
        assert_eq!(
            hasher.hash("110101199003071234"),
            reference.finish128().as_u128()
        );
        assert!(hasher.is_salted());
        let other = KeyHasher::new(Some(&salt[1..]), SaltScheme::SipHash24);
        assert_ne!(
            other.hash("110101199003071234"),
            hasher.hash("110101199003071234")
        );
    }

    #[test]
    fn random_hash_is_stable_within_a_run_and_separates_keys() {
        let hasher = KeyHasher::new(None, SaltScheme::SipHash24);
        assert_eq!(hasher.hash("a"), hasher.hash("a"));
        assert_ne!(hasher.hash("a"), hasher.hash("b"));
        assert!(!hasher.is_salted());
    }
}
