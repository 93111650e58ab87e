//! The chips rule pack (`rules/chips`): Cedar rules with the data packs' annotations
//! (`@id @outcome @priority @obligations @obligations_zh @citation @source @effective_from
//! @effective_to @explain`), a schema, `pack.toml` (version, validity, review record, outcomes
//! per question), `thresholds.toml` (every number a rule compares, with its citation) and
//! `destinations.toml` (what is known of each destination's country groups).
//!
//! The loader follows `freeport_policy::RulePack` (same annotations, same content hash: SHA-256
//! over the files sorted by relative path, each as path, NUL, big-endian u64 length, text) but
//! is its own: the data packs are keyed by jurisdiction and answer one question, while this pack
//! answers several (one Cedar action each) and carries thresholds and destinations.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use cedar_policy::{
    ActionConstraint, Context, EntityUid, PolicyId, PolicySet, Request, RestrictedExpression,
    Schema, ValidationMode, Validator,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Located};
use crate::number::{Exact, Op};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_chips_pack.rs"));
}

/// The questions the pack answers, in the order they are asked; each is a Cedar action.
pub const QUESTIONS: [&str; 5] = ["classify", "z_item", "nac_aca", "exception", "licence"];

/// `pack.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    name: String,
    version: String,
    title: String,
    valid_from: toml::value::Datetime,
    review: ReviewToml,
    outcomes: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewToml {
    reviewed_on: toml::value::Datetime,
    reviewed_through: toml::value::Datetime,
    checked: String,
}

/// The pack's review record: when it was reviewed, up to which date, and what was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// The day of the review.
    pub reviewed_on: Date,
    /// The last date the review covers; later dates are answered with a warning.
    pub reviewed_through: Date,
    /// What the review checked.
    pub checked: String,
}

/// A quantity a threshold compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// Total processing performance.
    Tpp,
    /// Performance density (TPP per mm² of applicable die area).
    Pd,
    /// Total DRAM bandwidth, GB/s.
    DramBandwidth,
    /// Aggregate bidirectional interconnect (I/O) bandwidth, GB/s.
    InterconnectBandwidth,
    /// HBM memory bandwidth density, GB/s per mm².
    HbmDensity,
}

impl Quantity {
    /// Short name for tables and conditions.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Tpp => "TPP",
            Self::Pd => "PD",
            Self::DramBandwidth => "DRAM bandwidth (GB/s)",
            Self::InterconnectBandwidth => "interconnect bandwidth (GB/s)",
            Self::HbmDensity => "HBM bandwidth density (GB/s/mm²)",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdToml {
    id: String,
    quantity: Quantity,
    op: Op,
    value: String,
    citation: String,
    source: String,
    effective_from: toml::value::Datetime,
    #[serde(default)]
    effective_to: Option<toml::value::Datetime>,
    explain: String,
}

/// A number a rule compares, with its citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Threshold {
    /// The id rules use (`context.met.<id>`).
    pub id: String,
    /// What is compared.
    pub quantity: Quantity,
    /// How.
    pub op: Op,
    /// Against what, exactly.
    pub value: Exact,
    /// The provision.
    pub citation: String,
    /// Where in the reference.
    pub source: String,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force, if it ended.
    pub effective_to: Option<Date>,
    /// In plain words.
    pub explain: String,
}

impl Threshold {
    /// Whether the threshold applies on `date`.
    #[must_use]
    pub fn in_force(&self, date: Date) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }
}

/// What is known of a destination; `None` is unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DestinationFlags {
    /// Country Group D:1.
    #[serde(default)]
    pub d1: Option<bool>,
    /// Country Group D:4.
    #[serde(default)]
    pub d4: Option<bool>,
    /// Country Group D:5.
    #[serde(default)]
    pub d5: Option<bool>,
    /// Country Group A:5 or A:6.
    #[serde(default)]
    pub a5_or_a6: Option<bool>,
    /// Macau.
    #[serde(default)]
    pub macau: Option<bool>,
    /// China (mainland).
    #[serde(default)]
    pub china: Option<bool>,
    /// Hong Kong.
    #[serde(default)]
    pub hong_kong: Option<bool>,
}

/// One destination of `destinations.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Destination {
    /// ISO 3166-1 alpha-2, lower case.
    pub code: String,
    /// Its name.
    pub name: String,
    /// What is known of it.
    #[serde(flatten)]
    pub flags: DestinationFlags,
    /// Where that knowledge comes from.
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DestinationsToml {
    destination: Vec<Destination>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsToml {
    threshold: Vec<ThresholdToml>,
}

/// One rule of the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id, `chips.` and the provision.
    pub id: String,
    /// The question (Cedar action) it answers.
    pub question: String,
    /// The outcome it decides.
    pub outcome: String,
    /// Precedence among fired rules of its question; higher wins.
    pub priority: i64,
    /// Obligations that follow.
    pub obligations: Vec<String>,
    /// The same in Chinese, one for one.
    pub obligations_zh: Vec<String>,
    /// The provision.
    pub citation: String,
    /// Where in the reference.
    pub source: String,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force, if it ended.
    pub effective_to: Option<Date>,
    /// In plain words.
    pub explain: String,
    /// File, relative to the repository root.
    pub file: String,
    /// Line of the rule's `@id`, 1-based.
    pub line: usize,
}

impl Rule {
    /// Whether the rule applies on `date`.
    #[must_use]
    pub fn in_force(&self, date: Date) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }
}

/// The loaded, validated chips pack.
#[derive(Debug, Clone)]
pub struct ChipsPack {
    name: String,
    version: String,
    title: String,
    valid_from: Date,
    review: Review,
    outcomes: BTreeMap<String, Vec<String>>,
    hash: String,
    policies: PolicySet,
    rules: Vec<Rule>,
    thresholds: Vec<Threshold>,
    destinations: BTreeMap<String, Destination>,
}

/// One file of a pack: path relative to the pack directory, and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackFile {
    /// Relative path with `/`.
    pub path: String,
    /// Contents.
    pub text: String,
}

impl ChipsPack {
    /// The pack built into this release (`rules/chips`).
    ///
    /// # Errors
    ///
    /// Only if the embedded pack is broken, which the test suite rules out.
    pub fn embedded() -> Result<Self, Error> {
        let files = embedded::CHIPS
            .iter()
            .map(|(path, text)| PackFile {
                path: (*path).to_owned(),
                text: (*text).to_owned(),
            })
            .collect();
        Self::from_files("rules/chips", files)
    }

    /// Loads the pack from a directory (a copy of `rules/chips`, to try a revision).
    ///
    /// # Errors
    ///
    /// An error naming the file (and the line) that is wrong.
    pub fn from_dir(dir: &Path) -> Result<Self, Error> {
        let io = |source| Error::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            let wanted = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("cedar" | "cedarschema" | "toml")
            );
            if !wanted || !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push(PackFile { path: name, text });
        }
        Self::from_files(&dir.display().to_string(), files)
    }

    /// Loads the pack from its files; `origin` prefixes file names in rule locations and errors.
    ///
    /// # Errors
    ///
    /// An error naming the file (and the line) that is wrong.
    pub fn from_files(origin: &str, mut files: Vec<PackFile>) -> Result<Self, Error> {
        files.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        let hash = content_hash(&files);
        let named = |path: &str| format!("{origin}/{path}");
        let find = |path: &str| find_file(&files, origin, path);
        let manifest_file = find("pack.toml")?;
        let manifest: Manifest = parse_toml(&named("pack.toml"), &manifest_file.text)?;
        let date_in = |file: &PackFile, value: &toml::value::Datetime, what: &str| {
            toml_date(value).ok_or_else(|| {
                Error::pack(
                    Located::new(
                        &named(&file.path),
                        &file.text,
                        format!("`{what}` is not a date"),
                    )
                    .with_help("write dates as YYYY-MM-DD, unquoted"),
                )
            })
        };
        let valid_from = date_in(manifest_file, &manifest.valid_from, "valid_from")?;
        let review = Review {
            reviewed_on: date_in(manifest_file, &manifest.review.reviewed_on, "reviewed_on")?,
            reviewed_through: date_in(
                manifest_file,
                &manifest.review.reviewed_through,
                "reviewed_through",
            )?,
            checked: manifest.review.checked.clone(),
        };
        if review.reviewed_through < valid_from {
            return Err(Error::pack(Located::new(
                &named("pack.toml"),
                &manifest_file.text,
                "`reviewed_through` is before `valid_from`",
            )));
        }
        for question in QUESTIONS {
            if manifest.outcomes.get(question).is_none_or(Vec::is_empty) {
                return Err(Error::pack(
                    Located::new(
                        &named("pack.toml"),
                        &manifest_file.text,
                        format!("`[outcomes]` has no outcomes for `{question}`"),
                    )
                    .with_help(format!(
                        "every question needs its outcomes: {}",
                        QUESTIONS.join(", ")
                    )),
                ));
            }
        }

        let thresholds_file = find("thresholds.toml")?;
        let raw: ThresholdsToml = parse_toml(&named("thresholds.toml"), &thresholds_file.text)?;
        let mut thresholds = Vec::new();
        for t in raw.threshold {
            let fail = |message: String| {
                Error::pack(
                    Located::new(&named("thresholds.toml"), &thresholds_file.text, message).label(
                        id_span(&thresholds_file.text, &format!("id = \"{}\"", t.id)),
                        "this threshold",
                    ),
                )
            };
            let value = Exact::parse(&t.value)
                .map_err(|e| fail(format!("threshold `{}` has value `{}`: {e}", t.id, t.value)))?;
            if thresholds.iter().any(|x: &Threshold| x.id == t.id) {
                return Err(fail(format!("threshold `{}` is defined twice", t.id)));
            }
            let effective_from = date_in(thresholds_file, &t.effective_from, "effective_from")?;
            let effective_to = t
                .effective_to
                .as_ref()
                .map(|d| date_in(thresholds_file, d, "effective_to"))
                .transpose()?;
            thresholds.push(Threshold {
                id: t.id,
                quantity: t.quantity,
                op: t.op,
                value,
                citation: t.citation,
                source: t.source,
                effective_from,
                effective_to,
                explain: t.explain,
            });
        }

        let destinations_file = find("destinations.toml")?;
        let raw: DestinationsToml =
            parse_toml(&named("destinations.toml"), &destinations_file.text)?;
        let mut destinations = BTreeMap::new();
        for d in raw.destination {
            let code = d.code.clone();
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(Error::pack(
                    Located::new(
                        &named("destinations.toml"),
                        &destinations_file.text,
                        format!(
                            "destination code `{code}` is not a lower-case ISO 3166-1 alpha-2 code"
                        ),
                    )
                    .label(
                        id_span(&destinations_file.text, &format!("code = \"{code}\"")),
                        "here",
                    ),
                ));
            }
            destinations.insert(code, d);
        }

        let schema_files: Vec<&PackFile> = files
            .iter()
            .filter(|f| f.path.ends_with(".cedarschema"))
            .collect();
        let [schema_file] = schema_files.as_slice() else {
            return Err(Error::pack(Located::new(
                &named("pack.toml"),
                &manifest_file.text,
                format!(
                    "a pack needs exactly one `.cedarschema` file, found {}",
                    schema_files.len()
                ),
            )));
        };
        let schema = Schema::from_cedarschema_str(&schema_file.text)
            .map(|(schema, _warnings)| schema)
            .map_err(|e| {
                Error::pack(
                    Located::new(&named(&schema_file.path), &schema_file.text, e.to_string())
                        .labels_of(&e),
                )
            })?;
        let validator = Validator::new(schema.clone());

        let mut policies = PolicySet::new();
        let mut rules: Vec<Rule> = Vec::new();
        for file in files.iter().filter(|f| f.path.ends_with(".cedar")) {
            let file_name = named(&file.path);
            let parsed = PolicySet::from_str(&file.text).map_err(|e| {
                Error::pack(Located::new(&file_name, &file.text, e.to_string()).labels_of(&e))
            })?;
            let mut renamed = PolicySet::new();
            for policy in parsed.policies() {
                let rule = read_rule(&manifest, &file_name, &file.text, policy)?;
                if rules.iter().any(|r| r.id == rule.id) {
                    return Err(Error::pack(
                        Located::new(
                            &file_name,
                            &file.text,
                            format!("rule `{}` is defined twice", rule.id),
                        )
                        .label(
                            id_span(&file.text, &format!("@id(\"{}\")", rule.id)),
                            "second definition",
                        ),
                    ));
                }
                let policy = policy.new_id(PolicyId::new(&rule.id));
                let add = |set: &mut PolicySet| {
                    set.add(policy.clone()).map_err(|e| {
                        Error::pack(Located::new(&file_name, &file.text, e.to_string()))
                    })
                };
                add(&mut renamed)?;
                add(&mut policies)?;
                rules.push(rule);
            }
            let result = validator.validate(&renamed, ValidationMode::Strict);
            if let Some(first) = result.validation_errors().next() {
                return Err(Error::pack(
                    Located::new(
                        &file_name,
                        &file.text,
                        format!("rule fails schema validation: {first}"),
                    )
                    .labels_of(first),
                ));
            }
        }
        for question in QUESTIONS {
            if !rules.iter().any(|r| r.question == question) {
                return Err(Error::pack(Located::new(
                    &named("pack.toml"),
                    &manifest_file.text,
                    format!("no rule answers `{question}`"),
                )));
            }
        }

        let pack = Self {
            name: manifest.name,
            version: manifest.version,
            title: manifest.title,
            valid_from,
            review,
            outcomes: manifest.outcomes,
            hash,
            policies,
            rules,
            thresholds,
            destinations,
        };
        // The thresholds and the schema's `met` record must name the same ids: a context
        // built from thresholds.toml is checked against the schema.
        let context = pack.sample_context();
        let uid = |s: &str| EntityUid::from_str(s).map_err(|e| e.to_string());
        let check = (|| -> Result<(), String> {
            let context = Context::from_pairs(context).map_err(|e| e.to_string())?;
            Request::new(
                uid(r#"Item::"item""#)?,
                uid(r#"Action::"classify""#)?,
                uid(r#"Pack::"chips""#)?,
                context,
                Some(&schema),
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
        })();
        if let Err(message) = check {
            return Err(Error::pack(
                Located::new(
                    &named("thresholds.toml"),
                    &thresholds_file.text,
                    format!("thresholds.toml and the schema's `Met` record disagree: {message}"),
                )
                .with_help("every threshold id must be a `Bool` attribute of `Met` in the schema, and every attribute a threshold"),
            ));
        }
        Ok(pack)
    }

    /// A well-typed context with every value false or empty (for the load-time check).
    fn sample_context(&self) -> Vec<(String, RestrictedExpression)> {
        let met = self
            .thresholds
            .iter()
            .map(|t| (t.id.clone(), RestrictedExpression::new_bool(false)));
        crate::decide::context_pairs(
            "ic",
            false,
            met.collect(),
            (false, false),
            "",
            "",
            false,
            &[false; 7],
            false,
        )
    }

    /// The pack's name (`chips`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pack's version, recorded with every answer.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.version
    }

    /// What the pack covers.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// `sha256:` and the hex content hash.
    #[must_use]
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The first date the pack covers.
    #[must_use]
    pub fn valid_from(&self) -> Date {
        self.valid_from
    }

    /// The review record.
    #[must_use]
    pub fn review(&self) -> &Review {
        &self.review
    }

    /// Outcomes of a question, least burdensome first.
    #[must_use]
    pub fn outcomes(&self, question: &str) -> &[String] {
        self.outcomes.get(question).map_or(&[], Vec::as_slice)
    }

    /// Every rule, in file order.
    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id.
    #[must_use]
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Every threshold.
    #[must_use]
    pub fn thresholds(&self) -> &[Threshold] {
        &self.thresholds
    }

    /// Known destinations, by code.
    #[must_use]
    pub fn destinations(&self) -> &BTreeMap<String, Destination> {
        &self.destinations
    }

    /// The Cedar policies; policy ids are rule ids.
    #[must_use]
    pub fn policies(&self) -> &PolicySet {
        &self.policies
    }
}

fn find_file<'a>(files: &'a [PackFile], origin: &str, path: &str) -> Result<&'a PackFile, Error> {
    files.iter().find(|f| f.path == path).ok_or_else(|| {
        Error::pack(
            Located::new(&format!("{origin}/{path}"), "", format!("the chips pack has no `{path}`"))
                .with_help("a chips pack has pack.toml, thresholds.toml, destinations.toml, one .cedarschema and .cedar rules"),
        )
    })
}

fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, Error> {
    toml::from_str(text).map_err(|e| {
        let error = Located::new(file, text, format!("invalid `{file}`: {}", e.message()));
        Error::pack(match e.span() {
            Some(span) => error.label(span, "here"),
            None => error,
        })
    })
}

/// A TOML date (no time) as a jiff date.
pub(crate) fn toml_date(value: &toml::value::Datetime) -> Option<Date> {
    let date = value.date.filter(|_| value.time.is_none())?;
    Date::new(
        i16::try_from(date.year).ok()?,
        i8::try_from(date.month).ok()?,
        i8::try_from(date.day).ok()?,
    )
    .ok()
}

/// SHA-256 over the files in byte order of their relative paths (as the data packs do).
fn content_hash(files: &[PackFile]) -> String {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.path.as_bytes());
        hasher.update([0]);
        hasher.update((file.text.len() as u64).to_be_bytes());
        hasher.update(file.text.as_bytes());
    }
    let mut hex = String::from("sha256:");
    for byte in hasher.finalize() {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

fn id_span(text: &str, needle: &str) -> (usize, usize) {
    (text.find(needle).unwrap_or(0), needle.len())
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |before| {
        before.bytes().filter(|&b| b == b'\n').count() + 1
    })
}

const KNOWN_ANNOTATIONS: [&str; 10] = [
    "id",
    "outcome",
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
    policy: &cedar_policy::Policy,
) -> Result<Rule, Error> {
    let Some(id) = policy.annotation("id") else {
        let first = policy.to_string();
        let offset = text
            .find(first.lines().next().unwrap_or_default())
            .unwrap_or(0);
        return Err(Error::pack(
            Located::new(file, text, "a rule has no `@id` annotation")
                .with_help("start every rule with `@id(\"chips.<provision>.<name>\")`")
                .label((offset, 1), "this rule"),
        ));
    };
    let span = id_span(text, &format!("@id(\"{id}\")"));
    let fail = |message: String, help: &str| {
        Error::pack(
            Located::new(file, text, message)
                .with_help(help)
                .label(span, "in this rule"),
        )
    };
    if !id.starts_with("chips.") {
        return Err(fail(
            format!("rule id `{id}` does not start with `chips.`"),
            "ids are `chips.<provision>.<name>`",
        ));
    }
    for (key, _) in policy.annotations() {
        if !KNOWN_ANNOTATIONS.contains(&key) {
            return Err(fail(
                format!("rule `{id}` has an unknown annotation `@{key}`"),
                "known annotations: @id @outcome @priority @obligations @obligations_zh @citation @source @effective_from @effective_to @explain",
            ));
        }
    }
    let required = |key: &str| -> Result<String, Error> {
        policy.annotation(key).map(str::to_owned).ok_or_else(|| {
            fail(
                format!("rule `{id}` has no `@{key}` annotation"),
                "every rule carries @id, @outcome, @priority, @obligations, @citation, @source, @effective_from and @explain",
            )
        })
    };
    let question = match policy.action_constraint() {
        ActionConstraint::Eq(uid) => uid.id().unescaped().to_owned(),
        _ => {
            return Err(fail(
                format!("rule `{id}` does not name one action"),
                &format!(
                    "write `action == Action::\"<question>\"` with one of: {}",
                    QUESTIONS.join(", ")
                ),
            ));
        }
    };
    let outcome = required("outcome")?;
    let outcomes = manifest
        .outcomes
        .get(&question)
        .map_or(&[][..], Vec::as_slice);
    if !outcomes.contains(&outcome) {
        return Err(fail(
            format!("rule `{id}` has outcome `{outcome}`, which `{question}` does not have"),
            &format!("outcomes of `{question}`: {}", outcomes.join(", ")),
        ));
    }
    let priority_text = required("priority")?;
    let priority = priority_text.parse::<i64>().map_err(|_| {
        fail(
            format!("`@priority(\"{priority_text}\")` of rule `{id}` is not an integer"),
            "higher priorities win",
        )
    })?;
    let (obligations, obligations_zh) = freeport_policy::annotation::obligations(
        id,
        &required("obligations")?,
        policy.annotation("obligations_zh"),
        fail,
    )?;
    let (effective_from, effective_to) = freeport_policy::annotation::in_force(
        id,
        &required("effective_from")?,
        policy.annotation("effective_to"),
        fail,
    )?;
    Ok(Rule {
        id: id.to_owned(),
        question,
        outcome,
        priority,
        obligations,
        obligations_zh,
        citation: required("citation")?,
        source: required("source")?,
        effective_from,
        effective_to,
        explain: required("explain")?,
        file: file.to_owned(),
        line: line_of(text, span.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<PackFile> {
        embedded::CHIPS
            .iter()
            .map(|(path, text)| PackFile {
                path: (*path).to_owned(),
                text: (*text).to_owned(),
            })
            .collect()
    }

    fn replaced(path: &str, from: &str, to: &str) -> Vec<PackFile> {
        let mut files = files();
        for f in &mut files {
            if f.path == path {
                assert!(f.text.contains(from), "{from} not in {path}");
                f.text = f.text.replacen(from, to, 1);
            }
        }
        files
    }

    fn error(files: Vec<PackFile>) -> String {
        match ChipsPack::from_files("rules/chips", files) {
            Err(Error::Pack(e)) => format!("{}: {}", e.file(), e.message()),
            other => panic!("expected a pack error, got {other:?}"),
        }
    }

    #[test]
    fn the_embedded_pack_loads_with_every_rule_cited() {
        let pack = ChipsPack::embedded().unwrap();
        assert!(pack.hash().starts_with("sha256:"));
        assert_eq!(pack.thresholds().len(), 13);
        for rule in pack.rules() {
            assert!(!rule.citation.is_empty() && !rule.source.is_empty());
            assert!(rule.file.starts_with("rules/chips/") && rule.line > 0);
        }
        assert!(pack.destinations().contains_key("cn"));
    }

    #[test]
    fn a_threshold_missing_from_the_schema_is_refused() {
        let files = replaced("thresholds.toml", "id = \"pd_1_6\"", "id = \"pd_1_7\"");
        insta::assert_snapshot!(error(files), @"rules/chips/thresholds.toml: thresholds.toml and the schema's `Met` record disagree: context `{contains_3a090a: false, contains_3a090b: false, datacenter: false, dest: {a5_or_a6: false, china: false, d1: false, d4: false, d5: false, .. }, eccn: \"\", .. }` is not valid for `Action::\"classify\"`");
    }

    #[test]
    fn a_rule_with_an_unknown_outcome_is_refused() {
        let files = replaced(
            "classify.cedar",
            "@outcome(\"3A090.b\")",
            "@outcome(\"3A090.x\")",
        );
        insta::assert_snapshot!(error(files), @"rules/chips/classify.cedar: rule `chips.3a090.b1` has outcome `3A090.x`, which `classify` does not have");
    }

    #[test]
    fn a_typo_in_a_rule_fails_schema_validation() {
        let files = replaced(
            "licence.cedar",
            "context.met.dram_under_6500",
            "context.met.dram_under_6600",
        );
        assert!(
            error(files).starts_with("rules/chips/licence.cedar: rule fails schema validation")
        );
    }

    #[test]
    fn a_bad_threshold_value_is_refused() {
        let files = replaced("thresholds.toml", "value = \"5.92\"", "value = \"5,92\"");
        insta::assert_snapshot!(error(files), @"rules/chips/thresholds.toml: threshold `pd_5_92` has value `5,92`: not a decimal number");
    }
}
