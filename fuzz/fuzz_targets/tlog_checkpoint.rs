//! Fuzz the checkpoint body parser: whatever parses must print back to the same text.
#![no_main]

use freeport_tlog::note::Checkpoint;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(checkpoint) = Checkpoint::parse(text)
    {
        assert_eq!(checkpoint.to_text(), text);
    }
});
