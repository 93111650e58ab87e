//! Fuzz the tlog-policy parser.
#![no_main]

use freeport_tlog::policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Policy::parse(text);
    }
});
