//! C2SP tlog-tiles: tile and entry-bundle paths, which tiles a tree has, and the byte formats.
//!
//! Written here rather than taken from `tlog_tiles` 0.2, whose `Tile::path` emits Go sumdb paths
//! (`tile/8/0/000`, `tile/8/data/000`) where C2SP wants `tile/0/000` and `tile/entries/000`
//! (`transparency-log.md` §9.2 item 1).

use crate::merkle::{HASH_SIZE, Hash};
use crate::{Error, Result};

/// Hashes per full tile (tiles have height 8).
pub const TILE_WIDTH: u64 = 256;
/// Levels of the Merkle tree per tile level.
pub const TILE_HEIGHT: u32 = 8;
/// The largest entry an entry bundle can hold (its length prefix is a big-endian `u16`).
pub const MAX_ENTRY_SIZE: usize = u16::MAX as usize;

/// What a tile holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TileKind {
    /// Hashes of tree level `8 × level`.
    Hashes {
        /// The tile level, 0..=63.
        level: u8,
    },
    /// An entry bundle (the entries behind a level-0 tile).
    Entries,
}

/// One tile of a tree: kind, index within its level, and width (1..=256; 256 is a full tile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TileId {
    /// Hash tile or entry bundle.
    pub kind: TileKind,
    /// Tile index within its level.
    pub index: u64,
    /// Number of hashes or entries: 256 for a full tile, 1..=255 for a partial one.
    pub width: u16,
}

impl TileId {
    /// Whether the tile is full.
    #[must_use]
    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// The C2SP path of the tile, relative to the log prefix: `tile/0/x001/234/067.p/112`.
    #[must_use]
    pub fn path(&self) -> String {
        let kind = match self.kind {
            TileKind::Hashes { level } => level.to_string(),
            TileKind::Entries => "entries".to_owned(),
        };
        let mut path = format!("tile/{kind}/{}", index_path(self.index));
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Parses a C2SP tile path (`tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`).
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] naming the element that breaks the format.
    pub fn from_path(path: &str) -> Result<Self> {
        let bad = |reason: String| Error::malformed("tile path", format!("`{path}`: {reason}"));
        let rest = path
            .strip_prefix("tile/")
            .ok_or_else(|| bad("does not start with `tile/`".into()))?;
        let (kind, rest) = rest
            .split_once('/')
            .ok_or_else(|| bad("has no tile index".into()))?;
        let kind = if kind == "entries" {
            TileKind::Entries
        } else {
            let level = parse_decimal(kind).filter(|l| *l < 64).ok_or_else(|| {
                bad(format!(
                    "level `{kind}` is not `entries` or a number 0..=63"
                ))
            })?;
            TileKind::Hashes {
                level: u8::try_from(level).map_err(|_| bad("level too large".into()))?,
            }
        };
        let (index_part, width) = match rest.split_once(".p/") {
            Some((index, width)) => {
                let w = parse_decimal(width)
                    .filter(|w| (1..TILE_WIDTH).contains(w))
                    .ok_or_else(|| bad(format!("partial width `{width}` is not in 1..=255")))?;
                (
                    index,
                    u16::try_from(w).map_err(|_| bad("width too large".into()))?,
                )
            }
            None => (rest, 256),
        };
        let elements: Vec<&str> = index_part.split('/').collect();
        let mut index: u64 = 0;
        for (i, element) in elements.iter().enumerate() {
            let last = i + 1 == elements.len();
            let digits = if last {
                *element
            } else {
                element
                    .strip_prefix('x')
                    .ok_or_else(|| bad(format!("index element `{element}` must start with `x`")))?
            };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(format!(
                    "index element `{element}` is not three decimal digits"
                )));
            }
            let value = parse_decimal_padded(digits).ok_or_else(|| bad("bad index".into()))?;
            index = index
                .checked_mul(1000)
                .and_then(|i| i.checked_add(value))
                .ok_or_else(|| bad("index overflows".into()))?;
        }
        let canonical = Self { kind, index, width };
        // Reject non-canonical spellings such as `x000/001` for `001`.
        if canonical.path() != path {
            return Err(bad(format!(
                "not the canonical spelling `{}`",
                canonical.path()
            )));
        }
        Ok(canonical)
    }
}

fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || (text.len() > 1 && text.starts_with('0')) {
        return None;
    }
    parse_decimal_padded(text)
}

fn parse_decimal_padded(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `1234067` → `x001/x234/067`.
fn index_path(index: u64) -> String {
    let mut groups = vec![index % 1000];
    let mut rest = index / 1000;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut parts: Vec<String> = Vec::with_capacity(groups.len());
    for (i, group) in groups.iter().enumerate().rev() {
        if i == 0 {
            parts.push(format!("{group:03}"));
        } else {
            parts.push(format!("x{group:03}"));
        }
    }
    parts.join("/")
}

/// Number of hashes at tile level `level` of a tree of `size` leaves (complete nodes of tree level
/// `8 × level`).
#[must_use]
pub fn nodes_at_tile_level(size: u64, level: u8) -> u64 {
    let shift = u32::from(level) * TILE_HEIGHT;
    if shift >= 64 { 0 } else { size >> shift }
}

/// Every hash tile and entry bundle a tree of `size` leaves has, full tiles then the partial one,
/// level by level (the tlog-tiles example: size 70,000 → 273 full level-0 tiles and a partial of
/// width 112, and so on).
#[must_use]
pub fn tiles_for_size(size: u64) -> Vec<TileId> {
    let mut out = Vec::new();
    for level in 0..64u8 {
        let count = nodes_at_tile_level(size, level);
        if count == 0 {
            break;
        }
        push_level(&mut out, TileKind::Hashes { level }, count, 0);
        if level == 0 {
            push_level(&mut out, TileKind::Entries, count, 0);
        }
    }
    out
}

/// The tiles that change when a tree grows from `old` to `new` leaves.
#[must_use]
pub fn tiles_changed(old: u64, new: u64) -> Vec<TileId> {
    let mut out = Vec::new();
    for level in 0..64u8 {
        let count = nodes_at_tile_level(new, level);
        let old_count = nodes_at_tile_level(old, level);
        if count == 0 || count == old_count {
            if count == 0 {
                break;
            }
            continue;
        }
        let first = old_count / TILE_WIDTH;
        push_level(&mut out, TileKind::Hashes { level }, count, first);
        if level == 0 {
            push_level(&mut out, TileKind::Entries, count, first);
        }
    }
    out
}

fn push_level(out: &mut Vec<TileId>, kind: TileKind, count: u64, first: u64) {
    let full = count / TILE_WIDTH;
    for index in first..full {
        out.push(TileId {
            kind,
            index,
            width: 256,
        });
    }
    let partial = count % TILE_WIDTH;
    if partial > 0 {
        out.push(TileId {
            kind,
            index: full,
            // partial < 256
            width: u16::try_from(partial).unwrap_or(255),
        });
    }
}

/// Parses the bytes of a hash tile of `width` hashes.
///
/// # Errors
///
/// [`Error::Malformed`] when the length is not `32 × width`.
pub fn parse_hash_tile(bytes: &[u8], tile: &TileId) -> Result<Vec<Hash>> {
    let expected = usize::from(tile.width) * HASH_SIZE;
    if bytes.len() != expected {
        return Err(Error::malformed(
            "tile",
            format!(
                "`{}` has {} bytes, expected {expected} ({} hashes of 32 bytes)",
                tile.path(),
                bytes.len(),
                tile.width
            ),
        ));
    }
    Ok(bytes
        .chunks_exact(HASH_SIZE)
        .map(|chunk| {
            let mut hash = [0u8; HASH_SIZE];
            hash.copy_from_slice(chunk);
            Hash(hash)
        })
        .collect())
}

/// Appends one entry to an entry bundle under construction.
///
/// # Errors
///
/// [`Error::OutOfRange`] for entries longer than 65,535 bytes.
pub fn push_bundle_entry(bundle: &mut Vec<u8>, entry: &[u8]) -> Result<()> {
    let len = u16::try_from(entry.len()).map_err(|_| {
        Error::OutOfRange(format!(
            "entry of {} bytes exceeds the {MAX_ENTRY_SIZE}-byte limit of tlog-tiles entry bundles",
            entry.len()
        ))
    })?;
    bundle.extend_from_slice(&len.to_be_bytes());
    bundle.extend_from_slice(entry);
    Ok(())
}

/// Splits an entry bundle into its entries, checking that it holds exactly `tile.width` of them.
///
/// # Errors
///
/// [`Error::Malformed`] when a length prefix runs past the end or the count differs.
pub fn parse_entry_bundle<'a>(bytes: &'a [u8], tile: &TileId) -> Result<Vec<&'a [u8]>> {
    let mut out = Vec::with_capacity(usize::from(tile.width));
    let mut rest = bytes;
    while !rest.is_empty() {
        let Some((len, tail)) = rest.split_first_chunk::<2>() else {
            return Err(Error::malformed(
                "entry bundle",
                format!("`{}` ends inside a length prefix", tile.path()),
            ));
        };
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(Error::malformed(
                "entry bundle",
                format!(
                    "`{}`: entry {} claims {len} bytes but only {} remain",
                    tile.path(),
                    out.len(),
                    tail.len()
                ),
            ));
        }
        let (entry, tail) = tail.split_at(len);
        out.push(entry);
        rest = tail;
    }
    if out.len() != usize::from(tile.width) {
        return Err(Error::malformed(
            "entry bundle",
            format!(
                "`{}` holds {} entries, expected {}",
                tile.path(),
                out.len(),
                tile.width
            ),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_c2sp() {
        let t = |level, index, width| TileId {
            kind: TileKind::Hashes { level },
            index,
            width,
        };
        assert_eq!(t(0, 1_234_067, 256).path(), "tile/0/x001/x234/067");
        assert_eq!(t(1, 5, 17).path(), "tile/1/005.p/17");
        assert_eq!(t(2, 1000, 256).path(), "tile/2/x001/000");
        let e = TileId {
            kind: TileKind::Entries,
            index: 273,
            width: 112,
        };
        assert_eq!(e.path(), "tile/entries/273.p/112");
        for tile in [t(0, 1_234_067, 256), t(1, 5, 17), t(2, 1000, 256), e] {
            assert_eq!(TileId::from_path(&tile.path()).unwrap(), tile);
        }
    }

    #[test]
    fn bad_paths_are_named() {
        for (path, reason) in [
            ("tiles/0/000", "does not start with `tile/`"),
            ("tile/64/000", "is not `entries` or a number"),
            ("tile/0/000.p/256", "is not in 1..=255"),
            ("tile/0/000.p/0", "is not in 1..=255"),
            ("tile/0/001/000", "must start with `x`"),
            ("tile/0/x000/001", "not the canonical spelling `tile/0/001`"),
            ("tile/0/1", "is not three decimal digits"),
            ("tile/01/000", "is not `entries` or a number"),
        ] {
            let err = TileId::from_path(path).unwrap_err().to_string();
            assert!(err.contains(reason), "{path}: {err}");
        }
    }

    #[test]
    fn the_spec_example_of_size_70000() {
        let tiles = tiles_for_size(70_000);
        let count = |kind| tiles.iter().filter(|t| t.kind == kind).count();
        assert_eq!(count(TileKind::Hashes { level: 0 }), 274);
        assert_eq!(count(TileKind::Entries), 274);
        assert_eq!(count(TileKind::Hashes { level: 1 }), 2);
        assert_eq!(count(TileKind::Hashes { level: 2 }), 1);
        let partials: Vec<String> = tiles
            .iter()
            .filter(|t| !t.is_full())
            .map(TileId::path)
            .collect();
        assert_eq!(
            partials,
            [
                "tile/0/273.p/112",
                "tile/entries/273.p/112",
                "tile/1/001.p/17",
                "tile/2/000.p/1"
            ]
        );
    }

    #[test]
    fn changed_tiles_cover_the_growth() {
        let changed: Vec<String> = tiles_changed(250, 300).iter().map(TileId::path).collect();
        assert_eq!(
            changed,
            [
                "tile/0/000",
                "tile/0/001.p/44",
                "tile/entries/000",
                "tile/entries/001.p/44",
                "tile/1/000.p/1"
            ]
        );
        assert!(tiles_changed(300, 300).is_empty());
    }

    #[test]
    fn bundles_round_trip_and_reject_truncation() {
        let mut bundle = Vec::new();
        push_bundle_entry(&mut bundle, b"one").unwrap();
        push_bundle_entry(&mut bundle, b"").unwrap();
        let tile = TileId {
            kind: TileKind::Entries,
            index: 0,
            width: 2,
        };
        assert_eq!(
            parse_entry_bundle(&bundle, &tile).unwrap(),
            [&b"one"[..], b""]
        );
        let err = parse_entry_bundle(&bundle[..4], &tile)
            .unwrap_err()
            .to_string();
        assert!(err.contains("claims 3 bytes but only 2 remain"), "{err}");
        let err = parse_entry_bundle(&bundle[..6], &tile)
            .unwrap_err()
            .to_string();
        assert!(err.contains("ends inside a length prefix"), "{err}");
        assert!(push_bundle_entry(&mut bundle, &vec![0; 70_000]).is_err());
        let err = parse_hash_tile(&[0; 33], &tile).unwrap_err().to_string();
        assert!(err.contains("has 33 bytes, expected 64"), "{err}");
    }
}
