//! Audit: mirror a log, recompute every tile from its entries, and check the new checkpoint
//! against every checkpoint seen before, naming a fork precisely.
//!
//! The source is anything that can fetch a tlog-tiles path ([`Fetch`]): a directory
//! ([`DirSource`]) here, a URL in `freeport-server` (this crate does no HTTP). The mirror
//! directory keeps the fetched `checkpoint` and tiles and `seen.json`, the checkpoints this
//! auditor has verified before: a later checkpoint whose tree does not contain an earlier one is
//! a fork, reported with both signed notes as evidence.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::merkle::{
    MemoryTree, NodeSource, hash_from_base64, hash_to_base64, leaf_hash, prove_consistency,
    root_at, verify_consistency,
};
use crate::note::Checkpoint;
use crate::policy::Policy;
use crate::store::write_atomic;
use crate::tiles::{TileId, TileKind, parse_entry_bundle, parse_hash_tile, tiles_for_size};
use crate::{Error, Fork, Result};

/// Fetches a file of a log by its tlog-tiles path (`checkpoint`, `tile/0/000`, ...).
pub trait Fetch {
    /// The file's bytes, or `None` when the source does not have it (HTTP 404).
    ///
    /// # Errors
    ///
    /// When the source fails otherwise.
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>>;

    /// How the source is named in reports (a directory or URL).
    fn describe(&self) -> String;
}

/// A log published as a directory.
#[derive(Debug, Clone)]
pub struct DirSource(pub PathBuf);

impl Fetch for DirSource {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let full = self.0.join(path);
        match std::fs::read(&full) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("read", &full, e)),
        }
    }

    fn describe(&self) -> String {
        self.0.display().to_string()
    }
}

/// A checkpoint the auditor verified earlier.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Seen {
    size: u64,
    root: String,
    note: String,
}

/// What an audit checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// The log origin.
    pub origin: String,
    /// Tree size of the audited checkpoint.
    pub size: u64,
    /// Its root hash (base64).
    pub root: String,
    /// Witnesses whose cosignatures satisfied the policy.
    pub witnesses: Vec<String>,
    /// Hash tiles recomputed and compared.
    pub tiles_checked: usize,
    /// Entries hashed.
    pub entries_checked: u64,
    /// Earlier checkpoints checked for consistency.
    pub earlier_checkpoints: usize,
    /// The size of the largest earlier checkpoint, if any.
    pub previous_size: Option<u64>,
}

/// Audits the log at `source` under `policy`, mirroring into `mirror` (which also remembers the
/// checkpoints seen before); with no mirror, only this checkpoint and its tiles are checked.
///
/// # Errors
///
/// [`Error::Fork`] when the checkpoint does not extend one seen before; [`Error::Shrinking`]-like
/// rollbacks are reported as forks too; [`Error::Malformed`] / [`Error::StateMismatch`] for a tile
/// or bundle that does not match the entries or the checkpoint; signature and policy errors.
pub fn audit(source: &dyn Fetch, policy: &Policy, mirror: Option<&Path>) -> Result<AuditReport> {
    let note_bytes = source.fetch("checkpoint")?.ok_or_else(|| {
        Error::malformed(
            "log",
            format!("`{}` has no `checkpoint`", source.describe()),
        )
    })?;
    let trusted = policy.verify(&note_bytes)?;
    let checkpoint = trusted.checkpoint;
    let note = String::from_utf8_lossy(&note_bytes).into_owned();
    let mut seen: Vec<Seen> = Vec::new();
    if let Some(mirror) = mirror {
        std::fs::create_dir_all(mirror).map_err(|e| Error::io("create", mirror, e))?;
        let seen_path = mirror.join("seen.json");
        match std::fs::read(&seen_path) {
            Ok(bytes) => {
                seen = serde_json::from_slice(&bytes).map_err(|e| Error::StateMismatch {
                    dir: mirror.display().to_string(),
                    reason: format!("`seen.json` does not parse: {e}"),
                })?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("read", &seen_path, e)),
        }
    }

    let (tree, tiles_checked) = mirror_tiles(source, &checkpoint, mirror)?;
    let root = tree.root();
    if root != checkpoint.root {
        return Err(Error::malformed(
            "log",
            format!(
                "the entries of `{}` give root `{}` at size {}, the signed checkpoint says `{}`",
                source.describe(),
                hash_to_base64(&root),
                checkpoint.size,
                hash_to_base64(&checkpoint.root)
            ),
        ));
    }

    for earlier in &seen {
        let earlier_root = hash_from_base64(&earlier.root, "seen.json")?;
        let fork = |reason: String| {
            Error::Fork(Box::new(Fork {
                origin: checkpoint.origin.clone(),
                first: earlier.note.clone(),
                second: note.clone(),
                reason,
            }))
        };
        if earlier.size > checkpoint.size {
            return Err(fork(format!(
                "the checkpoint of size {} is smaller than the checkpoint of size {} seen before (the tree shrank)",
                checkpoint.size, earlier.size
            )));
        }
        let at = root_at(&tree, earlier.size)?;
        let proof = prove_consistency(&tree, earlier.size, checkpoint.size)?;
        if at != earlier_root
            || verify_consistency(
                earlier.size,
                checkpoint.size,
                &proof,
                &earlier_root,
                &checkpoint.root,
            )
            .is_err()
        {
            return Err(fork(format!(
                "the checkpoint of size {} does not extend the checkpoint of size {} seen before: \
                 its first {} entries have root `{}`, the earlier checkpoint says `{}`",
                checkpoint.size,
                earlier.size,
                earlier.size,
                hash_to_base64(&at),
                earlier.root
            )));
        }
    }

    let previous_size = seen.iter().map(|s| s.size).max();
    let earlier_checkpoints = seen.len();
    if let Some(mirror) = mirror {
        if !seen
            .iter()
            .any(|s| s.size == checkpoint.size && s.note == note)
        {
            seen.push(Seen {
                size: checkpoint.size,
                root: hash_to_base64(&checkpoint.root),
                note: note.clone(),
            });
            let bytes = serde_json::to_vec_pretty(&seen)
                .map_err(|e| Error::malformed("seen.json", e.to_string()))?;
            write_atomic(mirror, "seen.json", &bytes)?;
        }
        write_atomic(mirror, "checkpoint", &note_bytes)?;
    }
    Ok(AuditReport {
        origin: checkpoint.origin,
        size: checkpoint.size,
        root: hash_to_base64(&checkpoint.root),
        witnesses: trusted.witnesses,
        tiles_checked,
        entries_checked: checkpoint.size,
        earlier_checkpoints,
        previous_size,
    })
}

/// Fetches a tile, falling back to the full tile when a partial one was deleted (tlog-tiles
/// allows deleting partial tiles once the full tile exists).
fn fetch_tile(source: &dyn Fetch, tile: &TileId) -> Result<Vec<u8>> {
    if let Some(bytes) = source.fetch(&tile.path())? {
        return Ok(bytes);
    }
    if !tile.is_full() {
        let full = TileId {
            width: 256,
            ..*tile
        };
        if let Some(bytes) = source.fetch(&full.path())? {
            // Cut the full tile down to the partial one's width.
            return Ok(match tile.kind {
                TileKind::Entries => {
                    let entries = parse_entry_bundle(&bytes, &full)?;
                    let mut out = Vec::new();
                    for entry in entries.iter().take(usize::from(tile.width)) {
                        crate::tiles::push_bundle_entry(&mut out, entry)?;
                    }
                    out
                }
                TileKind::Hashes { .. } => bytes
                    .get(..usize::from(tile.width) * 32)
                    .unwrap_or_default()
                    .to_vec(),
            });
        }
    }
    Err(Error::malformed(
        "log",
        format!("`{}` is missing `{}`", source.describe(), tile.path()),
    ))
}

/// Fetches every entry bundle and hash tile of the checkpoint's tree, rebuilds the tree from the
/// entries and checks every hash tile against it; mirrors the files.
fn mirror_tiles(
    source: &dyn Fetch,
    checkpoint: &Checkpoint,
    mirror: Option<&Path>,
) -> Result<(MemoryTree, usize)> {
    let tiles = tiles_for_size(checkpoint.size);
    let mut tree = MemoryTree::new();
    let mut bundles: Vec<&TileId> = tiles
        .iter()
        .filter(|t| t.kind == TileKind::Entries)
        .collect();
    bundles.sort_by_key(|t| t.index);
    for tile in bundles {
        let bytes = fetch_tile(source, tile)?;
        for entry in parse_entry_bundle(&bytes, tile)? {
            tree.push(leaf_hash(entry));
        }
        save(mirror, tile, &bytes)?;
    }
    let mut checked = 0;
    for tile in tiles.iter().filter(|t| t.kind != TileKind::Entries) {
        let TileKind::Hashes { level } = tile.kind else {
            continue;
        };
        let bytes = fetch_tile(source, tile)?;
        let hashes = parse_hash_tile(&bytes, tile)?;
        let tree_level = level
            .checked_mul(8)
            .ok_or_else(|| Error::OutOfRange(format!("tile level {level} is too deep")))?;
        for (i, hash) in hashes.iter().enumerate() {
            let index = tile.index * 256 + i as u64;
            let expected = tree.node(tree_level, index)?;
            if expected != *hash {
                return Err(Error::malformed(
                    "tile",
                    format!(
                        "hash {i} of `{}` is `{}`, the entries give `{}`",
                        tile.path(),
                        hash_to_base64(hash),
                        hash_to_base64(&expected)
                    ),
                ));
            }
        }
        save(mirror, tile, &bytes)?;
        checked += 1;
    }
    Ok((tree, checked))
}

fn save(mirror: Option<&Path>, tile: &TileId, bytes: &[u8]) -> Result<()> {
    let Some(mirror) = mirror else {
        return Ok(());
    };
    let path = mirror.join(tile.path());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    std::fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{KeyKind, SigningKey};
    use crate::store::Log;

    fn key() -> SigningKey {
        SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [8; 32]).unwrap()
    }

    fn entries(prefix: &str, from: u64, to: u64) -> Vec<Vec<u8>> {
        (from..to)
            .map(|i| format!("{prefix}{i}").into_bytes())
            .collect()
    }

    #[test]
    fn audit_follows_a_growing_log_and_names_a_fork() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, mirror) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("m"),
        );
        let policy = Policy::log_only(key().verifier());
        let mut log = Log::init(&a, "freedataport.example/log", &key().verifier()).unwrap();
        log.append(&entries("e", 0, 300)).unwrap();
        log.checkpoint(&key()).unwrap();
        let report = audit(&DirSource(a.clone()), &policy, Some(&mirror)).unwrap();
        assert_eq!(
            (
                report.size,
                report.tiles_checked,
                report.earlier_checkpoints
            ),
            (300, 3, 0)
        );
        log.append(&entries("e", 300, 600)).unwrap();
        log.checkpoint(&key()).unwrap();
        let report = audit(&DirSource(a.clone()), &policy, Some(&mirror)).unwrap();
        assert_eq!((report.size, report.previous_size), (600, Some(300)));
        // The operator signs a second history with the same key: the audit names the fork.
        let mut fork = Log::init(&b, "freedataport.example/log", &key().verifier()).unwrap();
        fork.append(&entries("e", 0, 299)).unwrap();
        fork.append(&entries("x", 0, 400)).unwrap();
        fork.checkpoint(&key()).unwrap();
        let err = audit(&DirSource(b.clone()), &policy, Some(&mirror)).unwrap_err();
        let Error::Fork(evidence) = &err else {
            panic!("{err}")
        };
        assert!(
            evidence
                .reason
                .contains("does not extend the checkpoint of size 300"),
            "{err}"
        );
        assert!(evidence.first.contains("\n300\n") && evidence.second.contains("\n699\n"));
        // A tampered tile is named too.
        let tile = a.join("tile/0/000");
        let mut bytes = std::fs::read(&tile).unwrap();
        bytes[40] ^= 1;
        std::fs::write(&tile, bytes).unwrap();
        let err = audit(&DirSource(a), &policy, Some(&mirror))
            .unwrap_err()
            .to_string();
        assert!(err.contains("hash 1 of `tile/0/000`"), "{err}");
    }
}
