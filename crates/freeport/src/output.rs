//! Where a command's output files go: `-` is standard output; a special file (`/dev/stdout`, a
//! terminal, a FIFO) is written to and never replaced; an existing regular file is replaced only
//! with `--force`, and a new one is written atomically by the engine as before.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Error;

/// Where an output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// `-`: standard output.
    Stdout,
    /// An existing file that is not a regular file: written to, in place.
    Special(PathBuf),
    /// A regular file (new, or replaced with `--force`).
    File(PathBuf),
}

impl Target {
    /// Where `path` points, refusing an existing regular file unless `force`.
    ///
    /// # Errors
    ///
    /// [`Error::OutputExists`] for an existing regular file without `force`; [`Error::Usage`]
    /// for a directory.
    pub(crate) fn of(path: &Path, force: bool) -> Result<Self, Error> {
        if path.as_os_str() == "-" {
            return Ok(Self::Stdout);
        }
        // Followed: `/dev/stdout` is a link to the process's own descriptor.
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Err(Error::Usage(format!(
                "`{}` is a directory; name a file to write",
                path.display()
            ))),
            Ok(meta) if meta.is_file() && !force => Err(Error::OutputExists {
                path: path.display().to_string(),
            }),
            Ok(meta) if meta.is_file() => Ok(Self::File(path.to_owned())),
            Ok(_) => Ok(Self::Special(path.to_owned())),
            Err(_) => Ok(Self::File(path.to_owned())),
        }
    }

    /// Whether the output goes to standard output (so the summary must not).
    pub(crate) const fn is_stdout(&self) -> bool {
        matches!(self, Self::Stdout)
    }

    /// Runs `write_file`, which writes a whole file at the path it is given, so that the file
    /// lands at this target: at the path itself for a regular file; otherwise in a temporary
    /// directory, then copied to standard output (`out`) or into the special file. `name` names
    /// the temporary file (its extension may pick the format).
    pub(crate) fn deliver<T>(
        &self,
        name: &str,
        out: &mut dyn Write,
        write_file: impl FnOnce(&Path) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if let Self::File(path) = self {
            return write_file(path);
        }
        let dir = tempfile::tempdir().map_err(|source| Error::File {
            path: std::env::temp_dir().display().to_string(),
            source,
        })?;
        let temp = dir.path().join(name);
        let result = write_file(&temp)?;
        let mut written = std::fs::File::open(&temp).map_err(|source| Error::File {
            path: temp.display().to_string(),
            source,
        })?;
        match self {
            Self::Stdout => {
                std::io::copy(&mut written, out)?;
                out.flush()?;
            }
            Self::Special(path) => {
                // Opened for writing as it is: never truncated, replaced or renamed over.
                let mut special =
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open(path)
                        .map_err(|source| Error::File {
                            path: path.display().to_string(),
                            source,
                        })?;
                std::io::copy(&mut written, &mut special).map_err(|source| Error::File {
                    path: path.display().to_string(),
                    source,
                })?;
            }
            Self::File(_) => {}
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_follow_what_the_path_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        assert_eq!(Target::of(Path::new("-"), false).unwrap(), Target::Stdout);
        assert_eq!(
            Target::of(&file, false).unwrap(),
            Target::File(file.clone())
        );
        std::fs::write(&file, "old").unwrap();
        let error = Target::of(&file, false).unwrap_err();
        assert!(
            error.to_string().contains("exists"),
            "an existing file needs --force: {error}"
        );
        assert_eq!(Target::of(&file, true).unwrap(), Target::File(file));
        assert!(Target::of(dir.path(), true).is_err(), "a directory");
        assert_eq!(
            Target::of(Path::new("/dev/null"), false).unwrap(),
            Target::Special(PathBuf::from("/dev/null"))
        );
    }

    #[test]
    fn a_special_file_is_written_to_and_stdout_gets_the_bytes() {
        let mut out = Vec::new();
        let n = Target::Stdout
            .deliver("x.csv", &mut out, |path| {
                std::fs::write(path, "a,b\n").unwrap();
                Ok(4)
            })
            .unwrap();
        assert_eq!((n, out.as_slice()), (4, &b"a,b\n"[..]));
        let mut out = Vec::new();
        Target::Special(PathBuf::from("/dev/null"))
            .deliver("x.csv", &mut out, |path| {
                std::fs::write(path, "a,b\n").unwrap();
                Ok(())
            })
            .unwrap();
        assert!(out.is_empty());
        assert!(Path::new("/dev/null").exists(), "never replaced");
    }
}
