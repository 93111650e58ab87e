//! Exit codes of the `freeport` executable, as documented in the README and `--help`.

use std::process::ExitCode;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the command ran and found nothing blocking.
    Success,
    /// 1: the command ran and its result blocks (a transfer not permitted, a proof that fails).
    Blocking,
    /// 2: the command could not run: usage, input, configuration or internal error.
    Error,
}

impl ExitStatus {
    /// The process exit code.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Blocking => 1,
            Self::Error => 2,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        Self::from(status.code())
    }
}
