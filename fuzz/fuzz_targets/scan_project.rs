//! Fuzzes the project file's `[classification]` parser (issue 16 item 5) and the codebook CSV
//! parser: any text is parsed or refused with an error, never a panic; a custom detector's
//! pattern compiles within its size bound or is refused.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let path = std::path::Path::new("fuzz.toml");
        let _ = freeport_scan::project::Project::parse(path, text.to_owned());
        let _ = freeport_scan::project::parse_codebook(std::path::Path::new("fuzz.csv"), text);
    }
});
