//! Fuzzes the spreadsheet reader (calamine) on arbitrary bytes named `.xlsx`.
#![no_main]

use freeport_read::Format;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::read_file(data, "xlsx", Format::Spreadsheet));
