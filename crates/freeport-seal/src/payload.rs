//! The payload: the plaintext files as one deterministic tar stream, encrypted with age, written
//! and read back in one streaming pass each (memory stays bounded by a few buffers).
//!
//! The tar is reproducible — GNU headers, files in manifest order, mode 0644, owner 0, mtime 0 —
//! so a recipient can also open a package by hand (`age -d -i key payload.age | tar x`) after
//! checking the manifest. Reading accepts exactly the manifest's regular files, in order, and
//! nothing after the end-of-archive blocks but zeros.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use sha2::{Digest as _, Sha256};

use crate::direct::DirectFile;
use crate::error::Check;
use crate::manifest::{Column, FileEntry, hex};
use crate::{Error, Result};

/// A plaintext file to seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainFile {
    /// The name it gets in the package (one path component).
    pub name: String,
    /// Where to read it.
    pub path: std::path::PathBuf,
    /// Column names and types, when it is a table.
    pub schema: Option<Vec<Column>>,
}

impl PlainFile {
    /// A file named after the last component of `path`, without a schema.
    ///
    /// # Errors
    ///
    /// [`Error::Request`] when `path` has no UTF-8 file name.
    pub fn new(path: impl Into<std::path::PathBuf>) -> Result<Self> {
        let path = path.into();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Error::request(format!("`{}` has no UTF-8 file name", path.display())))?
            .to_owned();
        Ok(Self {
            name,
            path,
            schema: None,
        })
    }

    /// The same file with a schema.
    #[must_use]
    pub fn with_schema(mut self, schema: Vec<Column>) -> Self {
        self.schema = Some(schema);
        self
    }
}

/// Counts and hashes what passes through, in either direction.
struct Hashing<T> {
    inner: T,
    hasher: Sha256,
    bytes: u64,
}

impl<T> Hashing<T> {
    fn new(inner: T) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    fn finish(self) -> (T, String, u64) {
        (self.inner, hex(&self.hasher.finalize()), self.bytes)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        let written = buf.get(..n).unwrap_or(buf);
        self.hasher.update(written);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or(buf);
        self.hasher.update(read);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Reads until `cancel` is set, then fails every read.
struct Cancellable<'c, R> {
    inner: R,
    cancel: &'c AtomicBool,
}

impl<R: Read> Read for Cancellable<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            // Not `Interrupted`: `io::copy` would retry that forever.
            return Err(io::Error::other("cancelled"));
        }
        self.inner.read(buf)
    }
}

/// What writing the payload produced.
#[derive(Debug)]
pub(crate) struct Written {
    pub files: Vec<FileEntry>,
    pub bytes: u64,
    pub sha256: String,
}

/// Writes `files` as a deterministic tar, encrypted to `recipients`, to the new file `out`;
/// stops with [`Error::Cancelled`] soon after `cancel` is set.
pub(crate) fn write(
    files: &[PlainFile],
    recipients: &[age::x25519::Recipient],
    out: &Path,
    cancel: &AtomicBool,
) -> Result<Written> {
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| Error::request(format!("cannot encrypt to the recipients: {e}")))?;
    let file = DirectFile::create_new(out).map_err(|e| Error::io("create", out, e))?;
    let hashing = Hashing::new(file);
    let stream = encryptor
        .wrap_output(hashing)
        .map_err(|e| Error::io("write", out, e))?;
    let mut tar = tar::Builder::new(stream);
    let mut entries = Vec::with_capacity(files.len());
    for input in files {
        let source = File::open(&input.path).map_err(|e| Error::io("read", &input.path, e))?;
        let size = source
            .metadata()
            .map_err(|e| Error::io("read", &input.path, e))?
            .len();
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(size);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        // Large reads through a buffer `io::copy` copies from directly: a few hundred reads
        // for a file of hundreds of megabytes instead of one per 8 KiB.
        let mut reader = BufReader::with_capacity(
            1 << 20,
            Hashing::new(Cancellable {
                inner: source.take(size),
                cancel,
            }),
        );
        tar.append_data(&mut header, &input.name, &mut reader)
            .map_err(|e| {
                if cancel.load(Ordering::Relaxed) {
                    Error::Cancelled
                } else {
                    Error::io("write", out, e)
                }
            })?;
        // `append_data` reads to the end, so nothing is left in the buffer.
        let (rest, sha256, bytes) = reader.into_inner().finish();
        let mut rest = rest.inner;
        // A file that shrank or grew while being read would break the header's size.
        let mut probe = [0u8; 1];
        let grew = rest
            .get_mut()
            .read(&mut probe)
            .map_err(|e| Error::io("read", &input.path, e))?;
        if bytes != size || grew != 0 {
            return Err(Error::request(format!(
                "`{}` changed size while it was being sealed",
                input.path.display()
            )));
        }
        entries.push(FileEntry {
            name: input.name.clone(),
            bytes,
            sha256,
            schema: input.schema.clone(),
        });
    }
    let stream = tar.into_inner().map_err(|e| Error::io("write", out, e))?;
    let hashing = stream.finish().map_err(|e| Error::io("write", out, e))?;
    let (direct, sha256, bytes) = hashing.finish();
    let file = direct.finish().map_err(|e| Error::io("write", out, e))?;
    file.sync_all().map_err(|e| Error::io("write", out, e))?;
    Ok(Written {
        files: entries,
        bytes,
        sha256,
    })
}

/// SHA-256 and size of a file, streamed.
pub(crate) fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut hashing = Hashing::new(io::sink());
    let mut file = BufReader::with_capacity(1 << 16, File::open(path)?);
    io::copy(&mut file, &mut hashing)?;
    let (_, sha256, bytes) = hashing.finish();
    Ok((sha256, bytes))
}

/// Why reading the payload stopped.
#[derive(Debug)]
pub(crate) enum ReadFailure {
    /// A check failed.
    Refused(Check, String),
    /// A sink could not be written (not the package's fault).
    Sink(Error),
}

/// Decrypts `path` with `identities`, checks that it holds exactly `expected` (names, order,
/// sizes, SHA-256) and streams each file into the writer `sink` returns for it.
pub(crate) fn read(
    path: &Path,
    identities: &[age::x25519::Identity],
    recipients: &[String],
    expected: &[FileEntry],
    sink: &mut dyn FnMut(&FileEntry) -> Result<Box<dyn Write>>,
    progress: &dyn Fn(u64),
) -> std::result::Result<(), ReadFailure> {
    let refuse = |check, reason: String| ReadFailure::Refused(check, reason);
    let file = File::open(path).map_err(|e| ReadFailure::Sink(Error::io("read", path, e)))?;
    let decryptor =
        age::Decryptor::new_buffered(BufReader::with_capacity(1 << 16, file)).map_err(|e| {
            refuse(
                Check::Decryption,
                format!("`payload.age` is not an age file: {e}"),
            )
        })?;
    let stream = decryptor
        .decrypt(identities.iter().map(|i| i as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => refuse(
                Check::Decryption,
                format!(
                    "the package is sealed to {}, not to {} {}",
                    recipients
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if identities.len() == 1 {
                        "the identity's recipient"
                    } else {
                        "any of the identities' recipients"
                    },
                    identities
                        .iter()
                        .map(|i| format!("`{}`", i.to_public()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ),
            other => refuse(
                Check::Decryption,
                format!("`payload.age` does not decrypt: {other}"),
            ),
        })?;
    let mut archive = tar::Archive::new(stream);
    let payload = |e: io::Error| refuse(Check::Payload, format!("cannot read the payload: {e}"));
    let mut buf = vec![0u8; 1 << 16];
    let mut decrypted = 0u64;
    {
        let mut entries = archive.entries().map_err(payload)?;
        for want in expected {
            let mut entry = entries
                .next()
                .ok_or_else(|| {
                    refuse(
                        Check::Payload,
                        format!("the payload ends before file `{}`", want.name),
                    )
                })?
                .map_err(payload)?;
            let kind = entry.header().entry_type();
            if kind != tar::EntryType::Regular {
                return Err(refuse(
                    Check::Payload,
                    format!(
                        "the payload holds a {kind:?} entry where file `{}` belongs",
                        want.name
                    ),
                ));
            }
            if entry.path_bytes().as_ref() != want.name.as_bytes() {
                return Err(refuse(
                    Check::Payload,
                    format!(
                        "the payload holds `{}` where file `{}` belongs",
                        String::from_utf8_lossy(&entry.path_bytes()),
                        want.name
                    ),
                ));
            }
            let mut out = sink(want).map_err(ReadFailure::Sink)?;
            let sink_error = |e| ReadFailure::Sink(Error::io("write", Path::new(&want.name), e));
            let mut hasher = Sha256::new();
            let mut bytes = 0u64;
            loop {
                let n = entry.read(&mut buf).map_err(payload)?;
                let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
                    break;
                };
                hasher.update(chunk);
                bytes += n as u64;
                out.write_all(chunk).map_err(sink_error)?;
                decrypted += n as u64;
                progress(decrypted);
            }
            out.flush().map_err(sink_error)?;
            let sha256 = hex(&hasher.finalize());
            if bytes != want.bytes {
                return Err(refuse(
                    Check::FileHash,
                    format!(
                        "file `{}` has {bytes} bytes, the manifest says {}",
                        want.name, want.bytes
                    ),
                ));
            }
            if sha256 != want.sha256 {
                return Err(refuse(
                    Check::FileHash,
                    format!(
                        "file `{}` does not have the SHA-256 the manifest gives",
                        want.name
                    ),
                ));
            }
        }
        if let Some(extra) = entries.next() {
            let name = extra
                .map(|e| String::from_utf8_lossy(&e.path_bytes()).into_owned())
                .unwrap_or_else(|_| "an unreadable entry".into());
            return Err(refuse(
                Check::Payload,
                format!("the payload holds `{name}`, which the manifest does not list"),
            ));
        }
    }
    // Read to the end, so age authenticates the last chunk, and allow only zero padding.
    let mut rest = archive.into_inner();
    loop {
        let n = rest.read(&mut buf).map_err(payload)?;
        if n == 0 {
            break;
        }
        if buf.get(..n).is_some_and(|b| b.iter().any(|&x| x != 0)) {
            return Err(refuse(
                Check::Payload,
                "the payload has data after its last file".into(),
            ));
        }
    }
    Ok(())
}
