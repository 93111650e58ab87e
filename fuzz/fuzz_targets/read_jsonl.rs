//! Fuzzes the JSON Lines reader (one pass: keys collected while rows are spooled).
#![no_main]

use freeport_read::Format;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::read_file(data, "jsonl", Format::JsonLines));
