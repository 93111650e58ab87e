//! Rule packs: one per jurisdiction, a directory of Cedar policies, a Cedar schema, `pack.toml`
//! (version, first day, last review, outcome order) and, for China, the FTZ negative lists under `ftz/`.
//!
//! A pack is validated at load (Cedar parse, strict schema validation, annotations) and
//! identified by its version and a content hash: SHA-256 over its files sorted by relative path
//! (byte order), each fed as the path, a NUL byte, the length of the text as a big-endian u64,
//! then the text. The packs under `rules/` are embedded at build time; [`RulePack::from_dir`]
//! loads another copy (to try a revision, or to diff two).

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use cedar_policy::{Policy, PolicyId, PolicySet, Schema, ValidationMode, Validator};
use jiff::civil::Date;
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::annotation::list as split;

pub use freeport_vocabulary::Jurisdiction;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_packs.rs"));
}

/// A rule pack that could not be loaded; every variant that concerns a file points into it.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum PackError {
    /// A file could not be read.
    #[error("cannot read `{path}`")]
    #[diagnostic(code(freeport::pack::io))]
    Io {
        /// The path.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file of the pack is wrong: bad TOML, bad Cedar, a failed validation, a bad annotation.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(Box<SourceError>),
}

/// An error located in a pack file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(freeport::pack::invalid))]
pub struct SourceError {
    message: String,
    #[help]
    help: Option<String>,
    #[source_code]
    src: NamedSource<String>,
    #[label(collection)]
    labels: Vec<LabeledSpan>,
    #[related]
    others: Vec<SourceError>,
}

impl SourceError {
    fn new(file: &str, text: &str, message: String, help: Option<String>) -> Self {
        Self {
            message,
            help,
            src: NamedSource::new(file, text.to_owned()),
            labels: Vec::new(),
            others: Vec::new(),
        }
    }

    fn label(mut self, span: SourceSpan, text: &str) -> Self {
        self.labels
            .push(LabeledSpan::new_with_span(Some(text.to_owned()), span));
        self
    }

    fn from_diagnostic(file: &str, text: &str, diagnostic: &dyn Diagnostic) -> Self {
        let mut error = Self::new(
            file,
            text,
            diagnostic.to_string(),
            diagnostic.help().map(|h| h.to_string()),
        );
        if let Some(labels) = diagnostic.labels() {
            error.labels.extend(labels);
        }
        error
    }

    /// The message, without location.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The file the error is in.
    #[must_use]
    pub fn file(&self) -> &str {
        self.src.name()
    }

    /// The first labelled offset, if any.
    #[must_use]
    pub fn offset(&self) -> Option<usize> {
        self.labels.first().map(LabeledSpan::offset)
    }
}

impl From<Box<SourceError>> for PackError {
    fn from(error: Box<SourceError>) -> Self {
        Self::Source(error)
    }
}

impl From<SourceError> for PackError {
    fn from(error: SourceError) -> Self {
        Self::Source(Box::new(error))
    }
}

/// `pack.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    jurisdiction: Jurisdiction,
    version: String,
    title: String,
    /// The same title in Chinese.
    title_zh: String,
    #[serde(with = "toml_date")]
    judges_from: Date,
    review: Review,
    outcomes: Vec<String>,
    /// The separate laws the pack judges, each with its own outcome (rules name theirs with
    /// `@law`, the first law by default); empty for a pack that judges one law.
    #[serde(default)]
    laws: Vec<Law>,
    /// What puts each mechanism in place, for the remedies that lift an outcome.
    #[serde(default)]
    mechanisms: Vec<MechanismStep>,
}

/// How a mechanism the facts can show is put in place (`pack.toml` `[[mechanisms]]`): the step
/// a mechanism remedy proposes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MechanismStep {
    /// The mechanism's id, as rules name it in `@mechanism`.
    pub id: String,
    /// The step, in words ("sign and file the standard contract").
    pub step: String,
    /// The same step in Chinese.
    pub step_zh: String,
    /// Where the mechanism is written.
    pub citation: String,
}

/// One of the separate laws a pack judges (the US pack: 28 CFR Part 202 and PADFA). Each law
/// gets its own outcome, mechanisms and obligations from its own rules; the side's headline
/// outcome is the most burdensome of them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Law {
    /// Short id rules name in `@law` (`dsp`, `padfa`).
    pub id: String,
    /// The law's name as the outputs show it.
    pub title: String,
    /// The same name in Chinese.
    pub title_zh: String,
}

/// The manifest keys of the first pack format, named so that an old pack is refused with the
/// way to update it rather than "unknown field".
const RETIRED_MANIFEST_KEYS: [(&str, &str); 2] = [
    (
        "valid_from",
        "`valid_from` is now `judges_from`: the first day the pack judges",
    ),
    (
        "valid_to",
        "`valid_to` is gone: a pack judges every date from `judges_from` on, and dates after \
         `[review] reviewed_through` with a \"not reviewed for this date\" warning",
    ),
];

/// The pack's own record of its last legal review: when it was made, how far ahead it looked,
/// and what was checked. Dates after `reviewed_through` are still judged, with a warning in
/// every output (see [`Coverage`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The day the review was made.
    #[serde(deserialize_with = "toml_date::deserialize")]
    pub reviewed_on: Date,
    /// The last transfer date the review covers: the law as known on `reviewed_on`, with every
    /// change then announced to take effect up to this day, is in the pack.
    #[serde(deserialize_with = "toml_date::deserialize")]
    pub reviewed_through: Date,
    /// What was checked, one finding per entry, each with its source key.
    pub checked: Vec<String>,
}

/// Whether a pack's review covers a transfer's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Coverage {
    /// The date lies inside the reviewed range: judged normally.
    Reviewed,
    /// The date lies after the last review's horizon: judged with the rules as last reviewed,
    /// and every output says so.
    NotReviewed {
        /// When the pack was last reviewed.
        reviewed_on: Date,
        /// The last date that review covers.
        reviewed_through: Date,
    },
    /// The date precedes the pack's first day: the pack does not judge it (the law it encodes
    /// was not in force, or an earlier law applied that the pack does not encode).
    BeforePack {
        /// The first day the pack judges.
        judges_from: Date,
    },
}

impl Coverage {
    /// Whether the date is inside the reviewed range (nothing to warn about).
    #[must_use]
    pub const fn is_reviewed(&self) -> bool {
        matches!(self, Self::Reviewed)
    }
}

/// TOML dates (`2024-03-22`, unquoted) into jiff dates.
mod toml_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let value = toml::value::Datetime::deserialize(d)?;
        let Some(date) = value.date.filter(|_| value.time.is_none()) else {
            return Err(serde::de::Error::custom(
                "expected a date such as 2024-03-22",
            ));
        };
        Date::new(
            i16::try_from(date.year).map_err(serde::de::Error::custom)?,
            i8::try_from(date.month).map_err(serde::de::Error::custom)?,
            i8::try_from(date.day).map_err(serde::de::Error::custom)?,
        )
        .map_err(serde::de::Error::custom)
    }

    pub(super) fn deserialize_opt<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Date>, D::Error> {
        deserialize(d).map(Some)
    }
}

/// A free-trade zone's negative list (CAC16 Art 6), loaded from `ftz/<zone>.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FtzList {
    /// The zone id facts use.
    pub zone: String,
    /// The list's official name.
    pub name: String,
    /// When it was issued, if known.
    #[serde(
        default,
        deserialize_with = "toml_date::deserialize_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub issued: Option<Date>,
    /// Where its content comes from.
    pub source: String,
    /// The entries.
    #[serde(rename = "entry")]
    pub entries: Vec<FtzEntry>,
}

/// One entry of a negative list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FtzEntry {
    /// Stable id, `<zone>.<name>`.
    pub id: String,
    /// The sector or scenario the entry covers.
    pub sector: String,
    /// Further detail, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One rule of a pack with its annotations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id, `cn.` or `us.` followed by the provision.
    pub id: String,
    /// The law the rule belongs to (`@law`, else the pack's first law); `None` when the pack
    /// judges one law.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub law: Option<String>,
    /// The outcome the rule decides, for deciding rules.
    pub outcome: Option<String>,
    /// Mechanisms the rule requires (from `@mechanism`, `|`-separated).
    pub mechanisms: Vec<String>,
    /// Obligations that follow (from `@obligations`, `|`-separated).
    pub obligations: Vec<String>,
    /// The same obligations in Chinese, one for one (from `@obligations_zh`).
    pub obligations_zh: Vec<String>,
    /// For rules that only add mechanisms: the outcomes under which they apply (from
    /// `@when_outcome`, `|`-separated); empty means under every outcome.
    pub when_outcome: Vec<String>,
    /// Precedence among deciding rules; higher wins.
    pub priority: i64,
    /// Article or section.
    pub citation: String,
    /// Source key of the reference text.
    pub source: String,
    /// First day the rule applies.
    pub effective_from: Date,
    /// Last day the rule applies, if it has ended.
    pub effective_to: Option<Date>,
    /// The rule in plain words.
    pub explain: String,
    /// The deadlines that follow when the rule decides or adds (from `@due`, [`crate::due`]).
    #[serde(skip)]
    pub(crate) due: Vec<crate::due::DueSpec>,
    /// File, relative to the repository root (`rules/cn/mechanisms.cedar`).
    pub file: String,
    /// Line of the rule's first annotation, 1-based.
    pub line: usize,
    /// The Cedar text of the rule.
    #[serde(skip)]
    pub text: String,
}

impl Rule {
    /// Whether the rule applies on `date`.
    #[must_use]
    pub fn in_force(&self, date: Date) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }
}

/// A loaded, validated rule pack.
#[derive(Debug, Clone)]
pub struct RulePack {
    manifest: Manifest,
    hash: String,
    policies: PolicySet,
    evaluation: PolicySet,
    plan: std::sync::Arc<crate::guard::Plan>,
    schema: Schema,
    rules: Vec<Rule>,
    index: BTreeMap<String, usize>,
    ftz: BTreeMap<String, FtzList>,
    files: std::sync::Arc<[PackFile]>,
}

/// One file of a pack, relative path and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackFile {
    /// Path relative to the pack directory, with `/`.
    pub path: String,
    /// Contents.
    pub text: String,
}

impl RulePack {
    /// The pack built into this release.
    ///
    /// # Errors
    ///
    /// Only if an embedded pack is broken, which the test suite rules out.
    pub fn embedded(jurisdiction: Jurisdiction) -> Result<Self, PackError> {
        let files = match jurisdiction {
            Jurisdiction::Cn => embedded::CN,
            Jurisdiction::Us => embedded::US,
        };
        let files = files
            .iter()
            .map(|(path, text)| PackFile {
                path: (*path).to_owned(),
                text: (*text).to_owned(),
            })
            .collect();
        Self::from_files(&format!("rules/{jurisdiction}"), files)
    }

    /// Loads a pack from a directory (`rules/cn` or a copy of it).
    ///
    /// # Errors
    ///
    /// A [`PackError`] naming the file, and the line where it applies.
    pub fn from_dir(dir: &Path) -> Result<Self, PackError> {
        let mut files = Vec::new();
        read_dir(dir, dir, &mut files)?;
        Self::from_files(&dir.display().to_string(), files)
    }

    /// Loads a pack from its files; `origin` prefixes file names in rule locations and errors.
    ///
    /// # Errors
    ///
    /// A [`PackError`] naming the file, and the line where it applies.
    pub fn from_files(origin: &str, mut files: Vec<PackFile>) -> Result<Self, PackError> {
        files.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        let hash = content_hash(&files);
        let name = |file: &PackFile| format!("{origin}/{}", file.path);
        let manifest_file = files.iter().find(|f| f.path == "pack.toml").ok_or_else(|| {
            SourceError::new(
                &format!("{origin}/pack.toml"),
                "",
                "the pack has no `pack.toml`".to_owned(),
                Some("add `pack.toml` with jurisdiction, version, title, title_zh, judges_from, [review] and outcomes".to_owned()),
            )
        })?;
        let manifest: Manifest = toml::from_str(&manifest_file.text).map_err(|e| {
            let retired = RETIRED_MANIFEST_KEYS
                .iter()
                .find(|(key, _)| e.message().contains(&format!("unknown field `{key}`")));
            let error = SourceError::new(
                &name(manifest_file),
                &manifest_file.text,
                format!("invalid pack manifest: {}", e.message().trim_end()),
                retired.map(|(_, help)| (*help).to_owned()),
            );
            match e.span() {
                Some(span) => error.label(span.into(), "here"),
                None => error,
            }
        })?;
        if manifest.review.reviewed_through < manifest.judges_from {
            return Err(SourceError::new(
                &name(manifest_file),
                &manifest_file.text,
                "`review.reviewed_through` is before `judges_from`".to_owned(),
                None,
            )
            .into());
        }
        if manifest.review.checked.iter().all(|c| c.trim().is_empty()) {
            return Err(SourceError::new(
                &name(manifest_file),
                &manifest_file.text,
                "`review.checked` is empty: a review says what it checked".to_owned(),
                Some("list each provision or change checked, with its source key".to_owned()),
            )
            .into());
        }

        let schema_files: Vec<&PackFile> = files
            .iter()
            .filter(|f| f.path.ends_with(".cedarschema"))
            .collect();
        let [schema_file] = schema_files.as_slice() else {
            return Err(SourceError::new(
                &format!("{origin}/pack.toml"),
                &manifest_file.text,
                format!(
                    "a pack needs exactly one `.cedarschema` file, found {}",
                    schema_files.len()
                ),
                None,
            )
            .into());
        };
        let schema = Schema::from_cedarschema_str(&schema_file.text)
            .map(|(schema, _warnings)| schema)
            .map_err(|e| SourceError::from_diagnostic(&name(schema_file), &schema_file.text, &e))?;
        let validator = Validator::new(schema.clone());

        let mut policies = PolicySet::new();
        let mut rules = Vec::new();
        let mut index = BTreeMap::new();
        for file in files.iter().filter(|f| f.path.ends_with(".cedar")) {
            let file_name = name(file);
            let parsed = PolicySet::from_str(&file.text)
                .map_err(|e| SourceError::from_diagnostic(&file_name, &file.text, &e))?;
            let mut renamed = PolicySet::new();
            for policy in parsed.policies() {
                let rule = read_rule(&manifest, &file_name, &file.text, policy)?;
                if index.contains_key(&rule.id) {
                    return Err(SourceError::new(
                        &file_name,
                        &file.text,
                        format!("rule `{}` is defined twice", rule.id),
                        Some("every `@id` may appear once in a pack".to_owned()),
                    )
                    .label(id_span(&file.text, &rule.id), "second definition")
                    .into());
                }
                let policy = policy.new_id(PolicyId::new(&rule.id));
                renamed
                    .add(policy.clone())
                    .map_err(|e| SourceError::new(&file_name, &file.text, e.to_string(), None))?;
                policies
                    .add(policy)
                    .map_err(|e| SourceError::new(&file_name, &file.text, e.to_string(), None))?;
                index.insert(rule.id.clone(), rules.len());
                rules.push(rule);
            }
            let result = validator.validate(&renamed, ValidationMode::Strict);
            let mut errors: Vec<SourceError> = result
                .validation_errors()
                .map(|e| SourceError::from_diagnostic(&file_name, &file.text, e))
                .collect();
            if !errors.is_empty() {
                let mut first = errors.remove(0);
                first.message = format!("rule fails schema validation: {}", first.message);
                first.others = errors;
                return Err(first.into());
            }
        }
        if rules.is_empty() {
            return Err(SourceError::new(
                &format!("{origin}/pack.toml"),
                &manifest_file.text,
                "the pack has no rules".to_owned(),
                Some("add `.cedar` files next to `pack.toml`".to_owned()),
            )
            .into());
        }

        let evaluation = evaluation_set(&policies, &format!("{origin}/pack.toml"))?;
        let plan = crate::guard::Plan::new(&evaluation).map_err(|message| {
            SourceError::new(
                &format!("{origin}/pack.toml"),
                "",
                format!("cannot prepare the pack for evaluation: {message}"),
                Some("this is a bug in freeport, not in the pack".to_owned()),
            )
        })?;

        let mut ftz = BTreeMap::new();
        for file in files.iter().filter(|f| f.path.starts_with("ftz/")) {
            let list: FtzList = toml::from_str(&file.text).map_err(|e| {
                let error = SourceError::new(
                    &name(file),
                    &file.text,
                    format!("invalid negative list: {}", e.message()),
                    None,
                );
                match e.span() {
                    Some(span) => error.label(span.into(), "here"),
                    None => error,
                }
            })?;
            ftz.insert(list.zone.clone(), list);
        }
        Ok(Self {
            manifest,
            hash,
            policies,
            evaluation,
            plan: std::sync::Arc::new(plan),
            schema,
            rules,
            index,
            ftz,
            files: files.into(),
        })
    }

    /// The pack's files as loaded, sorted by path: what [`RulePack::hash`] is the hash of, and
    /// what a port serves when it publishes the pack (`freeport rules update`).
    #[must_use]
    pub fn files(&self) -> &[PackFile] {
        &self.files
    }

    /// Which country's rules.
    #[must_use]
    pub fn jurisdiction(&self) -> Jurisdiction {
        self.manifest.jurisdiction
    }

    /// The pack's version, recorded with every decision.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.manifest.version
    }

    /// What the pack covers.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.manifest.title
    }

    /// What the pack covers, in Chinese.
    #[must_use]
    pub fn title_zh(&self) -> &str {
        &self.manifest.title_zh
    }

    /// `sha256:` and the hex content hash, recorded with every decision.
    #[must_use]
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The first day the pack judges.
    #[must_use]
    pub fn judges_from(&self) -> Date {
        self.manifest.judges_from
    }

    /// The pack's last legal review.
    #[must_use]
    pub fn review(&self) -> &Review {
        &self.manifest.review
    }

    /// Whether the pack's review covers a transfer dated `date`.
    #[must_use]
    pub fn coverage(&self, date: Date) -> Coverage {
        let review = &self.manifest.review;
        if date < self.manifest.judges_from {
            Coverage::BeforePack {
                judges_from: self.manifest.judges_from,
            }
        } else if date > review.reviewed_through {
            Coverage::NotReviewed {
                reviewed_on: review.reviewed_on,
                reviewed_through: review.reviewed_through,
            }
        } else {
            Coverage::Reviewed
        }
    }

    /// Outcomes from least to most burdensome.
    #[must_use]
    pub fn outcomes(&self) -> &[String] {
        &self.manifest.outcomes
    }

    /// The separate laws the pack judges, in the order outputs list them; empty when the pack
    /// judges one law.
    #[must_use]
    pub fn laws(&self) -> &[Law] {
        &self.manifest.laws
    }

    /// How the mechanism `id` is put in place, when the pack says.
    #[must_use]
    pub fn mechanism_step(&self, id: &str) -> Option<&MechanismStep> {
        self.manifest.mechanisms.iter().find(|m| m.id == id)
    }

    /// Burden rank of an outcome (0 = least), if the pack knows it.
    #[must_use]
    pub fn burden(&self, outcome: &str) -> Option<usize> {
        self.manifest.outcomes.iter().position(|o| o == outcome)
    }

    /// All rules, in file order.
    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id.
    #[must_use]
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.index.get(id).and_then(|&i| self.rules.get(i))
    }

    /// The FTZ negative lists, by zone.
    #[must_use]
    pub fn ftz_lists(&self) -> &BTreeMap<String, FtzList> {
        &self.ftz
    }

    /// The Cedar policy set as written (with source locations); policy ids are the rule ids.
    #[must_use]
    pub fn policies(&self) -> &PolicySet {
        &self.policies
    }

    /// The same policies rebuilt for evaluation, which is what the judge runs: without source
    /// locations, and with membership in a set of literals (`["a", "b"].contains(x)`) expanded
    /// to equality tests (`x == "a" || x == "b"`). Both change only the cost of evaluation,
    /// never a decision; a test compares the two sets on generated contexts.
    #[must_use]
    pub fn evaluation_policies(&self) -> &PolicySet {
        &self.evaluation
    }

    /// The guards that leave out policies which cannot fire (see the `guard` module).
    pub(crate) fn plan(&self) -> &crate::guard::Plan {
        &self.plan
    }

    /// The Cedar schema every rule was validated against.
    #[must_use]
    pub fn schema(&self) -> &Schema {
        &self.schema
    }
}

fn read_dir(root: &Path, dir: &Path, files: &mut Vec<PackFile>) -> Result<(), PackError> {
    let io = |path: &Path, source| PackError::Io {
        path: path.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        if path.is_dir() {
            read_dir(root, &path, files)?;
            continue;
        }
        let wanted = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("cedar" | "cedarschema" | "toml")
        );
        if !wanted {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        files.push(PackFile {
            path: relative,
            text,
        });
    }
    Ok(())
}

/// Rebuilds every policy through Cedar's JSON form, which carries no source locations (Cedar
/// otherwise copies a location into every value it computes), expanding literal-set membership
/// on the way (see [`RulePack::evaluation_policies`]).
fn evaluation_set(policies: &PolicySet, origin: &str) -> Result<PolicySet, Box<SourceError>> {
    let fail = |message: String| {
        Box::new(SourceError::new(
            origin,
            "",
            format!("cannot prepare the pack for evaluation: {message}"),
            Some("this is a bug in freeport, not in the pack".to_owned()),
        ))
    };
    let mut evaluation = PolicySet::new();
    for policy in policies.policies() {
        let mut json = policy.to_json().map_err(|e| fail(e.to_string()))?;
        expand_literal_sets(&mut json);
        let rebuilt =
            Policy::from_json(Some(policy.id().clone()), json).map_err(|e| fail(e.to_string()))?;
        evaluation.add(rebuilt).map_err(|e| fail(e.to_string()))?;
    }
    Ok(evaluation)
}

/// Rewrites, in a policy's JSON form, `{"contains": {"left": {"Set": [literals]}, "right": e}}`
/// into `e == l1 || e == l2 || ...`. Same value for every `e`: the set holds literals only, a
/// literal set contains `v` exactly when one of its elements equals `v`, and `e` (a context
/// attribute in these packs) is evaluated with the same result, or the same error, each time.
/// Empty sets are left alone (the rewrite would drop the evaluation of `e`).
fn expand_literal_sets(value: &mut serde_json::Value) {
    use serde_json::{Map, Value, json};
    match value {
        Value::Array(items) => items.iter_mut().for_each(expand_literal_sets),
        Value::Object(object) => {
            object.values_mut().for_each(expand_literal_sets);
            let Some(Value::Object(contains)) = object.get("contains") else {
                return;
            };
            if object.len() != 1 {
                return;
            }
            let (Some(Value::Object(set)), Some(element)) =
                (contains.get("left"), contains.get("right"))
            else {
                return;
            };
            let Some(Value::Array(members)) = set.get("Set").filter(|_| set.len() == 1) else {
                return;
            };
            let literal = |m: &Value| {
                m.as_object().is_some_and(|o| {
                    o.len() == 1
                        && o.get("Value")
                            .is_some_and(|v| v.is_string() || v.is_boolean() || v.is_i64())
                })
            };
            if members.is_empty() || !members.iter().all(literal) {
                return;
            }
            let mut tests = members
                .iter()
                .map(|m| json!({ "==": { "left": element.clone(), "right": m.clone() } }));
            let Some(first) = tests.next() else {
                return;
            };
            let chain = tests.fold(
                first,
                |left, right| json!({ "||": { "left": left, "right": right } }),
            );
            let mut replaced = Map::new();
            if let Value::Object(chain) = chain {
                replaced = chain;
            }
            *object = replaced;
        }
        _ => {}
    }
}

/// SHA-256 over the files in byte order of their relative paths; see the module docs.
fn content_hash(files: &[PackFile]) -> String {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.path.as_bytes());
        hasher.update([0]);
        hasher.update((file.text.len() as u64).to_be_bytes());
        hasher.update(file.text.as_bytes());
    }
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// The span of `@id("<id>")` in a file, or the start of the file.
fn id_span(text: &str, id: &str) -> SourceSpan {
    let needle = format!("@id(\"{id}\")");
    let offset = text.find(&needle).unwrap_or(0);
    SourceSpan::new(offset.into(), needle.len())
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |before| {
        before.bytes().filter(|&b| b == b'\n').count() + 1
    })
}

const KNOWN_ANNOTATIONS: [&str; 15] = [
    "id",
    "due",
    "due_zh",
    "law",
    "outcome",
    "mechanism",
    "when_outcome",
    "priority",
    "obligations",
    "obligations_zh",
    "citation",
    "source",
    "effective_from",
    "effective_to",
    "explain",
];

fn read_rule(
    manifest: &Manifest,
    file: &str,
    text: &str,
    policy: &Policy,
) -> Result<Rule, Box<SourceError>> {
    let Some(id) = policy.annotation("id") else {
        // Without an id there is nothing to point at but the policy's own text.
        let source = policy.to_string();
        let offset = text
            .find(source.lines().next().unwrap_or_default())
            .unwrap_or(0);
        return Err(Box::new(
            SourceError::new(
                file,
                text,
                "a rule has no `@id` annotation".to_owned(),
                Some(
                    "start every rule with `@id(\"<jurisdiction>.<provision>.<name>\")`".to_owned(),
                ),
            )
            .label(SourceSpan::new(offset.into(), 1), "this rule"),
        ));
    };
    let span = id_span(text, id);
    let fail = |message: String, help: &str| {
        Box::new(
            SourceError::new(file, text, message, Some(help.to_owned()))
                .label(span, "in this rule"),
        )
    };
    let prefix = format!("{}.", manifest.jurisdiction);
    if !id.starts_with(&prefix) {
        return Err(fail(
            format!("rule id `{id}` does not start with `{prefix}`"),
            "ids are `<jurisdiction>.<provision>.<name>`",
        ));
    }
    for (key, _) in policy.annotations() {
        if !KNOWN_ANNOTATIONS.contains(&key) {
            return Err(fail(
                format!("rule `{id}` has an unknown annotation `@{key}`"),
                "known annotations: @id @law @outcome @mechanism @when_outcome @priority @obligations @obligations_zh @citation @source @effective_from @effective_to @explain @due @due_zh",
            ));
        }
    }
    let required = |key: &str| -> Result<String, Box<SourceError>> {
        policy.annotation(key).map(str::to_owned).ok_or_else(|| {
            fail(
                format!("rule `{id}` has no `@{key}` annotation"),
                "every rule carries @id, @outcome or @mechanism, @obligations, @citation, @source, @effective_from and @explain",
            )
        })
    };
    let citation = required("citation")?;
    let source = required("source")?;
    let explain = required("explain")?;
    let (obligations, obligations_zh) = crate::annotation::obligations(
        id,
        &required("obligations")?,
        policy.annotation("obligations_zh"),
        fail,
    )?;
    let (effective_from, effective_to) = crate::annotation::in_force(
        id,
        &required("effective_from")?,
        policy.annotation("effective_to"),
        fail,
    )?;
    let law = match (policy.annotation("law"), manifest.laws.first()) {
        (None, None) => None,
        (None, Some(first)) => Some(first.id.clone()),
        (Some(law), _) if manifest.laws.iter().any(|l| l.id == law) => Some(law.to_owned()),
        (Some(law), _) => {
            return Err(fail(
                format!("rule `{id}` names law `{law}`, which `pack.toml` does not declare"),
                &format!(
                    "laws of this pack: {}",
                    if manifest.laws.is_empty() {
                        "none (remove `@law`, or declare `laws` in pack.toml)".to_owned()
                    } else {
                        manifest
                            .laws
                            .iter()
                            .map(|l| l.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            ));
        }
    };
    let due = policy
        .annotation("due")
        .map(|due| crate::due::DueSpec::parse_all(due, policy.annotation("due_zh")))
        .transpose()
        .map_err(|e| {
            fail(
                format!("`@due` of rule `{id}`: {e}"),
                "write `anchor ; offset ; what ; citation`, entries separated by ` | `, and each `what` in Chinese in `@due_zh`",
            )
        })?
        .unwrap_or_default();
    if due.is_empty() && policy.annotation("due_zh").is_some() {
        return Err(fail(
            format!("rule `{id}` has `@due_zh` but no `@due`"),
            "`@due_zh` words the entries of `@due` in Chinese",
        ));
    }
    let outcome = policy.annotation("outcome").map(str::to_owned);
    let mechanisms = policy
        .annotation("mechanism")
        .map(split)
        .unwrap_or_default();
    if outcome.is_none() && mechanisms.is_empty() {
        return Err(fail(
            format!("rule `{id}` has neither `@outcome` nor `@mechanism`"),
            "a rule either decides an outcome or adds a mechanism",
        ));
    }
    let when_outcome = policy
        .annotation("when_outcome")
        .map(split)
        .unwrap_or_default();
    if let Some(unknown) = when_outcome.iter().find(|o| !manifest.outcomes.contains(o)) {
        return Err(fail(
            format!("rule `{id}` has unknown outcome `{unknown}` in `@when_outcome`"),
            &format!("outcomes of this pack: {}", manifest.outcomes.join(", ")),
        ));
    }
    if outcome.is_some() && !when_outcome.is_empty() {
        return Err(fail(
            format!("rule `{id}` decides an outcome and also has `@when_outcome`"),
            "`@when_outcome` limits rules that only add mechanisms",
        ));
    }
    let priority = match (&outcome, policy.annotation("priority")) {
        (Some(outcome), Some(priority)) => {
            if !manifest.outcomes.contains(outcome) {
                return Err(fail(
                    format!("rule `{id}` has unknown outcome `{outcome}`"),
                    &format!("outcomes of this pack: {}", manifest.outcomes.join(", ")),
                ));
            }
            priority.parse::<i64>().map_err(|_| {
                fail(
                    format!("`@priority(\"{priority}\")` of rule `{id}` is not an integer"),
                    "higher priorities win",
                )
            })?
        }
        (Some(_), None) => {
            return Err(fail(
                format!("rule `{id}` decides an outcome but has no `@priority`"),
                "give every deciding rule a priority; higher wins",
            ));
        }
        (None, Some(_)) => {
            return Err(fail(
                format!("rule `{id}` has `@priority` but no `@outcome`"),
                "only deciding rules have a priority",
            ));
        }
        (None, None) => 0,
    };
    Ok(Rule {
        id: id.to_owned(),
        law,
        outcome,
        mechanisms,
        obligations,
        obligations_zh,
        when_outcome,
        priority,
        citation,
        source,
        effective_from,
        effective_to,
        explain,
        due,
        file: file.to_owned(),
        line: line_of(text, span.offset()),
        text: policy.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_embedded_packs_load() {
        for jurisdiction in [Jurisdiction::Cn, Jurisdiction::Us] {
            let pack = RulePack::embedded(jurisdiction).unwrap();
            assert_eq!(pack.jurisdiction(), jurisdiction);
            assert!(pack.hash().starts_with("sha256:"));
            assert!(!pack.rules().is_empty());
            for rule in pack.rules() {
                assert!(rule.file.starts_with(&format!("rules/{jurisdiction}/")));
                assert!(rule.line > 0);
            }
        }
    }

    /// Regression: the data packs did not check that a rule ends after it starts (the chips pack
    /// did); both read the days through `annotation::in_force` now.
    #[test]
    fn a_rule_that_ends_before_it_starts_is_refused() {
        let files: Vec<PackFile> = embedded::CN
            .iter()
            .map(|(path, text)| PackFile {
                path: (*path).to_owned(),
                text: text.replace(
                    "@effective_to(\"2025-12-31\")",
                    "@effective_to(\"2019-12-31\")",
                ),
            })
            .collect();
        let error = RulePack::from_files("cn (edited)", files).unwrap_err();
        assert!(
            error.to_string().contains("ends before it starts"),
            "{error}"
        );
    }

    #[test]
    fn the_hash_changes_with_any_byte() {
        let a = vec![PackFile {
            path: "a.cedar".into(),
            text: "x".into(),
        }];
        let b = vec![PackFile {
            path: "a.cedar".into(),
            text: "y".into(),
        }];
        assert_ne!(content_hash(&a), content_hash(&b));
        // Moving a byte from the path into the text changes the hash too.
        let c = vec![PackFile {
            path: "a.cedarx".into(),
            text: String::new(),
        }];
        let d = vec![PackFile {
            path: "a.cedar".into(),
            text: "x".into(),
        }];
        assert_ne!(content_hash(&c), content_hash(&d));
    }

    #[test]
    fn the_cn_pack_has_the_zone_lists() {
        let pack = RulePack::embedded(Jurisdiction::Cn).unwrap();
        assert!(pack.ftz_lists().contains_key("tianjin"));
        assert!(pack.ftz_lists().contains_key("beijing"));
    }
}

#[cfg(test)]
mod evaluation_tests {
    //! The evaluation set must decide exactly like the policies as written.

    use super::*;
    use cedar_policy::{Authorizer, Context, Entities, EntityUid, Request};
    use proptest::prelude::*;

    /// One context attribute of a pack schema: name and Cedar type.
    fn attributes(pack: &RulePack) -> Vec<(String, String)> {
        let files = match pack.jurisdiction() {
            Jurisdiction::Cn => embedded::CN,
            Jurisdiction::Us => embedded::US,
        };
        let (_, schema) = files
            .iter()
            .find(|(path, _)| path.ends_with(".cedarschema"))
            .unwrap();
        schema
            .lines()
            .filter_map(|line| {
                let (name, kind) = line.trim().split_once(": ")?;
                let kind = kind.trim_end_matches(',');
                ["Bool", "Long", "String", "Set<String>"]
                    .contains(&kind)
                    .then(|| (name.to_owned(), kind.to_owned()))
            })
            .collect()
    }

    /// The string and integer literals of a pack's rules, so generated contexts hit every
    /// comparison on both sides.
    fn literals(pack: &RulePack) -> (Vec<String>, Vec<i64>) {
        let mut strings = vec!["other".to_owned(), String::new()];
        let mut longs = vec![0, 1, i64::MAX];
        for rule in pack.rules() {
            let mut rest = rule.text.as_str();
            while let Some(start) = rest.find('"') {
                let after = &rest[start + 1..];
                let Some(end) = after.find('"') else { break };
                strings.push(after[..end].to_owned());
                rest = &after[end + 1..];
            }
            for word in rule.text.split(|c: char| !c.is_ascii_digit()) {
                if let Ok(n) = word.parse::<i64>() {
                    longs.extend([n - 1, n, n + 1]);
                }
            }
        }
        strings.sort();
        strings.dedup();
        longs.sort_unstable();
        longs.dedup();
        (strings, longs)
    }

    /// The policies of `set` that fire on a well-typed generated context (checked against the
    /// pack's schema), sorted, and how many are in error.
    fn reasons(pack: &RulePack, set: &PolicySet, choices: &[u64]) -> (Vec<String>, usize) {
        let attributes = attributes_of(pack, choices, 0);
        let (fired, errors) = outcome(pack, set, &attributes, Some(pack.schema()));
        (fired, errors.len())
    }

    #[test]
    fn the_rewrite_expands_literal_sets_and_nothing_else() {
        let mut json = serde_json::json!({"contains": {
            "left": {"Set": [{"Value": "a"}, {"Value": "b"}]},
            "right": {".": {"left": {"Var": "context"}, "attr": "x"}}
        }});
        expand_literal_sets(&mut json);
        let x = serde_json::json!({".": {"left": {"Var": "context"}, "attr": "x"}});
        assert_eq!(
            json,
            serde_json::json!({"||": {
                "left": {"==": {"left": x, "right": {"Value": "a"}}},
                "right": {"==": {"left": x, "right": {"Value": "b"}}}
            }})
        );
        // A set with a non-literal member, and an empty set, stay as they are.
        for kept in [
            serde_json::json!({"contains": {"left": {"Set": [{"Var": "context"}]}, "right": {"Value": 1}}}),
            serde_json::json!({"contains": {"left": {"Set": []}, "right": {"Value": 1}}}),
        ] {
            let mut json = kept.clone();
            expand_literal_sets(&mut json);
            assert_eq!(json, kept);
        }
    }

    #[test]
    fn the_evaluation_set_has_every_rule_and_no_source_location() {
        for jurisdiction in [Jurisdiction::Cn, Jurisdiction::Us] {
            let pack = RulePack::embedded(jurisdiction).unwrap();
            let ids = |set: &PolicySet| {
                let mut ids: Vec<String> = set.policies().map(|p| p.id().to_string()).collect();
                ids.sort();
                ids
            };
            assert_eq!(ids(pack.policies()), ids(pack.evaluation_policies()));
            assert!(pack.evaluation_policies().policies().all(|p| {
                !p.to_json()
                    .unwrap()
                    .to_string()
                    .contains(r#""contains":{"left":{"Set""#)
            }));
        }
    }

    fn packs() -> &'static [RulePack; 2] {
        static PACKS: std::sync::OnceLock<[RulePack; 2]> = std::sync::OnceLock::new();
        PACKS.get_or_init(|| {
            let packs = [
                RulePack::embedded(Jurisdiction::Cn).unwrap(),
                RulePack::embedded(Jurisdiction::Us).unwrap(),
            ];
            // The guards remember where attributes sit in the first context they see: show
            // them a whole one, as the judge does, before the mangled ones.
            for pack in &packs {
                let whole = attributes_of(pack, &[0; 40], 0);
                let borrowed: Vec<(&str, crate::guard::Attr)> =
                    whole.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
                pack.plan().survivors(&borrowed);
            }
            packs
        })
    }

    /// A generated context as the judge's typed attributes; some attributes dropped or given
    /// another type (`mangle`), where Cedar raises errors, so the guards' "unsure" is exercised.
    fn attributes_of(
        pack: &RulePack,
        choices: &[u64],
        mangle: u64,
    ) -> Vec<(String, crate::guard::Attr)> {
        use crate::guard::Attr;
        let (strings, longs) = literals(pack);
        let pick = |i: usize| choices.get(i).copied().unwrap_or(0) as usize;
        attributes(pack)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| (mangle >> (i % 32)) & 1 == 0)
            .map(|(i, (name, kind))| {
                let kind = if (mangle >> (32 + i % 32)) & 1 == 1 {
                    "Long"
                } else {
                    kind.as_str()
                };
                let value = match kind {
                    "Bool" => Attr::Bool(pick(i) % 2 == 1),
                    "Long" => Attr::Long(longs[pick(i) % longs.len()]),
                    "String" => Attr::Str(strings[pick(i) % strings.len()].clone()),
                    _ => Attr::Set(
                        strings
                            .iter()
                            .enumerate()
                            .filter(|(j, _)| (pick(i) >> (j % 64)) & 1 == 1)
                            .map(|(_, s)| s.clone())
                            .collect(),
                    ),
                };
                (name, value)
            })
            .collect()
    }

    /// Fired policies and policies in error, sorted; with `schema`, the context is checked
    /// against it first.
    fn outcome(
        pack: &RulePack,
        set: &PolicySet,
        attributes: &[(String, crate::guard::Attr)],
        schema: Option<&Schema>,
    ) -> (Vec<String>, Vec<String>) {
        let context =
            Context::from_pairs(attributes.iter().map(|(n, v)| (n.clone(), v.to_cedar()))).unwrap();
        let request = Request::new(
            r#"Transfer::"transfer""#.parse::<EntityUid>().unwrap(),
            r#"Action::"judge""#.parse::<EntityUid>().unwrap(),
            format!(r#"Pack::"{}""#, pack.jurisdiction())
                .parse::<EntityUid>()
                .unwrap(),
            context,
            schema,
        )
        .unwrap();
        let response = Authorizer::new().is_authorized(&request, set, &Entities::empty());
        let mut fired: Vec<String> = response
            .diagnostics()
            .reason()
            .map(ToString::to_string)
            .collect();
        let mut errors: Vec<String> = response
            .diagnostics()
            .errors()
            .map(ToString::to_string)
            .collect();
        fired.sort();
        errors.sort();
        (fired, errors)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// The guards leave out only policies that neither fire nor raise an error: on
        /// generated contexts (well-typed, or with attributes missing or of the wrong type) the
        /// survivors fire and fail exactly like the whole evaluation set.
        #[test]
        fn the_guards_leave_out_only_policies_that_cannot_fire(
            choices in proptest::collection::vec(any::<u64>(), 40),
            mangle in prop_oneof![3 => Just(0_u64), 1 => any::<u64>()],
        ) {
            for pack in packs() {
                let attributes = attributes_of(pack, &choices, mangle);
                let borrowed: Vec<(&str, crate::guard::Attr)> =
                    attributes.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
                let survivors = pack.plan().survivors(&borrowed);
                let full = outcome(pack, pack.evaluation_policies(), &attributes, None);
                let filtered = if survivors.is_empty() {
                    (Vec::new(), Vec::new())
                } else {
                    outcome(
                        pack,
                        &pack.plan().policy_set(survivors).unwrap(),
                        &attributes,
                        None,
                    )
                };
                prop_assert_eq!(full, filtered);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn the_evaluation_set_decides_like_the_text(
            choices in proptest::collection::vec(any::<u64>(), 40),
        ) {
            for pack in packs() {
                let written = reasons(pack, pack.policies(), &choices);
                let evaluated = reasons(pack, pack.evaluation_policies(), &choices);
                prop_assert_eq!(written, evaluated);
            }
        }
    }
}
