//! Fuzzes the witness's `add-checkpoint` request parser: any body is parsed or refused, and
//! whatever parses re-serialises to a body that parses to the same request.
#![no_main]

use freeport_tlog::witness::AddCheckpoint;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = AddCheckpoint::parse(data) {
        assert!(request.proof.len() <= 63);
        let again = AddCheckpoint::parse(request.to_text().as_bytes()).unwrap();
        assert_eq!(again, request);
    }
});
