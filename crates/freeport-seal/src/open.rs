//! Opening a package: every check first, decryption last, plaintext on disk only when all pass.
//!
//! Order (each failure is a [`Refusal`] naming its [`Check`]): layout; the signer is a trusted
//! exporter; the signature over the exact `manifest.json` bytes; the manifest's form; the receipt
//! under the trust policy; the logged entry is this manifest's; the ciphertext hash; decryption;
//! the payload's entries; each file's size and hash.
//!
//! Decryption runs once, into anonymous files (Linux `O_TMPFILE`: an inode with no name, in the
//! output's directory) that vanish with the process: a package that fails a check, or an open
//! killed at any moment before every check has passed, leaves no plaintext on disk. Only then are
//! the files given names in a staging directory beside the output (a hard link of the anonymous
//! inode, no copy) and the directory renamed into place. Where anonymous files are not available
//! they are created and unlinked at once (`tempfile`), and copied out at the end.

use std::io::Write;
use std::path::{Path, PathBuf};

use freeport_tlog::entry::{Entry, EntryType};
use freeport_tlog::receipt::Receipt;

use crate::error::{Check, Refusal};
use crate::keys::{ExporterPublicKey, ManifestSignature};
use crate::manifest::{MANIFEST_FILE, Manifest, PAYLOAD_FILE, SIGNATURE_FILE};
use crate::payload::{self, ReadFailure};
use crate::seal::{parent_dir, set_mode, sync_dir};
use crate::trust::Trust;
use crate::{Error, Result};
use sha2::Digest as _;

/// The largest `manifest.json` accepted (a manifest holds summaries, not data).
pub const MAX_MANIFEST_BYTES: u64 = 16 << 20;
const MAX_SIGNATURE_BYTES: u64 = 4096;

/// A package whose signature, receipt and ciphertext hash verified (not yet decrypted).
#[derive(Debug, Clone)]
pub struct Verified {
    /// The manifest.
    pub manifest: Manifest,
    /// Lowercase hex SHA-256 of the exact signed `manifest.json` bytes: the package's identity
    /// for the record of opened packages ([`crate::opened`]).
    pub manifest_sha256: String,
    /// The trusted exporter key that signed it.
    pub exporter: ExporterPublicKey,
    /// Where the log records it.
    pub log: LogProof,
}

/// What the receipt proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogProof {
    /// The log's origin.
    pub origin: String,
    /// The entry's index.
    pub index: u64,
    /// The size of the checkpoint that includes it.
    pub tree_size: u64,
    /// Names (in the trust policy) of the witnesses whose cosignatures verified.
    pub witnesses: Vec<String>,
}

/// An opened package.
#[derive(Debug, Clone)]
pub struct Opened {
    /// Everything that was verified.
    pub verified: Verified,
    /// The output directory.
    pub out_dir: PathBuf,
    /// The files written, in manifest order.
    pub files: Vec<PathBuf>,
}

/// Checks a package without decrypting it: layout, then its manifest ([`verify_manifest`]:
/// exporter, signature, manifest, receipt, log entry), then its ciphertext
/// ([`verify_ciphertext`]).
///
/// # Errors
///
/// [`Error::Refused`] naming the failed check; [`Error::Io`] when the package cannot be read.
pub fn verify(package: &Path, trust: &Trust) -> Result<Verified> {
    let name = package.display().to_string();
    // A path that does not exist is bad input, not a package that failed a check.
    std::fs::symlink_metadata(package).map_err(|e| Error::io("read", package, e))?;
    check_layout(package).map_err(|reason| refusal(&name, Check::Layout, reason))?;
    let manifest_bytes = read_capped(&package.join(MANIFEST_FILE), MAX_MANIFEST_BYTES)?
        .ok_or_else(|| {
            refusal(
                &name,
                Check::Layout,
                format!("`{MANIFEST_FILE}` is larger than {MAX_MANIFEST_BYTES} bytes"),
            )
        })?;
    let sig_bytes =
        read_capped(&package.join(SIGNATURE_FILE), MAX_SIGNATURE_BYTES)?.ok_or_else(|| {
            refusal(
                &name,
                Check::Signature,
                format!("`{SIGNATURE_FILE}` is too large"),
            )
        })?;
    let verified = verify_manifest(&name, &manifest_bytes, &sig_bytes, None, trust)?;
    verify_ciphertext(package, &verified)?;
    Ok(verified)
}

fn refusal(package: &str, check: Check, reason: String) -> Error {
    Error::Refused(Box::new(Refusal {
        package: package.to_owned(),
        check,
        reason,
    }))
}

/// The manifest part of [`verify`], on the bytes of `manifest.json` and `manifest.sig` alone (no
/// ciphertext needed, e.g. a manifest uploaded to be checked): the signer is one of `trust`'s
/// exporters, its signature holds over the exact manifest bytes, the manifest is well formed and
/// names that signer, the receipt (`receipt`, else the one the manifest carries) verifies under
/// `trust`'s log policy and proves this manifest's entry. `name` names the package in a refusal.
///
/// # Errors
///
/// [`Error::Refused`] naming the failed check.
pub fn verify_manifest(
    name: &str,
    manifest_bytes: &[u8],
    signature_bytes: &[u8],
    receipt: Option<&str>,
    trust: &Trust,
) -> Result<Verified> {
    let refuse = |check: Check, reason: String| refusal(name, check, reason);
    if manifest_bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(refuse(
            Check::Manifest,
            format!("`{MANIFEST_FILE}` is larger than {MAX_MANIFEST_BYTES} bytes"),
        ));
    }
    let (signature, signer) =
        parse_signature(signature_bytes).map_err(|reason| refuse(Check::Signature, reason))?;
    if !trust.exporters().contains(&signer) {
        return Err(refuse(
            Check::Exporter,
            format!(
                "signed by `{}`, which is not among the trusted exporters ({})",
                signer.label(),
                trust
                    .exporters()
                    .iter()
                    .map(|k| format!("`{}`", k.label()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if !signer.verifies(manifest_bytes, &signature.signature) {
        return Err(refuse(
            Check::Signature,
            format!(
                "the signature by `{}` does not verify over `{MANIFEST_FILE}`",
                signer.label()
            ),
        ));
    }

    let manifest = Manifest::parse(manifest_bytes)
        .map_err(|reason| refuse(Check::Manifest, format!("`{MANIFEST_FILE}` {reason}")))?;
    if manifest.exporter != signer.to_vkey() {
        return Err(refuse(
            Check::Manifest,
            format!(
                "`{MANIFEST_FILE}` names exporter `{}`, but `{}` signed it",
                manifest.exporter,
                signer.label()
            ),
        ));
    }

    let log = check_receipt(&manifest, receipt, trust)
        .map_err(|(check, reason)| refuse(check, reason))?;
    Ok(Verified {
        manifest,
        manifest_sha256: crate::manifest::hex(&sha2::Sha256::digest(manifest_bytes)),
        exporter: signer,
        log,
    })
}

/// The key that signed a manifest, as `manifest.sig` names it (not yet checked against the
/// manifest nor trusted): for a verifier that trusts whoever signed and shows the key.
///
/// # Errors
///
/// Why `manifest.sig` is not a signature file naming a well-formed key.
pub fn manifest_signer(signature_bytes: &[u8]) -> std::result::Result<ExporterPublicKey, String> {
    parse_signature(signature_bytes).map(|(_, signer)| signer)
}

fn parse_signature(
    signature_bytes: &[u8],
) -> std::result::Result<(ManifestSignature, ExporterPublicKey), String> {
    if signature_bytes.len() as u64 > MAX_SIGNATURE_BYTES {
        return Err(format!("`{SIGNATURE_FILE}` is too large"));
    }
    let signature = ManifestSignature::parse(signature_bytes)
        .map_err(|reason| format!("`{SIGNATURE_FILE}` {reason}"))?;
    let signer = ExporterPublicKey::from_vkey(&signature.signer)
        .map_err(|e| format!("`{SIGNATURE_FILE}` names a malformed key: {e}"))?;
    if signer.to_vkey() != signature.signer {
        return Err(format!("`{SIGNATURE_FILE}` line 2 is not a canonical vkey"));
    }
    Ok((signature, signer))
}

/// The ciphertext part of [`verify`]: `payload.age` has the size and SHA-256 the verified
/// manifest gives.
///
/// # Errors
///
/// [`Error::Refused`] with [`Check::Ciphertext`]; [`Error::Io`] when it cannot be read.
pub fn verify_ciphertext(package: &Path, verified: &Verified) -> Result<()> {
    let name = package.display().to_string();
    let refuse = |reason: String| refusal(&name, Check::Ciphertext, reason);
    let manifest = &verified.manifest;
    let (sha256, bytes) = payload::hash_file(&package.join(PAYLOAD_FILE))
        .map_err(|e| Error::io("read", &package.join(PAYLOAD_FILE), e))?;
    if bytes != manifest.payload.bytes {
        return Err(refuse(format!(
            "`{PAYLOAD_FILE}` has {bytes} bytes, the manifest says {}",
            manifest.payload.bytes
        )));
    }
    if sha256 != manifest.payload.sha256 {
        return Err(refuse(format!(
            "`{PAYLOAD_FILE}` does not have the SHA-256 the manifest gives"
        )));
    }
    Ok(())
}

/// Verifies `package` under `trust`, decrypts it with `identities`, checks every file, and only
/// then writes the files into the new directory `out_dir`.
///
/// # Errors
///
/// [`Error::Output`] when `out_dir` exists (checked first); [`Error::Refused`] naming the failed
/// check, with nothing written; [`Error::Io`] when the package cannot be read or the output
/// written (then nothing is left behind either).
pub fn open(
    package: &Path,
    identities: &[age::x25519::Identity],
    trust: &Trust,
    out_dir: &Path,
) -> Result<Opened> {
    open_observed(package, identities, trust, out_dir, &|_, _| {})
}

/// [`open`], telling `progress` how far decryption has come: the bytes decrypted so far and the
/// total the verified manifest names, after each chunk.
///
/// # Errors
///
/// As [`open`].
pub fn open_observed(
    package: &Path,
    identities: &[age::x25519::Identity],
    trust: &Trust,
    out_dir: &Path,
    progress: &dyn Fn(u64, u64),
) -> Result<Opened> {
    if out_dir.symlink_metadata().is_ok() {
        return Err(Error::output(out_dir, "already exists"));
    }
    let verified = verify(package, trust)?;
    let manifest = &verified.manifest;
    let payload_path = package.join(PAYLOAD_FILE);
    let refuse = |failure: ReadFailure| match failure {
        ReadFailure::Refused(check, reason) => Error::Refused(Box::new(Refusal {
            package: package.display().to_string(),
            check,
            reason,
        })),
        ReadFailure::Sink(e) => e,
    };

    // One pass: decrypt into anonymous files beside the output, checking everything.
    let parent = parent_dir(out_dir);
    std::fs::create_dir_all(&parent).map_err(|e| Error::io("create", &parent, e))?;
    // Staging directories of opens killed after every check passed, before their rename.
    crate::staging::sweep(&parent, "open");
    let mut decrypted: Vec<(PathBuf, Anonymous)> = Vec::with_capacity(manifest.files.len());
    let total: u64 = manifest.files.iter().map(|f| f.bytes).sum();
    progress(0, total);
    payload::read(
        &payload_path,
        identities,
        &manifest.recipients,
        &manifest.files,
        &mut |entry| {
            let file = Anonymous::create_in(&parent)?;
            let writer = file.writer()?;
            decrypted.push((PathBuf::from(&entry.name), file));
            Ok(Box::new(std::io::BufWriter::with_capacity(1 << 16, writer)) as Box<dyn Write>)
        },
        &|done| progress(done, total),
    )
    .map_err(refuse)?;

    // Every check passed: make the data durable while it still has no name, then name the
    // files in a staging directory and rename it into place (a short window: links, no copies).
    for (name, file) in &decrypted {
        file.sync(name)?;
    }
    let temp =
        crate::staging::create(&parent, "open").map_err(|e| Error::io("create", &parent, e))?;
    for (name, file) in &decrypted {
        file.materialise(&temp.path().join(name))?;
    }
    drop(decrypted);
    sync_dir(temp.path())?;
    set_mode(temp.path(), 0o755)?;
    if out_dir.symlink_metadata().is_ok() {
        return Err(Error::output(out_dir, "already exists"));
    }
    let kept = temp.keep();
    if let Err(e) = std::fs::rename(&kept, out_dir) {
        let _ = std::fs::remove_dir_all(&kept);
        return Err(Error::io("rename into", out_dir, e));
    }
    sync_dir(&parent)?;
    let files = manifest
        .files
        .iter()
        .map(|f| out_dir.join(&f.name))
        .collect();
    Ok(Opened {
        out_dir: out_dir.to_owned(),
        files,
        verified,
    })
}

/// A decrypted file with no name yet.
#[derive(Debug)]
struct Anonymous {
    file: std::fs::File,
    /// Made with `O_TMPFILE` (so it can be linked), not created and unlinked.
    linkable: bool,
}

impl Anonymous {
    /// A new anonymous file in `dir` (same file system as the output, so it can be linked there).
    fn create_in(dir: &Path) -> Result<Self> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            if let Ok(file) = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .mode(0o600)
                .custom_flags(libc::O_TMPFILE)
                .open(dir)
            {
                return Ok(Self {
                    file,
                    linkable: true,
                });
            }
        }
        let file = tempfile::tempfile_in(dir).map_err(|e| Error::io("create a file in", dir, e))?;
        Ok(Self {
            file,
            linkable: false,
        })
    }

    fn writer(&self) -> Result<std::fs::File> {
        self.file
            .try_clone()
            .map_err(|e| Error::io("create", Path::new("an anonymous file"), e))
    }

    /// Mode 0644 and the data on disk, before it has a name.
    fn sync(&self, name: &Path) -> Result<()> {
        use std::os::unix::fs::PermissionsExt as _;
        self.file
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .and_then(|()| self.file.sync_all())
            .map_err(|e| Error::io("write", name, e))
    }

    /// Gives the synced file the name `path`: a hard link of the anonymous inode, or a synced
    /// copy where it cannot be linked.
    fn materialise(&self, path: &Path) -> Result<()> {
        let write_error = |e| Error::io("write", path, e);
        #[cfg(target_os = "linux")]
        if self.linkable && link_anonymous(&self.file, path).is_ok() {
            return Ok(());
        }
        let mut source = &self.file;
        std::io::Seek::rewind(&mut source).map_err(write_error)?;
        let mut target =
            std::fs::File::create_new(path).map_err(|e| Error::io("create", path, e))?;
        std::io::copy(&mut source, &mut target)
            .and_then(|_| target.sync_all())
            .map_err(write_error)
    }
}

/// `linkat(AT_FDCWD, "/proc/self/fd/N", AT_FDCWD, path, AT_SYMLINK_FOLLOW)`: the way an
/// `O_TMPFILE` inode gets a name without the privilege `AT_EMPTY_PATH` needs.
#[cfg(target_os = "linux")]
fn link_anonymous(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd as _;
    let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
    rustix::fs::linkat(
        rustix::fs::CWD,
        proc_path.as_str(),
        rustix::fs::CWD,
        path,
        rustix::fs::AtFlags::SYMLINK_FOLLOW,
    )
    .map_err(std::io::Error::from)
}

fn check_layout(package: &Path) -> std::result::Result<(), String> {
    let meta =
        std::fs::symlink_metadata(package).map_err(|e| format!("cannot read the package: {e}"))?;
    if !meta.is_dir() {
        return Err("is not a directory".into());
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(package).map_err(|e| format!("cannot list it: {e}"))? {
        let entry = entry.map_err(|e| format!("cannot list it: {e}"))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read `{name}`: {e}"))?;
        if ![MANIFEST_FILE, SIGNATURE_FILE, PAYLOAD_FILE].contains(&name.as_str()) {
            return Err(format!("holds `{name}`, which is not part of a package"));
        }
        if !kind.is_file() {
            return Err(format!("`{name}` is not a regular file"));
        }
        names.push(name);
    }
    for required in [MANIFEST_FILE, SIGNATURE_FILE, PAYLOAD_FILE] {
        if !names.iter().any(|n| n == required) {
            return Err(format!("`{required}` is missing"));
        }
    }
    Ok(())
}

/// Reads a file of at most `cap` bytes; `None` if it is larger.
fn read_capped(path: &Path, cap: u64) -> Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", path, e))?;
    Ok((bytes.len() as u64 <= cap).then_some(bytes))
}

/// The receipt verifies under the policy and proves this manifest's entry.
fn check_receipt(
    manifest: &Manifest,
    receipt: Option<&str>,
    trust: &Trust,
) -> std::result::Result<LogProof, (Check, String)> {
    let text = receipt.or(manifest.receipt.as_deref()).ok_or((
        Check::Receipt,
        "the manifest carries no log receipt".to_owned(),
    ))?;
    let receipt = Receipt::parse(text).map_err(|e| (Check::Receipt, e.to_string()))?;
    let expected = manifest
        .log_entry()
        .and_then(|entry| Ok(entry.to_bytes()?))
        .map_err(|e| (Check::Manifest, format!("cannot form its log entry: {e}")))?;
    let trusted = receipt
        .verify(
            trust.policy(),
            if receipt.extra.is_some() {
                None
            } else {
                Some(&expected)
            },
        )
        .map_err(|e| (Check::Receipt, e.to_string()))?;
    if let Some(carried) = &receipt.extra {
        compare_entry(carried, &expected).map_err(|reason| (Check::LogEntry, reason))?;
    }
    Ok(LogProof {
        origin: trusted.checkpoint.origin,
        index: receipt.index,
        tree_size: trusted.checkpoint.size,
        witnesses: trusted.witnesses,
    })
}

/// The carried entry must be a manifest entry agreeing with `expected` on every field `expected`
/// has (extra fields a logger added are allowed); the first disagreement is named.
fn compare_entry(carried: &[u8], expected: &[u8]) -> std::result::Result<(), String> {
    let carried = Entry::from_bytes(carried)
        .map_err(|e| format!("the receipt's entry is not a valid log entry: {e}"))?;
    if carried.entry_type() != EntryType::Manifest {
        return Err(format!(
            "the receipt proves a `{}` entry, not a `manifest` entry",
            carried.entry_type()
        ));
    }
    let expected = Entry::from_bytes(expected).map_err(|e| e.to_string())?;
    // The most telling difference first.
    const ORDER: [(&str, &str); 5] = [
        ("transfer_id", "the transfer id"),
        ("manifest_body_sha256", "the manifest body hash"),
        ("files", "the payload hash or size"),
        ("exporter", "the exporter key"),
        ("sealed_at", "the sealing time"),
    ];
    for (field, what) in ORDER {
        if carried.body().get(field) != expected.body().get(field) {
            return Err(format!(
                "the logged entry's `{field}` differs from this manifest's ({what})"
            ));
        }
    }
    if let Some(field) = expected
        .body()
        .iter()
        .find(|(field, want)| carried.body().get(*field) != Some(*want))
        .map(|(field, _)| field)
    {
        return Err(format!(
            "the logged entry's `{field}` differs from this manifest's"
        ));
    }
    Ok(())
}
