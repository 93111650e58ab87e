//! Fuzzes the CSV reader from bytes: encoding detection, GB18030 decoding, delimiter sniffing.
#![no_main]

use freeport_read::{ReadOptions, open_csv_reader};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
#[expect(dead_code, reason = "this target reads from memory, not through a file")]
mod common;

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions { batch_rows: 7, ..ReadOptions::default() };
    let source: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    if let Ok(mut reader) = open_csv_reader("fuzz.csv", source, &options) {
        common::drain(reader.as_mut());
    }
});
