//! Semiconductor export controls for Free Data Port: objective classification of
//! advanced-computing chips under the published US rules, and screening of end users.
//!
//! - [`classify`]: from a chip's datasheet facts ([`ChipSpec`]) compute TPP and performance
//!   density exactly, then let the Cedar pack in `rules/chips` ([`ChipsPack`]) decide ECCN
//!   3A090.a / .b / .c, 4A090, `.z` items, NAC/ACA eligibility and the licence policy for a
//!   destination and end user on a date. Unknown values give conditional answers.
//! - [`screen`]: normalise organisation names across scripts (Chinese characters, pinyin,
//!   simplified/traditional, full-width, legal forms, word order, typos), screen them against
//!   the Consolidated Screening List and a registry of organisations with an index, score and
//!   explain each hit, and find affiliates owned 50 % or more by listed parties.
//!
//! - [`assurance`]: verified end users and end-use monitoring as typed records — on-site
//!   verification reports, whitelist listings with validity and re-evaluation dates (overdue
//!   reads as suspended), registered devices and attestations checked against the speed of
//!   light in fibre. The port stores, signs and logs them.
//!
//! Facts, thresholds and sources: `/work/shared/reference/export-controls.md`.
//! *Invariant:* pure — inputs in, a serialisable, deterministic answer out; no network, no clock.

pub mod assurance;
pub mod decide;
mod error;
pub mod number;
pub mod pack;
pub mod screen;
pub mod spec;

pub use decide::{Classification, Query, classify};
pub use error::{Error, Located};
pub use pack::ChipsPack;
pub use spec::ChipSpec;
