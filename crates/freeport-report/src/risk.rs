//! The risk register: each entry derived from something in the inputs (a sensitive category
//! crossing, a volume close to a threshold, a missing mechanism, residual re-identification
//! risk, an unknown fact, a recipient flag, an incomplete count), with the cause attached so a
//! reader can check it. Likelihood and impact are on a three-step scale; the reasoning for each
//! level is in the code beside it.

use freeport_deid::report::Identifiability;
use freeport_policy::{CollectedIn, Decision, Form, TransferFacts, Tri};
use freeport_vocabulary::{CnClass, CnCounter, CnThreshold, DspCategory};
use serde::{Deserialize, Serialize};

use crate::model::{InventorySection, ReportInput, SideReport};

/// A step of the likelihood and impact scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Low.
    Low = 1,
    /// Medium.
    Medium = 2,
    /// High.
    High = 3,
}

/// One entry of the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskEntry {
    /// `R1`, `R2`, ... in register order (most severe first).
    pub id: String,
    /// How likely the harm is.
    pub likelihood: Level,
    /// How bad it would be.
    pub impact: Level,
    /// What caused the entry; its `kind` also picks the mitigation text.
    pub cause: RiskCause,
}

/// What an entry was derived from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RiskCause {
    /// A sensitive category leaves its country (PIPL Art. 28; 28 CFR 202.249).
    SensitiveCrossing {
        /// Category.
        category: String,
        /// Individuals.
        individuals: u64,
        /// Form as sent.
        form: String,
        /// Regimes under which it is sensitive: `cn`, `us`.
        regimes: Vec<String>,
    },
    /// A cumulative volume is at 80 % or more of a threshold it has not reached.
    VolumeNearThreshold {
        /// `cn` or `us`.
        jurisdiction: String,
        /// Counter: `pi`, `sensitive_pi`, or a 28 CFR 202.205 counter.
        counter: String,
        /// Prior + this transfer (upper bound).
        cumulative: u64,
        /// The threshold.
        threshold: u64,
        /// First day of the counting window.
        window_start: String,
    },
    /// A mechanism the decision requires is missing or expired.
    MissingMechanism {
        /// `cn` or `us`.
        jurisdiction: String,
        /// Mechanism id.
        mechanism: String,
        /// `missing` or `expired`.
        status: String,
    },
    /// A duty the facts cannot show is still to be done.
    OpenDuty {
        /// `cn` or `us`.
        jurisdiction: String,
        /// Mechanism id.
        mechanism: String,
    },
    /// Re-identification risk measured on de-identified output.
    ResidualReidentification {
        /// Dataset.
        dataset: String,
        /// Highest prosecutor risk after.
        highest: f64,
        /// Average prosecutor risk after.
        average: f64,
        /// The threshold for `anonymised`.
        max_risk: f64,
        /// The PIPL call.
        result: String,
    },
    /// A fact the exporter could not state changes the outcome.
    UnknownFact {
        /// Fact name.
        fact: String,
        /// China outcomes across the cases.
        cn: Vec<String>,
        /// US outcomes across the cases.
        us: Vec<String>,
    },
    /// A recipient fact that rules weigh heavily is true or unknown.
    RecipientFlag {
        /// Fact name.
        fact: String,
        /// `true` or `unknown`.
        value: String,
    },
    /// Subject counts of a dataset may be low: rows without a key, or only a sample read.
    IncompleteCount {
        /// Dataset.
        dataset: String,
        /// Rows without a usable key.
        unkeyed_rows: u64,
        /// Rows read.
        rows: u64,
        /// Whether only a sample was read.
        sampled: bool,
    },
    /// An input could not be scanned, so its contents are not assessed.
    ScanFailed {
        /// Input.
        path: String,
        /// Reason.
        reason: String,
    },
}

impl RiskCause {
    /// Order of kinds among entries of equal severity.
    fn rank(&self) -> u8 {
        match self {
            Self::MissingMechanism { .. } => 0,
            Self::RecipientFlag { .. } => 1,
            Self::ScanFailed { .. } => 2,
            Self::UnknownFact { .. } => 3,
            Self::SensitiveCrossing { .. } => 4,
            Self::ResidualReidentification { .. } => 5,
            Self::VolumeNearThreshold { .. } => 6,
            Self::IncompleteCount { .. } => 7,
            Self::OpenDuty { .. } => 8,
        }
    }

    /// The locale key of this kind.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SensitiveCrossing { .. } => "sensitive_crossing",
            Self::VolumeNearThreshold { .. } => "volume_near_threshold",
            Self::MissingMechanism { .. } => "missing_mechanism",
            Self::OpenDuty { .. } => "open_duty",
            Self::ResidualReidentification { .. } => "residual_reidentification",
            Self::UnknownFact { .. } => "unknown_fact",
            Self::RecipientFlag { .. } => "recipient_flag",
            Self::IncompleteCount { .. } => "incomplete_count",
            Self::ScanFailed { .. } => "scan_failed",
        }
    }
}

/// "Near" a threshold: within the last fifth below it, where one more ordinary transfer may
/// cross it within the same window.
const NEAR_NUMERATOR: u64 = 4;
const NEAR_DENOMINATOR: u64 = 5;

pub(crate) fn derive_risks(
    input: &ReportInput<'_>,
    facts: &TransferFacts,
    decision: &Decision,
    sides: &[SideReport],
    inventory: &InventorySection,
) -> Vec<RiskEntry> {
    let mut out: Vec<(Level, Level, RiskCause)> = Vec::new();
    let vocabulary = input.vocabulary;

    for item in &facts.data.inventory {
        let Some(category) = vocabulary.get(&item.category) else {
            continue;
        };
        let mut regimes = Vec::new();
        if category.cn.class == CnClass::SensitivePi
            && item.collected_in == CollectedIn::Cn
            && item.form != Form::Anonymised
        {
            regimes.push("cn".to_owned());
        }
        // De-identified data still counts under 28 CFR 202.206.
        if !freeport_vocabulary::UsCounter::of(category).is_empty()
            && item.collected_in == CollectedIn::Us
            && category.us.dsp != DspCategory::None
        {
            regimes.push("us".to_owned());
        }
        if regimes.is_empty() || item.individuals == 0 {
            continue;
        }
        // Raw data is what a leak exposes directly; pseudonymised data needs the key or a link.
        let likelihood = if item.form == Form::Raw {
            Level::Medium
        } else {
            Level::Low
        };
        out.push((
            likelihood,
            Level::High,
            RiskCause::SensitiveCrossing {
                category: item.category.clone(),
                individuals: item.individuals,
                form: item.form.as_str().to_owned(),
                regimes,
            },
        ));
    }

    let v = &inventory.volumes;
    for cn_threshold in CnThreshold::ALL {
        let counter = cn_threshold.counter();
        let (transfer, prior) = match counter {
            CnCounter::PersonalInformation => (v.cn_pi_transfer[1], v.cn_pi_prior),
            CnCounter::SensitivePersonalInformation => {
                (v.cn_sensitive_transfer[1], v.cn_sensitive_prior)
            }
        };
        let cumulative = prior.saturating_add(transfer);
        let threshold = cn_threshold.value();
        // 以上 includes the number: reaching the threshold is crossing it.
        if near(cumulative, threshold) && !cn_threshold.reached_by(cumulative) {
            out.push((
                Level::High,
                Level::Medium,
                RiskCause::VolumeNearThreshold {
                    jurisdiction: "cn".to_owned(),
                    counter: counter.short_name().to_owned(),
                    cumulative,
                    threshold,
                    window_start: v.cn_window_start.clone(),
                },
            ));
        }
    }
    for (counter, c) in &v.us {
        let cumulative = c.prior.saturating_add(c.transfer[1]);
        // "More than N": N itself is not bulk.
        if near(cumulative, c.threshold) && cumulative <= c.threshold {
            out.push((
                Level::High,
                Level::High,
                RiskCause::VolumeNearThreshold {
                    jurisdiction: "us".to_owned(),
                    counter: counter.clone(),
                    cumulative,
                    threshold: c.threshold,
                    window_start: v.us_window_start.clone().unwrap_or_default(),
                },
            ));
        }
    }

    // The mechanisms as the report shows them (the PIPIA the report is, is not an open duty).
    for side in sides {
        for m in &side.mechanisms {
            match m.status.as_str() {
                "missing" | "expired" => out.push((
                    Level::High,
                    Level::High,
                    RiskCause::MissingMechanism {
                        jurisdiction: side.jurisdiction.clone(),
                        mechanism: m.id.clone(),
                        status: m.status.clone(),
                    },
                )),
                "duty" => out.push((
                    Level::Medium,
                    Level::Medium,
                    RiskCause::OpenDuty {
                        jurisdiction: side.jurisdiction.clone(),
                        mechanism: m.id.clone(),
                    },
                )),
                _ => {}
            }
        }
    }

    for d in input.deid {
        let r = d.report;
        let Some(after) = &r.risk.after else {
            continue;
        };
        let highest = after.prosecutor.highest;
        let max_risk = r.classification.max_risk;
        let anonymised = r.classification.result == Identifiability::Anonymised;
        // Above the threshold the data are not anonymised whatever else holds; pseudonymised
        // data remain personal information (PIPL Art. 73), so the risk is real but bounded.
        let likelihood = if highest > max_risk {
            Level::High
        } else if anonymised {
            Level::Low
        } else {
            Level::Medium
        };
        let impact = if anonymised {
            Level::Medium
        } else {
            Level::High
        };
        out.push((
            likelihood,
            impact,
            RiskCause::ResidualReidentification {
                dataset: d.dataset.to_owned(),
                highest,
                average: after.prosecutor.average,
                max_risk,
                result: r.classification.result.as_str().to_owned(),
            },
        ));
    }

    // Cases exist only when the unknown facts change an outcome.
    let mut unknown: Vec<String> = decision
        .cases
        .iter()
        .flat_map(|c| c.assume.keys().cloned())
        .collect();
    unknown.sort();
    unknown.dedup();
    for fact in unknown {
        let mut cn: Vec<String> = decision.cases.iter().map(|c| c.cn.clone()).collect();
        let mut us: Vec<String> = decision.cases.iter().map(|c| c.us.clone()).collect();
        cn.sort();
        cn.dedup();
        us.sort();
        us.dedup();
        out.push((
            Level::Medium,
            Level::High,
            RiskCause::UnknownFact { fact, cn, us },
        ));
    }

    let r = &facts.recipient;
    // The party conclusions as the judge used them: declared, or derived from the party facts.
    let concluded = |fact: &str| decision.conclusion(fact).unwrap_or(Tri::Unknown);
    for (fact, value) in [
        ("covered_person", concluded("recipient.covered_person")),
        ("padfa_controlled", concluded("recipient.padfa_controlled")),
        (
            "foreign_judicial_or_law_enforcement",
            r.foreign_judicial_or_law_enforcement,
        ),
        ("cac_restricted_list", r.cac_restricted_list),
    ] {
        let likelihood = match value {
            Tri::True => Level::High,
            Tri::Unknown => Level::Medium,
            Tri::False => continue,
        };
        out.push((
            likelihood,
            Level::High,
            RiskCause::RecipientFlag {
                fact: fact.to_owned(),
                value: if value == Tri::True {
                    "true"
                } else {
                    "unknown"
                }
                .to_owned(),
            },
        ));
    }

    for d in &input.scan.datasets {
        if d.unkeyed_rows > 0 || d.sampled {
            out.push((
                Level::Medium,
                Level::Medium,
                RiskCause::IncompleteCount {
                    dataset: d.path.clone(),
                    unkeyed_rows: d.unkeyed_rows,
                    rows: d.rows,
                    sampled: d.sampled,
                },
            ));
        }
    }
    for e in &input.scan.errors {
        out.push((
            Level::High,
            Level::Medium,
            RiskCause::ScanFailed {
                path: e.path.clone(),
                reason: e.reason.clone(),
            },
        ));
    }

    // Most severe first; ties by kind, then in derivation order (stable sort).
    out.sort_by(|a, b| {
        let score = |e: &(Level, Level, RiskCause)| (e.0 as u8) * (e.1 as u8);
        score(b)
            .cmp(&score(a))
            .then(b.1.cmp(&a.1))
            .then(a.2.rank().cmp(&b.2.rank()))
    });
    out.into_iter()
        .enumerate()
        .map(|(i, (likelihood, impact, cause))| RiskEntry {
            id: format!("R{}", i + 1),
            likelihood,
            impact,
            cause,
        })
        .collect()
}

fn near(cumulative: u64, threshold: u64) -> bool {
    // Integer arithmetic, so the boundary is exact.
    u128::from(cumulative) * u128::from(NEAR_DENOMINATOR)
        >= u128::from(threshold) * u128::from(NEAR_NUMERATOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_is_the_last_fifth() {
        assert!(!near(79_999, 100_000));
        assert!(near(80_000, 100_000));
        assert!(near(99_999, 100_000));
    }
}
