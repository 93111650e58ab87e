//! The `deid.toml` configuration: per column a role (identifier, quasi-identifier with its
//! hierarchy, sensitive, insensitive) or a transform, the privacy model and its limits, the
//! metric, and the assessment thresholds. Unknown keys are errors with a span; so is a column
//! the data does not have.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Format version; only 1 exists.
    #[serde(default = "one")]
    pub version: Spanned<u32>,
    /// What to do with columns the file does not list.
    #[serde(default)]
    pub unlisted: Unlisted,
    /// The privacy model.
    #[serde(default)]
    pub model: ModelConfig,
    /// The metric to minimise.
    #[serde(default)]
    pub metric: MetricConfig,
    /// Thresholds for the risk assessment and the 去标识化 / 匿名化 call.
    #[serde(default)]
    pub assessment: AssessmentConfig,
    /// Thresholds of the profiles where their sources set none.
    #[serde(default)]
    pub profiles: ProfilesConfig,
    /// Per column, by header name.
    #[serde(default)]
    pub columns: BTreeMap<Spanned<String>, ColumnConfig>,
}

/// `[profiles]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProfilesConfig {
    /// `[profiles.cn-anonymised]`.
    #[serde(default)]
    pub cn_anonymised: CnAnonymisedConfig,
}

/// `[profiles.cn-anonymised]`: the floors `--profile cn-anonymised` applies. GB/T 42460-2023
/// Annex D evaluates effectiveness with the k-anonymity model, but the reference gives no
/// numbers (deid-standards.md §3), so these are freeport's defaults and configurable; the
/// highest-risk threshold is `[assessment] max-risk`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CnAnonymisedConfig {
    /// Smallest k (default [`crate::profile::CN_K`]).
    #[serde(default = "cn_k")]
    pub k: Spanned<u32>,
    /// Smallest distinct l on each sensitive attribute without its own criterion (default
    /// [`crate::profile::CN_L`]).
    #[serde(default = "cn_l")]
    pub l: Spanned<u32>,
}

impl Default for CnAnonymisedConfig {
    fn default() -> Self {
        Self {
            k: cn_k(),
            l: cn_l(),
        }
    }
}

fn cn_k() -> Spanned<u32> {
    Spanned::new(0..0, crate::profile::CN_K)
}

fn cn_l() -> Spanned<u32> {
    Spanned::new(0..0, crate::profile::CN_L)
}

fn one() -> Spanned<u32> {
    Spanned::new(0..0, 1)
}

/// Columns the configuration does not name.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Unlisted {
    /// Refuse to run (the default: nothing leaves without a decision).
    #[default]
    Error,
    /// Keep them as insensitive attributes.
    Insensitive,
    /// Drop them.
    Delete,
}

/// `[model]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ModelConfig {
    /// k of k-anonymity (1 = none).
    #[serde(default = "k_one")]
    pub k: Spanned<u32>,
    /// Largest share of records that may be suppressed, 0..=1.
    #[serde(default = "zero")]
    pub suppression_limit: Spanned<f64>,
    /// l-diversity criteria.
    #[serde(default)]
    pub l_diversity: Vec<LDiversityConfig>,
    /// t-closeness criteria.
    #[serde(default)]
    pub t_closeness: Vec<TClosenessConfig>,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            k: k_one(),
            suppression_limit: zero(),
            l_diversity: Vec::new(),
            t_closeness: Vec::new(),
        }
    }
}

fn zero() -> Spanned<f64> {
    Spanned::new(0..0, 0.0)
}

fn k_one() -> Spanned<u32> {
    Spanned::new(0..0, 1)
}

/// `[[model.l-diversity]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LDiversityConfig {
    /// The sensitive column.
    pub attribute: Spanned<String>,
    /// Which l-diversity.
    #[serde(default)]
    pub variant: LVariant,
    /// l.
    pub l: f64,
    /// c, for the recursive variant.
    #[serde(default)]
    pub c: Option<f64>,
}

/// l-diversity variants.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum LVariant {
    /// Distinct values.
    #[default]
    Distinct,
    /// Entropy.
    Entropy,
    /// Recursive (c,l).
    Recursive,
}

/// `[[model.t-closeness]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TClosenessConfig {
    /// The sensitive column.
    pub attribute: Spanned<String>,
    /// Largest EMD allowed.
    pub t: f64,
    /// Ground distance.
    #[serde(default)]
    pub distance: DistanceConfig,
}

/// EMD ground distances.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum DistanceConfig {
    /// Every pair of values at distance 1.
    #[default]
    Equal,
    /// Over the attribute's hierarchy (the column must have one).
    Hierarchical,
}

/// `[metric]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MetricConfig {
    /// Which metric.
    #[serde(default)]
    pub name: MetricName,
    /// Aggregation over attributes (Loss only). Default: the geometric mean, as ARX 3.9's
    /// `Metric.createLossMetric()` documents; with it freeport reproduces ARX 3.9's optima on
    /// Adult (anchors.md §3.8), while `rank` (older ARX) picks a different 1 % optimum.
    #[serde(default)]
    pub aggregate: Option<AggregateName>,
}

impl Default for MetricConfig {
    fn default() -> Self {
        Self {
            name: MetricName::Loss,
            aggregate: None,
        }
    }
}

/// Metric names.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum MetricName {
    /// ARX Loss (ARX's default metric).
    #[default]
    Loss,
    /// Non-uniform entropy.
    NonUniformEntropy,
    /// Discernibility.
    Discernibility,
    /// Average equivalence class size.
    Aecs,
}

/// Aggregate names.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum AggregateName {
    /// Sorted descending, compared lexicographically.
    Rank,
    /// Sum.
    Sum,
    /// Arithmetic mean.
    ArithmeticMean,
    /// Geometric mean.
    GeometricMean,
    /// Maximum.
    Max,
}

/// `[assessment]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AssessmentConfig {
    /// Highest prosecutor risk (1 / smallest class) for output to count as anonymised, in
    /// (0, 1].
    #[serde(default)]
    pub max_risk: Option<Spanned<f64>>,
    /// Share of the population the data is a sample of, for the journalist and marketer
    /// models (1 = the data is the whole population), in (0, 1].
    #[serde(default = "one_f")]
    pub sampling_fraction: Spanned<f64>,
}

impl Default for AssessmentConfig {
    fn default() -> Self {
        Self {
            max_risk: None,
            sampling_fraction: one_f(),
        }
    }
}

fn one_f() -> Spanned<f64> {
    Spanned::new(0..0, 1.0)
}

/// One column's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ColumnConfig {
    /// Its role.
    pub role: Role,
    /// A vocabulary category id (e.g. `person.age`), used by profiles; an id the vocabulary
    /// does not have is refused.
    #[serde(default)]
    pub category: Option<Spanned<String>>,
    /// Its hierarchy (quasi-identifiers; sensitive attributes with hierarchical t-closeness).
    #[serde(default)]
    pub hierarchy: Option<Spanned<HierarchyConfig>>,
    /// Lowest level the search may use.
    #[serde(default)]
    pub min_level: Option<usize>,
    /// Highest level the search may use.
    #[serde(default)]
    pub max_level: Option<usize>,
    /// A transform (identifiers default to `delete`, others to `keep`).
    #[serde(default)]
    pub transform: Option<Spanned<TransformConfig>>,
}

/// Column roles (ARX's attribute types, anchors.md §3.1).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A direct identifier: deleted unless transformed.
    Identifier,
    /// A quasi-identifier: generalised by the search.
    QuasiIdentifier,
    /// A sensitive attribute: kept, protected by l-diversity / t-closeness.
    Sensitive,
    /// Anything else: kept.
    Insensitive,
}

/// Hierarchy sources.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum HierarchyConfig {
    /// An ARX hierarchy file, relative to the configuration file or the working directory.
    File(PathBuf),
    /// Nested integer bands.
    Interval {
        /// Band widths, each a multiple of the previous.
        widths: Vec<u64>,
        /// Values at or above become one category from level 1 up.
        #[serde(default, rename = "top-code")]
        top_code: Option<i64>,
    },
    /// Dates to month, year, `*`.
    Date,
    /// GB/T 2260 codes to prefecture, province, `*`.
    CnAdmin,
    /// ZIP to ZIP3 (HIPAA 20,000 rule), `*`.
    UsZip3 {
        /// The `zip3,population` table (population figures the user supplies; none ships with
        /// freeport). Optional here so a missing one gets an explanation, not a parse error.
        #[serde(default)]
        population: Option<PathBuf>,
    },
}

/// Transforms as written in the file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum TransformConfig {
    /// Keep.
    Keep,
    /// Drop the column.
    Delete,
    /// Every cell to `*`.
    Suppress,
    /// Mask the middle.
    Mask {
        /// Characters kept at the start.
        #[serde(default, rename = "keep-prefix")]
        keep_prefix: usize,
        /// Characters kept at the end.
        #[serde(default, rename = "keep-suffix")]
        keep_suffix: usize,
        /// Masking character.
        #[serde(default = "star")]
        with: char,
    },
    /// HMAC-SHA-256 pseudonyms.
    Pseudonymise {
        /// Key file (mode 600).
        #[serde(rename = "key-file")]
        key_file: PathBuf,
        /// Domain separation label (default: the column name).
        #[serde(default)]
        domain: Option<String>,
        /// Hex digits kept (16..=64, default 32).
        #[serde(default = "thirty_two")]
        length: usize,
        /// Prefix.
        #[serde(default)]
        prefix: String,
    },
    /// FF1 format-preserving tokens.
    Ff1 {
        /// Key file (mode 600).
        #[serde(rename = "key-file")]
        key_file: PathBuf,
        /// Tweak (default: the column name).
        #[serde(default)]
        tweak: Option<String>,
        /// Leading digits kept.
        #[serde(default, rename = "keep-prefix")]
        keep_prefix: usize,
        /// Check character to recompute: `none`, `cn-resident-id`, `luhn`.
        #[serde(default)]
        check: CheckConfig,
    },
}

/// Check characters.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CheckConfig {
    /// None.
    #[default]
    None,
    /// GB 11643.
    CnResidentId,
    /// Luhn.
    Luhn,
}

fn star() -> char {
    '*'
}

fn thirty_two() -> usize {
    32
}

/// What de-identification under a configuration does to one column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnFate {
    /// Deleted or suppressed, named an identifier without a transform, or unlisted where
    /// unlisted columns are deleted: the output does not carry its values.
    Removed,
    /// Replaced by keyed pseudonyms or FF1 tokens, or masked: values that can be restored,
    /// linked or partly read, so still personal information (PIPL Art. 73(3)).
    Pseudonymised,
    /// Kept as it is or generalised.
    Kept,
}

impl Config {
    /// The fate of the column named `column` under this configuration.
    #[must_use]
    pub fn fate(&self, column: &str) -> ColumnFate {
        let settings = self
            .columns
            .iter()
            .find(|(name, _)| name.get_ref() == column)
            .map(|(_, c)| c);
        let Some(settings) = settings else {
            return if self.unlisted == Unlisted::Delete {
                ColumnFate::Removed
            } else {
                ColumnFate::Kept
            };
        };
        match settings.transform.as_ref().map(Spanned::get_ref) {
            Some(TransformConfig::Delete | TransformConfig::Suppress) => ColumnFate::Removed,
            None if settings.role == Role::Identifier => ColumnFate::Removed,
            Some(
                TransformConfig::Pseudonymise { .. }
                | TransformConfig::Ff1 { .. }
                | TransformConfig::Mask { .. },
            ) => ColumnFate::Pseudonymised,
            Some(TransformConfig::Keep) | None => ColumnFate::Kept,
        }
    }
}

/// One column a remedy names (`freeport assess --apply-remedies`): an identifier of the
/// vocabulary category `category`, deleted or replaced by keyed pseudonyms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemedyColumn {
    /// The column's header name.
    pub name: String,
    /// Its vocabulary category id.
    pub category: String,
    /// What becomes of it.
    pub transform: RemedyTransform,
}

/// What a remedy does to a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemedyTransform {
    /// Drop it (`delete`).
    Delete,
    /// HMAC-SHA-256 pseudonyms under the key in `key_file` (`pseudonymise`, 32 hex digits).
    Pseudonymise {
        /// The key file (mode 600).
        key_file: PathBuf,
    },
}

impl Config {
    /// The configuration that carries out a remedy: each of `columns` an identifier with its
    /// category and transform, every other column kept as an insensitive attribute, everything
    /// else at its default. A column named twice keeps its first setting.
    #[must_use]
    pub fn from_remedy(columns: &[RemedyColumn]) -> Self {
        let mut settings = BTreeMap::new();
        for column in columns {
            let transform = match &column.transform {
                RemedyTransform::Delete => TransformConfig::Delete,
                RemedyTransform::Pseudonymise { key_file } => TransformConfig::Pseudonymise {
                    key_file: key_file.clone(),
                    domain: None,
                    length: thirty_two(),
                    prefix: String::new(),
                },
            };
            settings
                .entry(Spanned::new(0..0, column.name.clone()))
                .or_insert_with(|| ColumnConfig {
                    role: Role::Identifier,
                    category: Some(Spanned::new(0..0, column.category.clone())),
                    hierarchy: None,
                    min_level: None,
                    max_level: None,
                    transform: Some(Spanned::new(0..0, transform)),
                });
        }
        Self {
            version: one(),
            unlisted: Unlisted::Insensitive,
            model: ModelConfig::default(),
            metric: MetricConfig::default(),
            assessment: AssessmentConfig::default(),
            profiles: ProfilesConfig::default(),
            columns: settings,
        }
    }
}

/// The configuration [`Config::from_remedy`] builds, as the TOML a person would write for it.
#[derive(serde::Serialize)]
struct RemedyView<'a> {
    version: u32,
    unlisted: &'static str,
    columns: BTreeMap<&'a str, RemedyColumnView<'a>>,
}

#[derive(serde::Serialize)]
struct RemedyColumnView<'a> {
    role: Role,
    category: &'a str,
    transform: RemedyTransformView<'a>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "kebab-case")]
enum RemedyTransformView<'a> {
    Delete,
    Pseudonymise {
        #[serde(rename = "key-file")]
        key_file: &'a Path,
    },
}

/// The first line of a generated configuration's text.
const GENERATED: &str =
    "# Generated by `freeport assess --apply-remedies` from the judge's remedy.\n";

/// A parsed configuration with its text, for span errors and relative paths.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The configuration.
    pub config: Config,
    /// The file's text.
    pub text: String,
    /// The file's name as given.
    pub name: String,
    /// Its directory.
    pub dir: PathBuf,
}

impl LoadedConfig {
    /// Reads and parses a configuration file.
    ///
    /// # Errors
    ///
    /// Unreadable file, TOML syntax, unknown keys, wrong types, or an unsupported version,
    /// pointing at the offending text.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::parse(&text, &path.display().to_string(), dir)
    }

    /// The configuration that carries out a remedy ([`Config::from_remedy`]), with its text
    /// (TOML, as `freeport deid` reads it) under the name `name`; relative paths resolve
    /// against `dir`.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] when a key file's path is not UTF-8 (TOML cannot carry it).
    pub fn from_remedy(columns: &[RemedyColumn], name: &str, dir: PathBuf) -> Result<Self> {
        let mut view = RemedyView {
            version: 1,
            unlisted: "insensitive",
            columns: BTreeMap::new(),
        };
        for column in columns {
            view.columns
                .entry(column.name.as_str())
                .or_insert_with(|| RemedyColumnView {
                    role: Role::Identifier,
                    category: &column.category,
                    transform: match &column.transform {
                        RemedyTransform::Delete => RemedyTransformView::Delete,
                        RemedyTransform::Pseudonymise { key_file } => {
                            RemedyTransformView::Pseudonymise { key_file }
                        }
                    },
                });
        }
        let body = toml::to_string(&view).map_err(|e| {
            Error::input(
                format!("the generated configuration cannot be written as TOML: {e}"),
                Some("keep the home directory at a path that is valid UTF-8".into()),
            )
        })?;
        Ok(Self {
            config: Config::from_remedy(columns),
            text: format!("{GENERATED}{body}"),
            name: name.to_owned(),
            dir,
        })
    }

    /// Parses configuration text.
    ///
    /// # Errors
    ///
    /// See [`LoadedConfig::from_file`].
    pub fn parse(text: &str, name: &str, dir: PathBuf) -> Result<Self> {
        let config: Config = toml::from_str(text).map_err(|e| {
            Error::config(
                name,
                text,
                e.span(),
                format!(
                    "invalid configuration: {}",
                    e.message().trim_end_matches('.')
                ),
                None,
            )
        })?;
        let loaded = Self {
            config,
            text: text.to_owned(),
            name: name.to_owned(),
            dir,
        };
        if *loaded.config.version.get_ref() != 1 {
            return Err(loaded.error(
                loaded.config.version.span(),
                format!(
                    "unsupported configuration version {}",
                    loaded.config.version.get_ref()
                ),
                Some("this freeport reads version 1".into()),
            ));
        }
        let limit = *loaded.config.model.suppression_limit.get_ref();
        if !(0.0..=1.0).contains(&limit) {
            return Err(loaded.error(
                loaded.config.model.suppression_limit.span(),
                "`suppression-limit` must be a share between 0 and 1".to_owned(),
                Some("e.g. 0.05 for 5 %".into()),
            ));
        }
        let cn = &loaded.config.profiles.cn_anonymised;
        for (name, value) in [("k", &cn.k), ("l", &cn.l)] {
            if *value.get_ref() == 0 {
                return Err(loaded.error(
                    value.span(),
                    format!("`profiles.cn-anonymised.{name}` must be at least 1"),
                    None,
                ));
            }
        }
        if *loaded.config.model.k.get_ref() == 0 {
            return Err(loaded.error(
                loaded.config.model.k.span(),
                "`k` must be at least 1".to_owned(),
                None,
            ));
        }
        loaded.check_assessment()?;
        loaded.check_categories()?;
        Ok(loaded)
    }

    /// `[assessment]`: `max-risk` and `sampling-fraction` are shares in (0, 1].
    fn check_assessment(&self) -> Result<()> {
        let assessment = &self.config.assessment;
        let share = |value: &Spanned<f64>, key: &str, help: &str| {
            let v = *value.get_ref();
            if v > 0.0 && v <= 1.0 {
                Ok(())
            } else {
                Err(self.error(
                    value.span(),
                    format!("`assessment.{key}` must be a share above 0 and at most 1, not {v}"),
                    Some(help.to_owned()),
                ))
            }
        };
        if let Some(max_risk) = &assessment.max_risk {
            share(
                max_risk,
                "max-risk",
                "the highest prosecutor risk allowed, 1 / k: e.g. 0.2 for classes of at least 5",
            )?;
        }
        share(
            &assessment.sampling_fraction,
            "sampling-fraction",
            "the share of the population the data covers: 1 for all of it, e.g. 0.01 for a 1 % sample",
        )
    }

    /// Every `category` is an id of the shared vocabulary.
    fn check_categories(&self) -> Result<()> {
        let vocabulary = freeport_vocabulary::Vocabulary::embedded().map_err(|e| {
            Error::input(
                format!("the embedded vocabulary is broken: {e}"),
                Some("this is a bug in freeport; please report it".into()),
            )
        })?;
        for (column, settings) in &self.config.columns {
            let Some(category) = &settings.category else {
                continue;
            };
            let id = category.get_ref();
            if vocabulary.get(id).is_some() {
                continue;
            }
            let nearest = vocabulary
                .categories()
                .iter()
                .map(|c| (strsim::jaro_winkler(id, &c.id), c.id.as_str()))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, id)| id);
            let help = match nearest {
                Some(near) => {
                    format!("did you mean `{near}`? `freeport vocab list` shows every category id")
                }
                None => "`freeport vocab list` shows every category id".to_owned(),
            };
            return Err(self.error(
                category.span(),
                format!("column `{}`: unknown category `{id}`", column.get_ref()),
                Some(help),
            ));
        }
        Ok(())
    }

    /// An error pointing at `span` in this file.
    #[must_use]
    pub fn error(
        &self,
        span: std::ops::Range<usize>,
        message: String,
        help: Option<String>,
    ) -> Error {
        let span = (span.end > span.start).then_some(span);
        Error::config(&self.name, &self.text, span, message, help)
    }

    /// Resolves a path from the file: relative to the configuration's directory if it exists
    /// there, else to the working directory (so bench configs work from the repository root).
    #[must_use]
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return path.to_owned();
        }
        let beside = self.dir.join(path);
        if beside.exists() {
            beside
        } else {
            path.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A remedy's configuration, built in code, reads back from its own text as the same
    /// configuration, whatever the column names and paths hold (quotes, backslashes, control
    /// characters, dots).
    #[test]
    fn a_remedy_configuration_reads_back_from_its_text() {
        let columns = [
            RemedyColumn {
                name: "e-mail \"work\"\\x".to_owned(),
                category: "contact.email".to_owned(),
                transform: RemedyTransform::Pseudonymise {
                    key_file: PathBuf::from("/home/a \"b\"\\keys/pseudonym.key"),
                },
            },
            RemedyColumn {
                name: "name.full\tx".to_owned(),
                category: "person.name".to_owned(),
                transform: RemedyTransform::Delete,
            },
        ];
        let built = LoadedConfig::from_remedy(&columns, "remedy.toml", PathBuf::from(".")).unwrap();
        assert!(built.text.starts_with(GENERATED), "{}", built.text);
        let read = LoadedConfig::parse(&built.text, "remedy.toml", PathBuf::from(".")).unwrap();
        let shape = |config: &Config| {
            config
                .columns
                .iter()
                .map(|(name, c)| {
                    (
                        name.get_ref().clone(),
                        c.role,
                        c.category.as_ref().map(|c| c.get_ref().clone()),
                        c.transform.as_ref().map(|t| t.get_ref().clone()),
                        config.fate(name.get_ref()),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shape(&read.config), shape(&built.config));
        assert_eq!(read.config.unlisted, Unlisted::Insensitive);
        assert_eq!(built.config.unlisted, Unlisted::Insensitive);
        assert_eq!(
            built.config.fate("e-mail \"work\"\\x"),
            ColumnFate::Pseudonymised
        );
        assert_eq!(built.config.fate("name.full\tx"), ColumnFate::Removed);
        assert_eq!(built.config.fate("other"), ColumnFate::Kept);
        assert_eq!(
            *read.config.model.k.get_ref(),
            *built.config.model.k.get_ref()
        );
    }

    #[test]
    fn each_column_has_the_fate_its_role_and_transform_give() {
        let text = r#"
            version = 1
            unlisted = "delete"
            [columns.name]
            role = "identifier"
            [columns.phone]
            role = "identifier"
            transform = { mask = { keep-prefix = 3 } }
            [columns.card]
            role = "identifier"
            transform = { ff1 = { key-file = "k" } }
            [columns.email]
            role = "identifier"
            transform = { pseudonymise = { key-file = "k" } }
            [columns.kept]
            role = "identifier"
            transform = "keep"
            [columns.gone]
            role = "insensitive"
            transform = "suppress"
            [columns.age]
            role = "quasi-identifier"
            hierarchy = "date"
            [columns.note]
            role = "insensitive"
        "#;
        let loaded = LoadedConfig::parse(text, "t", PathBuf::new()).unwrap();
        for (column, fate) in [
            ("name", ColumnFate::Removed),
            ("phone", ColumnFate::Pseudonymised),
            ("card", ColumnFate::Pseudonymised),
            ("email", ColumnFate::Pseudonymised),
            ("kept", ColumnFate::Kept),
            ("gone", ColumnFate::Removed),
            ("age", ColumnFate::Kept),
            ("note", ColumnFate::Kept),
            ("unlisted", ColumnFate::Removed),
        ] {
            assert_eq!(loaded.config.fate(column), fate, "{column}");
        }
        let insensitive = LoadedConfig::parse(
            "version = 1\nunlisted = \"insensitive\"\n",
            "t",
            PathBuf::new(),
        )
        .unwrap();
        assert_eq!(insensitive.config.fate("anything"), ColumnFate::Kept);
    }

    #[test]
    fn parses_a_full_configuration() {
        let text = r#"
version = 1
unlisted = "insensitive"
[model]
k = 5
suppression-limit = 0.05
[[model.l-diversity]]
attribute = "occupation"
variant = "recursive"
l = 3
c = 4.0
[[model.t-closeness]]
attribute = "occupation"
t = 0.2
distance = "hierarchical"
[metric]
name = "non-uniform-entropy"
[profiles.cn-anonymised]
k = 10
l = 3
[columns.age]
role = "quasi-identifier"
hierarchy = { interval = { widths = [5, 10], top-code = 90 } }
[columns.zip]
role = "quasi-identifier"
hierarchy = { us-zip3 = { population = "zip3.csv" } }
[columns.birth]
role = "quasi-identifier"
hierarchy = "date"
min-level = 2
[columns.name]
role = "identifier"
transform = { pseudonymise = { key-file = "k.bin" } }
[columns.id]
role = "identifier"
transform = { mask = { keep-prefix = 6 } }
[columns.occupation]
role = "sensitive"
hierarchy = { file = "occ.csv" }
"#;
        let c = LoadedConfig::parse(text, "deid.toml", PathBuf::new())
            .unwrap()
            .config;
        assert_eq!(*c.model.k.get_ref(), 5);
        assert_eq!(*c.profiles.cn_anonymised.k.get_ref(), 10);
        assert_eq!(*c.profiles.cn_anonymised.l.get_ref(), 3);
        assert_eq!(c.columns.len(), 6);
        assert_eq!(c.metric.name, MetricName::NonUniformEntropy);
        let birth = c.columns.get("birth").unwrap();
        assert_eq!(
            birth.hierarchy.as_ref().unwrap().get_ref(),
            &HierarchyConfig::Date
        );
    }

    #[test]
    fn unknown_keys_point_at_the_key() {
        let text = "version = 1\n[model]\nkk = 5\n";
        let e = LoadedConfig::parse(text, "deid.toml", PathBuf::new()).unwrap_err();
        let Error::Config(c) = &e else {
            panic!("{e:?}")
        };
        assert!(
            c.message().contains("unknown field `kk`"),
            "{}",
            c.message()
        );
    }

    /// The error's message and the configuration text it points at.
    fn refusal(text: &str) -> (String, String) {
        let e = LoadedConfig::parse(text, "deid.toml", PathBuf::new()).unwrap_err();
        let Error::Config(c) = &e else {
            panic!("{e:?}")
        };
        let span = miette::Diagnostic::labels(c.as_ref())
            .and_then(|mut labels| labels.next())
            .expect("a label");
        let at = text
            .get(span.offset()..span.offset() + span.len())
            .unwrap()
            .to_owned();
        (c.message().to_owned(), at)
    }

    #[test]
    fn an_unknown_category_is_refused_at_its_value() {
        let text = "[columns.age]\nrole = \"quasi-identifier\"\ncategory = \"person.agee\"\n";
        let (message, at) = refusal(text);
        assert_eq!(
            message, "column `age`: unknown category `person.agee`",
            "{message}"
        );
        assert_eq!(at, "\"person.agee\"");
        let e = LoadedConfig::parse(text, "deid.toml", PathBuf::new()).unwrap_err();
        let help = miette::Diagnostic::help(&e).unwrap().to_string();
        assert!(help.contains("did you mean `person.age`?"), "{help}");
        let known = "[columns.age]\nrole = \"quasi-identifier\"\ncategory = \"person.age\"\n";
        assert!(LoadedConfig::parse(known, "deid.toml", PathBuf::new()).is_ok());
    }

    #[test]
    fn assessment_shares_outside_0_to_1_are_refused_at_their_value() {
        for (text, key, value) in [
            ("[assessment]\nmax-risk = -1\n", "max-risk", "-1"),
            ("[assessment]\nmax-risk = 0\n", "max-risk", "0"),
            ("[assessment]\nmax-risk = 1.5\n", "max-risk", "1.5"),
            ("[assessment]\nmax-risk = nan\n", "max-risk", "nan"),
            (
                "[assessment]\nsampling-fraction = 0\n",
                "sampling-fraction",
                "0",
            ),
            (
                "[assessment]\nsampling-fraction = 2\n",
                "sampling-fraction",
                "2",
            ),
        ] {
            let (message, at) = refusal(text);
            assert!(
                message.starts_with(&format!(
                    "`assessment.{key}` must be a share above 0 and at most 1"
                )),
                "{text}: {message}"
            );
            assert_eq!(at, value, "{text}");
        }
        let fine = "[assessment]\nmax-risk = 1\nsampling-fraction = 0.01\n";
        assert!(LoadedConfig::parse(fine, "deid.toml", PathBuf::new()).is_ok());
    }

    #[test]
    fn bad_suppression_limit_is_refused() {
        let e = LoadedConfig::parse("[model]\nsuppression-limit = 5\n", "d", PathBuf::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("suppression-limit"), "{e}");
    }
}
