//! Where the default store lives: `$FREEPORT_HOME/freeport.db`, else the platform data directory.

use std::path::PathBuf;

use etcetera::BaseStrategy;

use crate::StoreError;

/// The environment variable naming Free Data Port's home directory.
pub const HOME_ENV: &str = "FREEPORT_HOME";

/// The file name of the store inside its directory.
pub const DB_FILE: &str = "freeport.db";

/// The default database file: `$FREEPORT_HOME/freeport.db` if `FREEPORT_HOME` is set and not
/// empty, else `freeport/freeport.db` in the platform data directory (on Linux
/// `$XDG_DATA_HOME`, by default `~/.local/share/freeport/freeport.db`).
///
/// # Errors
///
/// [`StoreError::NoDataDir`] if neither is available (no home directory).
pub fn default_path() -> Result<PathBuf, StoreError> {
    if let Some(home) = std::env::var_os(HOME_ENV).filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home).join(DB_FILE));
    }
    let strategy = etcetera::choose_base_strategy().map_err(|_| StoreError::NoDataDir)?;
    Ok(strategy.data_dir().join("freeport").join(DB_FILE))
}
