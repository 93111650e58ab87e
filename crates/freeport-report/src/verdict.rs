//! The one reading of the decision that every banner, summary and section of the report uses,
//! so that no two parts of the report can disagree: the cover's headline, each country's box,
//! the risk register and the sign-off all take their state from [`Summary::of`] and their
//! mechanisms' state from [`mechanism_status`].
//!
//! The contradictions this rules out (issue 17, "no contradictions"): a banner saying the
//! obligations below apply above sides that have none; the PIPIA listed as "to be done" inside
//! the report that is the PIPIA; a country's box saying "no mechanism is required" beside a
//! prohibition that says "do not proceed until …".

use serde::{Deserialize, Serialize};

use crate::model::SideReport;

/// The mechanism that is this report itself, when the China side calls for it: the
/// personal-information protection impact assessment (PIPL Arts 55–56). Its state in the report
/// is [`THIS_REPORT`] rather than "to be done".
pub const PIPIA: &str = "pipia";

/// The status the report gives the PIPIA duty: carried out by this report, complete once it is
/// signed (the sign-off section).
pub const THIS_REPORT: &str = "this_report";

/// The state of a mechanism as the report shows it: the judge's status (`in_place`, `expired`,
/// `missing`, `duty`), except that the PIPIA duty is [`THIS_REPORT`] when the report is
/// itself the PIPIA (`report_is_pipia`).
#[must_use]
pub fn mechanism_status<'a>(id: &str, status: &'a str, report_is_pipia: bool) -> &'a str {
    if report_is_pipia && id == PIPIA && status == "duty" {
        THIS_REPORT
    } else {
        status
    }
}

/// What the whole transfer comes to, for the cover's headline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// At least one side blocks the transfer as described.
    Blocked,
    /// Nothing blocks it, and at least one side lists a mechanism or an obligation.
    ObligationsApply,
    /// Nothing blocks it and neither side asks anything.
    Clear,
}

/// What one side comes to, for its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SideState {
    /// The side blocks the transfer as described (a prohibition, or a mechanism missing or
    /// expired).
    Blocked,
    /// It does not block; it lists mechanisms or obligations to meet.
    ObligationsApply,
    /// It asks nothing.
    Clear,
}

/// The verdict and each side's state, China first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The headline.
    pub verdict: Verdict,
    /// Each side, China first.
    pub sides: Vec<SideSummary>,
}

/// One side's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideSummary {
    /// `cn` or `us`.
    pub jurisdiction: String,
    /// What the side comes to.
    pub state: SideState,
}

impl Summary {
    /// Reads `sides` (the report's headline decision): the only place the report decides what a
    /// side and the whole transfer come to.
    #[must_use]
    pub fn of(sides: &[SideReport]) -> Self {
        let states: Vec<SideSummary> = sides
            .iter()
            .map(|s| SideSummary {
                jurisdiction: s.jurisdiction.clone(),
                state: side_state(s),
            })
            .collect();
        let verdict = if states.iter().any(|s| s.state == SideState::Blocked) {
            Verdict::Blocked
        } else if states
            .iter()
            .any(|s| s.state == SideState::ObligationsApply)
        {
            Verdict::ObligationsApply
        } else {
            Verdict::Clear
        };
        Self {
            verdict,
            sides: states,
        }
    }

    /// The state of the side of `jurisdiction` (`Clear` when the report has no such side).
    #[must_use]
    pub fn side(&self, jurisdiction: &str) -> SideState {
        self.sides
            .iter()
            .find(|s| s.jurisdiction == jurisdiction)
            .map_or(SideState::Clear, |s| s.state)
    }
}

fn side_state(side: &SideReport) -> SideState {
    if side.blocking {
        SideState::Blocked
    } else if side.mechanisms.is_empty() && side.obligations.is_empty() {
        SideState::Clear
    } else {
        SideState::ObligationsApply
    }
}
