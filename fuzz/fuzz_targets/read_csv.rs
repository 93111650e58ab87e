//! Fuzzes the CSV reader from bytes: encoding detection, GB18030 decoding, delimiter sniffing,
//! and the record-boundary finder: parsing on 1 and on 3 threads must give the same batches
//! and the same first error.
#![no_main]

use freeport_read::{ReadOptions, open_csv_reader};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
#[expect(dead_code, reason = "this target reads from memory, not through a file")]
mod common;

/// Every batch (as its debug text), and the first error's message; `None` if it cannot open.
fn read(data: &[u8], threads: usize) -> Option<(Vec<String>, Option<String>)> {
    let options = ReadOptions { batch_rows: 7, threads, ..ReadOptions::default() };
    let source: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    let mut reader = open_csv_reader("fuzz.csv", source, &options).ok()?;
    let schema = reader.schema();
    let mut batches = Vec::new();
    loop {
        match reader.next_batch() {
            Ok(Some(batch)) => {
                assert_eq!(batch.schema(), schema);
                assert!(batch.num_rows() <= 7);
                batches.push(format!("{batch:?}"));
            }
            Ok(None) => return Some((batches, None)),
            Err(error) => return Some((batches, Some(error.to_string()))),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let one = read(data, 1);
    let three = read(data, 3);
    match (one, three) {
        (None, None) => {}
        (Some((a, ea)), Some((b, eb))) => {
            assert_eq!(ea, eb, "first error differs between 1 and 3 threads");
            assert_eq!(a, b, "batches differ between 1 and 3 threads");
        }
        _ => panic!("opening succeeds on one thread count only"),
    }
});
