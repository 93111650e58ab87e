//! Fuzz the tlog-proof receipt parser and offline verifier.
#![no_main]

use freeport_tlog::note::{KeyKind, SigningKey};
use freeport_tlog::policy::Policy;
use freeport_tlog::receipt::Receipt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(receipt) = Receipt::parse(text) {
        assert_eq!(Receipt::parse(&receipt.to_text()).unwrap(), receipt);
        let key = SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [1; 32]).unwrap();
        let _ = receipt.verify(&Policy::log_only(key.verifier()), None);
    }
});
