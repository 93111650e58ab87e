//! Errors of the `freeport` executable: what stops a command, and the exit code it maps to.

use miette::Diagnostic;

use crate::ExitStatus;

/// An error that stops a command.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// The embedded vocabulary failed its checks.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Vocabulary(#[from] freeport_vocabulary::VocabularyError),
    /// The store failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(#[from] freeport_store::StoreError),
    /// The port's home disagrees with itself; nothing was created or changed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Home(#[from] freeport_port::HomeError),
    /// De-identification could not run.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Deid(#[from] freeport_deid::Error),
    /// A DP release could not run.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Dp(#[from] freeport_dp::Error),
    /// A category id that the vocabulary does not have.
    #[error("unknown category `{id}`")]
    #[diagnostic(code(freeport::unknown_category), help("{hint}"))]
    UnknownCategory {
        /// The id asked for.
        id: String,
        /// The nearest ids, or how to list them.
        hint: String,
    },
    /// A transparency-log error.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Tlog(#[from] freeport_tlog::Error),
    /// Sealing or opening a package failed (a refusal names the check).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Seal(Box<freeport_seal::Error>),
    /// An HTTP-layer error.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Server(#[from] freeport_server::ServerError),
    /// A port refused a request or could not be reached.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Client(#[from] freeport_server::client::ClientError),
    /// A kept report cannot be given (`freeport report`).
    #[error(transparent)]
    #[diagnostic(transparent)]
    KeptReport(Box<freeport_port::reports::KeptReportError>),
    /// A report could not be rendered.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Report(#[from] freeport_report::ReportError),
    /// No Chromium to print a PDF with.
    #[error("printing a PDF needs headless Chromium, and none was found (tried {tried})")]
    #[diagnostic(
        code(freeport::report::no_chromium),
        help(
            "install it (Debian/Ubuntu: `apt-get install chromium`; macOS: Google Chrome) or point FREEPORT_CHROMIUM at its executable; `--format html` gives the same page to print from a browser"
        )
    )]
    NoChromium {
        /// The executables looked for.
        tried: String,
    },
    /// Chromium ran and did not print the PDF.
    #[error("headless Chromium (`{program}`) did not print the PDF: {reason}")]
    #[diagnostic(code(freeport::report::pdf))]
    Pdf {
        /// The executable run.
        program: String,
        /// What went wrong (its exit status and last lines of standard error).
        reason: String,
    },
    /// A report given to `freeport open --report` is not the one the package's manifest binds.
    #[error("`{file}` is not the report this package's manifest binds: {reason}")]
    #[diagnostic(
        code(freeport::open::report_mismatch),
        help(
            "the manifest carries the SHA-256 of the report as bound to the log (report.json with `cover.log` and `evidence.receipt` null); `freeport report ID --format json` at the exporter's home gives the kept one"
        )
    )]
    ReportMismatch {
        /// The report file given.
        file: String,
        /// What differs.
        reason: String,
    },
    /// A port workflow refused or failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Port(Box<freeport_port::PortError>),
    /// A line of an input file that is not a valid entry.
    #[error("`{path}` line {line}: {error}")]
    #[diagnostic(code(freeport::input_line))]
    InputLine {
        /// The input file (`-` for standard input).
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        error: Box<freeport_tlog::Error>,
    },
    /// A witness refused to cosign.
    #[error("witness `{url}` answered {status}: {reason}")]
    #[diagnostic(code(freeport::witness_refused))]
    Witness {
        /// The witness URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// Its answer.
        reason: String,
    },
    /// An input file could not be read or written.
    #[error("cannot access `{path}`")]
    #[diagnostic(code(freeport::file))]
    File {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// An output file exists and `--force` was not given.
    #[error("`{path}` exists")]
    #[diagnostic(
        code(freeport::output_exists),
        help("pass `--force` to replace it, or name another file (`-` writes to standard output)")
    )]
    OutputExists {
        /// The file.
        path: String,
    },
    /// A transfer-facts file is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Facts(Box<freeport_policy::FactsError>),
    /// A rule pack failed to load or validate.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pack(Box<freeport_policy::PackError>),
    /// A bundled facts example could not be commented.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Template(#[from] freeport_policy::TemplateError),
    /// A rule pack from a port was refused, or an installed one is broken.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rules(Box<freeport_port::rules::RulesError>),
    /// Judging failed (a gap in a pack, too many unknowns).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Judge(Box<freeport_policy::JudgeError>),
    /// A rule id that no pack has.
    #[error("unknown rule `{id}`")]
    #[diagnostic(
        code(freeport::unknown_rule),
        help("run `freeport rules list` to see every rule id")
    )]
    UnknownRule {
        /// The id asked for.
        id: String,
    },
    /// The chips engine (classification, screening) could not run.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Chips(Box<freeport_chips::Error>),
    /// The command line asks for something impossible.
    #[error("{0}")]
    #[diagnostic(code(freeport::usage))]
    Usage(String),
    /// An assessment stopped.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Assess(#[from] Box<freeport_port::AssessError>),
    /// Judge–store plumbing failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Counting(#[from] freeport_port::Cause),
    /// Joint statistics refused or failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Stats(#[from] freeport_stats::Error),
    /// Joint statistics over HTTP failed or was refused.
    #[error(transparent)]
    #[diagnostic(transparent)]
    StatsHttp(#[from] freeport_server::stats::StatsError),
    /// `--engine datafusion` on a binary built without the `lake` feature.
    #[error(
        "this freeport was built without the `lake` feature, so --engine datafusion is not available"
    )]
    #[diagnostic(
        code(freeport::scan::without_lake),
        help(
            "build it with the feature: `cargo build --release --features freeport/lake` (or `cargo install --path crates/freeport --features lake`); or use the native engine, one dataset per file"
        )
    )]
    WithoutLake,
    /// A lake could not be de-identified.
    #[cfg(feature = "lake")]
    #[error(transparent)]
    #[diagnostic(transparent)]
    Lake(#[from] freeport_lake::LakeError),
    /// An option that only the other engine takes.
    #[error("{option} applies to --engine datafusion only")]
    #[diagnostic(
        code(freeport::scan::engine_option),
        help("add --engine datafusion, or leave {option} out")
    )]
    EngineOption {
        /// The option given.
        option: &'static str,
    },
    /// An option that only the native engine takes.
    #[error("{option} applies to --engine native only")]
    #[diagnostic(
        code(freeport::scan::native_option),
        help("leave --engine datafusion out, or leave {option} out")
    )]
    NativeOption {
        /// The option given.
        option: &'static str,
    },
    /// A project file or codebook cannot be used.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Project(#[from] Box<freeport_scan::project::ProjectError>),
    /// An input could not be read (e.g. an unknown `--encoding`).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Read(#[from] freeport_read::ReadError),
    /// A configuration file cannot be used.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] Box<crate::ConfigError>),
    /// JSON output could not be produced.
    #[error("cannot write JSON output")]
    Json(#[from] serde_json::Error),
    /// Standard output could not be written.
    #[error("cannot write output")]
    Io(#[from] std::io::Error),
}

impl From<freeport_port::rules::RulesError> for Error {
    fn from(e: freeport_port::rules::RulesError) -> Self {
        Self::Rules(Box::new(e))
    }
}

impl From<freeport_port::reports::KeptReportError> for Error {
    fn from(e: freeport_port::reports::KeptReportError) -> Self {
        Self::KeptReport(Box::new(e))
    }
}

impl From<freeport_seal::Error> for Error {
    fn from(error: freeport_seal::Error) -> Self {
        Self::Seal(Box::new(error))
    }
}

impl Error {
    /// The exit code this error maps to.
    #[must_use]
    pub const fn exit_status(&self) -> ExitStatus {
        // A check that ran and failed (a bad signature or proof, a fork) is a blocking result,
        // not a failure to run.
        match self {
            Self::Tlog(
                freeport_tlog::Error::Signature { .. }
                | freeport_tlog::Error::InvalidProof { .. }
                | freeport_tlog::Error::Fork(_)
                | freeport_tlog::Error::WrongOrigin { .. }
                | freeport_tlog::Error::Shrinking { .. },
            )
            | Self::Witness { .. }
            | Self::ReportMismatch { .. }
            // An aggregator refused a collection (floor, budget, differencing): a result.
            | Self::StatsHttp(freeport_server::stats::StatsError::Refused { .. })
            | Self::Stats(freeport_stats::Error::Refused { .. }) => ExitStatus::Blocking,
            // `open` refused a package: a check ran and failed.
            Self::Seal(error) if matches!(**error, freeport_seal::Error::Refused(_)) => {
                ExitStatus::Blocking
            }
            _ => ExitStatus::Error,
        }
    }
}
