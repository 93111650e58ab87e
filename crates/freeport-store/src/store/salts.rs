//! Per-exporter subject-hash salts: drawn once, stored, never exported.

use super::{Tx, db_error};
use crate::db::params;
use crate::{StoreError, SubjectSalt};

impl Tx<'_> {
    /// The exporter's 32-byte subject-hash salt and its scheme, drawn from the operating system's
    /// random generator the first time it is asked for (with the newest scheme) and stored, so
    /// that every scan of one exporter hashes a person the same way. It never leaves the store otherwise: no export, no history.
    ///
    /// # Errors
    ///
    /// The random generator or the database fails.
    pub fn subject_salt(&mut self, exporter: &str) -> Result<SubjectSalt, StoreError> {
        let path = self.path;
        let stored: Option<(Vec<u8>, String)> = self
            .tx
            .query_opt(
                "SELECT salt, scheme FROM subject_salt WHERE exporter = ?1",
                params![exporter],
            )
            .and_then(|row| {
                row.map(|mut row| Ok((row.blob(0)?, row.text(1)?)))
                    .transpose()
            })
            .map_err(db_error(path, "read a subject-hash salt"))?;
        if let Some((salt, scheme)) = stored {
            // The schema admits only 32-byte salts and the two scheme names.
            let corrupt = || StoreError::Corrupt {
                path: path.to_owned(),
                detail: format!("the subject-hash salt of exporter `{exporter}` is malformed"),
            };
            let bytes = <[u8; 32]>::try_from(salt).map_err(|_| corrupt())?;
            let scheme = crate::HashScheme::parse(&scheme).ok_or_else(corrupt)?;
            return Ok(SubjectSalt { bytes, scheme });
        }
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(|source| StoreError::Rng {
            path: path.to_owned(),
            source,
        })?;
        let scheme = crate::HashScheme::SipHash24;
        self.tx
            .execute(
                "INSERT INTO subject_salt (exporter, salt, created_at, scheme) VALUES (?1, ?2, ?3, ?4)",
                params![
                    exporter,
                    &bytes[..],
                    &jiff::Timestamp::now().to_string(),
                    scheme.as_str()
                ],
            )
            .map_err(db_error(path, "store a subject-hash salt"))?;
        Ok(SubjectSalt { bytes, scheme })
    }
}
