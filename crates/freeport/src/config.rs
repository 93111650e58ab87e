//! The configuration: `./freeport.toml` and `$FREEPORT_HOME/config.toml`, applied as the
//! defaults of the command line's flags.
//!
//! Precedence, highest first: a flag, its environment variable (clap reads both), the project
//! file `./freeport.toml`, the home file `$FREEPORT_HOME/config.toml` (the home's directory when
//! `FREEPORT_HOME` is unset), the built-in default. [`Config::apply`] installs each configured
//! value as the default of the flags it stands for, wherever they appear in the command tree, so
//! every command sees the merged value without knowing a file exists; `freeport config show`
//! ([`Config::show`]) says where each value came from. A file that cannot be read, is not TOML,
//! has an unknown key or a value of the wrong kind is an error naming the file, the key and the
//! span; nothing runs.

use std::io::Write;
use std::path::{Path, PathBuf};

use freeport_cli::{ConfigShowArgs, ReportLang};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};

use crate::render::{self, Rendered, render};
use crate::{Error, ExitStatus};

/// The project file, in the working directory.
pub const PROJECT_FILE: &str = "freeport.toml";
/// The home file, in the port home.
pub const HOME_FILE: &str = "config.toml";

/// One configuration file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    /// The format's version: 1.
    version: Option<u32>,
    /// Default `assess --seal-to`.
    recipient: Option<Vec<String>>,
    /// Default `log cosign --witness`.
    witnesses: Option<Vec<String>>,
    /// Default `--threads`.
    threads: Option<usize>,
    /// The port to file with.
    port: Option<PortSection>,
    /// The report.
    report: Option<ReportSection>,
    /// The project's classification rules: read by `scan` (`freeport_scan::project`), which
    /// checks them; not a configuration value.
    #[serde(rename = "classification")]
    _classification: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PortSection {
    url: Option<String>,
    token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ReportSection {
    lang: Option<Lang>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Lang {
    En,
    Zh,
}

impl Lang {
    const fn name(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh",
        }
    }
}

/// A setting: its key in the file, the flag it is the default of, and the flag's variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    /// `recipient`: `assess --seal-to`.
    Recipient,
    /// `port.url`: `--port` of `file`, `case`, `review`.
    PortUrl,
    /// `port.token`: `--token`.
    PortToken,
    /// `witnesses`: `log cosign --witness`.
    Witnesses,
    /// `report.lang`: `assess --lang`.
    ReportLang,
    /// `threads`: `scan`, `assess --threads`.
    Threads,
}

impl Setting {
    /// Every setting, in the order `config show` lists them.
    pub(crate) const ALL: [Self; 6] = [
        Self::Recipient,
        Self::PortUrl,
        Self::PortToken,
        Self::Witnesses,
        Self::ReportLang,
        Self::Threads,
    ];

    /// The dotted key in the file.
    pub(crate) const fn key(self) -> &'static str {
        match self {
            Self::Recipient => "recipient",
            Self::PortUrl => "port.url",
            Self::PortToken => "port.token",
            Self::Witnesses => "witnesses",
            Self::ReportLang => "report.lang",
            Self::Threads => "threads",
        }
    }

    /// The long flag it is the default of.
    const fn flag(self) -> &'static str {
        match self {
            Self::Recipient => "seal-to",
            Self::PortUrl => "port",
            Self::PortToken => "token",
            Self::Witnesses => "witness",
            Self::ReportLang => "lang",
            Self::Threads => "threads",
        }
    }

    /// The environment variable of that flag.
    pub(crate) const fn env(self) -> &'static str {
        match self {
            Self::Recipient => "FREEPORT_RECIPIENT",
            Self::PortUrl => "FREEPORT_PORT_URL",
            Self::PortToken => "FREEPORT_TOKEN",
            Self::Witnesses => "FREEPORT_WITNESSES",
            Self::ReportLang => "FREEPORT_LANG",
            Self::Threads => "FREEPORT_THREADS",
        }
    }

    /// The built-in default, as shown.
    const fn default_text(self) -> Option<&'static str> {
        match self {
            Self::ReportLang => Some("en"),
            Self::Threads => Some("0"),
            Self::Recipient | Self::PortUrl | Self::PortToken | Self::Witnesses => None,
        }
    }

    /// Whether the value is a secret (shown only as set).
    const fn secret(self) -> bool {
        matches!(self, Self::PortToken)
    }

    fn values(self, file: &File) -> Option<Vec<String>> {
        match self {
            Self::Recipient => file.recipient.clone(),
            Self::Witnesses => file.witnesses.clone(),
            Self::PortUrl => file.port.as_ref()?.url.clone().map(|v| vec![v]),
            Self::PortToken => file.port.as_ref()?.token.clone().map(|v| vec![v]),
            Self::ReportLang => file
                .report
                .as_ref()?
                .lang
                .map(|l| vec![l.name().to_owned()]),
            Self::Threads => file.threads.map(|t| vec![t.to_string()]),
        }
    }
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Source {
    /// A flag on the command line.
    Flag,
    /// An environment variable.
    Env {
        /// Its name.
        name: &'static str,
    },
    /// `./freeport.toml`.
    Project {
        /// The file.
        path: String,
    },
    /// `$FREEPORT_HOME/config.toml`.
    Home {
        /// The file.
        path: String,
    },
    /// Built in.
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Flag => write!(f, "flag"),
            Self::Env { name } => write!(f, "env {name}"),
            Self::Project { path } | Self::Home { path } => write!(f, "{path}"),
            Self::Default => write!(f, "default"),
        }
    }
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ConfigError {
    /// The file exists and cannot be read.
    #[error("cannot read the configuration `{path}`")]
    #[diagnostic(code(freeport::config::read))]
    Read {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid configuration.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidConfig>),
}

/// A configuration file that is not TOML, has an unknown key or a value of the wrong kind.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("invalid configuration `{path}`{}: {message}", key.as_deref().map(|k| format!(" at `{k}`")).unwrap_or_default())]
#[diagnostic(
    code(freeport::config::invalid),
    help(
        "keys: version, recipient, witnesses, threads, [port] url and token, [report] lang, [classification] (read by scan); `freeport config show --help` shows a file"
    )
)]
pub struct InvalidConfig {
    /// The file.
    path: String,
    /// The dotted key, when known.
    key: Option<String>,
    /// What is wrong.
    message: String,
    /// The file's text.
    #[source_code]
    src: NamedSource<String>,
    /// Where.
    #[label("{message}")]
    span: Option<SourceSpan>,
}

impl ConfigError {
    /// The file the error is about.
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Self::Read { path, .. } => path,
            Self::Invalid(invalid) => &invalid.path,
        }
    }

    /// The dotted key the error is about, when known.
    #[must_use]
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::Read { .. } => None,
            Self::Invalid(invalid) => invalid.key.as_deref(),
        }
    }
}

/// The configuration files found.
#[derive(Debug, Default)]
pub struct Config {
    project: Option<(PathBuf, File)>,
    home: Option<(PathBuf, File)>,
}

impl Config {
    /// Reads `./freeport.toml` and the home's `config.toml`, either of which may be missing.
    ///
    /// # Errors
    ///
    /// A file that exists and cannot be read or is not a valid configuration.
    pub fn load() -> Result<Self, ConfigError> {
        let home = freeport_port::HomeLayout::locate()
            .ok()
            .map(|home| home.root().join(HOME_FILE));
        Self::load_from(Some(Path::new(PROJECT_FILE)), home.as_deref())
    }

    /// Reads the files given, either of which may be missing.
    ///
    /// # Errors
    ///
    /// As [`Self::load`].
    pub fn load_from(project: Option<&Path>, home: Option<&Path>) -> Result<Self, ConfigError> {
        Ok(Self {
            project: project.map(read).transpose()?.flatten(),
            home: home.map(read).transpose()?.flatten(),
        })
    }

    /// The configured value of `setting` and the file it came from, the project file first.
    fn configured(&self, setting: Setting) -> Option<(Vec<String>, Source)> {
        if let Some((path, file)) = &self.project
            && let Some(values) = setting.values(file)
        {
            return Some((
                values,
                Source::Project {
                    path: path.display().to_string(),
                },
            ));
        }
        if let Some((path, file)) = &self.home
            && let Some(values) = setting.values(file)
        {
            return Some((
                values,
                Source::Home {
                    path: path.display().to_string(),
                },
            ));
        }
        None
    }

    /// Installs every configured value as the default of its flag, in every subcommand that has
    /// the flag (`config show` excepted: it shows the sources).
    #[must_use]
    pub fn apply(&self, command: clap::Command) -> clap::Command {
        let defaults: Vec<(Setting, Vec<String>)> = Setting::ALL
            .into_iter()
            .filter_map(|s| self.configured(s).map(|(values, _)| (s, values)))
            .collect();
        if defaults.is_empty() {
            return command;
        }
        apply_to(command, &defaults)
    }

    /// `freeport config show`.
    pub(crate) fn show(
        &self,
        args: &ConfigShowArgs,
        out: &mut dyn Write,
    ) -> Result<ExitStatus, Error> {
        let entries: Vec<Entry> = Setting::ALL
            .into_iter()
            .map(|setting| self.entry(setting, args))
            .collect();
        let document = ShowJson {
            files: [
                self.project.as_ref().map(|(p, _)| p.display().to_string()),
                self.home.as_ref().map(|(p, _)| p.display().to_string()),
            ]
            .into_iter()
            .flatten()
            .collect(),
            settings: &entries,
        };
        let rendered = Rendered {
            json: &document,
            table: |out: &mut dyn Write| -> Result<(), Error> {
                let mut table = render::table();
                table.set_header(["setting", "value", "from"]);
                for entry in &entries {
                    let value = entry.value.as_ref().map_or_else(
                        || "-".to_owned(),
                        |v| match v {
                            Value::One(v) => v.clone(),
                            Value::Many(v) => v.join(", "),
                        },
                    );
                    let value = if entry.secret && entry.value.is_some() {
                        "(set; not shown)".to_owned()
                    } else {
                        value
                    };
                    table.add_row([entry.key, &value, &entry.source.to_string()]);
                }
                writeln!(out, "{table}")?;
                Ok(())
            },
        };
        render(out, args.format, &rendered)?;
        Ok(ExitStatus::Success)
    }

    fn entry(&self, setting: Setting, args: &ConfigShowArgs) -> Entry {
        let flag: Option<Vec<String>> = match setting {
            Setting::Recipient => Some(args.seal_to.clone()).filter(|v| !v.is_empty()),
            Setting::Witnesses => Some(args.witnesses.clone()).filter(|v| !v.is_empty()),
            Setting::PortUrl => args.port.clone().map(|v| vec![v]),
            Setting::PortToken => args.token.clone().map(|v| vec![v]),
            Setting::ReportLang => args.lang.map(|l| {
                vec![
                    match l {
                        ReportLang::En => "en",
                        ReportLang::Zh => "zh",
                    }
                    .to_owned(),
                ]
            }),
            Setting::Threads => args.threads.map(|t| vec![t.to_string()]),
        };
        let env = || {
            std::env::var(setting.env())
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| {
                    if setting == Setting::Witnesses {
                        v.split(',').map(str::to_owned).collect()
                    } else {
                        vec![v]
                    }
                })
        };
        let (values, source) = if let Some(values) = flag {
            (Some(values), Source::Flag)
        } else if let Some(values) = env() {
            (
                Some(values),
                Source::Env {
                    name: setting.env(),
                },
            )
        } else if let Some((values, source)) = self.configured(setting) {
            (Some(values), source)
        } else {
            (
                setting.default_text().map(|d| vec![d.to_owned()]),
                Source::Default,
            )
        };
        let many = matches!(setting, Setting::Recipient | Setting::Witnesses);
        Entry {
            key: setting.key(),
            value: values.map(|mut v| {
                if setting.secret() {
                    Value::One("(set)".to_owned())
                } else if many {
                    Value::Many(v)
                } else {
                    Value::One(v.pop().unwrap_or_default())
                }
            }),
            secret: setting.secret(),
            source,
        }
    }
}

/// `config show --format json`.
#[derive(Debug, Serialize)]
struct ShowJson<'a> {
    /// The configuration files found.
    files: Vec<String>,
    /// Every setting.
    settings: &'a [Entry],
}

#[derive(Debug, Serialize)]
struct Entry {
    key: &'static str,
    value: Option<Value>,
    #[serde(skip)]
    secret: bool,
    source: Source,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Value {
    One(String),
    Many(Vec<String>),
}

fn apply_to(mut command: clap::Command, defaults: &[(Setting, Vec<String>)]) -> clap::Command {
    if command.get_name() == "config" {
        return command;
    }
    for (setting, values) in defaults {
        let id = command
            .get_arguments()
            .find(|a| a.get_long() == Some(setting.flag()))
            .map(|a| a.get_id().clone());
        if let Some(id) = id {
            let values: Vec<clap::builder::OsStr> =
                values.iter().map(|v| v.clone().into()).collect();
            command = command.mut_arg(id, |arg| arg.default_values(values).required(false));
        }
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| apply_to(sub, defaults));
    }
    command
}

/// Reads one file: `None` when it does not exist.
fn read(path: &Path) -> Result<Option<(PathBuf, File)>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.display().to_string(),
                source,
            });
        }
    };
    let invalid = |key: Option<String>, message: String, span: Option<SourceSpan>| {
        ConfigError::Invalid(Box::new(InvalidConfig {
            path: path.display().to_string(),
            key,
            message,
            src: NamedSource::new(path.display().to_string(), text.clone()),
            span,
        }))
    };
    let file: File = toml::from_str(&text).map_err(|error| {
        let span = error.span().map(|r| SourceSpan::from(r.start..r.end));
        // An unknown key is named in full: `port.urll`, not its table.
        let unknown = error
            .message()
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(name, _)| name.to_owned());
        let key = match (key_of(&error), unknown) {
            (Some(table), Some(name)) => Some(format!("{table}.{name}")),
            (table, name) => table.or(name),
        };
        invalid(key, error.message().to_owned(), span)
    })?;
    if let Some(version) = file.version
        && version != 1
    {
        return Err(invalid(
            Some("version".to_owned()),
            format!("version {version} is not supported (this freeport reads version 1)"),
            None,
        ));
    }
    Ok(Some((path.to_owned(), file)))
}

/// The dotted key a TOML error is about: `toml` says it (`in \`port.url\``) when it renders the
/// error without its input.
fn key_of(error: &toml::de::Error) -> Option<String> {
    let mut bare = error.clone();
    bare.set_input(None);
    let text = bare.to_string();
    let keys = text.lines().find_map(|l| l.strip_prefix("in `"))?;
    keys.strip_suffix('`').map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(project: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(PROJECT_FILE);
        std::fs::write(&path, project).unwrap();
        Config::load_from(Some(&path), None)
    }

    #[test]
    fn bad_files_name_the_file_key_and_span() {
        for (text, key, message) in [
            ("colour = true\n", Some("colour"), "unknown field `colour`"),
            (
                "[port]\nurll = 1\n",
                Some("port.urll"),
                "unknown field `urll`",
            ),
            ("[port]\nurl = 5\n", Some("port.url"), "invalid type"),
            (
                "[report]\nlang = \"fr\"\n",
                Some("report.lang"),
                "unknown variant `fr`",
            ),
            ("threads = -1\n", Some("threads"), "invalid value"),
            (
                "version = 2\n",
                Some("version"),
                "version 2 is not supported",
            ),
            ("[port\n", None, ""),
        ] {
            let error = load(text).unwrap_err();
            assert!(error.path().ends_with(PROJECT_FILE), "{error}");
            assert_eq!(error.key(), key, "{text}: {error}");
            assert!(error.to_string().contains(message), "{text}: {error}");
            if let ConfigError::Invalid(invalid) = &error
                && text != "version = 2\n"
            {
                assert!(invalid.span.is_some(), "{text}: no span");
            }
        }
    }

    #[test]
    fn the_project_file_wins_over_the_home_file_key_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("freeport.toml");
        let home = dir.path().join("config.toml");
        std::fs::write(&project, "[report]\nlang = \"zh\"\n").unwrap();
        std::fs::write(&home, "threads = 3\n[report]\nlang = \"en\"\n").unwrap();
        let config = Config::load_from(Some(&project), Some(&home)).unwrap();
        let (lang, from) = config.configured(Setting::ReportLang).unwrap();
        assert_eq!(lang, ["zh"]);
        assert!(matches!(from, Source::Project { .. }));
        let (threads, from) = config.configured(Setting::Threads).unwrap();
        assert_eq!(threads, ["3"]);
        assert!(matches!(from, Source::Home { .. }));
        assert!(config.configured(Setting::PortUrl).is_none());
    }

    #[test]
    fn configured_values_become_the_flags_defaults_everywhere_they_appear() {
        use clap::{CommandFactory, FromArgMatches};
        let config = load(
            "version = 1\nthreads = 3\nwitnesses = [\"http://a\", \"http://b\"]\n\
             [port]\nurl = \"http://port\"\ntoken = \"fdp_x\"\n[report]\nlang = \"zh\"\n",
        )
        .unwrap();
        let parse = |args: &[&str]| {
            let matches = config
                .apply(freeport_cli::Cli::command())
                .try_get_matches_from(args)
                .unwrap();
            freeport_cli::Cli::from_arg_matches(&matches).unwrap()
        };
        let freeport_cli::Command::Assess(assess) =
            parse(&["freeport", "assess", "d.csv", "--transfer", "t.toml"]).command
        else {
            panic!("assess")
        };
        assert_eq!(assess.lang, ReportLang::Zh);
        assert_eq!(assess.threads, 3.min(freeport_cli::available_cores()));
        let freeport_cli::Command::Assess(assess) = parse(&[
            "freeport",
            "assess",
            "d.csv",
            "--transfer",
            "t.toml",
            "--lang",
            "en",
        ])
        .command
        else {
            panic!("assess")
        };
        assert_eq!(assess.lang, ReportLang::En, "a flag wins");
        let freeport_cli::Command::Case(freeport_cli::CaseCommand::List(list)) =
            parse(&["freeport", "case", "list"]).command
        else {
            panic!("case list")
        };
        assert_eq!(list.port.url, "http://port");
        assert_eq!(list.port.token, "fdp_x");
        let freeport_cli::Command::Log(freeport_cli::LogCommand::Cosign(cosign)) =
            parse(&["freeport", "log", "cosign", "dir"]).command
        else {
            panic!("log cosign")
        };
        assert_eq!(cosign.witnesses, ["http://a", "http://b"]);
        // `witness add URL` is a witness's URL, not the port's: untouched.
        assert!(
            config
                .apply(freeport_cli::Cli::command())
                .try_get_matches_from(["freeport", "witness", "add", "cn"])
                .is_err()
        );
    }
}
