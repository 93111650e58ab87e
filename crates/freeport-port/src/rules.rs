//! Rule packs travelling between ports: what a port serves of the packs it judges with, and how
//! another home checks and installs a newer one (`freeport rules update --from URL`).
//!
//! A port publishes each pack it judges with as a `rule_pack` log entry (jurisdiction, version,
//! SHA-256 of the pack's files) the first time it opens with it. `GET /api/v1/rules/{cn|us}`
//! serves a [`RulePackRelease`]: the pack's files and a receipt (C2SP tlog-proof) proving that
//! entry is in the log under a checkpoint the witnesses cosigned. The pack's signature *is* that
//! receipt: the log's key signs the checkpoint, both witnesses cosign it, and the checkpoint's
//! tree includes the entry that names the pack's hash. A separate signature by the port's log key
//! would add nothing and reuse a key for a second purpose.
//!
//! [`verify_release`] checks a release with the installer's own trust policy (log key and witness
//! quorum, pinned by the installer, never taken from the release), in this order, refusing at
//! the first failure with the check that failed ([`RulesError::Refused`]):
//! 1. the format line, and that the release is the jurisdiction asked for;
//! 2. every file name is a plain relative path of a pack file (`*.cedar`, `*.cedarschema`,
//!    `*.toml`; no `..`, no absolute path, no backslash, no control character);
//! 3. the files load as a pack (Cedar syntax and schema, annotations, manifest) of that
//!    jurisdiction and the version and hash the release states;
//! 4. the receipt verifies under the trust policy at the stated index;
//! 5. the entry it proves is a `rule_pack` entry naming the same jurisdiction, version and hash.
//!
//! [`InstalledPacks`] keeps installed packs in the home (`rules/<cn|us>/<version>/`, with the
//! receipt and where it came from beside the files) and a `current` file naming the version in
//! use, replaced atomically: a crash leaves the old pack or the new one in use, never a half.
//! A pack is installed only when it is newer than the one the home judges with
//! ([`RulesError::NotNewer`]); an installed pack is used only while it is newer than the pack
//! built into the program (a program upgrade brings its own, newer packs), and is refused if its
//! files no longer hash to what was verified at install.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use freeport_policy::{Jurisdiction, PackError, PackFile, RulePack};
use freeport_tlog::entry::{Entry, EntryType};
use freeport_tlog::policy::Policy;
use freeport_tlog::receipt::Receipt;
use miette::Diagnostic;
use serde::{Deserialize, Serialize};

/// The format line of a [`RulePackRelease`].
pub const RELEASE_FORMAT: &str = "freeport-rule-pack/1";

/// A rule pack as a port serves it (`GET /api/v1/rules/{jurisdiction}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulePackRelease {
    /// [`RELEASE_FORMAT`].
    pub format: String,
    /// `cn` or `us`.
    pub jurisdiction: String,
    /// The pack's version (`pack.toml`).
    pub version: String,
    /// `sha256:` and the hex hash of the files, as decisions record it.
    pub sha256: String,
    /// The index of the pack's `rule_pack` entry in the port's log.
    pub log_index: u64,
    /// The pack's files, sorted by path.
    pub files: Vec<ReleasedFile>,
    /// The entry's receipt (C2SP tlog-proof carrying the entry) against the port's published
    /// cosigned checkpoint.
    pub receipt: String,
}

/// One file of a [`RulePackRelease`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleasedFile {
    /// Path relative to the pack directory, with `/`.
    pub path: String,
    /// Contents.
    pub text: String,
}

impl RulePackRelease {
    /// The release of `pack`, whose `rule_pack` entry is at `log_index` with `receipt`.
    #[must_use]
    pub fn new(pack: &RulePack, log_index: u64, receipt: String) -> Self {
        Self {
            format: RELEASE_FORMAT.to_owned(),
            jurisdiction: pack.jurisdiction().as_str().to_owned(),
            version: pack.version().to_owned(),
            sha256: pack.hash().to_owned(),
            log_index,
            files: pack
                .files()
                .iter()
                .map(|f| ReleasedFile {
                    path: f.path.clone(),
                    text: f.text.clone(),
                })
                .collect(),
            receipt,
        }
    }
}

/// Why a pack was not installed or cannot be used.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum RulesError {
    /// A check of [`verify_release`] failed; nothing was installed.
    #[error("refused the {pack}: {check} failed: {reason}")]
    #[diagnostic(
        code(freeport::rules::refused),
        help(
            "nothing was installed; the pack this home judges with is unchanged. A pack is installed only when its files, its log entry and the witnesses' cosignatures all check under YOUR trust policy (`--policy`)"
        )
    )]
    Refused {
        /// Which pack, as offered (`cn rule pack 2027.1.1 from http://…`).
        pack: String,
        /// The check.
        check: &'static str,
        /// What was found.
        reason: String,
    },
    /// The offered pack is not newer than the one in use.
    #[error(
        "the {jurisdiction} rule pack offered ({offered}) is not newer than the one this home judges with ({active}); not installed"
    )]
    #[diagnostic(
        code(freeport::rules::not_newer),
        help("`freeport rules check` shows the packs in use")
    )]
    NotNewer {
        /// `cn` or `us`.
        jurisdiction: String,
        /// The offered version.
        offered: String,
        /// The version in use.
        active: String,
    },
    /// An installed pack fails to load or no longer hashes to what was verified.
    #[error("the installed {jurisdiction} rule pack at `{}` {reason}", path.display())]
    #[diagnostic(
        code(freeport::rules::installed_broken),
        help(
            "the home's installed pack was changed after `freeport rules update` verified it; remove `rules/{jurisdiction}/current` to judge with the built-in pack, or update again"
        )
    )]
    InstalledBroken {
        /// `cn` or `us`.
        jurisdiction: String,
        /// The pack directory.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A pack (built-in or installed) does not load.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pack(Box<PackError>),
    /// Reading or writing the home's `rules/` directory failed.
    #[error("cannot {action} `{}`", path.display())]
    #[diagnostic(code(freeport::rules::io))]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl From<PackError> for RulesError {
    fn from(e: PackError) -> Self {
        Self::Pack(Box::new(e))
    }
}

/// Orders two pack versions (`2026.12.3`): dot-separated numbers, compared as numbers, a missing
/// part counting as 0. `None` when either is not of that form.
#[must_use]
pub fn compare_versions(a: &str, b: &str) -> Option<Ordering> {
    let parse = |v: &str| -> Option<Vec<u64>> {
        v.split('.')
            .map(|part| {
                (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| part.parse().ok())
                    .flatten()
            })
            .collect()
    };
    let (a, b) = (parse(a)?, parse(b)?);
    let len = a.len().max(b.len());
    let part = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    Some(
        (0..len)
            .map(|i| part(&a, i).cmp(&part(&b, i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal),
    )
}

/// Whether `path` is a plain relative path of a pack file.
fn pack_file_name_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() || path.len() > 200 {
        return Some("is empty or longer than 200 characters");
    }
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return Some("is not a relative path with `/`");
    }
    if path.chars().any(char::is_control) {
        return Some("holds a control character");
    }
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == ".." || part.starts_with('.'))
    {
        return Some("has an empty, `.`, `..` or hidden component");
    }
    let wanted = [".cedar", ".cedarschema", ".toml"];
    if !wanted.iter().any(|ext| path.ends_with(ext)) {
        return Some("is not a `.cedar`, `.cedarschema` or `.toml` file");
    }
    None
}

/// Checks `release` under the installer's `policy` and loads its pack (see the module docs for
/// the checks, in order). `source` names where it came from, for messages.
///
/// # Errors
///
/// [`RulesError::Refused`] naming the pack, the check and what was found.
pub fn verify_release(
    release: &RulePackRelease,
    jurisdiction: Jurisdiction,
    policy: &Policy,
    source: &str,
) -> Result<RulePack, RulesError> {
    let refused = |check: &'static str, reason: String| RulesError::Refused {
        pack: format!(
            "{} rule pack {} from {source}",
            jurisdiction.as_str(),
            release.version.escape_debug()
        ),
        check,
        reason,
    };
    if release.format != RELEASE_FORMAT {
        return Err(refused(
            "the format",
            format!(
                "`{}` is not `{RELEASE_FORMAT}`",
                release.format.escape_debug()
            ),
        ));
    }
    if release.jurisdiction != jurisdiction.as_str() {
        return Err(refused(
            "the jurisdiction",
            format!(
                "the release is for `{}`",
                release.jurisdiction.escape_debug()
            ),
        ));
    }
    for file in &release.files {
        if let Some(problem) = pack_file_name_problem(&file.path) {
            return Err(refused(
                "the file names",
                format!("`{}` {problem}", file.path.escape_debug()),
            ));
        }
    }
    let files = release
        .files
        .iter()
        .map(|f| PackFile {
            path: f.path.clone(),
            text: f.text.clone(),
        })
        .collect();
    let pack = RulePack::from_files(&format!("{source}/{}", jurisdiction.as_str()), files)
        .map_err(|e| refused("loading the pack", e.to_string()))?;
    if pack.jurisdiction() != jurisdiction {
        return Err(refused(
            "the jurisdiction",
            format!("`pack.toml` says `{}`", pack.jurisdiction().as_str()),
        ));
    }
    if pack.version() != release.version {
        return Err(refused(
            "the version",
            format!("`pack.toml` says `{}`", pack.version().escape_debug()),
        ));
    }
    if pack.hash() != release.sha256 {
        return Err(refused(
            "the files' hash",
            format!(
                "the files hash to {}, the release says {}",
                pack.hash(),
                release.sha256.escape_debug()
            ),
        ));
    }
    let receipt =
        Receipt::parse(&release.receipt).map_err(|e| refused("the log receipt", e.to_string()))?;
    if receipt.index != release.log_index {
        return Err(refused(
            "the log receipt",
            format!(
                "it proves entry {}, the release says {}",
                receipt.index, release.log_index
            ),
        ));
    }
    receipt.verify(policy, None).map_err(|e| {
        refused(
            "the log receipt under your trust policy (log key and witness quorum)",
            e.to_string(),
        )
    })?;
    let entry = receipt
        .extra
        .as_deref()
        .ok_or_else(|| refused("the log entry", "the receipt carries no entry".to_owned()))
        .and_then(|bytes| {
            Entry::from_bytes(bytes).map_err(|e| refused("the log entry", e.to_string()))
        })?;
    if entry.entry_type() != EntryType::RulePack {
        return Err(refused(
            "the log entry",
            format!(
                "the proven entry is a `{}` entry, not a `rule_pack` entry",
                entry.entry_type().as_str()
            ),
        ));
    }
    let expected = [
        ("jurisdiction", jurisdiction.as_str()),
        ("version", pack.version()),
        ("sha256", pack.hash().trim_start_matches("sha256:")),
    ];
    for (field, value) in expected {
        let logged = entry.body().get(field).and_then(|v| v.as_str());
        if logged != Some(value) {
            return Err(refused(
                "the log entry",
                format!(
                    "the logged `{field}` is {}, the pack's is `{value}`",
                    logged.map_or_else(|| "missing".to_owned(), |l| format!("`{l}`"))
                ),
            ));
        }
    }
    Ok(pack)
}

/// What an install did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installed {
    /// `cn` or `us`.
    pub jurisdiction: String,
    /// The version now in use.
    pub version: String,
    /// Its hash.
    pub sha256: String,
    /// The version in use before.
    pub replaced: String,
    /// Where the pack was written.
    pub path: PathBuf,
}

/// What `provenance.json` beside an installed pack records.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Provenance {
    source: String,
    sha256: String,
    log_index: u64,
}

/// The packs installed in a home (`<home>/rules/`).
#[derive(Debug, Clone)]
pub struct InstalledPacks {
    dir: PathBuf,
}

impl InstalledPacks {
    /// The installed packs under `dir` (a home's `rules/`).
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> RulesError {
        let path = path.to_path_buf();
        move |source| RulesError::Io {
            action,
            path,
            source,
        }
    }

    /// The installed pack of `jurisdiction` named by its `current` file, if any.
    ///
    /// # Errors
    ///
    /// [`RulesError::InstalledBroken`] when it does not load or its files changed since install.
    pub fn installed(&self, jurisdiction: Jurisdiction) -> Result<Option<RulePack>, RulesError> {
        let base = self.dir.join(jurisdiction.as_str());
        let current = base.join("current");
        let version = match std::fs::read_to_string(&current) {
            Ok(text) => text.trim().to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Self::io("read", &current)(e)),
        };
        let broken = |path: &Path, reason: String| RulesError::InstalledBroken {
            jurisdiction: jurisdiction.as_str().to_owned(),
            path: path.to_path_buf(),
            reason,
        };
        if compare_versions(&version, &version).is_none() {
            return Err(broken(
                &current,
                format!("names version `{}`", version.escape_debug()),
            ));
        }
        let dir = base.join(&version);
        let pack =
            RulePack::from_dir(&dir).map_err(|e| broken(&dir, format!("does not load: {e}")))?;
        let provenance_path = dir.join("provenance.json");
        let provenance: Provenance = std::fs::read_to_string(&provenance_path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
            .map_err(|e| broken(&dir, format!("has no readable provenance.json: {e}")))?;
        if provenance.sha256 != pack.hash() || pack.version() != version {
            return Err(broken(
                &dir,
                format!(
                    "hashes to {} (version {}), but {} (version {version}) was verified at install",
                    pack.hash(),
                    pack.version(),
                    provenance.sha256
                ),
            ));
        }
        Ok(Some(pack))
    }

    /// The pack a home judges with for `jurisdiction`: the installed one while it is newer than
    /// the built-in one, else the built-in one.
    ///
    /// # Errors
    ///
    /// An installed pack that is broken ([`Self::installed`]); a built-in pack that does not
    /// load.
    pub fn active(&self, jurisdiction: Jurisdiction) -> Result<RulePack, RulesError> {
        let embedded = RulePack::embedded(jurisdiction)?;
        match self.installed(jurisdiction)? {
            Some(installed)
                if compare_versions(installed.version(), embedded.version())
                    == Some(Ordering::Greater) =>
            {
                Ok(installed)
            }
            _ => Ok(embedded),
        }
    }

    /// Installs `pack` (verified by [`verify_release`] from `release`, fetched from `source`) if
    /// it is newer than the pack in use; the pack in use is unchanged on any error.
    ///
    /// # Errors
    ///
    /// [`RulesError::NotNewer`]; [`RulesError::Io`] when the files cannot be written.
    pub fn install(
        &self,
        pack: &RulePack,
        release: &RulePackRelease,
        source: &str,
    ) -> Result<Installed, RulesError> {
        let jurisdiction = pack.jurisdiction();
        let active = self.active(jurisdiction)?;
        if compare_versions(pack.version(), active.version()) != Some(Ordering::Greater) {
            return Err(RulesError::NotNewer {
                jurisdiction: jurisdiction.as_str().to_owned(),
                offered: pack.version().to_owned(),
                active: active.version().to_owned(),
            });
        }
        let base = self.dir.join(jurisdiction.as_str());
        std::fs::create_dir_all(&base).map_err(Self::io("create", &base))?;
        let target = base.join(pack.version());
        // A complete copy from an earlier install is reused only if it still hashes right.
        let reusable =
            target.exists() && RulePack::from_dir(&target).is_ok_and(|p| p.hash() == pack.hash());
        if !reusable {
            let staging = tempfile::Builder::new()
                .prefix(".incoming-")
                .tempdir_in(&base)
                .map_err(Self::io("create a directory in", &base))?;
            for file in pack.files() {
                let path = staging.path().join(&file.path);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(Self::io("create", parent))?;
                }
                freeport_util::write_atomic(&path, file.text.as_bytes())
                    .map_err(Self::io("write", &path))?;
            }
            let provenance = Provenance {
                source: source.to_owned(),
                sha256: pack.hash().to_owned(),
                log_index: release.log_index,
            };
            let text = serde_json::to_string_pretty(&provenance).map_err(|e| RulesError::Io {
                action: "serialise",
                path: staging.path().join("provenance.json"),
                source: std::io::Error::other(e),
            })?;
            let provenance_path = staging.path().join("provenance.json");
            freeport_util::write_atomic(&provenance_path, format!("{text}\n").as_bytes())
                .map_err(Self::io("write", &provenance_path))?;
            let receipt_path = staging.path().join("receipt.tlog-proof");
            freeport_util::write_atomic(&receipt_path, release.receipt.as_bytes())
                .map_err(Self::io("write", &receipt_path))?;
            if target.exists() {
                std::fs::remove_dir_all(&target).map_err(Self::io("remove", &target))?;
            }
            let staged = staging.keep();
            std::fs::rename(&staged, &target).map_err(Self::io("rename into place", &target))?;
        }
        let current = base.join("current");
        freeport_util::write_atomic(&current, format!("{}\n", pack.version()).as_bytes())
            .map_err(Self::io("write", &current))?;
        Ok(Installed {
            jurisdiction: jurisdiction.as_str().to_owned(),
            version: pack.version().to_owned(),
            sha256: pack.hash().to_owned(),
            replaced: active.version().to_owned(),
            path: target,
        })
    }
}

#[cfg(test)]
mod tests {
    use freeport_tlog::merkle::{MemoryTree, leaf_hash};
    use freeport_tlog::note::{Checkpoint, KeyKind, SigningKey, sign_checkpoint};

    use super::*;

    fn log_key() -> SigningKey {
        SigningKey::from_seed("port.example/log", KeyKind::Ed25519, [7; 32]).unwrap()
    }

    /// `pack` with its `version` replaced.
    fn with_version(pack: &RulePack, version: &str) -> RulePack {
        let files = pack
            .files()
            .iter()
            .map(|f| PackFile {
                path: f.path.clone(),
                text: if f.path == "pack.toml" {
                    f.text.replacen(
                        &format!("version = \"{}\"", pack.version()),
                        &format!("version = \"{version}\""),
                        1,
                    )
                } else {
                    f.text.clone()
                },
            })
            .collect();
        RulePack::from_files("test", files).unwrap()
    }

    /// A release of `pack` whose entry `entry` sits at index 1 of a three-entry log signed by
    /// [`log_key`].
    fn release_with_entry(pack: &RulePack, entry: Vec<u8>) -> RulePackRelease {
        let entries = [b"first".to_vec(), entry, b"third".to_vec()];
        let mut tree = MemoryTree::new();
        for e in &entries {
            tree.push(leaf_hash(e));
        }
        let checkpoint = Checkpoint {
            origin: "port.example/log".into(),
            size: 3,
            root: tree.root(),
            extensions: vec![],
        };
        let signed = sign_checkpoint(&checkpoint, &log_key()).unwrap();
        let receipt = Receipt::build(&tree, 3, 1, Some(entries[1].clone()), signed).unwrap();
        RulePackRelease::new(pack, 1, receipt.to_text())
    }

    fn release(pack: &RulePack) -> RulePackRelease {
        release_with_entry(
            pack,
            crate::port::rule_pack_entry(pack, "2027-01-02T00:00:00Z").unwrap(),
        )
    }

    fn policy() -> Policy {
        Policy::log_only(log_key().verifier())
    }

    fn refusal(release: &RulePackRelease) -> (String, String) {
        match verify_release(release, Jurisdiction::Cn, &policy(), "http://port") {
            Err(RulesError::Refused { check, reason, .. }) => (check.to_owned(), reason),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn a_release_verifies_and_every_tampering_is_refused_naming_the_check() {
        let pack = with_version(&RulePack::embedded(Jurisdiction::Cn).unwrap(), "2099.1.1");
        let good = release(&pack);
        let verified = verify_release(&good, Jurisdiction::Cn, &policy(), "http://port").unwrap();
        assert_eq!(verified.hash(), pack.hash());

        let tampered = |change: &dyn Fn(&mut RulePackRelease)| {
            let mut r = good.clone();
            change(&mut r);
            refusal(&r)
        };
        type Tampering<'a> = (&'a str, &'a dyn Fn(&mut RulePackRelease), &'a str, &'a str);
        let cases: [Tampering<'_>; 8] = [
            (
                "format",
                &|r| r.format = "other/1".into(),
                "the format",
                "other/1",
            ),
            (
                "asked for US",
                &|r| r.jurisdiction = "us".into(),
                "the jurisdiction",
                "`us`",
            ),
            (
                "path trick",
                &|r| r.files[0].path = "../../etc/cron.d/x.toml".into(),
                "the file names",
                "`..`",
            ),
            (
                "a rule changed",
                &|r| {
                    let cedar = r
                        .files
                        .iter_mut()
                        .find(|f| f.path.ends_with(".cedar"))
                        .unwrap();
                    cedar.text.push_str("\n// changed\n");
                },
                "the files' hash",
                "the release says",
            ),
            (
                "not a pack",
                &|r| r.files.retain(|f| f.path != "pack.toml"),
                "loading the pack",
                "pack.toml",
            ),
            (
                "receipt garbage",
                &|r| r.receipt = "nonsense".into(),
                "the log receipt",
                "",
            ),
            (
                "another index",
                &|r| r.log_index = 2,
                "the log receipt",
                "proves entry 1",
            ),
            (
                "stated version",
                &|r| r.version = "2099.9.9".into(),
                "the version",
                "2099.1.1",
            ),
        ];
        for (name, change, check, reason) in cases {
            let (got_check, got_reason) = tampered(change);
            assert_eq!(got_check, check, "{name}: {got_reason}");
            assert!(got_reason.contains(reason), "{name}: {got_reason}");
        }

        // A policy pinning another log key.
        let other = SigningKey::from_seed("port.example/log", KeyKind::Ed25519, [8; 32]).unwrap();
        let err = verify_release(
            &good,
            Jurisdiction::Cn,
            &Policy::log_only(other.verifier()),
            "http://port",
        )
        .unwrap_err();
        assert!(
            matches!(&err, RulesError::Refused { check, .. } if check.contains("trust policy")),
            "{err}"
        );

        // A proven entry of another kind, or naming another pack.
        let decision = Entry::new(
            EntryType::Decision,
            serde_json::json!({
                "transfer_id": "t-1",
                "outcome": "permit",
                "rule_packs": [],
                "reasons": [],
                "decided_at": "2027-01-02T00:00:00Z",
            }),
        )
        .unwrap()
        .to_bytes()
        .unwrap();
        let (check, reason) = refusal(&release_with_entry(&pack, decision));
        assert_eq!(check, "the log entry");
        assert!(reason.contains("not a `rule_pack` entry"), "{reason}");
        let older = with_version(&pack, "2099.1.0");
        let entry_of_older = crate::port::rule_pack_entry(&older, "2027-01-02T00:00:00Z").unwrap();
        let (check, reason) = refusal(&release_with_entry(&pack, entry_of_older));
        assert_eq!(check, "the log entry");
        assert!(reason.contains("`version`"), "{reason}");
    }

    #[test]
    fn installed_packs_are_used_while_newer_and_refused_when_changed() {
        let dir = tempfile::tempdir().unwrap();
        let installed = InstalledPacks::new(dir.path());
        let built_in = RulePack::embedded(Jurisdiction::Cn).unwrap();
        assert_eq!(
            installed.active(Jurisdiction::Cn).unwrap().hash(),
            built_in.hash()
        );

        // An older or equal pack is not installed.
        let older = with_version(&built_in, "2000.1.1");
        let err = installed
            .install(&older, &release(&older), "http://port")
            .unwrap_err();
        assert!(matches!(err, RulesError::NotNewer { .. }), "{err}");
        assert!(installed.installed(Jurisdiction::Cn).unwrap().is_none());

        let newer = with_version(&built_in, "2099.1.1");
        let done = installed
            .install(&newer, &release(&newer), "http://port")
            .unwrap();
        assert_eq!(done.replaced, built_in.version());
        assert_eq!(
            installed.active(Jurisdiction::Cn).unwrap().hash(),
            newer.hash()
        );
        // The US pack is untouched.
        assert_eq!(
            installed.active(Jurisdiction::Us).unwrap().hash(),
            RulePack::embedded(Jurisdiction::Us).unwrap().hash()
        );
        // No staging directory is left behind.
        let left: Vec<_> = std::fs::read_dir(dir.path().join("cn"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");

        // Now 2099.1.1 is in use: installing it or the built-in one again is not newer.
        let err = installed
            .install(&newer, &release(&newer), "http://port")
            .unwrap_err();
        assert!(matches!(err, RulesError::NotNewer { .. }), "{err}");

        // Changed behind the installer's back: refused, not used.
        let manifest = done.path.join("pack.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, format!("{text}# edited\n")).unwrap();
        let err = installed.active(Jurisdiction::Cn).unwrap_err();
        assert!(matches!(err, RulesError::InstalledBroken { .. }), "{err}");

        // A `current` naming something that is not a version is refused too.
        std::fs::write(dir.path().join("cn/current"), "../../elsewhere\n").unwrap();
        let err = installed.active(Jurisdiction::Cn).unwrap_err();
        assert!(matches!(err, RulesError::InstalledBroken { .. }), "{err}");
    }

    #[test]
    fn versions_compare_as_numbers() {
        let cases = [
            ("2026.12.3", "2026.12.3", Some(Ordering::Equal)),
            ("2026.12.10", "2026.12.9", Some(Ordering::Greater)),
            ("2027.1", "2026.12.3", Some(Ordering::Greater)),
            ("2026.12", "2026.12.0", Some(Ordering::Equal)),
            ("2026.12", "2026.12.1", Some(Ordering::Less)),
            ("2026.12.x", "2026.12.1", None),
            ("", "1", None),
            ("1..2", "1", None),
        ];
        for (a, b, expected) in cases {
            assert_eq!(compare_versions(a, b), expected, "{a} vs {b}");
        }
    }

    #[test]
    fn pack_file_names_must_be_plain_relative_pack_files() {
        for good in [
            "pack.toml",
            "ftz/shanghai.toml",
            "rules.cedar",
            "schema.cedarschema",
        ] {
            assert_eq!(pack_file_name_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "/etc/passwd.toml",
            "../x.cedar",
            "ftz/../../x.toml",
            "a\\b.cedar",
            "C:x.toml",
            ".hidden.toml",
            "a//b.toml",
            "notes.txt",
            "x\n.toml",
        ] {
            assert!(pack_file_name_problem(bad).is_some(), "{bad:?}");
        }
    }
}
