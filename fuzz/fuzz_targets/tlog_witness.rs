//! Fuzz the witness: any request body gets an answer, and never a 200 for a log it does not know.
#![no_main]

use freeport_tlog::note::{KeyKind, SigningKey};
use freeport_tlog::witness::{Witness, WitnessState};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let log = SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [1; 32]).unwrap();
    let witness = Witness::new(
        SigningKey::from_seed("witness.example/v1", KeyKind::Cosignature, [2; 32]).unwrap(),
    )
    .unwrap();
    let mut state = WitnessState::default();
    state.add_log(&log.verifier());
    let (response, _) = witness.add_checkpoint(&state, data, 1);
    // Nothing random can carry the log's signature.
    assert_ne!(response.status, 200);
});
