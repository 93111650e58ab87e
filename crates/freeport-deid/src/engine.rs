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
use crate::report::{Classification, ColumnReport, Identifiability, ModelReport, Report, RiskPair};
use crate::progress::{NoProgress, Progress, Stage};
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
    let c = &cfg.config;
    let rows_named = table.row_names;
    let mut profile_actions: Vec<String> = Vec::new();

    // Step 2 first needs the columns: every configured column must exist.
    check_columns(&table, cfg)?;

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
        inputs: sensitive_inputs,
        criteria,
        report: criteria_report,
    } = sensitive(&table, &plans, cfg, profile, &mut profile_actions)?;
    let model = PrivacyModel {
        k,
        sensitive: criteria,
        suppression_limit: *c.model.suppression_limit.get_ref(),
    };
    let metric = metric_of(c);

    // Step 3: the quasi-identifiers and the search.
    let QuasiIdentifiers {
        qis,
        leaves: qi_leaves,
        columns: qi_columns,
    } = quasi_identifiers(&table, &plans, cfg)?;
    let mut search_seconds = 0.0;
    let (solution, problem_checks, risk_before, qi_names) = if qis.is_empty() {
        (None, 0, None, Vec::new())
    } else {
        let names: Vec<String> = qis.iter().map(|q| q.name.clone()).collect();
        let started = std::time::Instant::now();
        let problem = Problem::new(qis, &qi_leaves, &sensitive_inputs, model.clone(), metric)?;
        let before = Risk::from_classes(
            &problem.original_class_sizes(),
            max_risk,
            *c.assessment.sampling_fraction.get_ref(),
        );
        let solution = problem.solve_observed(progress)?;
        search_seconds = started.elapsed().as_secs_f64();
        let checks = solution.checks;
        // Generalise the quasi-identifier columns' dictionaries.
        for (a, &pos) in qi_columns.iter().enumerate() {
            let q = &problem.qis()[a];
            let level = solution.levels[a];
            let column = &mut table.columns[pos];
            let leaves = q.hierarchy.leaves_of(column, "", rows_named)?;
            column.dictionary = leaves
                .iter()
                .map(|&leaf| {
                    q.hierarchy
                        .label(level, q.hierarchy.generalise(leaf, level))
                        .to_owned()
                })
                .collect();
        }
        (Some(solution), checks, Some(before), names)
    };

    // Transforms of the other columns.
    let rows = table.rows;
    let levels = solution.as_ref().map(|s| s.levels.as_slice());
    progress.stage(Stage::Transform, u64::try_from(table.columns.len()).ok());
    let (column_reports, out_columns) = transform_columns(
        table.columns,
        &plans,
        &qi_columns,
        levels,
        rows_named,
        progress,
    )?;

    let row_kept = solution
        .as_ref()
        .map_or_else(|| vec![true; rows], |s| s.row_kept.clone());
    let risk_after = solution.as_ref().map(|s| {
        Risk::from_classes(
            &s.class_sizes,
            max_risk,
            *c.assessment.sampling_fraction.get_ref(),
        )
    });

    // Step 4: the call.
    let mut classification = classify(&column_reports, risk_after.as_ref(), max_risk, profile);
    if c.assessment.max_risk.is_some() {
        classification.max_risk_source = "set in the configuration ([assessment] max-risk)".into();
    }
    let report = Report::new(
        &qi_names,
        solution.as_ref(),
        metric,
        ModelReport {
            k,
            suppression_limit: model.suppression_limit,
            max_suppressed_rows: model.max_suppressed(rows),
            criteria: criteria_report,
            monotone: model.is_monotone(),
        },
        profile,
        profile_actions,
        column_reports,
        RiskPair {
            before: risk_before,
            after: risk_after,
        },
        classification,
        rows,
        row_kept.iter().filter(|&&k| k).count(),
        max_risk,
    );
    Ok(Outcome {
        columns: out_columns,
        row_kept,
        report,
        checks: problem_checks,
        search_seconds,
    })
}

/// Each column's report and, unless it is deleted, the column after its transform (quasi-
/// identifiers were generalised by the search: `levels`, per quasi-identifier, as `qi_columns`).
fn transform_columns(
    columns: Vec<Column>,
    plans: &[Plan],
    qi_columns: &[usize],
    levels: Option<&[usize]>,
    rows_named: RowNames,
    progress: &dyn Progress,
) -> Result<(Vec<ColumnReport>, Vec<Column>)> {
    let mut column_reports = Vec::new();
    let mut out_columns = Vec::new();
    for (pos, (column, plan)) in columns.into_iter().zip(plans).enumerate() {
        progress.advance(u64::try_from(pos).unwrap_or(u64::MAX));
        let mut column = column;
        let level = qi_columns
            .iter()
            .position(|&p| p == pos)
            .and_then(|a| levels.map(|l| l[a]));
        let technique = if level.is_some() {
            "generalisation".to_owned()
        } else {
            plan.transform.name().to_owned()
        };
        let iso = if level.is_some() {
            "generalization"
        } else {
            plan.transform.iso_20889_class()
        };
        column_reports.push(ColumnReport {
            name: column.name.clone(),
            role: plan.role,
            category: plan.category.clone(),
            technique,
            iso_20889_class: iso.to_owned(),
            hierarchy: plan.hierarchy_name.clone(),
            level,
            restorable: plan.transform.is_restorable(),
            notes: plan.notes.clone(),
        });
        if matches!(plan.transform, Transform::Delete) {
            continue;
        }
        plan.transform.apply(&mut column, rows_named)?;
        out_columns.push(column);
    }
    Ok((column_reports, out_columns))
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
    inputs: Vec<SensitiveInput>,
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
    let mut sensitive_inputs: Vec<SensitiveInput> = Vec::new();
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
                (
                    column.codes.iter().map(|&c| leaves[c as usize]).collect(),
                    h.domain_size(),
                )
            } else {
                (column.codes.clone(), column.dictionary.len())
            };
            sensitive_inputs.push(SensitiveInput {
                name: name.to_owned(),
                codes,
                values,
            });
            let i = sensitive_inputs.len() - 1;
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
        inputs: sensitive_inputs,
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
    /// Per quasi-identifier, each row's leaf in its hierarchy.
    leaves: Vec<Vec<u32>>,
    /// Per quasi-identifier, its column's position.
    columns: Vec<usize>,
}

/// The quasi-identifiers of the plans, checked against their hierarchies.
fn quasi_identifiers(
    table: &Table,
    plans: &[Plan],
    cfg: &LoadedConfig,
) -> Result<QuasiIdentifiers> {
    let rows_named = table.row_names;
    let mut qis = Vec::new();
    let mut qi_leaves = Vec::new();
    let mut qi_columns = Vec::new();
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
        qi_leaves.push(
            column
                .codes
                .iter()
                .map(|&c| leaves[c as usize])
                .collect::<Vec<u32>>(),
        );
        qi_columns.push(pos);
        qis.push(Qi {
            name: column.name.clone(),
            hierarchy: h,
            min_level,
            max_level,
        });
    }
    Ok(QuasiIdentifiers {
        qis,
        leaves: qi_leaves,
        columns: qi_columns,
    })
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
