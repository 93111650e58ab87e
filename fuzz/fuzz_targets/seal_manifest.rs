//! Fuzz the sealed-package manifest and signature-file parsers: no input may panic, and whatever
//! parses is canonical (re-serialises to the same bytes) and yields a body hash.
#![no_main]

use freeport_seal::keys::ManifestSignature;
use freeport_seal::manifest::Manifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(manifest) = Manifest::parse(data) {
        assert_eq!(manifest.to_bytes().unwrap(), data);
        assert_eq!(manifest.body_sha256().unwrap().len(), 64);
        let _ = manifest.log_entry();
    }
    if let Ok(signature) = ManifestSignature::parse(data) {
        let text = format!(
            "freeport-manifest-signature/v1\n{}\n{}\n",
            signature.signer,
            base64::Engine::encode(&base64::prelude::BASE64_STANDARD, signature.signature)
        );
        assert_eq!(text.as_bytes(), data);
    }
});
