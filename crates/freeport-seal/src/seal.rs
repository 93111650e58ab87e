//! Sealing in two steps around the log append: [`prepare`] encrypts the payload ([`encrypt`],
//! which a caller may also start early on its own) and fixes the manifest body, the caller logs
//! [`Prepared::log_entry`], and [`Prepared::finish`] embeds the receipt, signs, and renames the
//! package into place.
//!
//! Everything is written into a temporary directory beside the package path; the package appears
//! only by one rename, after its files are fsync'd. Dropping a [`Prepared`] (or
//! [`Prepared::abort`]) removes the temporary directory, so a failed log append leaves nothing.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use freeport_tlog::entry::Entry;
use freeport_tlog::receipt::Receipt;
use serde_json::Value;

use crate::keys::ExporterKey;
use crate::manifest::{
    Column, FORMAT, FileEntry, MANIFEST_FILE, Manifest, PAYLOAD_ENCODING, PAYLOAD_FILE,
    PayloadEntry, SIGNATURE_FILE, check_file_name, sha256_hex,
};
use crate::payload::{self, PlainFile};
use crate::{Error, Result};

/// What to seal.
#[derive(Debug, Clone)]
pub struct SealRequest {
    /// The transfer this package carries.
    pub transfer_id: String,
    /// The plaintext files, in the order they go into the payload.
    pub files: Vec<PlainFile>,
    /// The age recipients (at least one).
    pub recipients: Vec<age::x25519::Recipient>,
    /// Classification summary: categories and counts, never values.
    pub classification: Value,
    /// The decision, with both rule-pack hashes.
    pub decision: Value,
    /// De-identification parameters and measured risk, if de-identified.
    pub deidentification: Option<Value>,
    /// SHA-256 of the transfer's report as bound to the log, when there is one (it goes into
    /// the manifest and its log entry).
    pub report_sha256: Option<String>,
    /// When it is sealed (recorded in the manifest and the log entry).
    pub sealed_at: jiff::Timestamp,
    /// The package directory to create (conventionally `<name>.fdp`); must not exist.
    pub package: PathBuf,
}

/// A package encrypted and described, waiting for its log receipt.
#[derive(Debug)]
pub struct Prepared {
    temp: tempfile::TempDir,
    manifest: Manifest,
    exporter: ExporterKey,
    package: PathBuf,
    entry: Entry,
}

/// A finished package.
#[derive(Debug, Clone)]
pub struct SealedPackage {
    /// The package directory.
    pub path: PathBuf,
    /// Its manifest, receipt included.
    pub manifest: Manifest,
    /// SHA-256 of `manifest.json`.
    pub manifest_sha256: String,
}

/// The payload encrypted into a temporary directory, before the manifest is fixed: encrypting
/// is most of a seal's work and needs only the files and the recipients, so a caller can start
/// it early (e.g. while the data is still being scanned) and describe the package once the
/// decision is known. Dropping it removes the temporary directory.
#[derive(Debug)]
pub struct Payload {
    temp: tempfile::TempDir,
    /// Where the temporary directory is; the package must be created in the same directory.
    parent: PathBuf,
    recipients: Vec<String>,
    files: Vec<FileEntry>,
    entry: PayloadEntry,
}

/// The rest of the manifest: everything but the files and the payload.
#[derive(Debug, Clone)]
pub struct Description {
    /// The transfer this package carries.
    pub transfer_id: String,
    /// Classification summary: categories and counts, never values.
    pub classification: Value,
    /// The decision, with both rule-pack hashes.
    pub decision: Value,
    /// De-identification parameters and measured risk, if de-identified.
    pub deidentification: Option<Value>,
    /// SHA-256 of the transfer's report as bound to the log, when there is one (it goes into
    /// the manifest and its log entry).
    pub report_sha256: Option<String>,
    /// When it is sealed (recorded in the manifest and the log entry).
    pub sealed_at: jiff::Timestamp,
    /// The package directory to create (conventionally `<name>.fdp`); must not exist, and must
    /// be in the directory the payload was encrypted in.
    pub package: PathBuf,
}

/// Encrypts `files` (a deterministic tar, in the order given) to `recipients` into a new
/// temporary directory in `dir`, hashing every file and the ciphertext on the way. Setting
/// `cancel` (from another thread) stops it early.
///
/// # Errors
///
/// [`Error::Request`] for a bad file name, duplicate names, no files or recipients;
/// [`Error::Io`] when a file cannot be read or written; [`Error::Cancelled`] when `cancel` was
/// set. On error the temporary directory is removed.
pub fn encrypt(
    files: &[PlainFile],
    recipients: &[age::x25519::Recipient],
    dir: &Path,
    cancel: &AtomicBool,
) -> Result<Payload> {
    if files.is_empty() {
        return Err(Error::request("no files to seal"));
    }
    if recipients.is_empty() {
        return Err(Error::request(
            "no recipient: give at least one age recipient (`age1...`)",
        ));
    }
    for (i, file) in files.iter().enumerate() {
        check_file_name(&file.name).map_err(|e| {
            Error::request(format!("file name {e} (from `{}`)", file.path.display()))
        })?;
        if files.iter().take(i).any(|f| f.name == file.name) {
            return Err(Error::request(format!(
                "two files are named `{}`; names in a package are unique",
                file.name
            )));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    crate::staging::sweep(dir, "seal");
    let temp = crate::staging::create(dir, "seal").map_err(|e| Error::io("create", dir, e))?;
    let written = payload::write(files, recipients, &temp.path().join(PAYLOAD_FILE), cancel)?;
    Ok(Payload {
        temp,
        parent: dir.to_owned(),
        recipients: recipients.iter().map(ToString::to_string).collect(),
        files: written.files,
        entry: PayloadEntry {
            name: PAYLOAD_FILE.into(),
            encoding: PAYLOAD_ENCODING.into(),
            bytes: written.bytes,
            sha256: written.sha256,
        },
    })
}

impl Payload {
    /// The plaintext files as encrypted: names, sizes, SHA-256, schemas.
    #[must_use]
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    /// Gives the file named `name` its schema (known only after the data was read, say).
    ///
    /// # Errors
    ///
    /// [`Error::Request`] when the payload holds no such file.
    pub fn set_schema(&mut self, name: &str, schema: Vec<Column>) -> Result<()> {
        let file = self
            .files
            .iter_mut()
            .find(|f| f.name == name)
            .ok_or_else(|| Error::request(format!("the payload holds no file `{name}`")))?;
        file.schema = Some(schema);
        Ok(())
    }

    /// Fixes the manifest body and its log entry.
    ///
    /// # Errors
    ///
    /// [`Error::Request`] for an empty transfer id, a package outside the payload's directory
    /// or a caller value that does not survive a canonical-JSON round trip; [`Error::Output`]
    /// when the package path exists.
    pub fn describe(self, description: Description, exporter: &ExporterKey) -> Result<Prepared> {
        if description.transfer_id.is_empty() {
            return Err(Error::request("the transfer id is empty"));
        }
        let package = description.package;
        if package.symlink_metadata().is_ok() {
            return Err(Error::output(&package, "already exists"));
        }
        let same_dir = |a: &Path, b: &Path| {
            a == b
                || matches!(
                    (std::fs::canonicalize(a), std::fs::canonicalize(b)),
                    (Ok(a), Ok(b)) if a == b
                )
        };
        if !same_dir(&parent_dir(&package), &self.parent) {
            return Err(Error::request(format!(
                "the package `{}` is not in `{}`, where its payload was encrypted",
                package.display(),
                self.parent.display()
            )));
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            transfer_id: description.transfer_id,
            sealed_at: description.sealed_at.to_string(),
            exporter: exporter.public().to_vkey(),
            recipients: self.recipients,
            files: self.files,
            payload: self.entry,
            classification: description.classification,
            decision: description.decision,
            deidentification: description.deidentification,
            report_sha256: description.report_sha256,
            receipt: None,
        };
        manifest.validate().map_err(Error::request)?;
        // A value whose canonical form does not parse back to itself (a float the parser rounds
        // differently) would make the package unopenable; refuse it now rather than at `open`.
        let body = manifest.body_bytes().map_err(Error::request)?;
        if Manifest::parse(&body).map_err(|e| Error::request(format!("the manifest {e}")))?
            != manifest
        {
            return Err(Error::request(
                "a caller-supplied value does not survive a canonical JSON round trip",
            ));
        }
        let entry = manifest.log_entry()?;
        Ok(Prepared {
            temp: self.temp,
            manifest,
            exporter: exporter.clone(),
            package,
            entry,
        })
    }
}

/// Encrypts the payload into a temporary directory beside `request.package` and computes the
/// manifest body and its log entry: [`encrypt`] then [`Payload::describe`].
///
/// # Errors
///
/// [`Error::Request`] for a bad file name, duplicate names, no files or recipients, or a
/// caller value that does not survive a canonical-JSON round trip; [`Error::Output`] when the
/// package path exists; [`Error::Io`] when a file cannot be read or written.
pub fn prepare(request: SealRequest, exporter: &ExporterKey) -> Result<Prepared> {
    if request.transfer_id.is_empty() {
        return Err(Error::request("the transfer id is empty"));
    }
    // Checked before the expensive part, and again when described.
    if request.package.symlink_metadata().is_ok() {
        return Err(Error::output(&request.package, "already exists"));
    }
    let payload = encrypt(
        &request.files,
        &request.recipients,
        &parent_dir(&request.package),
        &AtomicBool::new(false),
    )?;
    payload.describe(
        Description {
            transfer_id: request.transfer_id,
            classification: request.classification,
            decision: request.decision,
            deidentification: request.deidentification,
            report_sha256: request.report_sha256,
            sealed_at: request.sealed_at,
            package: request.package,
        },
        exporter,
    )
}

impl Prepared {
    /// The manifest body (no receipt yet).
    #[must_use]
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The body of the `manifest` log entry to append: `transfer_id`, `files` (the package's
    /// `payload.age` with `sha256` and `bytes`), `sealed_at`, `exporter` and
    /// `manifest_body_sha256`.
    #[must_use]
    pub fn log_entry(&self) -> Value {
        Value::Object(self.entry.body().clone())
    }

    /// The same, as a validated log entry; `entry().to_bytes()` is what to append.
    #[must_use]
    pub fn entry(&self) -> &Entry {
        &self.entry
    }

    /// The package path this will create.
    #[must_use]
    pub fn package(&self) -> &Path {
        &self.package
    }

    /// Embeds `receipt` (C2SP tlog-proof text for this entry), signs the manifest with the
    /// exporter key given to [`prepare`], and renames the package into place.
    ///
    /// # Errors
    ///
    /// [`Error::Tlog`] for a receipt that does not parse; [`Error::Request`] for a receipt that
    /// carries another entry; [`Error::Output`] when the package path appeared meanwhile;
    /// [`Error::Io`] on write failure. On error nothing is left behind.
    pub fn finish(mut self, receipt: &str) -> Result<SealedPackage> {
        let bytes = sign_into(
            self.temp.path(),
            &mut self.manifest,
            &self.entry,
            &self.exporter,
            &self.package,
            receipt,
        )?;
        let kept = self.temp.keep();
        if let Err(e) = std::fs::rename(&kept, &self.package) {
            let _ = std::fs::remove_dir_all(&kept);
            return Err(Error::io("rename into", &self.package, e));
        }
        sync_dir(&parent_dir(&self.package))?;
        Ok(SealedPackage {
            path: self.package,
            manifest_sha256: sha256_hex(&bytes),
            manifest: self.manifest,
        })
    }

    /// Keeps the temporary directory (the encrypted payload) instead of removing it, for a
    /// caller whose log entry is appended and that must be able to finish the package later
    /// ([`finish_staged`]); returns its path.
    #[must_use]
    pub fn keep(self) -> PathBuf {
        self.temp.keep()
    }

    /// Gives up: removes the temporary directory (dropping does the same).
    pub fn abort(self) {
        drop(self);
    }
}

/// Finishes a package whose run stopped after its log entry was appended (crash recovery):
/// `dir` is the directory [`encrypt`] left (holding the encrypted payload), `body` the manifest
/// body the run fixed ([`Prepared::manifest`]'s [`Manifest::body_bytes`]), `receipt` a receipt
/// for its entry. The payload is checked against the body, the manifest signed with `exporter`,
/// and `dir` renamed to `package`.
///
/// # Errors
///
/// [`Error::Request`] for a body that does not parse, already carries a receipt, names another
/// exporter or another payload than the one in `dir`, or a receipt of another entry;
/// [`Error::Output`] when `package` exists; [`Error::Io`] on read or write failure. On error
/// `dir` is left as it was found, to be tried again.
pub fn finish_staged(
    dir: &Path,
    body: &[u8],
    exporter: &ExporterKey,
    package: &Path,
    receipt: &str,
) -> Result<SealedPackage> {
    let mut manifest =
        Manifest::parse(body).map_err(|e| Error::request(format!("the manifest body {e}")))?;
    if manifest.receipt.is_some() {
        return Err(Error::request(
            "the manifest body already carries a receipt",
        ));
    }
    if manifest.exporter != exporter.public().to_vkey() {
        return Err(Error::request(format!(
            "the manifest was described for exporter `{}`, not this home's `{}`",
            manifest.exporter,
            exporter.public().label()
        )));
    }
    let payload = dir.join(PAYLOAD_FILE);
    let (sha256, bytes) =
        payload::hash_file(&payload).map_err(|e| Error::io("read", &payload, e))?;
    if bytes != manifest.payload.bytes || sha256 != manifest.payload.sha256 {
        return Err(Error::request(format!(
            "`{}` is not the payload the manifest describes",
            payload.display()
        )));
    }
    // A recovery that stopped half-way may have written these already.
    for name in [MANIFEST_FILE, SIGNATURE_FILE] {
        match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io("remove", &dir.join(name), e));
            }
            _ => {}
        }
    }
    let entry = manifest.log_entry()?;
    let bytes = sign_into(dir, &mut manifest, &entry, exporter, package, receipt)?;
    std::fs::rename(dir, package).map_err(|e| Error::io("rename into", package, e))?;
    sync_dir(&parent_dir(package))?;
    Ok(SealedPackage {
        path: package.to_owned(),
        manifest_sha256: sha256_hex(&bytes),
        manifest,
    })
}

/// Embeds `receipt` (which must carry `entry`, if it carries one) in `manifest`, signs it and
/// writes `manifest.json` and `manifest.sig` into `dir`, synced; checks that `package` is free.
/// Returns the manifest bytes.
fn sign_into(
    dir: &Path,
    manifest: &mut Manifest,
    entry: &Entry,
    exporter: &ExporterKey,
    package: &Path,
    receipt: &str,
) -> Result<Vec<u8>> {
    let parsed = Receipt::parse(receipt)?;
    if let Some(carried) = &parsed.extra
        && *carried != entry.to_bytes()?
    {
        return Err(Error::request(
            "the receipt carries another log entry than this package's",
        ));
    }
    manifest.receipt = Some(receipt.to_owned());
    let bytes = manifest.to_bytes().map_err(Error::request)?;
    let signature = exporter.sign_manifest(&bytes);
    write_synced(&dir.join(MANIFEST_FILE), &bytes)?;
    write_synced(&dir.join(SIGNATURE_FILE), signature.as_bytes())?;
    sync_dir(dir)?;
    set_mode(dir, 0o755)?;
    // On Linux a rename replaces an empty directory silently: check first.
    if package.symlink_metadata().is_ok() {
        return Err(Error::output(package, "already exists"));
    }
    Ok(bytes)
}

pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::File::create_new(path).map_err(|e| Error::io("create", path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io("write", path, e))
}

pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("sync", dir, e))
}

pub(crate) fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io("set permissions on", path, e))
}
