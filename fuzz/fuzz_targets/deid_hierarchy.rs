//! Fuzzes the ARX hierarchy file parser (delimiter sniffing, CSV, line numbering across blank
//! lines) and the generalisation lookups built from it: any input is either refused with an
//! error or yields a hierarchy whose every level maps every leaf.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(h) = freeport_deid::hierarchy::Hierarchy::parse(text, "fuzz") {
        for level in 0..h.height() {
            for leaf in 0..h.domain_size() as u32 {
                let code = h.generalise(leaf, level);
                assert!((code as usize) < h.cardinality(level));
                let _ = h.share(level, code);
            }
        }
    }
});
