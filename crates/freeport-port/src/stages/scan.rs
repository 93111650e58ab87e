//! Stage 3, **scan**: every dataset, salted with the exporter's subject-hash salt, into an
//! inventory. When the data crosses as it is, it is encrypted meanwhile: that is most of a
//! seal's work, it needs only the files and the recipients, and it keeps a core busy that the
//! scan leaves idle part of the time. A blocking decision just drops the payload unused.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use freeport_policy::{Form, TransferFacts};
use freeport_read::{DatasetId, Source};
use freeport_scan::{Progress, ScanOptions, ScanReport, scan_paths};
use freeport_seal::{Payload, PlainFile};
use freeport_store::SubjectSalt;
use sha2::{Digest, Sha256};

use crate::error::{AssessError, AtStage, Cause, Stage};
use crate::inventory::{Inventory, inventory};
use crate::pipeline::{DataFile, DeidChoice, Request};
use crate::stages::judge::Transfer;

/// What the scan stage hands on.
pub(crate) struct Scanned {
    /// The scan.
    pub scan: ScanReport,
    /// Its inventory, with the people's subject hashes.
    pub found: Inventory,
    /// The data encrypted for the recipients while it was scanned (data that crosses as it
    /// is).
    pub payload: Option<Payload>,
    /// The datasets' files, hashed.
    pub sources: Vec<DataFile>,
}

/// Where the scan stage works.
pub(crate) struct ScanPlace<'a> {
    /// The files the datasets come from ([`source_files`]).
    pub paths: &'a [PathBuf],
    /// The recipients an early payload is encrypted to.
    pub recipients: &'a [age::x25519::Recipient],
    /// The staging directory the payload is written into.
    pub staging: &'a Path,
}

/// Stage 3: scans the datasets with the exporter's `salt`, encrypting them meanwhile when
/// they cross as they are (else hashing them), and takes the inventory.
pub(crate) fn scan(
    request: &Request,
    transfer: &Transfer,
    salt: &SubjectSalt,
    place: &ScanPlace<'_>,
    progress: &dyn Progress,
) -> Result<Scanned, AssessError> {
    let mut options = ScanOptions {
        threads: request.threads,
        salt: Some(salt.bytes.to_vec()),
        salt_scheme: salt.scheme,
        project: request.project.clone(),
        ..ScanOptions::default()
    };
    options.read.header = request.layout.header;
    options.read.skip_rows = request.layout.skip_rows;
    options.read.delimiter = request.layout.delimiter;
    let early = matches!(request.deid, DeidChoice::None);
    let cancel = AtomicBool::new(false);
    let paths = place.paths;
    std::thread::scope(|scope| {
        let encrypting = early.then(|| {
            scope.spawn(|| {
                let plain = paths
                    .iter()
                    .map(PlainFile::new)
                    .collect::<Result<Vec<_>, _>>()?;
                freeport_seal::encrypt(&plain, place.recipients, place.staging, &cancel)
            })
        });
        // Without an early payload the sources are hashed meanwhile instead (for the id and
        // the report); the files that cross are hashed when they are sealed.
        let hashing = (!early).then(|| {
            scope.spawn(|| {
                paths
                    .iter()
                    .map(|p| data_file(p))
                    .collect::<Result<Vec<_>, _>>()
            })
        });
        let scanned = scan_checked(request, &options, progress).map(|mut scan| {
            let found = inventory(&mut scan, transfer.vocabulary, transfer.origin, Form::Raw);
            (scan, found)
        });
        if scanned.is_err() {
            cancel.store(true, Ordering::Relaxed);
        }
        let payload = encrypting.map(|h| joined(h, Stage::Seal)).transpose();
        let hashed = hashing.map(|h| joined(h, Stage::Scan)).transpose();
        let (scan, found) = scanned?;
        let payload = payload?.transpose().at(Stage::Seal)?;
        let sources = match (&payload, hashed?) {
            (Some(payload), _) => payload_sources(payload, paths)?,
            (None, Some(hashed)) => hashed?,
            (None, None) => Vec::new(),
        };
        Ok(Scanned {
            scan,
            found,
            payload,
            sources,
        })
    })
}

/// The files the datasets come from, once each and in the scan's order (a workbook's sheets
/// are one file). Standard input cannot be sealed: it is gone once scanned.
pub(crate) fn source_files(datasets: &[String]) -> Result<Vec<PathBuf>, AssessError> {
    // Paths that do not resolve are left to the scan, which reports them with its reasons.
    let (inputs, _) = freeport_read::discover(datasets);
    let mut files: Vec<PathBuf> = Vec::with_capacity(inputs.len());
    for input in inputs {
        match input.source {
            Source::Stdin => {
                return Err(AssessError::input(
                    Stage::Scan,
                    "a dataset on standard input (`-`) cannot be sealed: it is gone once scanned",
                    Some("save it to a file and give the file".into()),
                ));
            }
            Source::File(path) => {
                if !files.contains(&path) {
                    files.push(path);
                }
            }
        }
    }
    Ok(files)
}

/// Whether the dataset `dataset` (a file, or a worksheet of one) was read from `file`.
pub(crate) fn is_source_of(file: &Path, dataset: &DatasetId) -> bool {
    dataset.file.as_deref() == Some(file)
}

/// The scan, refused as a whole if any dataset failed or none was found.
pub(crate) fn scan_checked(
    request: &Request,
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Result<ScanReport, AssessError> {
    let scan = scan_paths(&request.datasets, options, progress);
    if let Some(error) = scan.errors.first() {
        return Err(AssessError::at(
            Stage::Scan,
            Cause::Dataset {
                path: error.path.clone(),
                reason: error.message.clone(),
                help: error.help.clone(),
            },
        ));
    }
    if scan.datasets.is_empty() {
        return Err(AssessError::input(
            Stage::Scan,
            "no dataset found in the paths given",
            None,
        ));
    }
    if let Some(project) = &options.project
        && let Err(error) = project.check_used(&scan)
    {
        return Err(AssessError::input(
            Stage::Scan,
            format!("{}: {}", project.path().display(), error.message()),
            miette::Diagnostic::help(&*error).map(|h| h.to_string()),
        ));
    }
    Ok(scan)
}

/// A worker thread's result; a worker that panicked is an internal error of `stage`.
pub(crate) fn joined<T>(
    handle: std::thread::ScopedJoinHandle<'_, T>,
    stage: Stage,
) -> Result<T, AssessError> {
    handle.join().map_err(|_| {
        AssessError::at(
            stage,
            Cause::Internal("a worker thread stopped unexpectedly".into()),
        )
    })
}

/// The sources as the payload hashed them while encrypting.
pub(crate) fn payload_sources(
    payload: &Payload,
    paths: &[PathBuf],
) -> Result<Vec<DataFile>, AssessError> {
    if payload.files().len() != paths.len() {
        return Err(AssessError::at(
            Stage::Seal,
            Cause::Internal("the payload does not hold every source file".into()),
        ));
    }
    Ok(payload
        .files()
        .iter()
        .zip(paths)
        .map(|(entry, path)| DataFile {
            name: entry.name.clone(),
            sha256: entry.sha256.clone(),
            bytes: entry.bytes,
            path: path.clone(),
        })
        .collect())
}

/// Hashes one file as it will cross.
pub(crate) fn data_file(path: &Path) -> Result<DataFile, AssessError> {
    let mut file =
        std::fs::File::open(path).map_err(|e| AssessError::io(Stage::Scan, "open", path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut bytes: u64 = 0;
    loop {
        let n = file
            .read(&mut buffer)
            .map_err(|e| AssessError::io(Stage::Scan, "read", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes = bytes.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
    }
    Ok(DataFile {
        name: path
            .file_name()
            .map_or_else(|| "data".to_owned(), |n| n.to_string_lossy().into_owned()),
        sha256: hex(&hasher.finalize()),
        bytes,
        path: path.to_owned(),
    })
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The date and 12 hex digits of the SHA-256 of the transfer file and the data files' hashes:
/// the same transfer of the same data gets the same id, so recording it twice is refused.
pub(crate) fn default_id(facts: &TransferFacts, transfer_text: &str, files: &[DataFile]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(transfer_text.as_bytes());
    for file in files {
        hasher.update([0]);
        hasher.update(file.name.as_bytes());
        hasher.update([0]);
        hasher.update(file.sha256.as_bytes());
    }
    let digest = hasher.finalize();
    format!(
        "{}-{}",
        facts.date,
        hex(digest.get(..6).unwrap_or_default())
    )
}
