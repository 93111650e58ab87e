//! What a recipient trusts: the exporters whose signatures it accepts, and the transparency-log
//! policy (C2SP tlog-policy: log key, witnesses, quorum) a package's receipt must satisfy.
//!
//! A trust file is TOML:
//!
//! ```toml
//! # Exporters whose packages I accept (C2SP vkeys, from their `freeport keys show`).
//! exporters = ["acme-cn.example/exporter+1a2b3c4d+AQ..."]
//!
//! # The log policy, either in a file (relative to this one) ...
//! policy_file = "cn-us.policy"
//! # ... or inline:
//! # policy = """
//! # log freedataport.example/log+5e6f7a8b+AQ...
//! # quorum none
//! # """
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use freeport_tlog::policy::Policy;
use miette::NamedSource;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::TrustError;
use crate::keys::ExporterPublicKey;
use crate::{Error, Result};

/// The exporters and log policy a recipient trusts.
#[derive(Debug, Clone)]
pub struct Trust {
    exporters: Vec<ExporterPublicKey>,
    policy: Policy,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustFile {
    exporters: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    policy: Option<Spanned<String>>,
    #[serde(default)]
    policy_file: Option<Spanned<String>>,
}

#[derive(Debug, Serialize)]
struct RenderedTrust<'a> {
    exporters: Vec<String>,
    policy: &'a str,
}

impl Trust {
    /// A trust from parts.
    #[must_use]
    pub fn new(exporters: Vec<ExporterPublicKey>, policy: Policy) -> Self {
        Self { exporters, policy }
    }

    /// Reads a trust file; `policy_file` is relative to its directory.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when it cannot be read; [`Error::Trust`] with the span at fault.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        Self::parse(&text, path)
    }

    /// Parses a trust file's text; `path` names it in errors and anchors `policy_file`.
    ///
    /// # Errors
    ///
    /// [`Error::Trust`] with the span at fault; [`Error::Io`] for an unreadable policy file.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let bad = |message: String, span: Option<Range<usize>>, help: Option<String>| {
            Error::Trust(Box::new(TrustError {
                path: path.display().to_string(),
                message,
                source_code: NamedSource::new(path.display().to_string(), text.to_owned()),
                span: span.map(Into::into),
                help,
            }))
        };
        let file: TrustFile =
            toml::from_str(text).map_err(|e| bad(e.message().to_owned(), e.span(), None))?;
        if file.exporters.get_ref().is_empty() {
            return Err(bad(
                "`exporters` is empty: no package could be trusted".into(),
                Some(file.exporters.span()),
                Some("list the vkey that `freeport keys show` prints for each exporter".into()),
            ));
        }
        let mut exporters = Vec::new();
        for vkey in file.exporters.get_ref() {
            let key = ExporterPublicKey::from_vkey(vkey.get_ref())
                .map_err(|e| bad(e.to_string(), Some(vkey.span()), None))?;
            if exporters.contains(&key) {
                return Err(bad(
                    format!("exporter `{}` is listed twice", key.label()),
                    Some(vkey.span()),
                    None,
                ));
            }
            exporters.push(key);
        }
        let policy = match (file.policy, file.policy_file) {
            (Some(inline), None) => Policy::parse(inline.get_ref()).map_err(|e| {
                bad(
                    format!("inline `policy`: {e}"),
                    Some(inline.span()),
                    Some(POLICY_HELP.into()),
                )
            })?,
            (None, Some(name)) => {
                let base = path.parent().unwrap_or(Path::new("."));
                let policy_path: PathBuf = base.join(name.get_ref());
                let policy_text = std::fs::read_to_string(&policy_path)
                    .map_err(|e| Error::io("read", &policy_path, e))?;
                Policy::parse(&policy_text).map_err(|e| {
                    bad(
                        format!("`{}`: {e}", policy_path.display()),
                        Some(name.span()),
                        Some(POLICY_HELP.into()),
                    )
                })?
            }
            (Some(inline), Some(_)) => {
                return Err(bad(
                    "give `policy` or `policy_file`, not both".into(),
                    Some(inline.span()),
                    None,
                ));
            }
            (None, None) => {
                return Err(bad(
                    "no log policy: add `policy_file = \"...\"` or an inline `policy`".into(),
                    None,
                    Some(POLICY_HELP.into()),
                ));
            }
        };
        Ok(Self { exporters, policy })
    }

    /// A trust file's text for `exporters` with `policy_text` inline (e.g. for a demo set-up
    /// where one key ring both seals and opens).
    ///
    /// # Errors
    ///
    /// [`Error::Tlog`] when `policy_text` is not a valid policy.
    pub fn render(exporters: &[ExporterPublicKey], policy_text: &str) -> Result<String> {
        Policy::parse(policy_text)?;
        let rendered = RenderedTrust {
            exporters: exporters.iter().map(ExporterPublicKey::to_vkey).collect(),
            policy: policy_text,
        };
        let body = toml::to_string(&rendered)
            .map_err(|e| Error::request(format!("cannot write the trust file: {e}")))?;
        Ok(format!(
            "# Free Data Port trust file: the exporters whose packages `freeport open` accepts,\n\
             # and the transparency-log policy their receipts must satisfy.\n{body}"
        ))
    }

    /// The trusted exporter keys.
    #[must_use]
    pub fn exporters(&self) -> &[ExporterPublicKey] {
        &self.exporters
    }

    /// The log policy.
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

const POLICY_HELP: &str = "a policy is C2SP tlog-policy text: `log <vkey>`, `witness <name> <vkey>`, \
     `group <name> <k|all|any> <names>`, then `quorum <name>` or `quorum none`";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::ExporterKey;
    use freeport_tlog::note::{KeyKind, SigningKey};

    fn log_vkey() -> String {
        SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [1; 32])
            .unwrap()
            .verifier()
            .to_vkey()
    }

    fn exporter() -> ExporterPublicKey {
        ExporterKey::from_seed("acme.example/exporter", [2; 32])
            .unwrap()
            .public()
            .clone()
    }

    #[test]
    fn rendered_trust_files_parse_back() {
        let policy = format!("log {}\nquorum none\n", log_vkey());
        let text = Trust::render(&[exporter()], &policy).unwrap();
        let trust = Trust::parse(&text, Path::new("trust.toml")).unwrap();
        assert_eq!(trust.exporters(), [exporter()]);
        assert_eq!(trust.policy().logs().len(), 1);
    }

    #[test]
    fn policy_files_are_relative_to_the_trust_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("cn-us.policy"),
            format!("log {}\nquorum none\n", log_vkey()),
        )
        .unwrap();
        let path = dir.path().join("trust.toml");
        std::fs::write(
            &path,
            format!(
                "exporters = [\"{}\"]\npolicy_file = \"cn-us.policy\"\n",
                exporter().to_vkey()
            ),
        )
        .unwrap();
        assert_eq!(Trust::load(&path).unwrap().exporters().len(), 1);
    }

    #[test]
    fn bad_trust_files_point_at_the_value() {
        let e = exporter().to_vkey();
        let policy = format!("policy = \"log {}\\nquorum none\\n\"", log_vkey());
        for (text, message, spanned) in [
            (
                format!("exporters = []\n{policy}\n"),
                "`exporters` is empty",
                "[]",
            ),
            (
                format!("exporters = [\"nope\"]\n{policy}\n"),
                "malformed",
                "\"nope\"",
            ),
            (
                format!("exporters = [\"{e}\", \"{e}\"]\n{policy}\n"),
                "is listed twice",
                "\"acme",
            ),
            (
                format!("exporters = [\"{e}\"]\npolicy = \"quorum x\\n\"\n"),
                "inline `policy`: trust policy line 1: quorum `x` is not defined",
                "\"quorum",
            ),
            (format!("exporters = [\"{e}\"]\n"), "no log policy", ""),
            (
                format!("exporters = [\"{e}\"]\n{policy}\nextra = 1\n"),
                "unknown field `extra`",
                "extra",
            ),
        ] {
            let err = Trust::parse(&text, Path::new("trust.toml")).unwrap_err();
            let Error::Trust(trust) = &err else {
                panic!("{err}")
            };
            assert!(trust.message().contains(message), "{text}: {err}");
            if let Some(span) = trust.span {
                let at = text.get(span.offset()..).unwrap();
                assert!(at.starts_with(spanned), "{text}: span at {at:?}");
            } else {
                assert_eq!(spanned, "", "{text}: no span");
            }
        }
    }
}
