//! One de-identification run: configuration + table → output table + report. Follows GB/T
//! 37964-2019's process (deid-standards.md §2): set objectives (model, metric, profile),
//! identify identifiers (roles), process them (transforms, optimal generalisation,
//! suppression), verify (risk before and after, 去标识化 / 匿名化).

use std::collections::BTreeMap;
use std::path::Path;

use freeport_read::SourceInfo;

use crate::config::{
    AggregateName, CheckConfig, DistanceConfig, HierarchyConfig, LVariant, LoadedConfig,
    MetricName, Role, TransformConfig, Unlisted,
};
use crate::error::{Error, Result};
use crate::hierarchy::{Builtin, Hierarchy, Zip3Table};
use crate::io::{InputOptions, OutputFormat};
use crate::metric::{Aggregate, Metric};
use crate::model::{Distance, LDiversity, PrivacyModel, SensitiveCriterion};
use crate::profile::{CN_FLOORS_SOURCE, DEFAULT_MAX_RISK, HIPAA_AGE_TOP, MAX_RISK_SOURCE, Profile};
use crate::progress::{NoProgress, Progress, Stage};
use crate::report::{Classification, ColumnReport, Identifiability, ModelReport, Report, RiskPair};
use crate::risk::Risk;
use crate::search::{Problem, Qi, SensitiveInput};
use crate::table::{Column, RowNames, Table};
use crate::transform::{CheckDigit, Key, Transform};

/// The result of a run.
#[derive(Debug)]
pub struct Outcome {
    /// Output columns (deleted ones removed), dictionaries already transformed or generalised.
    pub columns: Vec<Column>,
    /// Whether each input row is written (`false` = suppressed).
    pub row_kept: Vec<bool>,
    /// The report.
    pub report: Report,
    /// Nodes checked by the search (varies with the number of threads; not in the report).
    pub checks: usize,
    /// Wall time of encoding plus search, in seconds (not in the report: not deterministic).
    pub search_seconds: f64,
}

impl Outcome {
    /// Output rows, each as cell strings, in input order.
    pub fn rows(&self) -> impl Iterator<Item = Vec<&str>> + '_ {
        self.row_kept
            .iter()
            .enumerate()
            .filter(|(_, k)| **k)
            .map(|(r, _)| {
                self.columns
                    .iter()
                    .map(|c| c.value(r).unwrap_or(""))
                    .collect()
            })
    }

    /// Header of the output.
    #[must_use]
    pub fn header(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }
}

#[derive(Debug)]
struct Plan {
    role: Role,
    category: Option<String>,
    transform: Transform,
    hierarchy: Option<Hierarchy>,
    hierarchy_name: Option<String>,
    min_level: Option<usize>,
    max_level: Option<usize>,
    notes: Vec<String>,
}

/// What a configuration makes of a dataset's columns, settled before the search: the plan of
/// every column (role, transform, hierarchy), the model, the metric and the quasi-identifiers.
/// It needs each column's distinct values only (built-in hierarchies are built from them), so
/// an engine that keeps its rows elsewhere (a data lake) designs the same run from the same
/// values, searches through [`Problem::with_counter`], and reports through [`Design::report`].
#[derive(Debug)]
pub struct Design {
    names: Vec<String>,
    plans: Vec<Plan>,
    k: u32,
    max_risk: f64,
    max_risk_configured: bool,
    sampling_fraction: f64,
    profile: Option<Profile>,
    profile_actions: Vec<String>,
    model: PrivacyModel,
    metric: Metric,
    sensitive: Vec<SensitiveSpec>,
    criteria_report: Vec<String>,
    qis: Vec<Qi>,
    /// Per quasi-identifier, its column's position and each dictionary entry's leaf.
    qi_columns: Vec<(usize, Vec<u32>)>,
    rows: usize,
}

/// One sensitive attribute the model reads: its column, and each dictionary entry's value code
/// (the entry itself, or its leaf when a criterion measures distance in its hierarchy).
#[derive(Debug)]
struct SensitiveSpec {
    name: String,
    column: usize,
    codes: Vec<u32>,
    values: usize,
}

/// What one column becomes in the output.
#[derive(Debug, Clone, Copy)]
pub enum ColumnOutput<'a> {
    /// Left out.
    Delete,
    /// A quasi-identifier raised to `level` of its hierarchy by the search.
    Generalise {
        /// The hierarchy.
        hierarchy: &'a Hierarchy,
        /// The level the search chose.
        level: usize,
    },
    /// Transformed cell by cell (`Keep` leaves it as it is).
    Transform(&'a Transform),
}

/// The search's result with the risk of the data before it.
#[derive(Debug)]
pub struct Searched {
    /// The chosen transformation.
    pub solution: crate::search::Solution,
    /// Re-identification risk of the original classes.
    pub risk_before: Risk,
}

impl Design {
    /// Designs the run of `cfg` (and `profile`) over `table`'s columns: each column's
    /// dictionary must hold its distinct values; `table.rows` is the number of rows. Codes
    /// are only read to name the first row of a value in errors.
    ///
    /// # Errors
    ///
    /// As [`deidentify`], before the search.
    pub fn new(table: &Table, cfg: &LoadedConfig, profile: Option<Profile>) -> Result<Self> {
        let c = &cfg.config;
        let rows_named = table.row_names;
        let mut profile_actions: Vec<String> = Vec::new();

        // Step 2 first needs the columns: every configured column must exist.
        check_columns(table, cfg)?;

        // Model (step 1: objectives).
        let (k, max_risk) = objectives(table.rows, cfg, profile, &mut profile_actions)?;

        // Step 2: roles per column.
        let plans = table
            .columns
            .iter()
            .map(|column| column_plan(column, cfg, profile, rows_named, &mut profile_actions))
            .collect::<Result<Vec<Plan>>>()?;

        // Sensitive attributes and criteria.
        let Sensitive {
            specs,
            criteria,
            report: criteria_report,
        } = sensitive(table, &plans, cfg, profile, &mut profile_actions)?;
        let model = PrivacyModel {
            k,
            sensitive: criteria,
            suppression_limit: *c.model.suppression_limit.get_ref(),
        };
        let QuasiIdentifiers { qis, columns } = quasi_identifiers(table, &plans, cfg)?;
        Ok(Self {
            names: table.columns.iter().map(|c| c.name.clone()).collect(),
            plans,
            k,
            max_risk,
            max_risk_configured: c.assessment.max_risk.is_some(),
            sampling_fraction: *c.assessment.sampling_fraction.get_ref(),
            profile,
            profile_actions,
            model,
            metric: metric_of(c),
            sensitive: specs,
            criteria_report,
            qis,
            qi_columns: columns,
            rows: table.rows,
        })
    }

    /// The quasi-identifiers the search generalises (none: nothing to search).
    #[must_use]
    pub fn qis(&self) -> &[Qi] {
        &self.qis
    }

    /// Their columns' positions, in the order of [`Design::qis`].
    #[must_use]
    pub fn qi_columns(&self) -> Vec<usize> {
        self.qi_columns.iter().map(|(pos, _)| *pos).collect()
    }

    /// The sensitive attributes the model reads: per attribute, its column's position and the
    /// value code of each entry of that column's dictionary (the search's value codes).
    #[must_use]
    pub fn sensitive_columns(&self) -> Vec<(usize, &[u32])> {
        self.sensitive
            .iter()
            .map(|s| (s.column, s.codes.as_slice()))
            .collect()
    }

    /// Number of value codes of each sensitive attribute.
    #[must_use]
    pub fn sensitive_values(&self) -> Vec<usize> {
        self.sensitive.iter().map(|s| s.values).collect()
    }

    /// The privacy model.
    #[must_use]
    pub fn model(&self) -> &PrivacyModel {
        &self.model
    }

    /// The metric the search minimises.
    #[must_use]
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// What each column becomes, given the search's levels (one per quasi-identifier).
    #[must_use]
    pub fn outputs(&self, levels: Option<&[usize]>) -> Vec<ColumnOutput<'_>> {
        self.plans
            .iter()
            .enumerate()
            .map(|(pos, plan)| match self.level_of(pos, levels) {
                Some((a, level)) => ColumnOutput::Generalise {
                    hierarchy: &self.qis[a].hierarchy,
                    level,
                },
                None if matches!(plan.transform, Transform::Delete) => ColumnOutput::Delete,
                None => ColumnOutput::Transform(&plan.transform),
            })
            .collect()
    }

    /// The quasi-identifier index and chosen level of column `pos`, if it is one.
    fn level_of(&self, pos: usize, levels: Option<&[usize]>) -> Option<(usize, usize)> {
        let a = self.qi_columns.iter().position(|(p, _)| *p == pos)?;
        Some((a, *levels?.get(a)?))
    }

    /// Runs the search of `problem` (built from this design's quasi-identifiers, model and
    /// metric) and measures the risk of the data before it.
    ///
    /// # Errors
    ///
    /// No transformation satisfies the model, or the problem's counter fails.
    pub fn search(&self, problem: &Problem, progress: &dyn Progress) -> Result<Searched> {
        let risk_before = Risk::from_classes(
            &problem.original_class_sizes(),
            self.max_risk,
            self.sampling_fraction,
        );
        Ok(Searched {
            solution: problem.solve_observed(progress)?,
            risk_before,
        })
    }

    /// Each column's report, given the search's levels.
    #[must_use]
    pub fn column_reports(&self, levels: Option<&[usize]>) -> Vec<ColumnReport> {
        self.plans
            .iter()
            .enumerate()
            .map(|(pos, plan)| {
                let level = self.level_of(pos, levels).map(|(_, l)| l);
                let (technique, iso) = if level.is_some() {
                    ("generalisation".to_owned(), "generalization")
                } else {
                    (
                        plan.transform.name().to_owned(),
                        plan.transform.iso_20889_class(),
                    )
                };
                ColumnReport {
                    name: self.names[pos].clone(),
                    role: plan.role,
                    category: plan.category.clone(),
                    technique,
                    iso_20889_class: iso.to_owned(),
                    hierarchy: plan.hierarchy_name.clone(),
                    level,
                    restorable: plan.transform.is_restorable(),
                    notes: plan.notes.clone(),
                }
            })
            .collect()
    }

    /// The report of a run: the search's result (none without quasi-identifiers) and the
    /// number of rows written.
    #[must_use]
    pub fn report(&self, searched: Option<&Searched>, kept_rows: usize) -> Report {
        let solution = searched.map(|s| &s.solution);
        let column_reports = self.column_reports(solution.map(|s| s.levels.as_slice()));
        let risk_after = solution
            .map(|s| Risk::from_classes(&s.class_sizes, self.max_risk, self.sampling_fraction));
        // Step 4: the call.
        let mut classification = classify(
            &column_reports,
            risk_after.as_ref(),
            self.max_risk,
            self.profile,
        );
        if self.max_risk_configured {
            classification.max_risk_source =
                "set in the configuration ([assessment] max-risk)".into();
        }
        let qi_names: Vec<String> = if solution.is_some() {
            self.qis.iter().map(|q| q.name.clone()).collect()
        } else {
            Vec::new()
        };
        Report::new(
            &qi_names,
            solution,
            self.metric,
            ModelReport {
                k: self.k,
                suppression_limit: self.model.suppression_limit,
                max_suppressed_rows: self.model.max_suppressed(self.rows),
                criteria: self.criteria_report.clone(),
                monotone: self.model.is_monotone(),
            },
            self.profile,
            self.profile_actions.clone(),
            column_reports,
            RiskPair {
                before: searched.map(|s| s.risk_before.clone()),
                after: risk_after,
            },
            classification,
            self.rows,
            kept_rows,
            self.max_risk,
        )
    }
}

/// Runs a configuration (and optional profile) over a table.
///
/// # Errors
///
/// Configuration inconsistent with the data (unknown column, missing hierarchy), bad input
/// (values missing from a hierarchy, uneven hierarchies, key files with wrong permissions),
/// k larger than the rows, or no transformation satisfying the model.
pub fn deidentify(table: Table, cfg: &LoadedConfig, profile: Option<Profile>) -> Result<Outcome> {
    deidentify_observed(table, cfg, profile, &NoProgress)
}

/// [`deidentify`], reporting its stages (search, transform) to `progress`.
///
/// # Errors
///
/// As [`deidentify`].
pub fn deidentify_observed(
    mut table: Table,
    cfg: &LoadedConfig,
    profile: Option<Profile>,
    progress: &dyn Progress,
) -> Result<Outcome> {
    let design = Design::new(&table, cfg, profile)?;
    let rows_named = table.row_names;

    // Step 3: the search.
    let mut search_seconds = 0.0;
    let searched = if design.qis.is_empty() {
        None
    } else {
        let started = std::time::Instant::now();
        let leaves: Vec<Vec<u32>> = design
            .qi_columns
            .iter()
            .map(|(pos, leaves)| {
                table.columns[*pos]
                    .codes
                    .iter()
                    .map(|&c| leaves[c as usize])
                    .collect()
            })
            .collect();
        let sensitive: Vec<SensitiveInput> = design
            .sensitive
            .iter()
            .map(|s| SensitiveInput {
                name: s.name.clone(),
                codes: table.columns[s.column]
                    .codes
                    .iter()
                    .map(|&c| s.codes[c as usize])
                    .collect(),
                values: s.values,
            })
            .collect();
        let problem = Problem::new(
            design.qis.clone(),
            &leaves,
            &sensitive,
            design.model.clone(),
            design.metric,
        )?;
        let searched = design.search(&problem, progress)?;
        search_seconds = started.elapsed().as_secs_f64();
        Some(searched)
    };
    let levels = searched.as_ref().map(|s| s.solution.levels.as_slice());

    // Step 3's output: generalised quasi-identifiers, transformed (or deleted) other columns.
    let outputs = design.outputs(levels);
    let mut out_columns = Vec::new();
    progress.stage(Stage::Transform, u64::try_from(table.columns.len()).ok());
    for (pos, column) in std::mem::take(&mut table.columns).into_iter().enumerate() {
        progress.advance(u64::try_from(pos).unwrap_or(u64::MAX));
        let mut column = column;
        match outputs[pos] {
            ColumnOutput::Delete => continue,
            ColumnOutput::Generalise { hierarchy, level } => {
                let leaves = design
                    .qi_columns
                    .iter()
                    .find(|(p, _)| *p == pos)
                    .map(|(_, l)| l.as_slice())
                    .unwrap_or_default();
                column.dictionary = leaves
                    .iter()
                    .map(|&leaf| {
                        hierarchy
                            .label(level, hierarchy.generalise(leaf, level))
                            .to_owned()
                    })
                    .collect();
            }
            ColumnOutput::Transform(transform) => transform.apply(&mut column, rows_named)?,
        }
        out_columns.push(column);
    }

    let row_kept = searched
        .as_ref()
        .map_or_else(|| vec![true; table.rows], |s| s.solution.row_kept.clone());
    let report = design.report(searched.as_ref(), row_kept.iter().filter(|&&k| k).count());
    Ok(Outcome {
        columns: out_columns,
        row_kept,
        report,
        checks: searched.as_ref().map_or(0, |s| s.solution.checks),
        search_seconds,
    })
}

/// Every column the configuration names must be in the data.
fn check_columns(table: &Table, cfg: &LoadedConfig) -> Result<()> {
    let c = &cfg.config;
    for key in c.columns.keys() {
        if table.position(key.get_ref()).is_none() {
            let have: Vec<String> = table
                .columns
                .iter()
                .map(|c| format!("`{}`", c.name))
                .collect();
            return Err(cfg.error(
                key.span(),
                format!("unknown column `{}`", key.get_ref()),
                Some(format!("the data has {}", have.join(", "))),
            ));
        }
    }
    Ok(())
}

/// Step 1, the objectives: k (raised to the profile's floor) and the highest prosecutor risk an
/// anonymised output may keep; what a profile changed goes to `actions`.
fn objectives(
    rows: usize,
    cfg: &LoadedConfig,
    profile: Option<Profile>,
    actions: &mut Vec<String>,
) -> Result<(u32, f64)> {
    let c = &cfg.config;
    let mut k = *c.model.k.get_ref();
    let cn_k = *c.profiles.cn_anonymised.k.get_ref();
    if profile == Some(Profile::CnAnonymised) {
        if k < cn_k {
            actions.push(format!(
                "k raised from {k} to {cn_k} ({})",
                floor_source(c.profiles.cn_anonymised.k.span())
            ));
            k = cn_k;
        }
        if c.assessment.max_risk.is_none() {
            actions.push(format!(
                "highest prosecutor risk for 匿名化: {DEFAULT_MAX_RISK} ({MAX_RISK_SOURCE})"
            ));
        }
    }
    if k as usize > rows {
        let span = if k == *c.model.k.get_ref() {
            c.model.k.span()
        } else {
            c.profiles.cn_anonymised.k.span()
        };
        return Err(cfg.error(
            span,
            format!("k = {k} is larger than the number of rows ({rows})"),
            Some("lower k; no grouping can make classes that large".into()),
        ));
    }
    let max_risk = c
        .assessment
        .max_risk
        .as_ref()
        .map_or(DEFAULT_MAX_RISK, |m| *m.get_ref());
    Ok((k, max_risk))
}

/// Where a `cn-anonymised` floor comes from: freeport's default, or the configuration.
fn floor_source(span: std::ops::Range<usize>) -> &'static str {
    if span.is_empty() {
        CN_FLOORS_SOURCE
    } else {
        "set in the configuration ([profiles.cn-anonymised])"
    }
}

/// Step 2 for one column: its role, transform and hierarchy as the configuration and the
/// profile make them; what a profile changed goes to `actions`.
fn column_plan(
    column: &Column,
    cfg: &LoadedConfig,
    profile: Option<Profile>,
    rows_named: RowNames,
    actions: &mut Vec<String>,
) -> Result<Plan> {
    let c = &cfg.config;
    let Some(cc) = c.columns.get(column.name.as_str()) else {
        match c.unlisted {
            Unlisted::Error => {
                return Err(cfg.error(
                    0..0,
                    format!("column `{}` has no role in the configuration", column.name),
                    Some(format!(
                        "add [columns.\"{}\"] with a role, or set `unlisted = \"insensitive\"` or `\"delete\"`",
                        column.name
                    )),
                ));
            }
            Unlisted::Insensitive | Unlisted::Delete => {
                return Ok(Plan {
                    role: Role::Insensitive,
                    category: None,
                    transform: if c.unlisted == Unlisted::Delete {
                        Transform::Delete
                    } else {
                        Transform::Keep
                    },
                    hierarchy: None,
                    hierarchy_name: None,
                    min_level: None,
                    max_level: None,
                    notes: vec!["not listed in the configuration".into()],
                });
            }
        }
    };
    let mut notes = Vec::new();
    let mut transform = match &cc.transform {
        Some(t) => build_transform(cfg, t.get_ref(), &column.name)?,
        None if cc.role == Role::Identifier => Transform::Delete,
        None => Transform::Keep,
    };
    if cc.role == Role::QuasiIdentifier && !matches!(transform, Transform::Keep) {
        return Err(cfg.error(
            cc.transform.as_ref().map_or(0..0, toml::Spanned::span),
            format!(
                "column `{}` is a quasi-identifier and cannot also have a transform",
                column.name
            ),
            Some("quasi-identifiers are generalised by the search through their hierarchy".into()),
        ));
    }
    if let Some(p) = profile
        && cc.role == Role::Identifier
        && transform.is_restorable()
    {
        actions.push(format!(
            "identifier `{}`: {} replaced by deletion ({})",
            column.name,
            transform.name(),
            match p {
                Profile::HipaaSafeHarbor => "45 CFR 164.514(c): a re-identification code must not be derived from the individual's information",
                Profile::CnAnonymised => "PIPL Art. 73(4): anonymised data must not be restorable",
            }
        ));
        transform = Transform::Delete;
    }
    if profile == Some(Profile::CnAnonymised) && transform.is_restorable() {
        actions.push(format!(
            "column `{}`: {} replaced by deletion (PIPL Art. 73(4): not restorable)",
            column.name,
            transform.name()
        ));
        transform = Transform::Delete;
    }
    if cc.role == Role::Identifier && matches!(transform, Transform::Keep) {
        notes.push("direct identifier kept as is: the output identifies people".into());
    }
    let mut min_level = cc.min_level;
    let (hierarchy, hierarchy_name) = match &cc.hierarchy {
        Some(h) => {
            let mut spec = h.get_ref().clone();
            if profile == Some(Profile::HipaaSafeHarbor) {
                hipaa_adjust(
                    &mut spec,
                    &mut min_level,
                    cc.category.as_ref().map(|c| c.get_ref().as_str()),
                    &column.name,
                    actions,
                );
            }
            let (hier, name) =
                build_hierarchy(cfg, &spec, column, rows_named, h.span()).map_err(|e| match e {
                    Error::Io { path, source } => cfg.error(
                        h.span(),
                        format!(
                            "cannot read hierarchy `{}` of column `{}`: {source}",
                            path.display(),
                            column.name
                        ),
                        Some(
                            "paths are relative to the configuration file or the working directory"
                                .into(),
                        ),
                    ),
                    other => other,
                })?;
            (Some(hier), Some(name))
        }
        None if cc.role == Role::QuasiIdentifier => {
            return Err(cfg.error(
                0..0,
                format!("quasi-identifier `{}` has no hierarchy", column.name),
                Some("add `hierarchy = { file = \"...\" }` or a built-in (interval, date, cn-admin, us-zip3)".into()),
            ));
        }
        None => (None, None),
    };
    if profile == Some(Profile::HipaaSafeHarbor)
        && cc.role == Role::QuasiIdentifier
        && matches!(
            cc.hierarchy.as_ref().map(toml::Spanned::get_ref),
            Some(HierarchyConfig::File(_))
        )
    {
        notes.push("hierarchy file: check by hand that its minimum level meets Safe Harbor".into());
    }
    Ok(Plan {
        role: cc.role,
        category: cc.category.as_ref().map(|c| c.get_ref().clone()),
        transform,
        hierarchy,
        hierarchy_name,
        min_level,
        max_level: cc.max_level,
        notes,
    })
}

/// The sensitive attributes the model's criteria read, the criteria, and their description.
struct Sensitive {
    specs: Vec<SensitiveSpec>,
    criteria: Vec<(usize, SensitiveCriterion)>,
    report: Vec<String>,
}

/// The l-diversity and t-closeness criteria of the configuration, and those the `cn-anonymised`
/// profile adds on sensitive attributes without one; what the profile added goes to `actions`.
fn sensitive(
    table: &Table,
    plans: &[Plan],
    cfg: &LoadedConfig,
    profile: Option<Profile>,
    actions: &mut Vec<String>,
) -> Result<Sensitive> {
    let c = &cfg.config;
    let rows_named = table.row_names;
    let cn_l = *c.profiles.cn_anonymised.l.get_ref();
    let mut specs: Vec<SensitiveSpec> = Vec::new();
    let mut sensitive_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut criteria: Vec<(usize, SensitiveCriterion)> = Vec::new();
    let mut criteria_report: Vec<String> = Vec::new();
    let mut sensitive_of =
        |name: &str, span: std::ops::Range<usize>, hierarchical: bool| -> Result<usize> {
            let pos = table
                .position(name)
                .ok_or_else(|| cfg.error(span.clone(), format!("unknown column `{name}`"), None))?;
            let plan = &plans[pos];
            if plan.role != Role::Sensitive {
                return Err(cfg.error(
                    span.clone(),
                    format!("column `{name}` is not a sensitive attribute"),
                    Some(format!("give [columns.\"{name}\"] `role = \"sensitive\"`")),
                ));
            }
            let key = format!("{name}{}", if hierarchical { "#h" } else { "" });
            if let Some(&i) = sensitive_index.get(&key) {
                return Ok(i);
            }
            let column = &table.columns[pos];
            let (codes, values) = if hierarchical {
                let h = plan.hierarchy.as_ref().ok_or_else(|| {
                    cfg.error(
                        span.clone(),
                        format!("hierarchical t-closeness on `{name}` needs a hierarchy for it"),
                        None,
                    )
                })?;
                let leaves = h.leaves_of(
                    column,
                    plan.hierarchy_name.as_deref().unwrap_or(""),
                    rows_named,
                )?;
                (leaves, h.domain_size())
            } else {
                (
                    (0..column.dictionary.len() as u32).collect(),
                    column.dictionary.len(),
                )
            };
            specs.push(SensitiveSpec {
                name: name.to_owned(),
                column: pos,
                codes,
                values,
            });
            let i = specs.len() - 1;
            sensitive_index.insert(key, i);
            Ok(i)
        };
    for l in &c.model.l_diversity {
        let i = sensitive_of(l.attribute.get_ref(), l.attribute.span(), false)?;
        let d = match l.variant {
            LVariant::Distinct => LDiversity::Distinct {
                l: l.l.max(1.0) as u32,
            },
            LVariant::Entropy => LDiversity::Entropy { l: l.l },
            LVariant::Recursive => LDiversity::Recursive {
                c: l.c.unwrap_or(1.0),
                l: l.l.max(1.0) as u32,
            },
        };
        criteria_report.push(
            format!(
                "{:?}-{}-diversity on `{}`{}",
                l.variant,
                l.l,
                l.attribute.get_ref(),
                l.c.map(|c| format!(" (c = {c})")).unwrap_or_default()
            )
            .to_lowercase(),
        );
        criteria.push((i, SensitiveCriterion::Diversity(d)));
    }
    for t in &c.model.t_closeness {
        let hierarchical = t.distance == DistanceConfig::Hierarchical;
        let i = sensitive_of(t.attribute.get_ref(), t.attribute.span(), hierarchical)?;
        let distance = if hierarchical {
            let pos = table.position(t.attribute.get_ref()).unwrap_or(0);
            match plans[pos].hierarchy.clone() {
                Some(h) => Distance::Hierarchical(Box::new(h)),
                None => Distance::Equal,
            }
        } else {
            Distance::Equal
        };
        criteria_report.push(format!(
            "{}-closeness on `{}` ({} EMD)",
            t.t,
            t.attribute.get_ref(),
            if hierarchical {
                "hierarchical"
            } else {
                "equal-distance"
            }
        ));
        criteria.push((i, SensitiveCriterion::Closeness { t: t.t, distance }));
    }
    if profile == Some(Profile::CnAnonymised) {
        for (pos, plan) in plans.iter().enumerate() {
            if plan.role != Role::Sensitive {
                continue;
            }
            let name = table.columns[pos].name.clone();
            let covered = c
                .model
                .l_diversity
                .iter()
                .any(|l| *l.attribute.get_ref() == name);
            if !covered {
                let i = sensitive_of(&name, 0..0, false)?;
                criteria.push((
                    i,
                    SensitiveCriterion::Diversity(LDiversity::Distinct { l: cn_l }),
                ));
                criteria_report.push(format!("distinct-{cn_l}-diversity on `{name}`"));
                actions.push(format!(
                    "distinct {cn_l}-diversity added on sensitive `{name}` ({})",
                    floor_source(c.profiles.cn_anonymised.l.span())
                ));
            }
        }
    }
    Ok(Sensitive {
        specs,
        criteria,
        report: criteria_report,
    })
}

/// The information-loss metric the search minimises.
fn metric_of(c: &crate::config::Config) -> Metric {
    match c.metric.name {
        MetricName::Loss => Metric::Loss(match c.metric.aggregate {
            Some(AggregateName::Rank) => Aggregate::Rank,
            Some(AggregateName::Sum) => Aggregate::Sum,
            Some(AggregateName::ArithmeticMean) => Aggregate::ArithmeticMean,
            None | Some(AggregateName::GeometricMean) => Aggregate::GeometricMean,
            Some(AggregateName::Max) => Aggregate::Max,
        }),
        MetricName::NonUniformEntropy => Metric::NonUniformEntropy,
        MetricName::Discernibility => Metric::Discernibility,
        MetricName::Aecs => Metric::Aecs,
    }
}

/// Step 3's inputs.
struct QuasiIdentifiers {
    /// The quasi-identifiers with their hierarchies and allowed levels.
    qis: Vec<Qi>,
    /// Per quasi-identifier, its column's position and each dictionary entry's leaf.
    columns: Vec<(usize, Vec<u32>)>,
}

/// The quasi-identifiers of the plans, checked against their hierarchies.
fn quasi_identifiers(
    table: &Table,
    plans: &[Plan],
    cfg: &LoadedConfig,
) -> Result<QuasiIdentifiers> {
    let rows_named = table.row_names;
    let mut qis = Vec::new();
    let mut columns = Vec::new();
    for (pos, plan) in plans.iter().enumerate() {
        if plan.role != Role::QuasiIdentifier {
            continue;
        }
        let column = &table.columns[pos];
        let Some(h) = plan.hierarchy.clone() else {
            continue;
        };
        let leaves = h.leaves_of(
            column,
            plan.hierarchy_name.as_deref().unwrap_or(""),
            rows_named,
        )?;
        let top = h.height().saturating_sub(1);
        let max_level = plan.max_level.unwrap_or(top);
        let min_level = plan.min_level.unwrap_or(0);
        if max_level > top || min_level > max_level {
            return Err(cfg.error(
                0..0,
                format!("column `{}`: levels {min_level}..={max_level} do not fit its hierarchy (levels 0..={top})", column.name),
                None,
            ));
        }
        columns.push((pos, leaves));
        qis.push(Qi {
            name: column.name.clone(),
            hierarchy: h,
            min_level,
            max_level,
        });
    }
    Ok(QuasiIdentifiers { qis, columns })
}

fn hipaa_adjust(
    spec: &mut HierarchyConfig,
    min_level: &mut Option<usize>,
    category: Option<&str>,
    column: &str,
    actions: &mut Vec<String>,
) {
    match spec {
        HierarchyConfig::Date if min_level.is_none_or(|m| m < 2) => {
            *min_level = Some(2);
            actions.push(format!(
                "`{column}`: dates kept to the year at most (164.514(b)(2)(i)(C))"
            ));
        }
        HierarchyConfig::UsZip3 { .. } if min_level.is_none_or(|m| m < 1) => {
            *min_level = Some(1);
            actions.push(format!(
                "`{column}`: ZIP codes kept to three digits, 000 for areas of 20,000 or fewer (164.514(b)(2)(i)(B))"
            ));
        }
        HierarchyConfig::Interval { top_code, .. }
            if category == Some("person.age") || column.eq_ignore_ascii_case("age") =>
        {
            if top_code.is_none_or(|t| t > HIPAA_AGE_TOP) {
                *top_code = Some(HIPAA_AGE_TOP);
                actions.push(format!(
                    "`{column}`: ages 90 and over become `90+` (164.514(b)(2)(i)(C))"
                ));
            }
            if min_level.is_none_or(|m| m < 1) {
                *min_level = Some(1);
            }
        }
        _ => {}
    }
}

fn classify(
    columns: &[ColumnReport],
    after: Option<&Risk>,
    max_risk: f64,
    profile: Option<Profile>,
) -> Classification {
    let mut reasons = Vec::new();
    let kept_identifiers: Vec<&str> = columns
        .iter()
        .filter(|c| c.role == Role::Identifier && c.technique == "keep")
        .map(|c| c.name.as_str())
        .collect();
    let restorable: Vec<&str> = columns
        .iter()
        .filter(|c| c.restorable)
        .map(|c| c.name.as_str())
        .collect();
    let highest = after.map_or(1.0, |r| r.prosecutor.highest);
    let result = if !kept_identifiers.is_empty() {
        reasons.push(format!(
            "direct identifiers kept as they are ({}): the output identifies people and is personal information (PIPL Art. 4)",
            kept_identifiers.join(", ")
        ));
        Identifiability::Identifiable
    } else if !restorable.is_empty() {
        reasons.push(format!(
            "keyed pseudonyms or tokens in {} can be restored or linked with the key, i.e. with additional information: 去标识化, still personal information (PIPL Art. 73(3))",
            restorable.join(", ")
        ));
        Identifiability::Pseudonymised
    } else if after.is_none() {
        reasons.push("no quasi-identifiers were declared, so re-identification risk was not measured; the output cannot be called anonymised".into());
        Identifiability::Pseudonymised
    } else if highest > max_risk {
        reasons.push(format!(
            "highest prosecutor risk {highest:.4} exceeds the threshold {max_risk}: identification cannot be ruled out (PIPL Art. 73(4) requires that the data cannot identify a person)"
        ));
        Identifiability::Pseudonymised
    } else {
        reasons.push(format!(
            "no direct identifier and nothing restorable remains, and the highest prosecutor risk {highest:.4} is within {max_risk}: cannot identify and cannot be restored (PIPL Art. 73(4), Art. 4)"
        ));
        reasons.push("quasi-identifiers not declared in the configuration are not covered by this risk measure; the assessment holds only for the declared roles".into());
        let masked: Vec<&str> = columns
            .iter()
            .filter(|c| c.role == Role::Identifier && c.technique == "mask")
            .map(|c| c.name.as_str())
            .collect();
        if !masked.is_empty() {
            reasons.push(format!(
                "masked identifiers keep part of their value ({}); what remains (e.g. a GB/T 2260 region) counts in the risk only if also declared as a quasi-identifier",
                masked.join(", ")
            ));
        }
        Identifiability::Anonymised
    };
    if profile == Some(Profile::HipaaSafeHarbor) {
        reasons.push("HIPAA Safe Harbor also requires no actual knowledge that the rest could identify a person (164.514(b)(2)(ii)); that cannot be checked by software".into());
    }
    Classification {
        result,
        zh: result.zh().to_owned(),
        reasons,
        max_risk,
        max_risk_source: MAX_RISK_SOURCE.to_owned(),
    }
}

fn build_transform(cfg: &LoadedConfig, t: &TransformConfig, column: &str) -> Result<Transform> {
    Ok(match t {
        TransformConfig::Keep => Transform::Keep,
        TransformConfig::Delete => Transform::Delete,
        TransformConfig::Suppress => Transform::Suppress,
        TransformConfig::Mask {
            keep_prefix,
            keep_suffix,
            with,
        } => Transform::Mask {
            keep_prefix: *keep_prefix,
            keep_suffix: *keep_suffix,
            with: *with,
        },
        TransformConfig::Pseudonymise {
            key_file,
            domain,
            length,
            prefix,
        } => Transform::Pseudonymise {
            key: Key::from_file(&cfg.resolve(key_file))?,
            domain: domain.clone().unwrap_or_else(|| column.to_owned()),
            length: *length,
            prefix: prefix.clone(),
        },
        TransformConfig::Ff1 {
            key_file,
            tweak,
            keep_prefix,
            check,
        } => Transform::Ff1 {
            key: Key::from_file(&cfg.resolve(key_file))?,
            tweak: tweak.clone().unwrap_or_else(|| column.to_owned()),
            keep_prefix: *keep_prefix,
            check: match check {
                CheckConfig::None => CheckDigit::None,
                CheckConfig::CnResidentId => CheckDigit::CnResidentId,
                CheckConfig::Luhn => CheckDigit::Luhn,
            },
        },
    })
}

fn build_hierarchy(
    cfg: &LoadedConfig,
    spec: &HierarchyConfig,
    column: &Column,
    rows_named: RowNames,
    span: std::ops::Range<usize>,
) -> Result<(Hierarchy, String)> {
    Ok(match spec {
        HierarchyConfig::File(path) => {
            let p = cfg.resolve(path);
            (Hierarchy::from_file(&p)?, path.display().to_string())
        }
        HierarchyConfig::Interval { widths, top_code } => {
            let b = Builtin::Interval {
                widths: widths.clone(),
                top_code: *top_code,
            };
            (b.build(column, rows_named)?, "built-in interval".into())
        }
        HierarchyConfig::Date => (
            Builtin::Date.build(column, rows_named)?,
            "built-in date".into(),
        ),
        HierarchyConfig::CnAdmin => (
            Builtin::CnAdmin.build(column, rows_named)?,
            "built-in cn-admin (GB/T 2260)".into(),
        ),
        HierarchyConfig::UsZip3 { population } => {
            let Some(p) = population else {
                return Err(cfg.error(
                    span,
                    format!(
                        "column `{}`: the us-zip3 hierarchy needs a ZIP3 population table",
                        column.name
                    ),
                    Some(
                        "HIPAA Safe Harbor keeps a ZIP3 only if the area of all ZIP codes sharing it has \
                         more than 20,000 people (45 CFR 164.514(b)(2)(i)(B)); freeport ships no \
                         population table. Add `population = \"zip3-population.csv\"` \
                         with lines `zip3,population`; ZIP3s it does not list become 000"
                            .into(),
                    ),
                ));
            };
            let table = Zip3Table::from_file(&cfg.resolve(p))?;
            let name = format!(
                "built-in us-zip3 (population table {}, {} ZIP3s; unlisted ZIP3s become 000)",
                p.display(),
                table.listed()
            );
            (Builtin::UsZip3(table).build(column, rows_named)?, name)
        }
    })
}

/// How [`run_files`] reads and writes.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// A profile applied on top of the configuration.
    pub profile: Option<Profile>,
    /// Encoding and worksheet of the input.
    pub input: InputOptions,
    /// The output format; from the output's extension when `None`.
    pub output_format: Option<OutputFormat>,
}

/// What [`run_files`] read and wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Files {
    /// Format, encoding and delimiter of the input.
    pub input: SourceInfo,
    /// Format of the output.
    pub output: OutputFormat,
}

/// Reads the input (any format of the Scan readers), runs, and writes the output atomically in
/// the chosen format. The input is only ever opened for reading, and an output that names the
/// input is refused.
///
/// # Errors
///
/// As [`deidentify`], plus unreadable input, an output format that cannot be told, and I/O
/// errors. The output format is settled before the input is read.
pub fn run_files(
    input: &Path,
    config: &Path,
    output: &Path,
    options: &RunOptions,
) -> Result<(Outcome, Files)> {
    run_files_observed(input, config, output, options, &NoProgress)
}

/// [`run_files`], reporting each stage (read, search, transform, write) to `progress`.
///
/// # Errors
///
/// As [`run_files`].
pub fn run_files_observed(
    input: &Path,
    config: &Path,
    output: &Path,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<(Outcome, Files)> {
    if same_file(input, output) {
        return Err(Error::input(
            format!("the output `{}` is the input", output.display()),
            Some("write to another file; the input is never modified".into()),
        ));
    }
    let format = OutputFormat::for_path(output, options.output_format)?;
    let cfg = LoadedConfig::from_file(config)?;
    progress.stage(Stage::Read, None);
    let read = crate::io::read_table(input, &options.input)?;
    let outcome = deidentify_observed(read.table, &cfg, options.profile, progress)?;
    progress.stage(Stage::Write, None);
    crate::io::write_table(
        output,
        format,
        Some(&read.info),
        &outcome.columns,
        &outcome.row_kept,
    )?;
    Ok((
        outcome,
        Files {
            input: read.info,
            output: format,
        },
    ))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
