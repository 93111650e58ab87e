//! Fuzzes the ARX hierarchy reader and the generalisation lookups built from it: any input is
//! either refused with an error or yields a hierarchy whose every level maps every leaf.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect();
    if let Ok(h) = freeport_deid::hierarchy::Hierarchy::from_rows(&rows, "fuzz") {
        for level in 0..h.height() {
            for leaf in 0..h.domain_size() as u32 {
                let code = h.generalise(leaf, level);
                assert!((code as usize) < h.cardinality(level));
                let _ = h.share(level, code);
            }
        }
    }
});
