//! Checking a package's manifest without its ciphertext (the dashboard's `/verify`): the
//! manifest part of [`freeport_seal::verify`] ([`freeport_seal::verify_manifest`]), under a
//! trust file, a log policy or the port's own policy.

use freeport_seal::{Check, Error as SealError, ExporterPublicKey, Trust};
use freeport_tlog::policy::Policy;

use super::invalid;
use crate::PortError;

/// The largest `manifest.json` taken (the seal crate's own cap).
pub use freeport_seal::open::MAX_MANIFEST_BYTES;

/// What an uploaded manifest is checked under.
#[derive(Debug, Clone, Copy)]
pub enum ManifestTrust<'a> {
    /// A trust file (`trust.toml`, its log policy inline): the signer must be one of its
    /// exporters.
    File(&'a str),
    /// A log policy (`trust-policy.txt`, or the port's own): the signer is taken as it signed,
    /// and named for the reader to check.
    Policy(&'a str),
}

/// What a manifest, its signature and its receipt proved ([`prove_manifest`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestProof {
    /// The package's transfer id.
    pub transfer_id: String,
    /// SHA-256 of the signed `manifest.json`, 64 hex digits.
    pub manifest_sha256: String,
    /// The key that signed it (`name+fingerprint`).
    pub signer: String,
    /// Whether the signer was among a trust file's exporters (else only named).
    pub signer_trusted: bool,
    /// The ciphertext the manifest binds: its SHA-256 and size, to compare with a
    /// `payload.age` in hand.
    pub payload_sha256: String,
    /// Its size in bytes.
    pub payload_bytes: u64,
    /// How many files the package holds.
    pub files: usize,
    /// The log's origin.
    pub log_origin: String,
    /// The entry's index in that log.
    pub log_index: u64,
    /// The size of the checkpoint the receipt proved the entry under.
    pub checkpoint_size: u64,
    /// The trust policy's witnesses whose cosignatures verified.
    pub witnesses: Vec<String>,
}

/// Checks `manifest` (the bytes of `manifest.json`) and `signature` (`manifest.sig`) as opening
/// the package would, without its ciphertext: the signature over the exact bytes, the manifest's
/// form, and `receipt` (else the one the manifest carries) proving this manifest's log entry
/// under `trust`.
///
/// # Errors
///
/// [`PortError::Invalid`] naming the part that fails (`manifest`, `signature`, `receipt`,
/// `trust`) and why.
pub fn prove_manifest(
    manifest: &[u8],
    signature: &[u8],
    receipt: Option<&str>,
    trust: ManifestTrust<'_>,
) -> Result<ManifestProof, PortError> {
    let (trust, signer_trusted) = match trust {
        ManifestTrust::File(text) => {
            let trust = Trust::parse(text, std::path::Path::new("trust.toml"))
                .map_err(|e| invalid("trust", format!("is not a trust file: {e}")))?;
            (trust, true)
        }
        ManifestTrust::Policy(text) => {
            let policy = Policy::parse(text)
                .map_err(|e| invalid("trust", format!("is not a trust policy: {e}")))?;
            let signer: ExporterPublicKey = freeport_seal::manifest_signer(signature)
                .map_err(|reason| invalid("signature", reason))?;
            (Trust::new(vec![signer], policy), false)
        }
    };
    let verified =
        freeport_seal::verify_manifest("manifest.json", manifest, signature, receipt, &trust)
            .map_err(|e| match e {
                SealError::Refused(refusal) => {
                    let part = match refusal.check {
                        Check::Exporter | Check::Signature => "signature",
                        Check::Receipt | Check::LogEntry => "receipt",
                        _ => "manifest",
                    };
                    invalid(part, refusal.reason)
                }
                other => PortError::Internal(other.to_string()),
            })?;
    Ok(ManifestProof {
        transfer_id: verified.manifest.transfer_id.clone(),
        manifest_sha256: verified.manifest_sha256.clone(),
        signer: verified.exporter.label(),
        signer_trusted,
        payload_sha256: verified.manifest.payload.sha256.clone(),
        payload_bytes: verified.manifest.payload.bytes,
        files: verified.manifest.files.len(),
        log_origin: verified.log.origin.clone(),
        log_index: verified.log.index,
        checkpoint_size: verified.log.tree_size,
        witnesses: verified.log.witnesses.clone(),
    })
}
