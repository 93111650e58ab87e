//! Where a Free Data Port home is when nobody names one: the one rule every crate uses.
//!
//! `$FREEPORT_HOME` if it is set and not empty, else `freeport` in the platform data directory
//! (on Linux `$XDG_DATA_HOME/freeport`, by default `~/.local/share/freeport`). The store
//! (`freeport.db`), the key ring (`keys/`) and everything else a home holds are paths inside it;
//! nothing locates them a second way.

use std::path::PathBuf;

/// The environment variable naming Free Data Port's home directory.
pub const HOME_ENV: &str = "FREEPORT_HOME";

/// No home can be located: `$FREEPORT_HOME` is unset or empty and the platform has no data
/// directory (no home directory at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoHome;

impl std::fmt::Display for NoHome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no home directory: `{HOME_ENV}` is not set and the platform has no data directory"
        )
    }
}

impl std::error::Error for NoHome {}

/// The default home directory (see the module documentation). It is not created.
///
/// # Errors
///
/// [`NoHome`] when neither `$FREEPORT_HOME` nor a platform data directory is available.
pub fn default_home() -> Result<PathBuf, NoHome> {
    if let Some(home) = std::env::var_os(HOME_ENV).filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    use etcetera::BaseStrategy as _;
    let strategy = etcetera::choose_base_strategy().map_err(|_| NoHome)?;
    Ok(strategy.data_dir().join("freeport"))
}
