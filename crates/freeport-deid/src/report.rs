//! The de-identification report: the figures a reviewer checks first (transformation, metric,
//! classes, suppressed rows, risk before and after, the 去标识化 / 匿名化 call), then the run in
//! GB/T 37964-2019's process order (确定目标 → 识别标识 → 处理标识 → 验证批准, with 监控审查
//! throughout). Deterministic: maps are ordered, no timings or paths of temporary files.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Role;
use crate::metric::Metric;
use crate::profile::Profile;
use crate::risk::Risk;
use crate::search::Solution;

/// The report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Report format version.
    pub version: u32,
    /// Quasi-identifier → level (0 = original).
    pub transformation: BTreeMap<String, usize>,
    /// The metric at the chosen transformation.
    pub metric: MetricReport,
    /// Equivalence classes among the output records.
    pub classes: usize,
    /// Records suppressed.
    pub suppressed_rows: u64,
    /// Records in.
    pub input_rows: usize,
    /// Records out.
    pub output_rows: usize,
    /// Re-identification risk before and after.
    pub risk: RiskPair,
    /// Pseudonymised or anonymised, and why.
    pub classification: Classification,
    /// The run in GB/T 37964's order.
    pub process: Vec<Step>,
}

/// `metric` in the report.
#[derive(Debug, Clone, Serialize)]
pub struct MetricReport {
    /// Metric name.
    pub name: String,
    /// Its value (ARX's scalar for the aggregate).
    pub value: f64,
    /// The aggregate over attributes.
    pub aggregate: String,
    /// Per quasi-identifier, for multi-dimensional metrics.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub per_attribute: BTreeMap<String, f64>,
}

/// Risk before and after.
#[derive(Debug, Clone, Serialize)]
pub struct RiskPair {
    /// On the input's quasi-identifiers.
    pub before: Option<Risk>,
    /// On the output's.
    pub after: Option<Risk>,
}

/// How identifiable an output is, in PIPL's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Identifiability {
    /// Direct identifiers remain: personal information, not de-identified.
    Identifiable,
    /// 去标识化: identifiable again with additional information (PIPL Art. 73(3)).
    Pseudonymised,
    /// 匿名化: cannot identify and cannot be restored (PIPL Art. 73(4)).
    Anonymised,
}

impl Identifiability {
    /// `identifiable`, `pseudonymised` or `anonymised`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Identifiable => "identifiable",
            Self::Pseudonymised => "pseudonymised",
            Self::Anonymised => "anonymised",
        }
    }

    /// The Chinese term.
    #[must_use]
    pub const fn zh(self) -> &'static str {
        match self {
            Self::Identifiable => "可识别（未去标识化）",
            Self::Pseudonymised => "去标识化",
            Self::Anonymised => "匿名化",
        }
    }
}

impl std::fmt::Display for Identifiability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The PIPL call.
#[derive(Debug, Clone, Serialize)]
pub struct Classification {
    /// Anonymised, pseudonymised or identifiable.
    pub result: Identifiability,
    /// The Chinese term.
    pub zh: String,
    /// Why, in order.
    pub reasons: Vec<String>,
    /// Highest prosecutor risk allowed for `anonymised`.
    pub max_risk: f64,
    /// Where that threshold comes from.
    pub max_risk_source: String,
}

/// The privacy model as run.
#[derive(Debug, Clone, Serialize)]
pub struct ModelReport {
    /// k.
    pub k: u32,
    /// Suppression limit (share).
    pub suppression_limit: f64,
    /// Suppression limit in records.
    pub max_suppressed_rows: u64,
    /// l-diversity and t-closeness criteria.
    pub criteria: Vec<String>,
    /// Whether predictive tagging was used (the model is monotone).
    pub monotone: bool,
}

/// One column in step 2 and 3.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnReport {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Vocabulary category, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// What was done.
    pub technique: String,
    /// ISO/IEC 20889 class of the technique.
    pub iso_20889_class: String,
    /// Hierarchy used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hierarchy: Option<String>,
    /// Generalisation level chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<usize>,
    /// Whether the key holder can restore or link it.
    pub restorable: bool,
    /// Remarks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One step of GB/T 37964's process.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Its place: 1–4, or `monitoring`.
    pub step: String,
    /// Chinese name as in the standard.
    pub zh: String,
    /// English name.
    pub en: String,
    /// What the run did in this step.
    pub content: serde_json::Value,
}

impl Report {
    /// Assembles the report.
    #[expect(
        clippy::too_many_arguments,
        reason = "one constructor for one flat report"
    )]
    #[must_use]
    pub fn new(
        qi_names: &[String],
        solution: Option<&Solution>,
        metric: Metric,
        model: ModelReport,
        profile: Option<Profile>,
        profile_actions: Vec<String>,
        columns: Vec<ColumnReport>,
        risk: RiskPair,
        classification: Classification,
        input_rows: usize,
        output_rows: usize,
        max_risk: f64,
    ) -> Self {
        let transformation: BTreeMap<String, usize> = solution
            .map(|s| {
                qi_names
                    .iter()
                    .cloned()
                    .zip(s.levels.iter().copied())
                    .collect()
            })
            .unwrap_or_default();
        let per_attribute = solution
            .map(|s| {
                qi_names
                    .iter()
                    .cloned()
                    .zip(s.score.per_attribute.iter().copied())
                    .collect()
            })
            .unwrap_or_default();
        let aggregate = serde_json::to_value(metric.aggregate())
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let metric_report = MetricReport {
            name: metric.name().to_owned(),
            value: solution.map_or(0.0, |s| s.score.value),
            aggregate,
            per_attribute,
        };
        let classes = solution.map_or(0, |s| s.classes);
        let suppressed_rows = solution.map_or(0, |s| s.suppressed_rows);
        let process = vec![
            Step {
                step: "1".into(),
                zh: "确定目标".into(),
                en: "set objectives".into(),
                content: serde_json::json!({
                    "privacy_model": model,
                    "metric": metric.name(),
                    "profile": profile.map(|p| serde_json::json!({"name": p.name(), "basis": p.basis(), "actions": profile_actions})),
                    "anonymised_if": format!("no direct identifier or restorable value remains and the highest prosecutor risk is at most {max_risk}"),
                }),
            },
            Step {
                step: "2".into(),
                zh: "识别标识".into(),
                en: "identify identifiers".into(),
                content: serde_json::json!({
                    "direct_identifiers": names(&columns, Role::Identifier),
                    "quasi_identifiers": names(&columns, Role::QuasiIdentifier),
                    "sensitive": names(&columns, Role::Sensitive),
                    "insensitive": names(&columns, Role::Insensitive),
                }),
            },
            Step {
                step: "3".into(),
                zh: "处理标识".into(),
                en: "process identifiers".into(),
                content: serde_json::json!({
                    "columns": columns,
                    "transformation": transformation,
                    "suppressed_rows": suppressed_rows,
                    "search": "optimal global recoding (full-domain generalisation + record suppression), Flash-style with predictive tagging; result equals exhaustive search",
                }),
            },
            Step {
                step: "4".into(),
                zh: "验证批准".into(),
                en: "verify and approve".into(),
                content: serde_json::json!({
                    "model_satisfied": solution.is_some(),
                    "risk_reduction": risk.before.as_ref().zip(risk.after.as_ref()).map(|(b, a)| serde_json::json!({
                        "highest_prosecutor_risk": [b.prosecutor.highest, a.prosecutor.highest],
                        "sample_uniques": [b.sample_uniques, a.sample_uniques],
                    })),
                    "classification": classification.result,
                    "approval": "to be signed by the data protection officer; the software does not approve",
                }),
            },
            Step {
                step: "monitoring".into(),
                zh: "监控审查".into(),
                en: "monitor and review".into(),
                content: serde_json::json!({
                    "reassess_when": [
                        "the data are joined with other data or published more widely",
                        "new external data sets make the quasi-identifiers more linkable",
                        "the recipient, purpose or volume changes",
                        "a key used for pseudonyms or tokens is exposed or rotated",
                    ],
                    "keep": "this report with the configuration and hierarchies used; PIPIA records are kept at least 3 years (conventions.md §7)",
                }),
            },
        ];
        Self {
            version: 1,
            transformation,
            metric: metric_report,
            classes,
            suppressed_rows,
            input_rows,
            output_rows,
            risk,
            classification,
            process,
        }
    }
}

fn names(columns: &[ColumnReport], role: Role) -> Vec<&str> {
    columns
        .iter()
        .filter(|c| c.role == role)
        .map(|c| c.name.as_str())
        .collect()
}
