//! The Free Data Port transparency log: an append-only Merkle log of decisions, manifests, rule
//! packs, publications and attestations that China-side and US-side parties can verify without
//! trusting the operator.
//!
//! Formats are the C2SP ones, so third-party verifiers work on this log: RFC 6962 hashing and
//! proofs ([`merkle`]), tlog-tiles paths and bundles ([`tiles`]), signed notes, checkpoints and
//! cosignatures ([`note`]), typed entries in RFC 8785 canonical JSON ([`entry`]), a durable local
//! log directory ([`store`]), the tlog-witness state machine ([`witness`]), tlog-policy trust
//! policies ([`policy`]), tlog-proof offline receipts ([`receipt`]) and a mirroring auditor
//! ([`audit`]).
//!
//! # What comes from where
//!
//! `tlog_tiles` 0.2 supplies the tree arithmetic (proof generation over stored hashes) and
//! `signed_note` 0.2 the signed-note parser, signer and verifier. They lack, and this crate
//! writes (`transparency-log.md` §9.2): C2SP tile paths (0.2 emits Go sumdb paths), cosignature/v1
//! (`0x04`), storage, the witness, tlog-proof and tlog-policy. Verification of proofs is written
//! here too, to name the failed check and to avoid the crate's per-level copies.
//!
//! # Invariants
//!
//! No HTTP here (`freeport-server` owns it); the store is the only code that writes files; every
//! check fails closed with an [`Error`] naming what failed.

pub mod audit;
pub mod entry;
mod error;
pub mod merkle;
pub mod note;
pub mod policy;
pub mod receipt;
pub mod store;
pub mod tiles;
pub mod witness;

pub use error::{Error, Fork, Result};
