//! Progress of a long de-identification, for a display such as a terminal bar.
//!
//! The engine names each stage as it starts and, where it can count them, how many steps it
//! has; a display draws them. Nothing the engine decides depends on it.

/// A stage of a run, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// Reading the input.
    Read,
    /// Searching the generalisation lattice; steps are lattice nodes settled.
    Search,
    /// Transforming the columns; steps are columns.
    Transform,
    /// Writing the output.
    Write,
}

impl Stage {
    /// What the stage does, in words.
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Read => "reading the input",
            Self::Search => "searching the generalisation lattice",
            Self::Transform => "transforming the columns",
            Self::Write => "writing the output",
        }
    }
}

/// Where a run reports its progress.
pub trait Progress: Sync {
    /// `stage` starts; `steps` is how many steps it has, when known.
    fn stage(&self, stage: Stage, steps: Option<u64>);
    /// `done` steps of the current stage are done.
    fn advance(&self, done: u64);
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _: Stage, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
}
