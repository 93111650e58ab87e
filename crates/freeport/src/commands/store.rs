//! Which store a command opens, written once: `--store PATH` when given, else the home's, read
//! without ever creating or migrating it, or opened for recording (created only where nothing is
//! yet; a home whose store, log and keys disagree is refused).

use std::path::Path;

use freeport_port::HomeLayout;
use freeport_store::Store;

use crate::Error;

/// The store a recording command writes to.
pub(crate) fn for_recording(store: Option<&Path>) -> Result<Store, Error> {
    Ok(match store {
        Some(path) if path.exists() => Store::open_existing(path)?,
        Some(path) => Store::create(path)?,
        None => HomeLayout::locate()?.open_store_for_recording()?,
    })
}

/// The store a reading command reads: `None` in a fresh home, where nothing was recorded.
pub(crate) fn for_reading(store: Option<&Path>) -> Result<Option<Store>, Error> {
    Ok(match store {
        Some(path) => Some(Store::open_for_reading(path)?),
        None => HomeLayout::locate()?.open_store_for_reading()?,
    })
}
