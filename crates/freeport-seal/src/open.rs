//! Opening a package: every check first, decryption last, plaintext on disk only when all pass.
//!
//! Order (each failure is a [`Refusal`] naming its [`Check`]): layout; the signer is a trusted
//! exporter; the signature over the exact `manifest.json` bytes; the manifest's form; the receipt
//! under the trust policy; the logged entry is this manifest's; the ciphertext hash; decryption;
//! the payload's entries; each file's size and hash.
//!
//! Decryption runs twice. The first pass checks the whole payload writing nothing; only if it
//! passes does the second pass write the files into a temporary directory beside the output,
//! checking every hash again (the package could change between passes), and rename it into place.
//! Decrypted bytes therefore never reach the disk from a package that fails a check.

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

/// The largest `manifest.json` accepted (a manifest holds summaries, not data).
pub const MAX_MANIFEST_BYTES: u64 = 16 << 20;
const MAX_SIGNATURE_BYTES: u64 = 4096;

/// A package whose signature, receipt and ciphertext hash verified (not yet decrypted).
#[derive(Debug, Clone)]
pub struct Verified {
    /// The manifest.
    pub manifest: Manifest,
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

/// Checks a package without decrypting it: layout, exporter, signature, manifest, receipt, log
/// entry and ciphertext hash.
///
/// # Errors
///
/// [`Error::Refused`] naming the failed check; [`Error::Io`] when the package cannot be read.
pub fn verify(package: &Path, trust: &Trust) -> Result<Verified> {
    let refuse = |check: Check, reason: String| {
        Error::Refused(Box::new(Refusal {
            package: package.display().to_string(),
            check,
            reason,
        }))
    };
    // A path that does not exist is bad input, not a package that failed a check.
    std::fs::symlink_metadata(package).map_err(|e| Error::io("read", package, e))?;
    check_layout(package).map_err(|reason| refuse(Check::Layout, reason))?;
    let manifest_bytes = read_capped(&package.join(MANIFEST_FILE), MAX_MANIFEST_BYTES)?
        .ok_or_else(|| {
            refuse(
                Check::Layout,
                format!("`{MANIFEST_FILE}` is larger than {MAX_MANIFEST_BYTES} bytes"),
            )
        })?;
    let sig_bytes = read_capped(&package.join(SIGNATURE_FILE), MAX_SIGNATURE_BYTES)?
        .ok_or_else(|| refuse(Check::Signature, format!("`{SIGNATURE_FILE}` is too large")))?;

    let signature = ManifestSignature::parse(&sig_bytes)
        .map_err(|reason| refuse(Check::Signature, format!("`{SIGNATURE_FILE}` {reason}")))?;
    let signer = ExporterPublicKey::from_vkey(&signature.signer).map_err(|e| {
        refuse(
            Check::Signature,
            format!("`{SIGNATURE_FILE}` names a malformed key: {e}"),
        )
    })?;
    if signer.to_vkey() != signature.signer {
        return Err(refuse(
            Check::Signature,
            format!("`{SIGNATURE_FILE}` line 2 is not a canonical vkey"),
        ));
    }
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
    if !signer.verifies(&manifest_bytes, &signature.signature) {
        return Err(refuse(
            Check::Signature,
            format!(
                "the signature by `{}` does not verify over `{MANIFEST_FILE}`",
                signer.label()
            ),
        ));
    }

    let manifest = Manifest::parse(&manifest_bytes)
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

    let log = check_receipt(&manifest, trust).map_err(|(check, reason)| refuse(check, reason))?;

    let (sha256, bytes) = payload::hash_file(&package.join(PAYLOAD_FILE))
        .map_err(|e| Error::io("read", &package.join(PAYLOAD_FILE), e))?;
    if bytes != manifest.payload.bytes {
        return Err(refuse(
            Check::Ciphertext,
            format!(
                "`{PAYLOAD_FILE}` has {bytes} bytes, the manifest says {}",
                manifest.payload.bytes
            ),
        ));
    }
    if sha256 != manifest.payload.sha256 {
        return Err(refuse(
            Check::Ciphertext,
            format!("`{PAYLOAD_FILE}` does not have the SHA-256 the manifest gives"),
        ));
    }
    Ok(Verified {
        manifest,
        exporter: signer,
        log,
    })
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

    // Pass 1: decrypt and check everything, writing nothing.
    payload::read(
        &payload_path,
        identities,
        &manifest.recipients,
        &manifest.files,
        &mut |_| Ok(Box::new(std::io::sink())),
    )
    .map_err(refuse)?;

    // Pass 2: write into a temporary directory, checking again, then rename.
    let parent = parent_dir(out_dir);
    std::fs::create_dir_all(&parent).map_err(|e| Error::io("create", &parent, e))?;
    // A killed open leaves decrypted data in its staging directory: the next one removes it.
    crate::staging::sweep(&parent, "open");
    let temp =
        crate::staging::create(&parent, "open").map_err(|e| Error::io("create", &parent, e))?;
    let mut written: Vec<(PathBuf, std::fs::File)> = Vec::new();
    payload::read(
        &payload_path,
        identities,
        &manifest.recipients,
        &manifest.files,
        &mut |entry| {
            let path = temp.path().join(&entry.name);
            let file =
                std::fs::File::create_new(&path).map_err(|e| Error::io("create", &path, e))?;
            let handle = file
                .try_clone()
                .map_err(|e| Error::io("create", &path, e))?;
            written.push((path, handle));
            Ok(Box::new(std::io::BufWriter::with_capacity(1 << 16, file)) as Box<dyn Write>)
        },
    )
    .map_err(refuse)?;
    for (path, file) in &written {
        file.sync_all().map_err(|e| Error::io("write", path, e))?;
    }
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
    trust: &Trust,
) -> std::result::Result<LogProof, (Check, String)> {
    let text = manifest.receipt.as_deref().ok_or((
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
