//! Atomic, durable file writes: nothing half-written is ever seen under the target's name.
//!
//! [`AtomicFile`] is a temporary file in the target's own directory (so the final rename stays on
//! one file system), named `.NAME.XXXXXX.tmp`; [`AtomicFile::commit`] fsyncs it, renames it over
//! the target and fsyncs the directory, so after a crash the target holds either its old content
//! or the whole new one. A temporary file that is dropped without being committed is removed.
//! [`write_atomic`] and [`write_atomic_with`] are the one-call forms. Built on `tempfile`, whose
//! `persist` is the rename (and `persist_noclobber` the link that never replaces a file).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// A file being written under a temporary name beside its target.
#[derive(Debug)]
pub struct AtomicFile {
    temp: NamedTempFile,
    target: PathBuf,
}

/// The directory a file `path` lives in (`.` for a bare file name).
#[must_use]
pub fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."))
}

impl AtomicFile {
    /// Starts writing `target`: creates the temporary file beside it with the permissions
    /// [`File::create`] gives (0666 less the umask).
    ///
    /// # Errors
    ///
    /// The temporary file cannot be created (no directory, no permission, disk full).
    pub fn create(target: &Path) -> io::Result<Self> {
        Self::create_with_mode(target, 0o666)
    }

    /// As [`Self::create`], with the temporary file (and so the target) created with `mode`
    /// (Unix permissions less the umask; ignored elsewhere): a secret made with `0o600` is never
    /// readable by others, not even while it is written.
    ///
    /// # Errors
    ///
    /// The temporary file cannot be created.
    pub fn create_with_mode(target: &Path, mode: u32) -> io::Result<Self> {
        let name = target
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        #[cfg(not(unix))]
        let _ = mode;
        let temp = builder.tempfile_in(parent_dir(target))?;
        Ok(Self {
            temp,
            target: target.to_owned(),
        })
    }

    /// The temporary file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// The target's path.
    #[must_use]
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The temporary file, to sync or inspect it before the commit.
    #[must_use]
    pub fn as_file(&self) -> &File {
        self.temp.as_file()
    }

    /// Sets the file's Unix permissions (ignored elsewhere), e.g. `0o644` for a file others read.
    ///
    /// # Errors
    ///
    /// The permissions cannot be set.
    pub fn set_mode(&self, mode: u32) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            self.as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
        }
        #[cfg(not(unix))]
        {
            let _ = mode;
            Ok(())
        }
    }

    /// Fsyncs the file, renames it over the target (replacing what is there) and fsyncs the
    /// directory.
    ///
    /// # Errors
    ///
    /// A step failed. Before the rename the target is untouched and the error carries the
    /// temporary file ([`CommitError::keep`] keeps it); a failed directory sync comes after the
    /// rename (the new content is in place, maybe not yet durably).
    pub fn commit(self) -> Result<(), CommitError> {
        self.commit_inner(false).map(|_| ())
    }

    /// As [`Self::commit`], but never replaces an existing target: a hard link, so `Ok(false)`
    /// (and the temporary file removed) when the target appeared meanwhile.
    ///
    /// # Errors
    ///
    /// As [`Self::commit`], except that an existing target is `Ok(false)`.
    pub fn commit_new(self) -> Result<bool, CommitError> {
        self.commit_inner(true)
    }

    fn commit_inner(self, no_clobber: bool) -> Result<bool, CommitError> {
        if let Err(error) = self.temp.as_file().sync_all() {
            return Err(CommitError {
                error,
                temp: Some(self.temp),
            });
        }
        let dir = parent_dir(&self.target).to_owned();
        let persisted = if no_clobber {
            self.temp.persist_noclobber(&self.target)
        } else {
            self.temp.persist(&self.target)
        };
        match persisted {
            Ok(_) => {}
            Err(e) if no_clobber && e.error.kind() == io::ErrorKind::AlreadyExists => {
                return Ok(false);
            }
            Err(e) => {
                return Err(CommitError {
                    error: e.error,
                    temp: Some(e.file),
                });
            }
        }
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|error| CommitError { error, temp: None })?;
        Ok(true)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.temp.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// A commit that failed, with the temporary file when the target was left untouched.
#[derive(Debug)]
pub struct CommitError {
    /// What failed.
    pub error: io::Error,
    temp: Option<NamedTempFile>,
}

impl CommitError {
    /// Keeps the temporary file on disk (instead of removing it) and returns the error with the
    /// file's path; no path after the rename (the file is the target now). Should even keeping
    /// it fail, the path is still the one the content was written to.
    #[must_use]
    pub fn keep(self) -> (io::Error, Option<PathBuf>) {
        let path = self.temp.map(|temp| {
            let path = temp.path().to_owned();
            let _kept = temp.keep();
            path
        });
        (self.error, path)
    }
}

impl std::fmt::Display for CommitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for CommitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

impl From<CommitError> for io::Error {
    fn from(error: CommitError) -> Self {
        error.error
    }
}

/// Replaces `target` with `bytes`, atomically and durably (see the module's documentation).
///
/// # Errors
///
/// A step failed; the old file is then untouched and no temporary file is left (unless only the
/// final directory sync failed).
pub fn write_atomic(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(target)?;
    file.write_all(bytes)?;
    file.commit()?;
    Ok(())
}

/// Replaces `target` with what `write` writes to a buffered writer, atomically and durably.
///
/// # Errors
///
/// `write`'s error or a step's; the old file is then untouched and the temporary file removed.
pub fn write_atomic_with(
    target: &Path,
    write: impl FnOnce(&mut BufWriter<&mut File>) -> io::Result<()>,
) -> io::Result<()> {
    let mut file = AtomicFile::create(target)?;
    {
        let mut buffered = BufWriter::with_capacity(1 << 20, file.temp.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    file.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_write_replaces_the_target_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.json");
        std::fs::write(&target, "old").unwrap();
        write_atomic(&target, b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(names(dir.path()), ["out.json"]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("o.csv");
        std::fs::write(&target, "old").unwrap();
        let error = write_atomic_with(&target, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(error.to_string(), "disk full");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(names(dir.path()), ["o.csv"]);
    }

    #[test]
    fn the_temporary_file_is_named_after_the_target_in_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let file = AtomicFile::create(&dir.path().join("trust.toml")).unwrap();
        let name = file
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with(".trust.toml.") && name.ends_with(".tmp"),
            "{name}"
        );
        assert_eq!(file.path().parent(), Some(dir.path()));
        drop(file);
        assert!(names(dir.path()).is_empty(), "dropped uncommitted: removed");
    }

    #[test]
    fn commit_new_never_replaces_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("key");
        let mut first = AtomicFile::create_with_mode(&target, 0o600).unwrap();
        first.write_all(b"first").unwrap();
        let mut second = AtomicFile::create(&target).unwrap();
        second.write_all(b"second").unwrap();
        assert!(first.commit_new().unwrap());
        assert!(!second.commit_new().unwrap());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "first");
        assert_eq!(names(dir.path()), ["key"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_failed_rename_can_keep_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A directory in the way: renaming a file over it fails.
        let target = dir.path().join("busy");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("inside"), "x").unwrap();
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"release").unwrap();
        let (_, kept) = file.commit().unwrap_err().keep();
        let kept = kept.unwrap();
        assert_eq!(std::fs::read_to_string(kept).unwrap(), "release");
    }

    #[test]
    fn a_bare_file_name_lives_in_the_current_directory() {
        assert_eq!(parent_dir(Path::new("out.csv")), Path::new("."));
        assert_eq!(parent_dir(Path::new("a/out.csv")), Path::new("a"));
    }
}
