//! Where the default store lives: `freeport.db` in the default home
//! ([`freeport_util::home::default_home`], the one rule for locating a home).

use std::path::PathBuf;

use crate::StoreError;

/// The environment variable naming Free Data Port's home directory.
pub use freeport_util::home::HOME_ENV;

/// The file name of the store inside its directory.
pub const DB_FILE: &str = "freeport.db";

/// The default database file: [`DB_FILE`] in the default home (`$FREEPORT_HOME` if set and not
/// empty, else `freeport` in the platform data directory, by default
/// `~/.local/share/freeport/freeport.db` on Linux).
///
/// # Errors
///
/// [`StoreError::NoDataDir`] if neither is available (no home directory).
pub fn default_path() -> Result<PathBuf, StoreError> {
    freeport_util::home::default_home()
        .map(|home| home.join(DB_FILE))
        .map_err(|_| StoreError::NoDataDir)
}
