//! Fuzz the signed-note parser and verifier: any bytes either parse and verify or give an error.
#![no_main]

use freeport_tlog::note::{KeyKind, SigningKey, open_note};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [1; 32]).unwrap();
    let witness =
        SigningKey::from_seed("witness.example/v1", KeyKind::Cosignature, [2; 32]).unwrap();
    let _ = open_note(data, &[key.verifier(), witness.verifier()], "note");
});
