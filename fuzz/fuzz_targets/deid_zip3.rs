//! Fuzzes the ZIP3 population table parser: any text is parsed or refused with an error, and a
//! parsed table answers every ZIP3 without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(t) = freeport_deid::hierarchy::Zip3Table::parse(text, "fuzz") {
        assert!(t.listed() > 0);
        for z in 0..1000 {
            let _ = t.is_small(&format!("{z:03}"));
        }
    }
});
