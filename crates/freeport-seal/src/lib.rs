//! Sealed packages: a transfer's data encrypted to its recipient, described by a manifest that
//! the exporter signs and the transparency log records, and opened only after every check passes.
//!
//! A package is a directory, conventionally `<name>.fdp/`:
//!
//! ```text
//! payload.age     the files as a deterministic tar, encrypted with age to X25519 recipients
//! manifest.json   RFC 8785 canonical JSON (see [`manifest`]): files with sizes, SHA-256 and
//!                 schemas, the ciphertext's SHA-256, classification summary, decision,
//!                 de-identification, and the log receipt (C2SP tlog-proof)
//! manifest.sig    `freeport-manifest-signature/v1`, the exporter's vkey, and a base64 Ed25519
//!                 signature over NUL-terminated `freeport-manifest-signature/v1` + the exact
//!                 bytes of `manifest.json`
//! ```
//!
//! The receipt lives inside the signed manifest, so sealing is two steps around the log append
//! ([`seal`]): [`prepare`] encrypts and fixes the manifest *body* (the manifest without its
//! receipt) — or, apart, [`encrypt`] early and [`Payload::describe`] once the decision is known; the caller appends [`Prepared::entry`] — a `manifest` entry recording the body's
//! SHA-256 and the ciphertext's — and builds a receipt; [`Prepared::finish`] embeds it, signs and
//! renames the package into place. [`open()`] runs every check in a fixed order and refuses with
//! the [`Check`] that failed before anything decrypted reaches the disk.
//!
//! The manifest is a detached Ed25519 signature rather than a signed note because canonical JSON
//! may contain characters (C1 controls) that signed notes forbid; the exporter's key still uses
//! the C2SP vkey format so trust files name exporters as tlog policies name logs ([`keys`]).
//!
//! # Invariants
//!
//! Nothing appears half-written: packages and opened directories are built in a temporary
//! directory beside their destination and renamed into place. No data value is ever put in an
//! error. No network.

mod direct;
mod error;
pub mod keys;
pub mod manifest;
pub mod open;
pub mod opened;
mod payload;
pub mod seal;
pub mod staging;
pub mod trust;

pub use error::{Check, Error, Refusal, Result, TrustError};
pub use keys::{ExporterKey, ExporterPublicKey, KeyRing, load_identities};
pub use manifest::{Column, FileEntry, Manifest};
pub use open::{
    LogProof, Opened, Verified, manifest_signer, open, open_observed, verify, verify_ciphertext,
    verify_manifest,
};
pub use opened::{FirstOpen, OpenedRecord};
pub use payload::PlainFile;
pub use seal::{
    Description, Payload, Prepared, SealRequest, SealedPackage, encrypt, finish_staged, prepare,
};
pub use trust::Trust;
