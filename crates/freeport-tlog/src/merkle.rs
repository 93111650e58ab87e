//! RFC 6962 / RFC 9162 Merkle tree: leaf and node hashing, roots, inclusion and consistency proofs.
//!
//! Proof *generation* delegates to `tlog_tiles` (a port of Go's `x/mod/sumdb/tlog`, whose proofs
//! match the RFC 6962 vectors in `transparency-log.md` §8) through [`NodeSource`], a view of the
//! tree by `(level, index)` that the tile store and [`MemoryTree`] implement. Proof
//! *verification* is written here, iteratively and without allocation, so that every failure says
//! which check failed (`tlog_tiles` only says "invalid transparency proof") and so that verifying
//! costs a few hashes and no copies (the crate's recursive checker copies the proof at each level).
//! The verification follows the decomposition used by transparency-dev/merkle, which is equivalent
//! to RFC 9162 §2.1.3.2 and §2.1.4.2.

use std::cell::RefCell;

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

pub use tlog_tiles::{EMPTY_HASH, HASH_SIZE, Hash};

/// `SHA-256(0x00 || data)`: the hash of one log entry (RFC 6962 §2.1).
#[must_use]
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(data);
    Hash(hasher.finalize().into())
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node (RFC 6962 §2.1).
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left.0);
    hasher.update(right.0);
    Hash(hasher.finalize().into())
}

/// Base64 (standard, padded) of a hash, as in checkpoints and proofs.
#[must_use]
pub fn hash_to_base64(hash: &Hash) -> String {
    BASE64_STANDARD.encode(hash.0)
}

/// Parses a base64 hash, naming `what` in the error.
///
/// # Errors
///
/// [`Error::Malformed`] when the text is not base64 or not 32 bytes.
pub fn hash_from_base64(text: &str, what: &'static str) -> Result<Hash> {
    let bytes = BASE64_STANDARD
        .decode(text)
        .map_err(|_| Error::malformed(what, format!("`{text}` is not standard base64")))?;
    let array: [u8; HASH_SIZE] = bytes.try_into().map_err(|bytes: Vec<u8>| {
        Error::malformed(
            what,
            format!("hash `{text}` has {} bytes, expected 32", bytes.len()),
        )
    })?;
    Ok(Hash(array))
}

/// A view of a Merkle tree by node: `node(level, index)` is the hash of the complete subtree of
/// `2^level` leaves starting at leaf `index * 2^level`.
pub trait NodeSource {
    /// The number of leaves.
    fn size(&self) -> u64;
    /// The hash of a complete subtree inside the tree.
    ///
    /// # Errors
    ///
    /// When the node is not stored, or storage fails.
    fn node(&self, level: u8, index: u64) -> Result<Hash>;
}

/// The root hash of the first `size` leaves of `source` (`MTH(D[0:size])`).
///
/// # Errors
///
/// When `size` exceeds the tree, or a node cannot be read.
pub fn root_at<S: NodeSource + ?Sized>(source: &S, size: u64) -> Result<Hash> {
    if size > source.size() {
        return Err(Error::OutOfRange(format!(
            "tree size {size} is beyond the log's size {}",
            source.size()
        )));
    }
    let mut hashes = Vec::new();
    for (level, index) in complete_subtrees(0, size) {
        hashes.push(source.node(level, index)?);
    }
    Ok(fold_right(&hashes).unwrap_or(EMPTY_HASH))
}

/// The complete subtrees, left to right, that make up leaves `[start, end)` when `start` is a
/// multiple of the first subtree's width, as `(level, index)` pairs.
pub(crate) fn complete_subtrees(start: u64, end: u64) -> Vec<(u8, u64)> {
    let mut out = Vec::new();
    let mut pos = start;
    while pos < end {
        let remaining = end - pos;
        // The largest power of two that fits and to which `pos` is aligned.
        let mut level = 63 - remaining.leading_zeros();
        if pos != 0 {
            level = level.min(pos.trailing_zeros());
        }
        #[expect(clippy::cast_possible_truncation, reason = "level < 64")]
        out.push((level as u8, pos >> level));
        pos += 1 << level;
    }
    out
}

/// Combines complete-subtree hashes, left to right, into the hash of their concatenation.
pub(crate) fn fold_right(hashes: &[Hash]) -> Option<Hash> {
    let (last, rest) = hashes.split_last()?;
    Some(rest.iter().rev().fold(*last, |acc, h| node_hash(h, &acc)))
}

/// Adapts a [`NodeSource`] to `tlog_tiles::HashReader`, keeping the first storage error.
struct Reader<'a, S: ?Sized> {
    source: &'a S,
    failure: RefCell<Option<Error>>,
}

impl<S: NodeSource + ?Sized> tlog_tiles::HashReader for Reader<'_, S> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        let mut out = Vec::with_capacity(indexes.len());
        for &stored in indexes {
            let (level, index) = tlog_tiles::split_stored_hash_index(stored);
            match self.source.node(level, index) {
                Ok(hash) => out.push(hash),
                Err(error) => {
                    self.failure.replace(Some(error));
                    return Err(tlog_tiles::Error::IndexesNotInTree);
                }
            }
        }
        Ok(out)
    }
}

impl<'a, S: NodeSource + ?Sized> Reader<'a, S> {
    fn new(source: &'a S) -> Self {
        Self {
            source,
            failure: RefCell::new(None),
        }
    }

    fn error(&self, kind: &'static str, error: &tlog_tiles::Error) -> Error {
        self.failure
            .take()
            .unwrap_or_else(|| Error::proof(kind, format!("cannot build proof: {error}")))
    }
}

/// The inclusion proof (RFC 6962 `PATH`) of leaf `index` in the tree of the first `size` leaves.
///
/// # Errors
///
/// When `index >= size`, `size` exceeds the tree, or storage fails.
pub fn prove_inclusion<S: NodeSource + ?Sized>(
    source: &S,
    size: u64,
    index: u64,
) -> Result<Vec<Hash>> {
    if index >= size || size > source.size() {
        return Err(Error::OutOfRange(format!(
            "no leaf {index} in a tree of size {size} (the log has {} entries)",
            source.size()
        )));
    }
    let reader = Reader::new(source);
    tlog_tiles::prove_record(size, index, &reader).map_err(|e| reader.error("inclusion", &e))
}

/// The consistency proof (RFC 6962 `PROOF`) from the tree of `old` leaves to that of `new`.
///
/// # Errors
///
/// When `old > new`, `new` exceeds the tree, or storage fails.
pub fn prove_consistency<S: NodeSource + ?Sized>(
    source: &S,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>> {
    if old > new {
        return Err(Error::Shrinking { old, new });
    }
    if new > source.size() {
        return Err(Error::OutOfRange(format!(
            "tree size {new} is beyond the log's size {}",
            source.size()
        )));
    }
    if old == 0 || old == new {
        return Ok(Vec::new());
    }
    let reader = Reader::new(source);
    tlog_tiles::prove_tree(new, old, &reader).map_err(|e| reader.error("consistency", &e))
}

/// Sizes of the two parts of an inclusion proof for `index` in a tree of `size` leaves: the
/// hashes below the point where the leaf's path meets the right border, and those on the border.
fn decompose(index: u64, size: u64) -> (u32, u32) {
    let inner = 64 - (index ^ (size - 1)).leading_zeros();
    let border = (index >> inner).count_ones();
    (inner, border)
}

fn chain_inner(mut seed: Hash, proof: &[Hash], index: u64) -> Hash {
    for (i, h) in proof.iter().enumerate() {
        seed = if (index >> i) & 1 == 0 {
            node_hash(&seed, h)
        } else {
            node_hash(h, &seed)
        };
    }
    seed
}

fn chain_inner_right(mut seed: Hash, proof: &[Hash], index: u64) -> Hash {
    for (i, h) in proof.iter().enumerate() {
        if (index >> i) & 1 == 1 {
            seed = node_hash(h, &seed);
        }
    }
    seed
}

fn chain_border_right(seed: Hash, proof: &[Hash]) -> Hash {
    proof.iter().fold(seed, |acc, h| node_hash(h, &acc))
}

/// Verifies that `leaf` (a leaf hash) is entry `index` of the tree of `size` leaves with `root`.
///
/// # Errors
///
/// [`Error::InvalidProof`] naming the failed check: index outside the tree, wrong proof length, or
/// a computed root that differs.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<()> {
    if index >= size {
        return Err(Error::proof(
            "inclusion",
            format!("index {index} is not inside a tree of size {size}"),
        ));
    }
    let (inner, border) = decompose(index, size);
    let expected = (inner + border) as usize;
    if proof.len() != expected {
        return Err(Error::proof(
            "inclusion",
            format!(
                "proof has {} hashes, a proof for index {index} in a tree of size {size} has {expected}",
                proof.len()
            ),
        ));
    }
    let (inner_part, border_part) = proof.split_at(inner as usize);
    let computed = chain_border_right(chain_inner(*leaf, inner_part, index), border_part);
    if computed == *root {
        Ok(())
    } else {
        Err(Error::proof(
            "inclusion",
            format!(
                "computed root `{}` differs from the checkpoint's root `{}`",
                hash_to_base64(&computed),
                hash_to_base64(root)
            ),
        ))
    }
}

/// Verifies that the tree of `old_size` leaves with `old_root` is a prefix of the tree of
/// `new_size` leaves with `new_root`.
///
/// # Errors
///
/// [`Error::Shrinking`] when `new_size < old_size`; [`Error::InvalidProof`] naming the failed
/// check otherwise.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<()> {
    if new_size < old_size {
        return Err(Error::Shrinking {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(Error::proof(
                "consistency",
                format!(
                    "proof between equal sizes must be empty, it has {} hashes",
                    proof.len()
                ),
            ));
        }
        if old_root != new_root {
            return Err(Error::proof(
                "consistency",
                format!(
                    "same size {old_size} with different roots `{}` and `{}`",
                    hash_to_base64(old_root),
                    hash_to_base64(new_root)
                ),
            ));
        }
        return Ok(());
    }
    if old_size == 0 {
        if !proof.is_empty() {
            return Err(Error::proof(
                "consistency",
                format!(
                    "proof from the empty tree must be empty, it has {} hashes",
                    proof.len()
                ),
            ));
        }
        return Ok(());
    }
    if proof.is_empty() {
        return Err(Error::proof(
            "consistency",
            format!("empty proof from size {old_size} to size {new_size}"),
        ));
    }
    let (inner, border) = decompose(old_size - 1, new_size);
    let shift = old_size.trailing_zeros();
    let inner = inner - shift;
    // The proof starts with the hash of the old tree's last complete subtree, unless the old tree
    // is itself that complete subtree (RFC 9162 §2.1.4.2 step 1).
    let (seed, rest) = if old_size == 1 << shift {
        (*old_root, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (*first, rest),
            None => return Err(Error::proof("consistency", "empty proof")),
        }
    };
    let expected = (inner + border) as usize + (proof.len() - rest.len());
    if proof.len() != expected {
        return Err(Error::proof(
            "consistency",
            format!(
                "proof has {} hashes, a proof from size {old_size} to size {new_size} has {expected}",
                proof.len()
            ),
        ));
    }
    let (inner_part, border_part) = rest.split_at(inner as usize);
    let mask = (old_size - 1) >> shift;
    let old_computed = chain_border_right(chain_inner_right(seed, inner_part, mask), border_part);
    if old_computed != *old_root {
        return Err(Error::proof(
            "consistency",
            format!(
                "proof does not lead to the old root `{}` of size {old_size} (got `{}`)",
                hash_to_base64(old_root),
                hash_to_base64(&old_computed)
            ),
        ));
    }
    let new_computed = chain_border_right(chain_inner(seed, inner_part, mask), border_part);
    if new_computed != *new_root {
        return Err(Error::proof(
            "consistency",
            format!(
                "proof does not lead to the new root `{}` of size {new_size} (got `{}`)",
                hash_to_base64(new_root),
                hash_to_base64(&new_computed)
            ),
        ));
    }
    Ok(())
}

/// A Merkle tree held in memory, level by level: for tests, benchmarks and audits of small logs.
#[derive(Debug, Clone, Default)]
pub struct MemoryTree {
    /// `levels[l][i]` is `node(l, i)`, complete subtrees only.
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one leaf hash, completing the subtrees it closes.
    pub fn push(&mut self, leaf: Hash) {
        let mut hash = leaf;
        let mut level = 0;
        loop {
            if self.levels.len() <= level {
                self.levels.push(Vec::new());
            }
            let Some(row) = self.levels.get_mut(level) else {
                return;
            };
            row.push(hash);
            let len = row.len();
            if len % 2 == 1 {
                return;
            }
            let (Some(left), Some(right)) = (row.get(len - 2), row.get(len - 1)) else {
                return;
            };
            hash = node_hash(left, right);
            level += 1;
        }
    }

    /// The root hash of the whole tree.
    #[must_use]
    pub fn root(&self) -> Hash {
        root_at(self, self.size()).unwrap_or(EMPTY_HASH)
    }
}

impl NodeSource for MemoryTree {
    fn size(&self) -> u64 {
        self.levels.first().map_or(0, |row| row.len() as u64)
    }

    fn node(&self, level: u8, index: u64) -> Result<Hash> {
        self.levels
            .get(usize::from(level))
            .and_then(|row| row.get(usize::try_from(index).ok()?))
            .copied()
            .ok_or_else(|| Error::OutOfRange(format!("no node ({level}, {index}) in the tree")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 6962 §2.1 straight from the definitions, for comparison.
    mod naive {
        use super::*;

        fn k(n: usize) -> usize {
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            k
        }

        pub fn mth(d: &[Hash]) -> Hash {
            match d.len() {
                0 => EMPTY_HASH,
                1 => d[0],
                n => {
                    let k = k(n);
                    node_hash(&mth(&d[..k]), &mth(&d[k..]))
                }
            }
        }

        pub fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
            let n = d.len();
            if n == 1 {
                return vec![];
            }
            let k = k(n);
            if m < k {
                let mut p = path(m, &d[..k]);
                p.push(mth(&d[k..]));
                p
            } else {
                let mut p = path(m - k, &d[k..]);
                p.push(mth(&d[..k]));
                p
            }
        }

        fn subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
            let n = d.len();
            if m == n {
                return if b { vec![] } else { vec![mth(d)] };
            }
            let k = k(n);
            if m <= k {
                let mut p = subproof(m, &d[..k], b);
                p.push(mth(&d[k..]));
                p
            } else {
                let mut p = subproof(m - k, &d[k..], false);
                p.push(mth(&d[..k]));
                p
            }
        }

        pub fn proof(m: usize, d: &[Hash]) -> Vec<Hash> {
            if m == 0 || m == d.len() {
                return vec![];
            }
            subproof(m, d, true)
        }
    }

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
            .collect()
    }

    fn tree(d: &[Hash]) -> MemoryTree {
        let mut t = MemoryTree::new();
        for h in d {
            t.push(*h);
        }
        t
    }

    #[test]
    fn empty_tree_hash_is_sha256_of_nothing() {
        assert_eq!(
            hash_to_base64(&EMPTY_HASH),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(MemoryTree::new().root(), EMPTY_HASH);
    }

    /// `transparency-log.md` §8: the 7-leaf vectors, with leaves a..g and h..l named as there.
    #[test]
    fn rfc6962_seven_leaf_vectors() {
        let d = leaves(7);
        let [a, b, c, dd, e, f, g] = [d[0], d[1], d[2], d[3], d[4], d[5], d[6]];
        let h = node_hash(&a, &b);
        let i = node_hash(&c, &dd);
        let j = node_hash(&e, &f);
        let k = node_hash(&h, &i);
        let l = node_hash(&j, &g);
        let t = tree(&d);
        assert_eq!(t.root(), node_hash(&k, &l));
        assert_eq!(prove_inclusion(&t, 7, 0).unwrap(), vec![b, i, l]);
        assert_eq!(prove_inclusion(&t, 7, 3).unwrap(), vec![c, h, l]);
        assert_eq!(prove_inclusion(&t, 7, 4).unwrap(), vec![f, g, k]);
        assert_eq!(prove_inclusion(&t, 7, 6).unwrap(), vec![j, k]);
        assert_eq!(prove_consistency(&t, 3, 7).unwrap(), vec![c, dd, h, l]);
        assert_eq!(prove_consistency(&t, 4, 7).unwrap(), vec![l]);
        assert_eq!(prove_consistency(&t, 6, 7).unwrap(), vec![j, g, k]);
        let root = t.root();
        for (index, leaf) in d.iter().enumerate() {
            let p = prove_inclusion(&t, 7, index as u64).unwrap();
            verify_inclusion(leaf, index as u64, 7, &p, &root).unwrap();
        }
        for old in 0..=7 {
            let p = prove_consistency(&t, old, 7).unwrap();
            let old_root = root_at(&t, old).unwrap();
            verify_consistency(old, 7, &p, &old_root, &root).unwrap();
        }
    }

    #[test]
    fn tree_of_1000_leaves_matches_the_definition() {
        let d = leaves(1000);
        assert_eq!(tree(&d).root(), naive::mth(&d));
    }

    #[test]
    fn bad_proofs_are_named() {
        let d = leaves(10);
        let t = tree(&d);
        let root = t.root();
        let p = prove_inclusion(&t, 10, 3).unwrap();
        let err = verify_inclusion(&d[3], 3, 10, &p[1..], &root).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid inclusion proof: proof has 3 hashes, a proof for index 3 in a tree of size 10 has 4"
        );
        let err = verify_inclusion(&d[4], 3, 10, &p, &root).unwrap_err();
        assert!(
            err.to_string()
                .contains("differs from the checkpoint's root"),
            "{err}"
        );
        let err = verify_inclusion(&d[3], 10, 10, &p, &root).unwrap_err();
        assert!(
            err.to_string().contains("not inside a tree of size 10"),
            "{err}"
        );
        let err = verify_consistency(5, 4, &[], &root, &root).unwrap_err();
        assert_eq!(err.to_string(), "tree shrinks from size 5 to size 4");
        let c = prove_consistency(&t, 5, 10).unwrap();
        let old = root_at(&t, 5).unwrap();
        let err = verify_consistency(5, 10, &c, &old, &d[0]).unwrap_err();
        assert!(
            err.to_string().contains("does not lead to the new root"),
            "{err}"
        );
        let err = verify_consistency(5, 10, &c, &d[0], &root).unwrap_err();
        assert!(
            err.to_string().contains("does not lead to the old root"),
            "{err}"
        );
        let err = verify_consistency(5, 10, &[], &old, &root).unwrap_err();
        assert!(err.to_string().contains("empty proof"), "{err}");
        let err = verify_consistency(0, 10, &c, &EMPTY_HASH, &root).unwrap_err();
        assert!(
            err.to_string()
                .contains("from the empty tree must be empty"),
            "{err}"
        );
    }

    #[test]
    fn hash_parsing_names_the_problem() {
        assert!(
            hash_from_base64("not base64!", "checkpoint")
                .unwrap_err()
                .to_string()
                .contains("is not standard base64")
        );
        assert!(
            hash_from_base64("AAAA", "checkpoint")
                .unwrap_err()
                .to_string()
                .contains("has 3 bytes, expected 32")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Every proof at many tree sizes equals the naive RFC 6962 definition and verifies; a
        /// flipped hash makes it fail.
        #[test]
        fn proofs_match_the_naive_definition(size in 1usize..300, seed in any::<u64>()) {
            let d = leaves(size);
            let t = tree(&d);
            let root = t.root();
            prop_assert_eq!(root, naive::mth(&d));
            let index = (seed as usize) % size;
            let p = prove_inclusion(&t, size as u64, index as u64).unwrap();
            prop_assert_eq!(&p, &naive::path(index, &d));
            verify_inclusion(&d[index], index as u64, size as u64, &p, &root).unwrap();
            let old = ((seed >> 16) as usize) % (size + 1);
            let c = prove_consistency(&t, old as u64, size as u64).unwrap();
            prop_assert_eq!(&c, &naive::proof(old, &d));
            let old_root = naive::mth(&d[..old]);
            prop_assert_eq!(root_at(&t, old as u64).unwrap(), old_root);
            verify_consistency(old as u64, size as u64, &c, &old_root, &root).unwrap();
            if !p.is_empty() {
                let mut bad = p.clone();
                let at = (seed as usize >> 8) % bad.len();
                bad[at].0[0] ^= 1;
                prop_assert!(verify_inclusion(&d[index], index as u64, size as u64, &bad, &root).is_err());
            }
            if !c.is_empty() {
                let mut bad = c.clone();
                let at = (seed as usize >> 8) % bad.len();
                bad[at].0[0] ^= 1;
                prop_assert!(verify_consistency(old as u64, size as u64, &bad, &old_root, &root).is_err());
            }
            // Our verifier agrees with tlog_tiles' on every honest proof.
            tlog_tiles::check_record(&p, size as u64, root, index as u64, d[index]).unwrap();
        }
    }
}
