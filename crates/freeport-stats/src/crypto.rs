//! Keys and encryption.
//!
//! - **Input shares** are encrypted with HPKE (RFC 9180, base mode, DHKEM(X25519, HKDF-SHA256),
//!   HKDF-SHA256, export-only AEAD): a site encapsulates once per upload and aggregator
//!   ([`ShareSealer`]) and exports one AES-256-GCM key from that context; each report's share
//!   is sealed under it with a 96-bit GCM nonce derived from the report's nonce (SHA-256,
//!   truncated: distinct report nonces give distinct GCM nonces but with probability ~2^-75
//!   per upload of 2,000) and the report's public parts as associated data, so a share moved to
//!   another report, or altered, does not open (AES-GCM rather than ChaCha20-Poly1305: with
//!   AES-NI its per-message setup is a fraction of Poly1305's vectorised one, and every report
//!   is its own short message). One export and one key schedule per upload, not per report. A
//!   report whose share does not open is rejected alone; the batch goes on.
//! - **Aggregate shares** and **verification-key halves** are sealed the same way to one
//!   recipient ([`seal_to`], [`open_with`]).
//! - **Signatures** (study, collection requests) are Ed25519 ([`SigningKey`]).
//! - **Peer requests** between the aggregators carry an HMAC-SHA256 under a key derived from the
//!   study's verification key, which only the two aggregators hold ([`peer_mac`]).

use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer, Verifier};
use hmac::{KeyInit as _, Mac};
use hpke::aead::ExportOnlyAead;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use rand_core::OsRng;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

type Kem = X25519HkdfSha256;
type PublicKey = <Kem as hpke::Kem>::PublicKey;
type PrivateKey = <Kem as hpke::Kem>::PrivateKey;
type Encapped = <Kem as hpke::Kem>::EncappedKey;

/// Base64 of bytes.
#[must_use]
pub fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Bytes of base64.
///
/// # Errors
///
/// When the text is not base64.
pub fn unb64(text: &str) -> Result<Vec<u8>> {
    B64.decode(text)
        .map_err(|e| Error::Protocol(format!("not base64: {e}")))
}

/// A 32-byte key from base64.
#[must_use]
pub fn b64_32(text: &str) -> Option<[u8; 32]> {
    B64.decode(text).ok()?.try_into().ok()
}

/// An HPKE key pair (X25519).
#[derive(Clone)]
pub struct HpkeKeyPair {
    secret: PrivateKey,
    public: PublicKey,
}

impl std::fmt::Debug for HpkeKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HpkeKeyPair")
            .field("public", &self.public_b64())
            .finish_non_exhaustive()
    }
}

impl HpkeKeyPair {
    /// A fresh key pair from the OS generator.
    #[must_use]
    pub fn generate() -> Self {
        let (secret, public) = Kem::gen_keypair(&mut OsRng);
        Self { secret, public }
    }

    /// The key pair of a stored secret key (base64).
    ///
    /// # Errors
    ///
    /// The text is not a 32-byte X25519 secret key.
    pub fn from_secret_b64(text: &str) -> Result<Self> {
        let bytes = unb64(text.trim())?;
        let secret =
            PrivateKey::from_bytes(&bytes).map_err(|e| Error::crypto("HPKE secret key", e))?;
        let public = Kem::sk_to_pk(&secret);
        Ok(Self { secret, public })
    }

    /// The secret key, base64 (for the key file).
    #[must_use]
    pub fn secret_b64(&self) -> String {
        b64(&self.secret.to_bytes())
    }

    /// The public key, base64 (for the study).
    #[must_use]
    pub fn public_b64(&self) -> String {
        b64(&self.public.to_bytes())
    }
}

fn public_key(text: &str, what: &str) -> Result<PublicKey> {
    let bytes = unb64(text)?;
    PublicKey::from_bytes(&bytes).map_err(|e| Error::crypto(what, e))
}

/// Seals many reports' shares to one aggregator under one HPKE encapsulation.
pub struct ShareSealer {
    encapped: Vec<u8>,
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for ShareSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShareSealer").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ShareOpener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShareOpener").finish_non_exhaustive()
    }
}

impl ShareSealer {
    /// A sealer to the aggregator key `recipient` (base64) with HPKE `info`.
    ///
    /// # Errors
    ///
    /// The key is not an X25519 public key.
    pub fn new(recipient: &str, info: &[u8]) -> Result<Self> {
        let pk = public_key(recipient, "aggregator HPKE key")?;
        let (encapped, context) = hpke::setup_sender::<ExportOnlyAead, HkdfSha256, Kem, _>(
            &OpModeS::Base,
            &pk,
            info,
            &mut OsRng,
        )
        .map_err(|e| Error::crypto("HPKE encapsulation", e))?;
        let mut key = [0u8; 32];
        context
            .export(EXPORT_LABEL, &mut key)
            .map_err(|e| Error::crypto("HPKE export", e))?;
        Ok(Self {
            encapped: encapped.to_bytes().to_vec(),
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key)),
        })
    }

    /// The encapsulated key the recipient needs.
    #[must_use]
    pub fn encapped(&self) -> &[u8] {
        &self.encapped
    }

    /// Seals one report's share, keyed by its nonce, bound to `aad`.
    ///
    /// # Errors
    ///
    /// Never in practice (export and encryption of bounded inputs).
    pub fn seal(&self, nonce: &[u8], share: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        self.cipher
            .encrypt(
                Nonce::from_slice(&gcm_nonce(nonce)),
                Payload { msg: share, aad },
            )
            .map_err(|e| Error::crypto("share encryption", e))
    }
}

/// Opens the shares of one upload sealed by a [`ShareSealer`].
pub struct ShareOpener {
    cipher: Aes256Gcm,
}

impl ShareOpener {
    /// Decapsulates `encapped` with the aggregator's key pair.
    ///
    /// # Errors
    ///
    /// The encapsulated key is malformed.
    pub fn new(keys: &HpkeKeyPair, encapped: &[u8], info: &[u8]) -> Result<Self> {
        let encapped = Encapped::from_bytes(encapped)
            .map_err(|e| Error::crypto("HPKE encapsulated key", e))?;
        let context = hpke::setup_receiver::<ExportOnlyAead, HkdfSha256, Kem>(
            &OpModeR::Base,
            &keys.secret,
            &encapped,
            info,
        )
        .map_err(|e| Error::crypto("HPKE decapsulation", e))?;
        let mut key = [0u8; 32];
        context
            .export(EXPORT_LABEL, &mut key)
            .map_err(|e| Error::crypto("HPKE export", e))?;
        Ok(Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key)),
        })
    }

    /// Opens one report's share.
    ///
    /// # Errors
    ///
    /// The ciphertext, nonce or associated data do not match.
    pub fn open(&self, nonce: &[u8], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        self.cipher
            .decrypt(
                Nonce::from_slice(&gcm_nonce(nonce)),
                Payload { msg: sealed, aad },
            )
            .map_err(|_| Error::crypto("share decryption", "the ciphertext does not open"))
    }
}

/// The HPKE exporter context of an upload's share key.
const EXPORT_LABEL: &[u8] = b"freeport-stats upload share key";

/// A report's 96-bit AES-GCM nonce: SHA-256 of a domain tag and its report nonce, truncated.
fn gcm_nonce(nonce: &[u8]) -> [u8; 12] {
    let digest = Sha256::new()
        .chain_update(b"freeport-stats share nonce\0")
        .chain_update(nonce)
        .finalize();
    let mut out = [0u8; 12];
    out.copy_from_slice(&digest[..12]);
    out
}

/// A message sealed to one recipient: HPKE encapsulation and the ciphertext.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sealed {
    /// The encapsulated key (base64).
    pub enc: String,
    /// The ciphertext (base64).
    pub ciphertext: String,
}

/// Seals `plaintext` to `recipient` (base64 HPKE key).
///
/// # Errors
///
/// The key is not an X25519 public key.
pub fn seal_to(recipient: &str, info: &[u8], plaintext: &[u8]) -> Result<Sealed> {
    let sealer = ShareSealer::new(recipient, info)?;
    let ciphertext = sealer.seal(b"single", plaintext, info)?;
    Ok(Sealed {
        enc: b64(sealer.encapped()),
        ciphertext: b64(&ciphertext),
    })
}

/// Opens a message sealed to `keys` by [`seal_to`].
///
/// # Errors
///
/// The message is malformed or not sealed to this key with this `info`.
pub fn open_with(keys: &HpkeKeyPair, info: &[u8], sealed: &Sealed) -> Result<Vec<u8>> {
    let opener = ShareOpener::new(keys, &unb64(&sealed.enc)?, info)?;
    opener.open(b"single", &unb64(&sealed.ciphertext)?, info)
}

/// An Ed25519 signing key.
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &self.public_b64())
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh key.
    #[must_use]
    pub fn generate() -> Self {
        Self(ed25519_dalek::SigningKey::generate(&mut OsRng))
    }

    /// A stored key (base64 of the 32-byte seed).
    ///
    /// # Errors
    ///
    /// The text is not 32 bytes of base64.
    pub fn from_b64(text: &str) -> Result<Self> {
        let seed = b64_32(text.trim())
            .ok_or_else(|| Error::crypto("signing key", "not 32 bytes of base64"))?;
        Ok(Self(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// The seed, base64 (for the key file).
    #[must_use]
    pub fn secret_b64(&self) -> String {
        b64(self.0.as_bytes())
    }

    /// The public key, base64.
    #[must_use]
    pub fn public_b64(&self) -> String {
        b64(self.0.verifying_key().as_bytes())
    }

    /// A signature over `message`, base64.
    #[must_use]
    pub fn sign_b64(&self, message: &[u8]) -> String {
        b64(&self.0.sign(message).to_bytes())
    }
}

/// Verifies an Ed25519 signature (all base64); the error says why it fails.
///
/// # Errors
///
/// A malformed key or signature, or one that does not verify.
pub fn verify_signature(
    public: &str,
    message: &[u8],
    signature: &str,
) -> std::result::Result<(), String> {
    let key = b64_32(public).ok_or("the key is not 32 bytes of base64")?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|e| e.to_string())?;
    let sig: [u8; 64] = B64
        .decode(signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the signature is not 64 bytes of base64")?;
    key.verify(message, &ed25519_dalek::Signature::from_bytes(&sig))
        .map_err(|_| "the signature does not verify".to_owned())
}

/// The HMAC-SHA256 (hex) of a peer request body under the study's verification key.
#[must_use]
pub fn peer_mac(verify_key: &[u8; 32], body: &[u8]) -> String {
    let key = Sha256::new()
        .chain_update(b"freeport-stats peer auth\0")
        .chain_update(verify_key)
        .finalize();
    // HMAC takes keys of any length; should that ever fail, the empty MAC matches nothing.
    let Ok(mut mac) = <hmac::Hmac<Sha256>>::new_from_slice(&key) else {
        return String::new();
    };
    mac.update(body);
    crate::study::hex(&mac.finalize().into_bytes())
}

/// Checks a peer request's MAC in constant time.
#[must_use]
pub fn peer_mac_ok(verify_key: &[u8; 32], body: &[u8], mac: &str) -> bool {
    let expected = peer_mac(verify_key, body);
    !expected.is_empty()
        && expected.len() == mac.len()
        && expected
            .bytes()
            .zip(mac.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// 32 random bytes from the OS.
///
/// # Errors
///
/// The OS generator fails.
pub fn random32() -> Result<[u8; 32]> {
    let mut out = [0u8; 32];
    getrandom::fill(&mut out).map_err(|e| Error::crypto("OS random generator", e))?;
    Ok(out)
}

/// The mode of files that are not secret (the 0600 of `tempfile`, which wrote them before).
const NOT_SECRET_MODE: u32 = 0o600;

/// Writes a file through a temporary name in the same directory, fsync'd, then renamed
/// ([`freeport_util::AtomicFile`]); `secret` files are created 0600. So far every file is: the
/// others kept the 0600 of the temporary files they were written through.
///
/// # Errors
///
/// The file cannot be written.
pub fn write_atomic(path: &Path, bytes: &[u8], secret: bool) -> Result<()> {
    let mode = if secret { 0o600 } else { NOT_SECRET_MODE };
    let mut file =
        freeport_util::AtomicFile::create_with_mode(path, mode).map_err(|e| Error::io(path, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.commit().map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_open_only_with_their_key_nonce_and_aad() {
        let keys = HpkeKeyPair::generate();
        let other = HpkeKeyPair::generate();
        let sealer = ShareSealer::new(&keys.public_b64(), b"info").unwrap();
        let sealed = sealer.seal(b"nonce-1", b"share", b"aad").unwrap();
        let opener = ShareOpener::new(&keys, sealer.encapped(), b"info").unwrap();
        assert_eq!(opener.open(b"nonce-1", &sealed, b"aad").unwrap(), b"share");
        assert!(opener.open(b"nonce-2", &sealed, b"aad").is_err());
        assert!(opener.open(b"nonce-1", &sealed, b"other").is_err());
        // A bad share does not desynchronise the next one.
        let second = sealer.seal(b"nonce-2", b"next", b"aad").unwrap();
        assert_eq!(opener.open(b"nonce-2", &second, b"aad").unwrap(), b"next");
        let wrong = ShareOpener::new(&other, sealer.encapped(), b"info").unwrap();
        assert!(wrong.open(b"nonce-1", &sealed, b"aad").is_err());
        // One key per upload: another upload's encapsulation, or other `info`, does not open it.
        let next_upload = ShareSealer::new(&keys.public_b64(), b"info").unwrap();
        let next_opener = ShareOpener::new(&keys, next_upload.encapped(), b"info").unwrap();
        assert!(next_opener.open(b"nonce-1", &sealed, b"aad").is_err());
        let other_info = ShareOpener::new(&keys, sealer.encapped(), b"info2").unwrap();
        assert!(other_info.open(b"nonce-1", &sealed, b"aad").is_err());
        // Sealing is randomised per upload: the same share and nonce differ across uploads.
        assert_ne!(
            next_upload.seal(b"nonce-1", b"share", b"aad").unwrap(),
            sealed
        );
        let sealed = seal_to(&keys.public_b64(), b"x", b"secret").unwrap();
        assert_eq!(open_with(&keys, b"x", &sealed).unwrap(), b"secret");
        assert!(open_with(&other, b"x", &sealed).is_err());
    }

    #[test]
    fn keys_round_trip_and_signatures_verify() {
        let keys = HpkeKeyPair::generate();
        let again = HpkeKeyPair::from_secret_b64(&keys.secret_b64()).unwrap();
        assert_eq!(again.public_b64(), keys.public_b64());
        let key = SigningKey::generate();
        let sig = key.sign_b64(b"m");
        assert!(verify_signature(&key.public_b64(), b"m", &sig).is_ok());
        assert!(verify_signature(&key.public_b64(), b"n", &sig).is_err());
        let vk = [7u8; 32];
        let mac = peer_mac(&vk, b"body");
        assert!(peer_mac_ok(&vk, b"body", &mac));
        assert!(!peer_mac_ok(&[8u8; 32], b"body", &mac));
    }
}
