//! The record of packages opened on this machine, so that a package opened a second time says so
//! (a replay: the same signed manifest delivered again, by mistake or not).
//!
//! One small JSON file per opened package in `$FREEPORT_HOME/opened/`, named by the SHA-256 of
//! its signed `manifest.json` ([`Verified::manifest_sha256`](crate::Verified)) and holding when
//! and where it was first opened. A file is created once (temp + rename, never overwritten), so
//! the record of the first opening stays.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The record's directory under the home.
pub const OPENED_DIR: &str = "opened";

/// When and where a package was first opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstOpen {
    /// The transfer id in its manifest.
    pub transfer_id: String,
    /// When (UTC, RFC 3339, seconds).
    pub opened_at: String,
    /// The directory it was opened into.
    pub out_dir: String,
}

impl FirstOpen {
    /// An opening now (to the second).
    #[must_use]
    pub fn now(transfer_id: &str, out_dir: &Path) -> Self {
        let now = jiff::Timestamp::now();
        let seconds = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
        let out_dir = std::path::absolute(out_dir).unwrap_or_else(|_| out_dir.to_owned());
        Self {
            transfer_id: transfer_id.to_owned(),
            opened_at: seconds.to_string(),
            out_dir: out_dir.display().to_string(),
        }
    }

    /// `opened_at` for people: `2026-12-06 21:50:00 UTC`.
    #[must_use]
    pub fn opened_at_for_people(&self) -> String {
        match self.opened_at.strip_suffix('Z') {
            Some(rest) => format!("{} UTC", rest.replacen('T', " ", 1)),
            None => self.opened_at.clone(),
        }
    }
}

/// The record of opened packages in one directory.
#[derive(Debug, Clone)]
pub struct OpenedRecord {
    dir: PathBuf,
}

impl OpenedRecord {
    /// The record in `dir`.
    #[must_use]
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The record under the home (`$FREEPORT_HOME/opened`, beside the key ring).
    ///
    /// # Errors
    ///
    /// When there is no home directory at all.
    pub fn default_location() -> Result<Self> {
        let keys = crate::keys::default_dir()?;
        let home = keys
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(Self::at(home.join(OPENED_DIR)))
    }

    /// Its directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, manifest_sha256: &str) -> Result<PathBuf> {
        if manifest_sha256.len() != 64 || !manifest_sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::OpenedRecord {
                path: self.dir.display().to_string(),
                reason: format!("`{manifest_sha256}` is not a SHA-256 in hex"),
            });
        }
        Ok(self.dir.join(format!("{manifest_sha256}.json")))
    }

    /// The first opening of the package whose manifest has `manifest_sha256`, if recorded.
    ///
    /// # Errors
    ///
    /// When the record cannot be read or does not parse (naming the file).
    pub fn first_open(&self, manifest_sha256: &str) -> Result<Option<FirstOpen>> {
        let path = self.path(manifest_sha256)?;
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("read", &path, e)),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Error::OpenedRecord {
                path: path.display().to_string(),
                reason: format!("malformed: {e}"),
            })
    }

    /// Records the first opening of the package whose manifest has `manifest_sha256`; an
    /// existing record is kept (the first opening stays the one recorded).
    ///
    /// # Errors
    ///
    /// When the directory or the file cannot be written.
    pub fn record(&self, manifest_sha256: &str, first: &FirstOpen) -> Result<()> {
        let path = self.path(manifest_sha256)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io("create", &self.dir, e))?;
        let mut text = serde_json::to_string_pretty(first).map_err(|e| Error::OpenedRecord {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        text.push('\n');
        // `commit_new`: link, so an existing record (a concurrent first open) is kept.
        let mut temp = freeport_util::AtomicFile::create_with_mode(&path, 0o600)
            .map_err(|e| Error::io("create a file in", &self.dir, e))?;
        temp.write_all(text.as_bytes())
            .map_err(|e| Error::io("write", temp.path(), e))?;
        temp.commit_new()
            .map(|_| ())
            .map_err(|e| Error::io("write", &path, e.error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn first(out: &str) -> FirstOpen {
        FirstOpen {
            transfer_id: "t-1".into(),
            opened_at: "2026-12-06T21:50:00Z".into(),
            out_dir: out.into(),
        }
    }

    #[test]
    fn the_first_opening_is_recorded_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let record = OpenedRecord::at(dir.path().join("opened"));
        assert_eq!(record.first_open(SHA).unwrap(), None);
        record.record(SHA, &first("a")).unwrap();
        record.record(SHA, &first("b")).unwrap();
        assert_eq!(record.first_open(SHA).unwrap(), Some(first("a")));
        assert!(record.first_open("../../etc/passwd").is_err());
        assert_eq!(first("a").opened_at_for_people(), "2026-12-06 21:50:00 UTC");
        let now = FirstOpen::now("t-1", Path::new("x"));
        assert!(
            now.opened_at.ends_with('Z') && !now.opened_at.contains('.'),
            "{now:?}"
        );
        assert!(Path::new(&now.out_dir).is_absolute());
        let entries = std::fs::read_dir(record.dir()).unwrap().count();
        assert_eq!(entries, 1, "no temporary file is left");
    }
}
