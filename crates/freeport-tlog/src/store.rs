//! The durable local log directory: batched, fsync'd appends; compare-and-swap checkpoints; fail
//! closed on mismatched state.
//!
//! Layout of a log directory (the `checkpoint` file and `tile/` tree are exactly what C2SP
//! tlog-tiles clients fetch, so any static web server can publish the directory):
//!
//! ```text
//! log.json        {"format","origin","vkey"}: written once by `init`, never changed
//! state.json      {"size","root"}: the commit record of the last acknowledged batch
//! checkpoint      the latest signed checkpoint (signed note), at most `state.json`'s size
//! tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>]
//! .lock           held (advisory lock) by the one writer
//! ```
//!
//! **Append protocol** (crash-safe at every step): write every new or grown tile and entry bundle
//! (new names only: a partial tile of a new width, or a newly full tile), fsync each file, fsync
//! each directory that gained a name, then replace `state.json` by temp file + fsync + rename +
//! fsync of the directory — after checking that `state.json` still holds what this writer last
//! wrote (compare-and-swap). Only then is the batch acknowledged. A crash before the rename leaves
//! unreferenced files that the next append overwrites; a crash after it loses nothing that was
//! acknowledged. Partial tiles of tiles that became full are deleted afterwards (tlog-tiles
//! allows it; clients fall back to the full tile).
//!
//! **Opening** checks, and refuses with [`Error::StateMismatch`] rather than repairing: the right
//! edge tiles and partial entry bundle exist and agree with each other, the root they give equals
//! `state.json`'s, and the checkpoint verifies under the log key, names this origin, is no larger
//! than the state, and has the root of the tiles at its size (`conventions.md` §1 item 15).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::merkle::{
    EMPTY_HASH, Hash, NodeSource, complete_subtrees, fold_right, hash_from_base64, hash_to_base64,
    leaf_hash, node_hash, root_at,
};
use crate::note::{Checkpoint, SigningKey, VerifierKey, open_note, sign_checkpoint};
use crate::tiles::{
    TILE_HEIGHT, TILE_WIDTH, TileId, TileKind, nodes_at_tile_level, parse_entry_bundle,
    parse_hash_tile, push_bundle_entry,
};
use crate::{Error, Result};

const FORMAT: &str = "freeport-tlog/v1";

/// Full hash tiles read so far, with every level inside the tile precomputed: `[0]` holds the
/// tile's 256 hashes, `[s]` the 256 >> s nodes `s` levels above them.
type TileCache = HashMap<(u8, u64), Arc<Vec<Vec<Hash>>>>;

/// A hash tile as [`Log::node`] needs it.
enum TileView {
    /// A full tile with its inner levels (cached; full tiles are immutable).
    Full(Arc<Vec<Vec<Hash>>>),
    /// The right-edge partial tile's hashes.
    Edge(Vec<Hash>),
}

/// `log.json`: what the log is. Written once.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Config {
    format: String,
    origin: String,
    vkey: String,
}

/// `state.json`: the commit record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct State {
    size: u64,
    root: String,
}

/// What an acknowledged append committed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Appended {
    /// Index of the first entry of the batch.
    pub first_index: u64,
    /// Tree size after the batch.
    pub size: u64,
    /// Root hash after the batch.
    pub root: Hash,
}

/// A log directory, opened for reading or (holding its lock) for writing.
#[derive(Debug)]
pub struct Log {
    dir: PathBuf,
    origin: String,
    vkey: VerifierKey,
    size: u64,
    root: Hash,
    /// Per tile level, the hashes of the current partial tile (fewer than 256).
    edge: Vec<Vec<Hash>>,
    /// The entries of the current partial entry bundle, length-prefixed.
    edge_bundle: Vec<u8>,
    /// The checkpoint file's bytes as last read or written (for compare-and-swap).
    checkpoint: Option<Vec<u8>>,
    /// Full hash tiles read so far (they are immutable).
    cache: RefCell<TileCache>,
    /// The writer's lock; `None` when read-only.
    lock: Option<File>,
}

impl Log {
    /// Creates a new, empty log in `dir` (which may exist but must not hold a log).
    ///
    /// # Errors
    ///
    /// When `dir` already holds a log, the origin is not the key's name, or files cannot be
    /// written.
    pub fn init(dir: &Path, origin: &str, vkey: &VerifierKey) -> Result<Self> {
        if origin.is_empty() || origin.contains(char::is_whitespace) || origin.contains('+') {
            return Err(Error::malformed(
                "origin",
                format!("`{origin}` must be non-empty, without spaces or `+`"),
            ));
        }
        if vkey.kind() != crate::note::KeyKind::Ed25519 {
            return Err(Error::Key {
                path: vkey.label(),
                reason: "a log key must be an Ed25519 (0x01) note key".into(),
            });
        }
        fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        let config_path = dir.join("log.json");
        if config_path.exists() {
            return Err(Error::AlreadyExists {
                dir: dir.display().to_string(),
            });
        }
        let state = State {
            size: 0,
            root: hash_to_base64(&EMPTY_HASH),
        };
        write_atomic(dir, "state.json", &to_json(&state)?)?;
        let config = Config {
            format: FORMAT.into(),
            origin: origin.into(),
            vkey: vkey.to_vkey(),
        };
        // `log.json` last: a directory without it is not a log, so a crash here is harmless.
        write_atomic(dir, "log.json", &to_json(&config)?)?;
        Self::open(dir)
    }

    /// Opens a log for writing, taking its lock and checking its state (fail closed).
    ///
    /// # Errors
    ///
    /// [`Error::Busy`] when another process holds the log; [`Error::StateMismatch`] when files
    /// disagree.
    pub fn open(dir: &Path) -> Result<Self> {
        let lock_path = dir.join(".lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io("open", &lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(Error::Busy {
                    dir: dir.display().to_string(),
                    reason: "another process holds `.lock`".into(),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(Error::io("lock", &lock_path, e)),
        }
        let mut log = Self::open_inner(dir, true)?;
        log.lock = Some(lock);
        Ok(log)
    }

    /// Opens a log for reading (proofs, serving, audit), with the same checks and no lock.
    ///
    /// # Errors
    ///
    /// [`Error::StateMismatch`] when files disagree or are missing.
    pub fn open_read_only(dir: &Path) -> Result<Self> {
        Self::open_inner(dir, false)
    }

    fn open_inner(dir: &Path, writer: bool) -> Result<Self> {
        let mismatch = |reason: String| Error::StateMismatch {
            dir: dir.display().to_string(),
            reason,
        };
        let config: Config = read_json(dir, "log.json").map_err(|e| match e {
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => mismatch(
                "`log.json` is missing: not a log directory (create one with `freeport log init`)"
                    .into(),
            ),
            other => other,
        })?;
        if config.format != FORMAT {
            return Err(mismatch(format!(
                "`log.json` has format `{}`, expected `{FORMAT}`",
                config.format
            )));
        }
        let vkey = VerifierKey::from_vkey(&config.vkey)?;
        let state: State = read_json(dir, "state.json").map_err(|e| match e {
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                mismatch("`state.json` is missing".into())
            }
            other => other,
        })?;
        let root = hash_from_base64(&state.root, "state.json")?;
        let mut log = Self {
            dir: dir.to_owned(),
            origin: config.origin,
            vkey,
            size: state.size,
            root,
            edge: Vec::new(),
            edge_bundle: Vec::new(),
            checkpoint: None,
            cache: RefCell::new(HashMap::new()),
            lock: None,
        };
        log.load_edge(writer).map_err(|e| match e {
            Error::Io { path, source, .. } => mismatch(format!(
                "committed size {} needs `{path}`, which cannot be read ({source})",
                state.size
            )),
            Error::Malformed { reason, .. } => mismatch(reason),
            other => other,
        })?;
        let computed = log.compute_root()?;
        if computed != root {
            return Err(mismatch(format!(
                "the tiles give root `{}` for size {}, `state.json` says `{}`",
                hash_to_base64(&computed),
                state.size,
                state.root
            )));
        }
        log.load_checkpoint()?;
        Ok(log)
    }

    /// Reads the right-edge tiles. A reader racing a writer may find a partial tile already
    /// replaced by its full tile (partials are deleted after the commit that fills them) and
    /// then uses the full tile's prefix; the writer (who holds the lock) never falls back.
    fn load_edge(&mut self, writer: bool) -> Result<()> {
        let read_edge = |tile: &TileId| -> Result<Vec<u8>> {
            let path = self.dir.join(tile.path());
            match fs::read(&path) {
                Ok(bytes) => Ok(bytes),
                Err(e) if !writer && e.kind() == std::io::ErrorKind::NotFound => {
                    let full = TileId {
                        width: 256,
                        ..*tile
                    };
                    let bytes = read_file(&self.dir.join(full.path()))?;
                    match tile.kind {
                        TileKind::Hashes { .. } => Ok(bytes
                            .get(..usize::from(tile.width) * 32)
                            .unwrap_or_default()
                            .to_vec()),
                        TileKind::Entries => {
                            let mut out = Vec::new();
                            for entry in parse_entry_bundle(&bytes, &full)?
                                .iter()
                                .take(usize::from(tile.width))
                            {
                                push_bundle_entry(&mut out, entry)?;
                            }
                            Ok(out)
                        }
                    }
                }
                Err(e) => Err(Error::io("read", &path, e)),
            }
        };
        self.edge.clear();
        for level in 0..64u8 {
            let count = nodes_at_tile_level(self.size, level);
            if count == 0 {
                break;
            }
            let width = count % TILE_WIDTH;
            let hashes = if width == 0 {
                Vec::new()
            } else {
                let tile = TileId {
                    kind: TileKind::Hashes { level },
                    index: count / TILE_WIDTH,
                    width: u16::try_from(width).unwrap_or(255),
                };
                let bytes = read_edge(&tile)?;
                parse_hash_tile(&bytes, &tile)?
            };
            self.edge.push(hashes);
        }
        self.edge_bundle.clear();
        let width = self.size % TILE_WIDTH;
        if width > 0 {
            let tile = TileId {
                kind: TileKind::Entries,
                index: self.size / TILE_WIDTH,
                width: u16::try_from(width).unwrap_or(255),
            };
            let bytes = read_edge(&tile)?;
            let entries = parse_entry_bundle(&bytes, &tile)?;
            let hashes = self.edge.first().map(Vec::as_slice).unwrap_or_default();
            for (i, (entry, hash)) in entries.iter().zip(hashes).enumerate() {
                if leaf_hash(entry) != *hash {
                    return Err(Error::malformed(
                        "entry bundle",
                        format!(
                            "entry {} of `{}` does not hash to the leaf in `tile/0`",
                            self.size - width + i as u64,
                            tile.path()
                        ),
                    ));
                }
            }
            self.edge_bundle = bytes;
        }
        Ok(())
    }

    fn load_checkpoint(&mut self) -> Result<()> {
        let path = self.dir.join("checkpoint");
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.checkpoint = None;
                return Ok(());
            }
            Err(e) => return Err(Error::io("read", &path, e)),
        };
        let mismatch = |reason: String| Error::StateMismatch {
            dir: self.dir.display().to_string(),
            reason,
        };
        let checkpoint = self
            .verify_checkpoint(&bytes)
            .map_err(|e| mismatch(format!("`checkpoint`: {e}")))?;
        if checkpoint.size > self.size {
            return Err(mismatch(format!(
                "`checkpoint` has size {}, beyond the committed size {} in `state.json`",
                checkpoint.size, self.size
            )));
        }
        let root = root_at(self, checkpoint.size)?;
        if root != checkpoint.root {
            return Err(mismatch(format!(
                "`checkpoint` has root `{}` at size {}, the tiles give `{}`",
                hash_to_base64(&checkpoint.root),
                checkpoint.size,
                hash_to_base64(&root)
            )));
        }
        self.checkpoint = Some(bytes);
        Ok(())
    }

    /// Verifies a signed checkpoint of this log: log signature and origin.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`], [`Error::Signature`] or [`Error::WrongOrigin`].
    pub fn verify_checkpoint(&self, bytes: &[u8]) -> Result<Checkpoint> {
        let opened = open_note(bytes, std::slice::from_ref(&self.vkey), "checkpoint")?;
        let checkpoint = Checkpoint::parse(&opened.text)?;
        if checkpoint.origin != self.origin {
            return Err(Error::WrongOrigin {
                expected: self.origin.clone(),
                found: checkpoint.origin,
            });
        }
        Ok(checkpoint)
    }

    /// Root of the current tree from the right-edge tiles.
    fn compute_root(&self) -> Result<Hash> {
        let mut hashes = Vec::new();
        for (level, index) in complete_subtrees(0, self.size) {
            hashes.push(self.node(level, index)?);
        }
        Ok(fold_right(&hashes).unwrap_or(EMPTY_HASH))
    }

    /// Hash tile `(level, index)` of the current tree: the edge tile or a full one.
    fn tile_hashes(&self, level: u8, index: u64) -> Result<TileView> {
        let count = nodes_at_tile_level(self.size, level);
        if index == count / TILE_WIDTH {
            let edge = self
                .edge
                .get(usize::from(level))
                .cloned()
                .unwrap_or_default();
            return Ok(TileView::Edge(edge));
        }
        if index > count / TILE_WIDTH {
            return Err(Error::OutOfRange(format!(
                "tile {level}/{index} is beyond the tree of size {}",
                self.size
            )));
        }
        if let Some(hit) = self.cache.borrow().get(&(level, index)) {
            return Ok(TileView::Full(Arc::clone(hit)));
        }
        let tile = TileId {
            kind: TileKind::Hashes { level },
            index,
            width: 256,
        };
        let path = self.dir.join(tile.path());
        let mut levels = vec![parse_hash_tile(&read_file(&path)?, &tile)?];
        while let Some(below) = levels.last().filter(|row| row.len() > 2) {
            let above = below
                .chunks_exact(2)
                .map(|pair| match pair {
                    [left, right] => node_hash(left, right),
                    _ => EMPTY_HASH,
                })
                .collect();
            levels.push(above);
        }
        let levels = Arc::new(levels);
        self.cache
            .borrow_mut()
            .insert((level, index), Arc::clone(&levels));
        Ok(TileView::Full(levels))
    }

    /// Appends a batch of entries and makes it durable before returning (see the module docs).
    ///
    /// # Errors
    ///
    /// When the log is read-only, an entry is too large, a file cannot be written, or
    /// `state.json` changed under this writer ([`Error::Busy`]). On error nothing is
    /// acknowledged and the log must be reopened.
    pub fn append<E: AsRef<[u8]>>(&mut self, entries: &[E]) -> Result<Appended> {
        if self.lock.is_none() {
            return Err(Error::Busy {
                dir: self.dir.display().to_string(),
                reason: "opened read-only".into(),
            });
        }
        let old_size = self.size;
        let mut edge = self.edge.clone();
        let mut bundle = self.edge_bundle.clone();
        let mut files: Vec<(TileId, Vec<u8>)> = Vec::new();
        let mut size = old_size;
        for entry in entries {
            let entry = entry.as_ref();
            push_bundle_entry(&mut bundle, entry)?;
            let mut hash = leaf_hash(entry);
            let leaf_index = size;
            size += 1;
            if size.is_multiple_of(TILE_WIDTH) {
                files.push((
                    TileId {
                        kind: TileKind::Entries,
                        index: leaf_index / TILE_WIDTH,
                        width: 256,
                    },
                    std::mem::take(&mut bundle),
                ));
            }
            // Push the hash up through the tile levels it completes.
            let mut level = 0u8;
            loop {
                if edge.len() <= usize::from(level) {
                    edge.push(Vec::new());
                }
                let Some(row) = edge.get_mut(usize::from(level)) else {
                    break;
                };
                row.push(hash);
                if row.len() as u64 != TILE_WIDTH {
                    break;
                }
                let full = std::mem::take(row);
                let index = nodes_at_tile_level(size, level) / TILE_WIDTH - 1;
                files.push((
                    TileId {
                        kind: TileKind::Hashes { level },
                        index,
                        width: 256,
                    },
                    hashes_to_bytes(&full),
                ));
                hash = subtree_hash(&full);
                level += 1;
            }
        }
        // The partial tiles of every level that grew.
        for level in 0..64u8 {
            let count = nodes_at_tile_level(size, level);
            if count == 0 {
                break;
            }
            if count == nodes_at_tile_level(old_size, level) || count.is_multiple_of(TILE_WIDTH) {
                continue;
            }
            let width = u16::try_from(count % TILE_WIDTH).unwrap_or(255);
            let row = edge.get(usize::from(level)).cloned().unwrap_or_default();
            files.push((
                TileId {
                    kind: TileKind::Hashes { level },
                    index: count / TILE_WIDTH,
                    width,
                },
                hashes_to_bytes(&row),
            ));
            if level == 0 {
                files.push((
                    TileId {
                        kind: TileKind::Entries,
                        index: count / TILE_WIDTH,
                        width,
                    },
                    bundle.clone(),
                ));
            }
        }
        let mut dirs = BTreeSet::new();
        let mut written = Vec::with_capacity(files.len());
        for (tile, bytes) in &files {
            let path = self.dir.join(tile.path());
            written.push((write_file(&path, bytes, &mut dirs)?, path));
        }
        // Concurrent fsyncs share journal commits: ~16x faster than one by one (bench/tlog).
        sync_parallel(written)?;
        let mut handles = Vec::with_capacity(dirs.len());
        for dir in dirs {
            let handle = File::open(&dir).map_err(|e| Error::io("open", &dir, e))?;
            handles.push((handle, dir));
        }
        sync_parallel(handles)?;
        // Compute the new root from the new edge, then commit by compare-and-swap.
        let previous = (self.size, self.root, std::mem::take(&mut self.edge));
        self.size = size;
        self.edge = edge;
        let root = match self.compute_root() {
            Ok(root) => root,
            Err(e) => {
                (self.size, self.root, self.edge) = previous;
                return Err(e);
            }
        };
        let committed = self.commit_state(previous.0, &previous.1, size, &root);
        if let Err(e) = committed {
            (self.size, self.root, self.edge) = previous;
            return Err(e);
        }
        self.root = root;
        self.edge_bundle = bundle;
        self.delete_superseded_partials(&files);
        Ok(Appended {
            first_index: old_size,
            size,
            root,
        })
    }

    fn commit_state(&self, old_size: u64, old_root: &Hash, size: u64, root: &Hash) -> Result<()> {
        let on_disk: State = read_json(&self.dir, "state.json")?;
        let expected = State {
            size: old_size,
            root: hash_to_base64(old_root),
        };
        if on_disk != expected {
            return Err(Error::Busy {
                dir: self.dir.display().to_string(),
                reason: format!(
                    "`state.json` changed under this writer (size {} on disk, {old_size} expected)",
                    on_disk.size
                ),
            });
        }
        let state = State {
            size,
            root: hash_to_base64(root),
        };
        write_atomic(&self.dir, "state.json", &to_json(&state)?)
    }

    /// Best effort: partial tiles are garbage once their tile is full.
    fn delete_superseded_partials(&self, files: &[(TileId, Vec<u8>)]) {
        for (tile, _) in files.iter().filter(|(t, _)| t.is_full()) {
            let path = self.dir.join(format!("{}.p", tile.path()));
            let _ = fs::remove_dir_all(path);
        }
    }

    /// Signs a checkpoint of the current tree with the log key and installs it by
    /// compare-and-swap (the `checkpoint` file must still be the one this writer last saw).
    ///
    /// # Errors
    ///
    /// [`Error::Key`] for a key that is not this log's; [`Error::Busy`] when the checkpoint
    /// changed under this writer.
    pub fn checkpoint(&mut self, key: &SigningKey) -> Result<String> {
        let signed = self.sign_unpublished(key)?;
        self.publish_checkpoint(&signed, &[])
    }

    /// Signs a checkpoint of the current tree with the log key **without publishing it**: the
    /// note to send to witnesses first, so that [`Log::publish_checkpoint`] can install it
    /// together with their cosignatures. A crash in between leaves the previous (cosigned)
    /// checkpoint published, never one a quorum policy rejects.
    ///
    /// # Errors
    ///
    /// As [`Log::checkpoint`].
    pub fn sign_unpublished(&self, key: &SigningKey) -> Result<String> {
        if self.lock.is_none() {
            return Err(Error::Busy {
                dir: self.dir.display().to_string(),
                reason: "opened read-only".into(),
            });
        }
        if key.verifier() != self.vkey {
            return Err(Error::Key {
                path: key.name().to_owned(),
                reason: format!("is not the key of this log (`{}`)", self.vkey.label()),
            });
        }
        let checkpoint = Checkpoint {
            origin: self.origin.clone(),
            size: self.size,
            root: self.root,
            extensions: Vec::new(),
        };
        sign_checkpoint(&checkpoint, key)
    }

    /// Publishes `signed` (from [`Log::sign_unpublished`]) with the witnesses' cosignature
    /// `lines`, in one write, by compare-and-swap. The note must verify under the log key and
    /// be of the current tree.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for a bad line or a note of another tree; [`Error::Busy`] when the
    /// checkpoint changed under this writer; verification errors.
    pub fn publish_checkpoint(&mut self, signed: &str, lines: &[String]) -> Result<String> {
        if self.lock.is_none() {
            return Err(Error::Busy {
                dir: self.dir.display().to_string(),
                reason: "opened read-only".into(),
            });
        }
        for line in lines {
            signed_note::Signature::from_bytes(line.trim_end_matches('\n').as_bytes()).map_err(
                |_| {
                    Error::malformed(
                        "cosignature",
                        format!("`{}` is not a signature line", line.trim_end()),
                    )
                },
            )?;
        }
        let updated = crate::note::add_signature_lines(signed, lines);
        let checkpoint = self.verify_checkpoint(updated.as_bytes())?;
        if checkpoint.size != self.size || checkpoint.root != self.root {
            return Err(Error::malformed(
                "checkpoint",
                format!(
                    "signed for size {}, but the tree has {} entries",
                    checkpoint.size, self.size
                ),
            ));
        }
        let path = self.dir.join("checkpoint");
        let on_disk = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io("read", &path, e)),
        };
        if on_disk != self.checkpoint {
            return Err(Error::Busy {
                dir: self.dir.display().to_string(),
                reason: "`checkpoint` changed under this writer".into(),
            });
        }
        write_atomic(&self.dir, "checkpoint", updated.as_bytes())?;
        self.checkpoint = Some(updated.clone().into_bytes());
        Ok(updated)
    }

    /// Adds witnesses' cosignature lines to the current checkpoint file, by compare-and-swap.
    /// Each line must be a valid signature line; the checkpoint text is unchanged.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when there is no checkpoint; [`Error::Malformed`] for a bad line;
    /// [`Error::Busy`] when the checkpoint changed under this writer.
    pub fn add_cosignatures(&mut self, lines: &[String]) -> Result<String> {
        if self.lock.is_none() {
            return Err(Error::Busy {
                dir: self.dir.display().to_string(),
                reason: "opened read-only".into(),
            });
        }
        let current = self
            .checkpoint
            .clone()
            .ok_or_else(|| Error::OutOfRange("the log has no checkpoint to cosign".into()))?;
        for line in lines {
            signed_note::Signature::from_bytes(line.trim_end_matches('\n').as_bytes()).map_err(
                |_| {
                    Error::malformed(
                        "cosignature",
                        format!("`{}` is not a signature line", line.trim_end()),
                    )
                },
            )?;
        }
        let path = self.dir.join("checkpoint");
        let on_disk = fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
        if on_disk != current {
            return Err(Error::Busy {
                dir: self.dir.display().to_string(),
                reason: "`checkpoint` changed under this writer".into(),
            });
        }
        let updated = crate::note::add_signature_lines(&String::from_utf8_lossy(&current), lines);
        self.verify_checkpoint(updated.as_bytes())?;
        write_atomic(&self.dir, "checkpoint", updated.as_bytes())?;
        self.checkpoint = Some(updated.clone().into_bytes());
        Ok(updated)
    }

    /// The latest signed checkpoint, if one was made.
    #[must_use]
    pub fn signed_checkpoint(&self) -> Option<String> {
        self.checkpoint
            .as_ref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// Entries `start..end` (their stored bytes), in order, each entry bundle read and parsed
    /// once: for reading a page of the log without a bundle read per entry.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when `end` is beyond the tree; I/O or malformed bundle errors.
    pub fn entries(&self, range: std::ops::Range<u64>) -> Result<Vec<Vec<u8>>> {
        if range.end > self.size {
            return Err(Error::OutOfRange(format!(
                "no entry {}: the log has {} entries",
                range.end.saturating_sub(1),
                self.size
            )));
        }
        let mut out = Vec::new();
        let mut index = range.start;
        while index < range.end {
            let bundle_index = index / TILE_WIDTH;
            let (bytes, tile) = if bundle_index == self.size / TILE_WIDTH {
                let tile = TileId {
                    kind: TileKind::Entries,
                    index: bundle_index,
                    width: u16::try_from(self.size % TILE_WIDTH).unwrap_or(255),
                };
                (std::borrow::Cow::Borrowed(&self.edge_bundle[..]), tile)
            } else {
                let tile = TileId {
                    kind: TileKind::Entries,
                    index: bundle_index,
                    width: 256,
                };
                (
                    std::borrow::Cow::Owned(read_file(&self.dir.join(tile.path()))?),
                    tile,
                )
            };
            let entries = parse_entry_bundle(&bytes, &tile)?;
            let bundle_end = ((bundle_index + 1) * TILE_WIDTH).min(range.end);
            for i in index..bundle_end {
                let offset = usize::try_from(i % TILE_WIDTH).unwrap_or(usize::MAX);
                let entry = entries
                    .get(offset)
                    .ok_or_else(|| Error::OutOfRange(format!("no entry {i}")))?;
                out.push(entry.to_vec());
            }
            index = bundle_end;
        }
        Ok(out)
    }

    /// Entry `index` (its stored bytes).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] beyond the tree; I/O or malformed bundle errors.
    pub fn entry(&self, index: u64) -> Result<Vec<u8>> {
        if index >= self.size {
            return Err(Error::OutOfRange(format!(
                "no entry {index}: the log has {} entries",
                self.size
            )));
        }
        let bundle_index = index / TILE_WIDTH;
        let (bytes, tile) = if bundle_index == self.size / TILE_WIDTH {
            let tile = TileId {
                kind: TileKind::Entries,
                index: bundle_index,
                width: u16::try_from(self.size % TILE_WIDTH).unwrap_or(255),
            };
            (self.edge_bundle.clone(), tile)
        } else {
            let tile = TileId {
                kind: TileKind::Entries,
                index: bundle_index,
                width: 256,
            };
            (read_file(&self.dir.join(tile.path()))?, tile)
        };
        let entries = parse_entry_bundle(&bytes, &tile)?;
        let offset = usize::try_from(index % TILE_WIDTH).unwrap_or(usize::MAX);
        entries
            .get(offset)
            .map(|e| e.to_vec())
            .ok_or_else(|| Error::OutOfRange(format!("no entry {index}")))
    }

    /// The log's origin.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The log's public key.
    #[must_use]
    pub fn vkey(&self) -> &VerifierKey {
        &self.vkey
    }

    /// The root hash of the whole committed tree.
    #[must_use]
    pub fn root(&self) -> Hash {
        self.root
    }

    /// The log directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl NodeSource for Log {
    fn size(&self) -> u64 {
        self.size
    }

    fn node(&self, level: u8, index: u64) -> Result<Hash> {
        let tile_level = u32::from(level) / TILE_HEIGHT;
        let sub = u32::from(level) % TILE_HEIGHT;
        let first = index
            .checked_shl(sub)
            .ok_or_else(|| Error::OutOfRange(format!("node ({level}, {index}) overflows")))?;
        let tile_level = u8::try_from(tile_level).unwrap_or(u8::MAX);
        let start = usize::try_from(first % TILE_WIDTH).unwrap_or(usize::MAX);
        let incomplete = || {
            Error::OutOfRange(format!(
                "node ({level}, {index}) is not complete in the tree of size {}",
                self.size
            ))
        };
        match self.tile_hashes(tile_level, first / TILE_WIDTH)? {
            TileView::Full(levels) => levels
                .get(sub as usize)
                .and_then(|row| row.get(start >> sub))
                .copied()
                .ok_or_else(incomplete),
            TileView::Edge(edge) => {
                let end = start + (1usize << sub);
                let slice = edge.get(start..end).ok_or_else(incomplete)?;
                Ok(subtree_hash(slice))
            }
        }
    }
}

/// Hash of a complete subtree given its leaves' (or lower nodes') hashes, a power of two of them.
fn subtree_hash(hashes: &[Hash]) -> Hash {
    let mut row: Vec<Hash> = hashes.to_vec();
    while row.len() > 1 {
        row = row
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => node_hash(left, right),
                [single] => *single,
                _ => EMPTY_HASH,
            })
            .collect();
    }
    row.first().copied().unwrap_or(EMPTY_HASH)
}

fn hashes_to_bytes(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.0).collect()
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut bytes =
        serde_json::to_vec_pretty(value).map_err(|e| Error::malformed("state", e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error::io("read", path, e))
}

fn read_json<T: for<'de> Deserialize<'de>>(dir: &Path, name: &'static str) -> Result<T> {
    let bytes = read_file(&dir.join(name))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::StateMismatch {
        dir: dir.display().to_string(),
        reason: format!("`{name}` does not parse: {e}"),
    })
}

/// Writes `bytes` to `path` (not yet synced), recording directories that gain a name.
fn write_file(path: &Path, bytes: &[u8], dirs: &mut BTreeSet<PathBuf>) -> Result<File> {
    if let Some(parent) = path.parent() {
        if !parent.exists() {
            // Every directory created needs its parent synced too.
            let mut missing = parent.to_path_buf();
            while !missing.exists() {
                if let Some(up) = missing.parent() {
                    dirs.insert(up.to_path_buf());
                    missing = up.to_path_buf();
                } else {
                    break;
                }
            }
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        dirs.insert(parent.to_path_buf());
    }
    let mut file = File::create(path).map_err(|e| Error::io("create", path, e))?;
    file.write_all(bytes)
        .map_err(|e| Error::io("write", path, e))?;
    Ok(file)
}

/// Fsyncs files (or directories) on up to 16 threads; the first failure wins.
fn sync_parallel(files: Vec<(File, PathBuf)>) -> Result<()> {
    const THREADS: usize = 16;
    if files.len() <= 1 {
        for (file, path) in &files {
            file.sync_all().map_err(|e| Error::io("sync", path, e))?;
        }
        return Ok(());
    }
    let chunk = files.len().div_ceil(THREADS);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    for (file, path) in part {
                        file.sync_all().map_err(|e| Error::io("sync", path, e))?;
                    }
                    Ok(())
                })
            })
            .collect();
        let mut outcome = Ok(());
        for worker in workers {
            let result = worker
                .join()
                .unwrap_or_else(|_| Err(Error::OutOfRange("an fsync thread panicked".into())));
            if outcome.is_ok() {
                outcome = result;
            }
        }
        outcome
    })
}

/// Replaces `dir/name` atomically and durably: temp file, fsync, rename, fsync of `dir`
/// ([`freeport_util::write_atomic`]).
///
/// # Errors
///
/// When a step fails; the old file is then untouched.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let target = dir.join(name);
    freeport_util::write_atomic(&target, bytes).map_err(|e| Error::io("write", &target, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{MemoryTree, prove_consistency, prove_inclusion, verify_inclusion};
    use crate::note::KeyKind;

    pub(crate) fn key() -> SigningKey {
        SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [3; 32]).unwrap()
    }

    fn entries(from: u64, to: u64) -> Vec<Vec<u8>> {
        (from..to)
            .map(|i| format!("entry {i}").into_bytes())
            .collect()
    }

    #[test]
    fn a_range_of_entries_reads_as_each_entry_does_across_bundles() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = Log::init(dir.path(), "freedataport.example/log", &key().verifier()).unwrap();
        log.append(&entries(0, 600)).unwrap();
        for range in [0..0, 0..1, 250..300, 255..513, 500..600, 0..600] {
            let read = log.entries(range.clone()).unwrap();
            let each: Vec<Vec<u8>> = range.clone().map(|i| log.entry(i).unwrap()).collect();
            assert_eq!(read, each, "{range:?}");
        }
        assert!(matches!(log.entries(590..601), Err(Error::OutOfRange(_))));
    }

    #[test]
    fn appends_survive_reopen_and_match_a_memory_tree() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = Log::init(dir.path(), "freedataport.example/log", &key().verifier()).unwrap();
        let mut memory = MemoryTree::new();
        let mut size = 0;
        for batch in [1u64, 2, 253, 1, 300, 70_000 - 557] {
            let batch_entries = entries(size, size + batch);
            for e in &batch_entries {
                memory.push(leaf_hash(e));
            }
            let appended = log.append(&batch_entries).unwrap();
            size += batch;
            assert_eq!(appended.size, size);
            assert_eq!(appended.root, memory.root());
        }
        drop(log);
        let log = Log::open(dir.path()).unwrap();
        assert_eq!(log.size(), 70_000);
        assert_eq!(log.root(), memory.root());
        assert_eq!(log.entry(65_537).unwrap(), b"entry 65537");
        assert_eq!(log.entry(69_999).unwrap(), b"entry 69999");
        for index in [0, 255, 256, 65_535, 69_999] {
            let p = prove_inclusion(&log, 70_000, index).unwrap();
            assert_eq!(p, prove_inclusion(&memory, 70_000, index).unwrap());
            verify_inclusion(
                &memory.node(0, index).unwrap(),
                index,
                70_000,
                &p,
                &log.root(),
            )
            .unwrap();
        }
        assert_eq!(
            prove_consistency(&log, 1000, 70_000).unwrap(),
            prove_consistency(&memory, 1000, 70_000).unwrap()
        );
        // The tlog-tiles example: these files exist, and no partial of a full tile remains.
        for path in [
            "tile/0/273.p/112",
            "tile/entries/273.p/112",
            "tile/1/001.p/17",
            "tile/2/000.p/1",
            "tile/1/000",
        ] {
            assert!(dir.path().join(path).exists(), "{path}");
        }
        assert!(!dir.path().join("tile/0/000.p").exists());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

        /// Any sequence of batch sizes, with reopens between batches, gives the same tree as the
        /// in-memory one, and every proof from the tiles equals the in-memory proof.
        #[test]
        fn random_batches_match_the_memory_tree(
            batches in proptest::collection::vec((1u64..600, proptest::bool::ANY), 1..6),
            probe in 0u64..u64::MAX,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut log = Log::init(dir.path(), "freedataport.example/log", &key().verifier()).unwrap();
            let mut memory = MemoryTree::new();
            let mut size = 0;
            for (batch, reopen) in batches {
                let batch_entries = entries(size, size + batch);
                for e in &batch_entries {
                    memory.push(leaf_hash(e));
                }
                log.append(&batch_entries).unwrap();
                size += batch;
                if reopen {
                    drop(log);
                    log = Log::open(dir.path()).unwrap();
                }
                proptest::prop_assert_eq!(log.root(), memory.root());
            }
            let index = probe % size;
            let old = (probe >> 20) % (size + 1);
            proptest::prop_assert_eq!(
                prove_inclusion(&log, size, index).unwrap(),
                prove_inclusion(&memory, size, index).unwrap()
            );
            proptest::prop_assert_eq!(
                prove_consistency(&log, old, size).unwrap(),
                prove_consistency(&memory, old, size).unwrap()
            );
            proptest::prop_assert_eq!(root_at(&log, old).unwrap(), root_at(&memory, old).unwrap());
            proptest::prop_assert_eq!(log.entry(index).unwrap(), format!("entry {index}").into_bytes());
        }
    }

    #[test]
    fn checkpoints_compare_and_swap() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = Log::init(dir.path(), "freedataport.example/log", &key().verifier()).unwrap();
        log.append(&entries(0, 10)).unwrap();
        let signed = log.checkpoint(&key()).unwrap();
        let cp = log.verify_checkpoint(signed.as_bytes()).unwrap();
        assert_eq!(cp.size, 10);
        // Someone else replaces the checkpoint: this writer refuses to overwrite it.
        fs::write(dir.path().join("checkpoint"), "forged").unwrap();
        let err = log.checkpoint(&key()).unwrap_err();
        assert!(
            err.to_string()
                .contains("`checkpoint` changed under this writer"),
            "{err}"
        );
        // And a reopen fails closed on the forged file.
        drop(log);
        let err = Log::open(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("log state mismatch") && err.contains("`checkpoint`"),
            "{err}"
        );
        // A wrong key cannot sign.
        fs::write(dir.path().join("checkpoint"), signed).unwrap();
        let mut log = Log::open(dir.path()).unwrap();
        let other =
            SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [4; 32]).unwrap();
        assert!(
            log.checkpoint(&other)
                .unwrap_err()
                .to_string()
                .contains("is not the key of this log")
        );
    }

    #[test]
    fn checkpoints_of_another_origin_or_key_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::init(dir.path(), "freedataport.example/log", &key().verifier()).unwrap();
        let other_origin = Checkpoint {
            origin: "freedataport.example/other".into(),
            size: 0,
            root: EMPTY_HASH,
            extensions: vec![],
        };
        let signed = sign_checkpoint(&other_origin, &key()).unwrap();
        let err = log
            .verify_checkpoint(signed.as_bytes())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "checkpoint is for origin `freedataport.example/other`, expected `freedataport.example/log`"
        );
        let impostor =
            SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [9; 32]).unwrap();
        let cp = Checkpoint {
            origin: "freedataport.example/log".into(),
            ..other_origin
        };
        let signed = sign_checkpoint(&cp, &impostor).unwrap();
        let err = log
            .verify_checkpoint(signed.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "signature check failed on checkpoint: no signature by `freedataport.example/log+"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_reader_racing_a_writer_falls_back_to_full_tiles() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = Log::init(dir.path(), "freedataport.example/log", &key().verifier()).unwrap();
        log.append(&entries(0, 300)).unwrap();
        let root_300 = log.root();
        let state_300 = fs::read(dir.path().join("state.json")).unwrap();
        log.append(&entries(300, 512)).unwrap();
        drop(log);
        assert!(!dir.path().join("tile/0/001.p").exists());
        // A reader that read `state.json` at size 300 just before the second commit.
        fs::write(dir.path().join("state.json"), state_300).unwrap();
        let reader = Log::open_read_only(dir.path()).unwrap();
        assert_eq!((reader.size(), reader.root()), (300, root_300));
        assert_eq!(reader.entry(299).unwrap(), b"entry 299");
        // The writer does not fall back: for it, a missing edge tile is a mismatch.
        let err = Log::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("committed size 300 needs"), "{err}");
    }

    #[test]
    fn a_second_writer_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let _log = Log::init(dir.path(), "freedataport.example/log", &key().verifier()).unwrap();
        let err = Log::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("another process holds `.lock`"), "{err}");
        assert!(Log::open_read_only(dir.path()).is_ok());
        let err = Log::init(dir.path(), "x", &key().verifier()).unwrap_err();
        assert!(matches!(err, Error::AlreadyExists { .. }), "{err}");
    }

    #[test]
    fn mismatched_state_fails_closed() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = Log::init(dir.path(), "freedataport.example/log", &key().verifier()).unwrap();
        log.append(&entries(0, 300)).unwrap();
        log.checkpoint(&key()).unwrap();
        drop(log);
        // A tampered leaf in the partial tile.
        let tile = dir.path().join("tile/0/001.p/44");
        let original = fs::read(&tile).unwrap();
        let mut bytes = original.clone();
        bytes[0] ^= 1;
        fs::write(&tile, &bytes).unwrap();
        let err = Log::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("does not hash to the leaf"), "{err}");
        // A missing edge tile.
        fs::remove_file(&tile).unwrap();
        let err = Log::open(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("committed size 300 needs") && err.contains("001.p/44"),
            "{err}"
        );
        fs::write(&tile, &original).unwrap();
        // A state that claims another root.
        let state = fs::read_to_string(dir.path().join("state.json")).unwrap();
        fs::write(
            dir.path().join("state.json"),
            state.replace("\"size\": 300", "\"size\": 299"),
        )
        .unwrap();
        let err = Log::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("log state mismatch"), "{err}");
        fs::write(dir.path().join("state.json"), state).unwrap();
        assert!(Log::open(dir.path()).is_ok());
        fs::remove_file(dir.path().join("log.json")).unwrap();
        let err = Log::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a log directory"), "{err}");
    }
}
