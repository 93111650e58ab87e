//! Fuzzes the Parquet reader and the conversion of every Arrow type to text.
#![no_main]

use freeport_read::Format;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::read_file(data, "parquet", Format::Parquet));
