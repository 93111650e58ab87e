//! Subject keys as 128-bit hashes: exact distinct counting without holding raw values.
//!
//! The hasher is `freeport-subject`'s, the one the store uses too: without a salt the hash is
//! under a key drawn at random for each run; with the exporter's salt it follows the salt's
//! scheme and the hashes can leave the process: the store unions them across datasets and
//! exports to count people per year without ever seeing an identifier.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub use freeport_subject::HashScheme;
pub(crate) use freeport_subject::SubjectHasher as KeyHasher;

/// A 128-bit subject-key hash.
pub type KeyHash = u128;

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
