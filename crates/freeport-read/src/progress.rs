//! Progress while a dataset is read, for a display such as the command line's progress bar.
//! Every engine that reads datasets (scan, DP releases) reports through this one interface.

/// Hears about progress; implemented by the command line's progress bar.
pub trait Progress: Sync {
    /// A dataset starts; `bytes` is its size when known.
    fn start(&self, name: &str, bytes: Option<u64>);
    /// So far, `bytes` read (when known) and `rows` read in the current dataset.
    fn advance(&self, bytes: Option<u64>, rows: u64);
    /// The current dataset is done.
    fn finish(&self);
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: Option<u64>, _: u64) {}
    fn finish(&self) {}
}
