//! The main job of Free Data Port: from datasets and a short transfer description to a decision
//! under both countries' rules, a de-identified and sealed package, a record in the store, a
//! receipt from the transparency log, and the evidence a report is written from.
//!
//! # The path of one assessment
//!
//! 1. **Transfer** — the transfer file is transfer facts without an inventory (parties,
//!    scenario, mechanisms in place; `freeport judge --schema`); the rule packs load.
//! 2. **Home** — the store and the log open (created only in a fresh home, refused where they
//!    disagree: [`layout`], [`home`]), and what a crash left half-done is finished first
//!    ([`recover`]).
//! 3. **Scan** — every dataset, salted with the exporter's subject-hash salt from the store, so
//!    people are counted once across files and across transfers ([`inventory`]).
//! 4. **Judge** — both packs, with the volumes the store already holds (`Tx::volumes_before`).
//! 5. **De-identify** (when asked) — a given configuration, or the remedies the judge computed —
//!    then judge again on the result: the inventory keeps its counts and changes form (deleted
//!    categories leave; pseudonymised ones are `pseudonymised`; an output the de-identification
//!    report calls anonymised is `anonymised`).
//! 6. **Seal, record, log** — only for a decision that does not block. In this order, so that a
//!    crash at any point leaves store and log agreeing:
//!    1. the log entry (a `manifest` entry with the package's file hashes and the decision) is
//!       built; no file is in the output directory yet;
//!    2. one store transaction judges again against the store as it is now (refusing if the
//!       answer changed since step 4), records the transfer and queues the entry (outbox);
//!    3. the entry is appended to the log, a checkpoint signed and cosigned, a receipt built;
//!    4. the store marks the entry logged;
//!    5. the outputs are rendered ([`Staged`]), and [`deliver`] renames them into the output
//!       directory and marks the transfer delivered.
//!
//!    A crash between 2 and 3 leaves a queued entry the log lacks: the next start abandons it
//!    together with its transfer (no package was ever delivered). A crash between 3 and 4
//!    leaves an entry the log has: the next start marks it. So the store never counts a
//!    transfer the log does not show, nor the log show one the store does not count.

pub mod audit;
pub mod cosign;
pub mod custody;
pub mod error;
pub mod fault;
pub mod home;
pub mod inventory;
pub mod judge;
pub mod layout;
pub mod log_view;
pub mod pipeline;
pub mod port;
pub mod recover;
pub mod reports;
pub mod rules;
mod stages;
pub mod summary;
pub mod volumes;

pub use error::{AssessError, Cause, Stage};
pub use home::PortLog;
pub use layout::{HomeContents, HomeError, HomeLayout, Initialised};
pub use pipeline::{Assessment, DeidChoice, Outcome, Request, Staged, assess, deliver};
pub use port::{Port, PortError, Principal};
