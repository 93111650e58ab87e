//! Fuzzes the `deid.toml` parser: any text is parsed or refused with an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = freeport_deid::config::LoadedConfig::parse(text, "fuzz.toml", std::path::PathBuf::new());
    }
});
