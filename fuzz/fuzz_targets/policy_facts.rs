//! Fuzzes the transfer-facts parser (`freeport judge FACTS`, `assess --transfer`) in both of its
//! formats: any text is parsed or refused with an error, never a panic.
#![no_main]

use std::sync::OnceLock;

use freeport_policy::{FactsFormat, Judge, parse_facts};
use libfuzzer_sys::fuzz_target;

fn judge() -> &'static Judge {
    static JUDGE: OnceLock<Judge> = OnceLock::new();
    JUDGE.get_or_init(|| {
        let vocabulary = freeport_vocabulary::Vocabulary::embedded().unwrap();
        Judge::embedded(vocabulary).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [FactsFormat::Toml, FactsFormat::Json] {
        let _ = parse_facts("fuzz", text, format, judge());
    }
});
