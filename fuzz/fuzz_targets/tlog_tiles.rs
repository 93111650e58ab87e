//! Fuzz tile paths and entry bundles: parsed paths are canonical; bundles parse or fail cleanly.
#![no_main]

use freeport_tlog::tiles::{TileId, TileKind, parse_entry_bundle, parse_hash_tile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(path) = std::str::from_utf8(data)
        && let Ok(tile) = TileId::from_path(path)
    {
        assert_eq!(tile.path(), path);
    }
    let width = u16::from(data.first().copied().unwrap_or(1).max(1));
    let bundle = TileId { kind: TileKind::Entries, index: 0, width };
    let _ = parse_entry_bundle(data, &bundle);
    let tile = TileId { kind: TileKind::Hashes { level: 0 }, index: 0, width };
    let _ = parse_hash_tile(data, &tile);
});
