//! The command line of Free Data Port: every subcommand, argument and help text, and nothing
//! that runs them.
//!
//! Keeping the clap types apart from the engines lets help, completions and reference docs be
//! generated (and snapshot-tested) without linking the engines, and keeps one source of truth for
//! what each flag means.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod args;

pub use args::{
    InvalidTransferId, MAX_TRANSFER_ID_BYTES, TransferId, TransferIdParser, available_cores,
    calendar_day, cap_threads, threads,
};
mod docs;
pub use docs::{
    CompletionsArgs, ManArgs, ManError, Shell, UnknownSubcommand, completions, man_page, shells,
};
mod chips;
pub use chips::{
    AttestCommand, AttestFileArgs, ChipsCommand, ChipsListArgs, ClassifyArgs, RegistryApplyArgs,
    RegistryCommand, RegistryListArgs, RegistryReevaluateArgs, RegistryReviewArgs, ScreenArgs,
    VerifyCommand, VerifySignArgs, VerifySubmitArgs,
};
mod stats;
pub use stats::*;
mod transfer;
pub use transfer::{SCENARIOS, TransferCommand, TransferInitArgs, scenario_example};

/// Exit codes, shown in `--help` and in the README.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success: the command ran and found nothing blocking
  1  ran, with a blocking result (reserved for commands that judge or verify)
  2  could not run: usage, input, configuration or internal error
";

const ABOUT: &str =
    "Free Data Port: move data between China and the United States under both countries' rules";

const LONG_ABOUT: &str = "\
Free Data Port: move data between China and the United States under both countries' rules.

It speaks one shared vocabulary of data categories, each mapped to Chinese law (PIPL, \
GB/T 35273, GB/T 43697), US law (28 CFR Part 202, PADFA, HIPAA) and W3C DPV.";

const AFTER_HELP: &str = "\
Examples:
  freeport vocab list                      every data category, as a table
  freeport vocab list --format json        the same, as JSON
  freeport vocab show id.cn.resident_id    one category with its legal bases
  freeport history --exporter acme-cn      recorded transfers and cumulative volumes
  freeport deid data.csv --config deid.toml -o out.csv --report report.json
";

/// Top-level arguments.
#[derive(Debug, Parser)]
#[command(
    name = "freeport",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    after_long_help = format!("{AFTER_HELP}\n{EXIT_CODES_HELP}"),
    propagate_version = true,
    arg_required_else_help = true,
)]
pub struct Cli {
    /// The store database file (recorded transfers, cumulative volumes, salts, budgets).
    ///
    /// Default: `$FREEPORT_HOME/freeport.db` if `FREEPORT_HOME` is set, else `freeport.db` in the
    /// platform data directory (`~/.local/share/freeport/freeport.db` on Linux). Created with its
    /// schema on first use.
    #[arg(long, global = true, value_name = "PATH")]
    pub store: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a port home: the store, the transparency log with its key, the local witnesses and
    /// the trust policy. Refused where anything is already there.
    #[command(after_help = INIT_AFTER_HELP)]
    Init(InitArgs),
    /// Run the port: the HTTP API where exporters file, each country's reviewers decide and
    /// auditors read (`/api/v1`). Refuses to start without a home made by `freeport init`.
    #[command(after_help = SERVE_AFTER_HELP)]
    Serve(ServeArgs),
    /// Manage the port's accounts on its own host (as its administrator).
    #[command(subcommand)]
    Account(AccountCommand),
    /// File a transfer with a port (as an exporter): the facts are checked here first, then
    /// judged by the port against its own cumulative volumes.
    #[command(after_help = FILE_AFTER_HELP)]
    File(FileArgs),
    /// Follow filings and cases at a port: list, show, ask and answer.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Decide your side of a case at a port (as a CN or US reviewer), signed with your own key.
    #[command(after_help = REVIEW_AFTER_HELP)]
    Review(ReviewArgs),
    /// Publish a notice at a port (administrators and reviewers): a subsidy or procurement
    /// notice, rules or another public document, logged and readable by anyone.
    #[command(after_help = PUBLISH_AFTER_HELP)]
    Publish(PublishArgs),
    /// Audit a port: download its audit bundle (as an auditor), verify a bundle offline.
    #[command(subcommand, after_help = AUDIT_AFTER_HELP)]
    Audit(AuditCommand),
    /// Browse the shared vocabulary of data categories and how each country's law treats them.
    #[command(subcommand, visible_alias = "vocabulary")]
    Vocab(VocabCommand),
    /// List recorded transfers with cumulative volumes under China's and the US counting windows.
    #[command(
        after_help = "Examples:\n  freeport history\n  freeport history --detail\n  freeport history --exporter acme-cn --format json\n  freeport --store ./freeport.db history --counterparty acme-us\n"
    )]
    History(HistoryArgs),
    /// Render a recorded transfer's report again from the store, in either language, as HTML,
    /// JSON or PDF, without assessing again.
    #[command(after_help = REPORT_AFTER_HELP)]
    Report(ReportArgs),
    /// De-identify a dataset: pseudonymise, mask, generalise optimally to k-anonymity /
    /// l-diversity / t-closeness, and report re-identification risk and the PIPL call.
    #[command(after_help = DEID_HELP)]
    Deid(DeidArgs),
    /// Keep the transparency log: append decisions, sign checkpoints, prove, verify, audit, serve.
    #[command(subcommand)]
    Log(LogCommand),
    /// Run a transparency-log witness that cosigns checkpoints (C2SP tlog-witness).
    #[command(subcommand)]
    Witness(WitnessCommand),
    /// Start a transfer's facts file from a bundled scenario, every key explained.
    #[command(subcommand)]
    Transfer(TransferCommand),
    /// Judge one transfer under China's and the United States' rules at once.
    #[command(after_help = JUDGE_AFTER_HELP)]
    Judge(JudgeArgs),
    /// Check, list, explain and compare the rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Find and classify personal and sensitive data in datasets, column by column, and count
    /// the distinct people they cover.
    #[command(after_help = SCAN_AFTER_HELP)]
    Scan(ScanArgs),
    /// The main job: scan, judge, de-identify, record and log one transfer.
    ///
    /// Scans the datasets, judges the transfer under both countries' rules with the store's
    /// cumulative volumes, de-identifies if asked and judges again, then records the transfer,
    /// logs it (cosigned receipt) and writes the outputs.
    #[command(after_help = ASSESS_AFTER_HELP)]
    Assess(AssessArgs),
    /// Open a sealed package: check its signature, log receipt and hashes against a trust file,
    /// and only then decrypt it.
    #[command(after_help = OPEN_AFTER_HELP)]
    Open(OpenArgs),
    /// Create or show your keys: the exporter key that signs manifests and the age identity that
    /// opens packages sealed to you.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Classify advanced-computing chips under US export controls (ECCN 3A090/4A090) and
    /// screen end users against the Consolidated Screening List.
    #[command(subcommand)]
    Chips(ChipsCommand),
    /// Show the configuration: every setting, its value and where it came from.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Joint statistics across both countries' sites without sharing records (Prio3, DP).
    ///
    /// Sites compute counts, tables, means, variances and regression statistics together
    /// through two aggregators, one per country; neither sees a record.
    #[command(subcommand, after_help = stats::STATS_AFTER_HELP)]
    Stats(StatsCommand),
    /// Print a shell completion script, generated from this command line.
    #[command(after_help = COMPLETIONS_AFTER_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page (roff) of freeport or of one of its subcommands.
    #[command(after_help = MAN_AFTER_HELP)]
    Man(ManArgs),
}

/// `freeport config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Every setting with its value and its source: a flag given here, the environment,
    /// `./freeport.toml`, `$FREEPORT_HOME/config.toml` or the built-in default (in that order of
    /// precedence).
    #[command(after_help = CONFIG_SHOW_AFTER_HELP)]
    Show(ConfigShowArgs),
}

const CONFIG_SHOW_AFTER_HELP: &str = "\
Configuration file (`./freeport.toml`, else `$FREEPORT_HOME/config.toml`; keys per file, the
first file that sets a key wins):
  version = 1
  recipient = [\"age1...\"]                  # assess --seal-to            FREEPORT_RECIPIENT
  witnesses = [\"https://cn.example\"]       # log cosign --witness        FREEPORT_WITNESSES (a,b)
  threads = 4                              # scan, assess --threads      FREEPORT_THREADS
  [port]
  url = \"https://port.example\"             # file, case, review --port   FREEPORT_PORT_URL
  token = \"fdp_...\"                        # --token                     FREEPORT_TOKEN
                                           # (a token belongs in the home file, mode 0600, never
                                           # in a project file that may be shared)
  [report]
  lang = \"zh\"                              # assess --lang               FREEPORT_LANG

Examples:
  freeport config show
  freeport config show --lang zh --format json
";

/// Arguments of `freeport config show`: the settings' flags, to see what a command given them
/// would use.
#[derive(Debug, Args)]
pub struct ConfigShowArgs {
    /// As `assess --seal-to`.
    #[arg(long, value_name = "RECIPIENT_KEY")]
    pub seal_to: Vec<String>,
    /// As `file --port`.
    #[arg(long, value_name = "URL")]
    pub port: Option<String>,
    /// As `file --token` (never shown: only whether it is set).
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// As `log cosign --witness`.
    #[arg(long = "witness", value_name = "URL")]
    pub witnesses: Vec<String>,
    /// As `assess --lang`.
    #[arg(long, value_enum)]
    pub lang: Option<ReportLang>,
    /// As `scan --threads`.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const COMPLETIONS_AFTER_HELP: &str = "\
Examples:
  freeport completions bash > ~/.local/share/bash-completion/completions/freeport
  freeport completions zsh > ~/.zfunc/_freeport      # with `fpath+=~/.zfunc` before compinit
  freeport completions fish > ~/.config/fish/completions/freeport.fish
";

const MAN_AFTER_HELP: &str = "\
Examples:
  freeport man | man -l -
  freeport man judge > freeport-judge.1
  freeport man log append | man -l -
";

const OPEN_AFTER_HELP: &str = "\
Checks, in order (the first that fails is named and nothing is decrypted to disk): package
layout, exporter key, manifest signature, manifest, log receipt, log entry, ciphertext hash,
decryption, payload contents, file hash.

Trust file (TOML):
  exporters = [\"acme-cn.example/exporter+1a2b3c4d+AQ...\"]   # from `freeport keys show`
  policy_file = \"cn-us.policy\"                                # C2SP tlog-policy; or inline `policy`

Examples:
  freeport open orders.fdp --identity ~/.local/share/freeport/keys/age.key --trust trust.toml
  freeport open orders.fdp -o received/ --format json

Exit codes: 0 opened; 1 refused (a check failed; it is named); 2 bad input (identity, trust file,
output path).
";

/// Arguments of `freeport open`.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The package directory (`<name>.fdp`).
    #[arg(value_name = "PACKAGE")]
    pub package: PathBuf,
    /// The age identity file (`AGE-SECRET-KEY-1...`, mode 0600); default: `age.key` in your
    /// key ring (`$FREEPORT_HOME/keys`).
    #[arg(long, value_name = "KEY")]
    pub identity: Option<PathBuf>,
    /// The trust file naming trusted exporters and the log policy; default:
    /// `$FREEPORT_HOME/trust.toml`.
    #[arg(long, value_name = "TRUST")]
    pub trust: Option<PathBuf>,
    /// Directory to create for the files (must not exist); default: the package path without
    /// `.fdp`.
    #[arg(short = 'o', long = "out", value_name = "OUTDIR")]
    pub out: Option<PathBuf>,
    /// The transfer's `report.json`: checked, before anything is decrypted, against the report
    /// SHA-256 the signed manifest (and its log entry) carries (the report as bound to the log:
    /// its log fields emptied); a different report is refused (exit 1).
    #[arg(long, value_name = "REPORT.json")]
    pub report: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `freeport keys ...`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create any missing key (exporter signing key, age identity) and print the public keys.
    #[command(
        after_help = "Examples:\n  freeport keys init\n  freeport keys init --name acme-cn.example/exporter\n"
    )]
    Init(KeysInitArgs),
    /// Print your public keys: the exporter vkey (for recipients' trust files) and the age
    /// recipient (for exporters' `--seal-to`).
    Show(KeysShowArgs),
}

/// Arguments of `freeport keys init`.
#[derive(Debug, Args)]
pub struct KeysInitArgs {
    /// The exporter key's name (no spaces or `+`), e.g. your domain and a purpose.
    #[arg(long, value_name = "NAME", default_value = "freeport-exporter")]
    pub name: String,
    /// The key ring directory; default: `$FREEPORT_HOME/keys`, else `keys` in the platform data
    /// directory.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport keys show`.
#[derive(Debug, Args)]
pub struct KeysShowArgs {
    /// The key ring directory; default as for `keys init`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const ASSESS_AFTER_HELP: &str = "\
The transfer file is transfer facts without an inventory (see `freeport judge --schema`): who
sends to whom, the scenario, the mechanisms in place. The inventory and the number of people come
from the scan; the cumulative volumes from the store. The store, the transparency log, its keys
and two local witnesses (CN, US) live in $FREEPORT_HOME (created on first use).

A blocking decision writes the decision and the scan to OUTDIR and records nothing.

Examples:
  freeport assess orders.csv --transfer transfer.toml -o out/
  freeport assess staff.xlsx --transfer hr.toml --apply-remedies -o out/
  freeport assess patients.csv --transfer clinical.toml --deid deid.toml -o out/

Exit codes: 0 recorded and logged; 1 the decision blocks the transfer; 2 a stage failed (nothing
recorded, logged or written half-way).
";

const SCAN_AFTER_HELP: &str = "\
Inputs: CSV/TSV (UTF-8, UTF-8 with BOM, GBK/GB18030 detected), JSON Lines, Parquet, XLSX (one
dataset per worksheet); directories are walked, globs expanded, `-` reads CSV from stdin.

Examples:
  freeport scan customers.csv
  freeport scan exports/ --format json > scan.json
  freeport scan '*.xlsx' --show-examples
  freeport scan big.csv --threads 2 --sample 100000
  freeport scan gbk-export.csv --encoding gb18030
  freeport scan headerless.csv --no-header
  freeport scan report.xlsx --header-row 3
  freeport scan export.txt --delimiter ';'
  freeport scan --engine datafusion lake/orders/ --memory-limit 2048

A header row whose cells pass identifier validators (a phone number, an ID number) or repeat
their column's kind of value (a name above names) is data: the file is refused, so its values
never become column names in any output; pass --no-header or --header-row N.

Exit codes: 0 every input scanned; 2 some inputs failed (the others are still reported).
";

/// Arguments of `freeport assess`.
#[derive(Debug, Args)]
pub struct AssessArgs {
    /// Datasets: files, directories (walked), globs.
    #[arg(value_name = "DATASET", required_unless_present = "package_lost")]
    pub datasets: Vec<String>,
    /// The transfer file (TOML or JSON): transfer facts without an inventory.
    #[arg(long, value_name = "FILE", required_unless_present = "package_lost")]
    pub transfer: Option<PathBuf>,
    /// The project's classification rules and codebook, as `freeport scan` takes them.
    #[command(flatten)]
    pub classification: Classification,
    /// How CSV, TSV and spreadsheet datasets are laid out (header row, delimiter).
    #[command(flatten)]
    pub layout: TableLayout,
    /// Declare the package of the recorded transfer ID lost for good, after a run reported
    /// "recorded transfer ID has no package": the transfer stays recorded and logged, and later
    /// runs stop reporting it. Nothing is assessed.
    #[arg(
        long,
        value_name = "ID",
        value_parser = TransferIdParser,
        conflicts_with_all = ["datasets", "transfer", "deid", "apply_remedies", "id"]
    )]
    pub package_lost: Option<String>,
    /// De-identify with this `freeport deid` configuration first, then judge again.
    #[arg(long, value_name = "FILE", conflicts_with = "apply_remedies")]
    pub deid: Option<PathBuf>,
    /// Carry out the first remedy the judge finds that de-identification can do (delete or
    /// pseudonymise the columns of a category), then judge again.
    #[arg(long)]
    pub apply_remedies: bool,
    /// Language of `report.html` (`report.json` is language-neutral); default: `report.lang`
    /// of the configuration, else English.
    #[arg(long, value_enum, env = "FREEPORT_LANG", default_value_t = ReportLang::En)]
    pub lang: ReportLang,
    /// The day the report says it was generated (`YYYY-MM-DD`), apart from the transfer's own
    /// date; default: the day `SOURCE_DATE_EPOCH` falls on (UTC) when it is set, else today
    /// (UTC). The same inputs and the same day give byte-identical reports.
    #[arg(long, value_name = "DATE", value_parser = calendar_day)]
    pub generated_on: Option<String>,
    /// Seal the package to this recipient: an age X25519 public key (`age1...`) or a file of
    /// them, one per line (repeatable). Default: `recipient` of the configuration, else this
    /// home's own key, to try things out.
    #[arg(long, value_name = "RECIPIENT_KEY", env = "FREEPORT_RECIPIENT")]
    pub seal_to: Vec<String>,
    /// Output directory (created if missing).
    #[arg(
        short = 'o',
        long = "out",
        value_name = "OUTDIR",
        default_value = "freeport-out"
    )]
    pub out_dir: PathBuf,
    /// Transfer id (default: the date and a hash of the transfer file and the data): 1 to 128
    /// bytes of letters, digits, `.`, `_` and `-`, starting with a letter or digit.
    #[arg(long, value_name = "ID", value_parser = TransferIdParser)]
    pub id: Option<String>,
    /// Where the data was collected (default: the exporter's jurisdiction).
    #[arg(long, value_enum, value_name = "WHERE")]
    pub collected_in: Option<Collected>,
    /// Scan threads (0 = one per core; more than the cores this process may use is capped to
    /// them); default: `threads` of the configuration, else 0.
    #[arg(long, value_name = "N", env = "FREEPORT_THREADS", default_value_t = 0, value_parser = threads)]
    pub threads: usize,
    /// Rule-pack root holding `cn/` and `us/` instead of the built-in packs.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Output format of the summary on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Report languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportLang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

/// Where data was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Collected {
    /// Mainland China.
    Cn,
    /// The United States (data on U.S. persons).
    Us,
    /// Elsewhere.
    Other,
}

/// Arguments of `freeport scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files, directories (walked recursively), globs, or `-` for CSV on standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Worker threads (0 = one per core; more than the cores this process may use is capped to
    /// them); results do not depend on it. Default: `threads` of the configuration, else 0.
    #[arg(long, value_name = "N", env = "FREEPORT_THREADS", default_value_t = 0, value_parser = threads)]
    pub threads: usize,
    /// Scan only the first ROWS rows of each dataset (counts then cover those rows).
    #[arg(long, value_name = "ROWS")]
    pub sample: Option<u64>,
    /// Text encoding of CSV input, e.g. `utf-8`, `gbk`, `gb18030` (detected by default).
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// Show up to three masked examples per classified column (never raw values).
    #[arg(long)]
    pub show_examples: bool,
    /// The project's classification rules and codebook.
    #[command(flatten)]
    pub classification: Classification,
    /// How CSV, TSV and spreadsheet inputs are laid out (header row, delimiter).
    #[command(flatten)]
    pub layout: TableLayout,
    /// The engine: `native` scans each file as a dataset; `datafusion` scans each PATH (a
    /// directory or glob of partitioned Parquet or CSV) as one dataset on Apache DataFusion,
    /// with memory bounded by --memory-limit (needs a build with the `lake` feature).
    #[arg(long, value_enum, default_value_t = Engine::Native)]
    pub engine: Engine,
    /// The lake engine's memory bound and spill directory.
    #[command(flatten)]
    pub lake: LakeLimits,
}

/// Which engine `freeport scan` runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// In-process readers, one dataset per file.
    Native,
    /// Apache DataFusion, one dataset per lake (feature `lake`).
    Datafusion,
}

/// A project's classification rules and codebook: `freeport scan` and `freeport assess` take
/// the same flags.
#[derive(Debug, Clone, Default, Args)]
pub struct Classification {
    /// The project file whose `[classification]` table overrules columns, adds custom
    /// detectors, allow-lists values and gives a codebook. Default: `freeport.toml` beside the
    /// first dataset (in it, for a directory) when it has a `[classification]` table.
    #[arg(long, value_name = "FILE")]
    pub project: Option<PathBuf>,
    /// A data dictionary, a CSV file `column,description`: each description is read with the
    /// header words and reported as evidence `codebook`.
    #[arg(long, value_name = "FILE.csv")]
    pub codebook: Option<PathBuf>,
}

/// How tabular inputs are laid out: `freeport scan` and `freeport assess` take the same flags.
#[derive(Debug, Clone, Default, Args)]
pub struct TableLayout {
    /// The files have no header row: columns are named column_1, column_2, ... and the first
    /// row is data (CSV, TSV, spreadsheets).
    #[arg(long, conflicts_with = "header_row")]
    pub no_header: bool,
    /// The header is on row N (1-based, blank lines not counted); the rows above it are
    /// skipped (CSV, TSV, spreadsheets).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_row: Option<u64>,
    /// Skip N rows (blank lines not counted) before the header or, with --no-header, before
    /// the data.
    #[arg(long, value_name = "N", conflicts_with = "header_row")]
    pub skip_rows: Option<u64>,
    /// The CSV delimiter, one ASCII character or `tab` (sniffed by default).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
}

/// A `--delimiter`: one ASCII character other than a quote or line break, or `tab`.
fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ => match text.as_bytes() {
            [b'"' | b'\n' | b'\r'] => Err("a quote or line break cannot delimit fields".to_owned()),
            [byte] if byte.is_ascii() => Ok(*byte),
            _ => Err(format!(
                "`{text}` is not one ASCII character (use `tab` for a tab)"
            )),
        },
    }
}

const JUDGE_AFTER_HELP: &str = "\
Examples:
  freeport judge examples/transfers/cross-border-ecommerce.toml
  freeport judge examples/transfers/us-data-broker-location.toml --format json
  freeport judge --schema > transfer-facts.schema.json

Exit codes: 0 the transfer may go ahead as described (mechanisms in place); 1 an outcome
prohibits it or a required mechanism is missing or expired; 2 the facts or a pack are invalid.
";

/// Arguments of `freeport judge`.
#[derive(Debug, Args)]
pub struct JudgeArgs {
    /// Transfer facts, TOML or JSON (by extension; `-` reads standard input, JSON when it starts
    /// with `{`); see `--schema`.
    #[arg(value_name = "FACTS", required_unless_present = "schema")]
    pub facts: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Print the JSON Schema of the facts format and exit.
    #[arg(long, conflicts_with = "facts")]
    pub schema: bool,
    /// Rule-pack root holding `cn/` and `us/` instead of the built-in packs.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Vocabulary file to read categories from instead of the built-in vocabulary.
    #[arg(long, value_name = "FILE")]
    pub vocabulary: Option<PathBuf>,
    /// Record the transfer in the store after the decision, in the same transaction that read
    /// the cumulative volumes; a blocking decision is not recorded.
    #[arg(long)]
    pub record: bool,
    /// Id to record the transfer under (default: the date and the first 12 hex digits of the
    /// facts file's SHA-256): 1 to 128 bytes of letters, digits, `.`, `_` and `-`, starting
    /// with a letter or digit.
    #[arg(long, value_name = "ID", requires = "record", value_parser = TransferIdParser)]
    pub id: Option<String>,
}

/// `freeport rules ...`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate the packs (Cedar syntax, schema, annotations); errors point at file and line.
    #[command(
        after_help = "Examples:\n  freeport rules check\n  freeport rules check --rules ./my-rules\n"
    )]
    Check(RulesCheckArgs),
    /// List every rule with its outcome or mechanism and citation.
    #[command(
        after_help = "Examples:\n  freeport rules list\n  freeport rules list --format json\n"
    )]
    List(RulesListArgs),
    /// Explain one rule in plain words.
    #[command(
        after_help = "Examples:\n  freeport rules explain cn.cac16.art8.standard_contract_or_certification\n"
    )]
    Explain(RulesExplainArgs),
    /// Compare two pack roots (each holding `cn/` and `us/`): rules added, removed, changed.
    #[command(after_help = "Examples:\n  freeport rules diff old-rules/ rules/\n")]
    Diff(RulesDiffArgs),
    /// Fetch the packs a port judges with and install any newer one in this home, after checking
    /// its files, its `rule_pack` log entry and the witnesses' cosignatures under your trust
    /// policy; a pack that fails any check is refused, naming the check.
    #[command(after_help = RULES_UPDATE_AFTER_HELP)]
    Update(RulesUpdateArgs),
}

const RULES_UPDATE_AFTER_HELP: &str = "\
Installed packs live in $FREEPORT_HOME/rules/<cn|us>/<version>/ with the receipt that proved them;
every command then judges with the newest of the installed and the built-in pack. Every pack asked
for is checked before any is installed. Exit status: 0 when each is installed or already in use, 1
when the port's pack is older than the one in use, 2 when a pack fails a check (nothing installed).

Examples:
  freeport rules update --from http://127.0.0.1:8400 --policy cn-us.policy
  freeport rules update --from http://127.0.0.1:8400 --policy cn-us.policy --jurisdiction us
";

/// A country's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JurisdictionArg {
    /// China's pack.
    Cn,
    /// The United States' pack.
    Us,
}

/// Arguments of `freeport rules update`.
#[derive(Debug, Args)]
pub struct RulesUpdateArgs {
    /// The port whose packs to take (its base URL).
    #[arg(long = "from", env = "FREEPORT_PORT_URL", value_name = "URL")]
    pub from: String,
    /// Your trust policy (C2SP tlog-policy): the port log's key and the witnesses' keys and
    /// quorum, pinned by you (e.g. from each witness's /vkey), never taken from the port.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Only this country's pack; default: both.
    #[arg(long, value_enum)]
    pub jurisdiction: Option<JurisdictionArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Where the packs come from.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Rule-pack root holding `cn/` and `us/` instead of the built-in packs.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// Arguments of `freeport rules check`.
#[derive(Debug, Args)]
pub struct RulesCheckArgs {
    /// Where the packs come from.
    #[command(flatten)]
    pub source: RulesArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport rules list`.
#[derive(Debug, Args)]
pub struct RulesListArgs {
    /// Where the packs come from.
    #[command(flatten)]
    pub source: RulesArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport rules explain`.
#[derive(Debug, Args)]
pub struct RulesExplainArgs {
    /// Rule id, e.g. `us.202_401.restricted`.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Where the packs come from.
    #[command(flatten)]
    pub source: RulesArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport rules diff`.
#[derive(Debug, Args)]
pub struct RulesDiffArgs {
    /// The older pack root.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The newer pack root.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `freeport log ...`
#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Create a key pair: `<out>.key` (private, mode 0600) and `<out>.vkey` (C2SP vkey).
    #[command(
        after_help = "Examples:\n  freeport log keygen --name freedataport.example/log --out log\n"
    )]
    Keygen(KeygenArgs),
    /// Create an empty log directory for an origin and public key.
    #[command(after_help = "Examples:\n  freeport log init decisions --vkey log.vkey\n")]
    Init(LogInitArgs),
    /// Append typed entries (JSON lines: `{"type": "decision", "body": {...}}`), batched and
    /// fsync'd; each batch is reported once it is durable.
    #[command(
        after_help = "Examples:\n  freeport log append decisions entries.jsonl\n  freeport log append decisions - --key log.key < entries.jsonl\n"
    )]
    Append(LogAppendArgs),
    /// Sign a checkpoint of the whole log with the log key.
    Checkpoint(LogCheckpointArgs),
    /// Ask witnesses to cosign the current checkpoint and add their cosignatures to it.
    Cosign(LogCosignArgs),
    /// Write an offline receipt (C2SP tlog-proof) for one entry, or a consistency proof.
    #[command(
        after_help = "Examples:\n  freeport log prove decisions --index 42 -o decision-42.tlog-proof\n  freeport log prove decisions --from 10\n"
    )]
    Prove(LogProveArgs),
    /// Check a log directory: its state, its checkpoint and every tile, recomputed.
    Verify(LogVerifyArgs),
    /// Verify an offline receipt, with no network.
    #[command(
        after_help = "Examples:\n  freeport log verify-receipt decision-42.tlog-proof --policy cn-us.policy\n"
    )]
    VerifyReceipt(LogVerifyReceiptArgs),
    /// Mirror a log from a directory or URL, recompute every tile, and check consistency with
    /// every checkpoint seen before.
    #[command(
        after_help = "Examples:\n  freeport log audit https://log.example/decisions --vkey log.vkey --mirror mirror/\n"
    )]
    Audit(LogAuditArgs),
    /// Serve a log directory's checkpoint and tiles over HTTP.
    Serve(LogServeArgs),
}

/// `freeport witness ...`
#[derive(Debug, Subcommand)]
pub enum WitnessCommand {
    /// Create a cosigning key pair (signature type 0x04): `<out>.key` and `<out>.vkey`.
    Keygen(KeygenArgs),
    /// Serve `POST /add-checkpoint` for the logs given.
    #[command(
        after_help = "Examples:\n  freeport witness serve --key cn.key --state cn-state.json --log log.vkey\n"
    )]
    Serve(WitnessServeArgs),
    /// Have another party's witness cosign this port's log: fetch the key it publishes at
    /// `URL/vkey`, pin it in the home's `witnesses.toml` and trust policy, in place of the local
    /// key of that country. Takes effect when the port next starts.
    #[command(
        after_help = "Examples:\n  freeport witness add cn https://witness.example.cn\n  freeport witness add us http://127.0.0.1:8402 --expect-key witness.example.us+1a2b3c4d\n"
    )]
    Add(WitnessAddArgs),
}

/// Arguments of `witness add`.
#[derive(Debug, Args)]
pub struct WitnessAddArgs {
    /// Which country's witness: `cn` or `us`.
    #[arg(value_parser = ["cn", "us"])]
    pub name: String,
    /// Its submission prefix (what `freeport witness serve` prints).
    pub url: String,
    /// The key label (`name+hash`) its operator gave you out of band: refused if the witness
    /// publishes another.
    #[arg(long, value_name = "LABEL")]
    pub expect_key: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Key name, a schema-less URL such as `freedataport.example/log` (for a log: its origin).
    #[arg(long)]
    pub name: String,
    /// Output path prefix: writes `<out>.key` and `<out>.vkey`.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `log init`.
#[derive(Debug, Args)]
pub struct LogInitArgs {
    /// The log directory to create.
    pub dir: PathBuf,
    /// The log's public key (vkey file).
    #[arg(long)]
    pub vkey: PathBuf,
    /// The origin line of checkpoints; defaults to the key name.
    #[arg(long)]
    pub origin: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `log append`.
#[derive(Debug, Args)]
pub struct LogAppendArgs {
    /// The log directory.
    pub dir: PathBuf,
    /// JSON-lines file of entries, or `-` for standard input.
    #[arg(default_value = "-")]
    pub input: PathBuf,
    /// Entries per durable batch. With `--format json` each acknowledgement is one JSON line.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Sign a checkpoint with this private key after appending.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `log checkpoint`.
#[derive(Debug, Args)]
pub struct LogCheckpointArgs {
    /// The log directory.
    pub dir: PathBuf,
    /// The log's private key.
    #[arg(long)]
    pub key: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `log cosign`.
#[derive(Debug, Args)]
pub struct LogCosignArgs {
    /// The log directory.
    pub dir: PathBuf,
    /// A witness's submission URL (repeat for several, or comma-separated in
    /// `FREEPORT_WITNESSES`); default: `witnesses` of the configuration.
    #[arg(
        long = "witness",
        value_name = "URL",
        required = true,
        env = "FREEPORT_WITNESSES",
        value_delimiter = ','
    )]
    pub witnesses: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `log prove`.
#[derive(Debug, Args)]
pub struct LogProveArgs {
    /// The log directory.
    pub dir: PathBuf,
    /// Entry index: write a receipt for it.
    #[arg(long, conflicts_with = "from", required_unless_present = "from")]
    pub index: Option<u64>,
    /// Old tree size: print the consistency proof from it to the checkpoint.
    #[arg(long)]
    pub from: Option<u64>,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Replace output files that exist (without it an existing file is refused; `-` and special
    /// files such as `/dev/stdout` or a FIFO are written to, never replaced).
    #[arg(long)]
    pub force: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `log verify`.
#[derive(Debug, Args)]
pub struct LogVerifyArgs {
    /// The log directory.
    pub dir: PathBuf,
    /// A trust policy (C2SP tlog-policy) the checkpoint must satisfy; default: the log key only.
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `log verify-receipt`.
#[derive(Debug, Args)]
pub struct LogVerifyReceiptArgs {
    /// The receipt (`.tlog-proof`).
    pub receipt: PathBuf,
    /// Trust only the log key in this vkey file.
    #[arg(long, conflicts_with = "policy", required_unless_present = "policy")]
    pub vkey: Option<PathBuf>,
    /// Trust policy (C2SP tlog-policy).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// The entry, when the receipt does not carry it (or to check it is the one carried).
    #[arg(long)]
    pub entry: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `log audit`.
#[derive(Debug, Args)]
pub struct LogAuditArgs {
    /// The log: a directory or an `http(s)://` URL prefix.
    pub source: String,
    /// Trust only the log key in this vkey file.
    #[arg(long, conflicts_with = "policy", required_unless_present = "policy")]
    pub vkey: Option<PathBuf>,
    /// Trust policy (C2SP tlog-policy).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Mirror directory; also remembers every checkpoint seen, to detect forks.
    #[arg(long)]
    pub mirror: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `log serve`.
#[derive(Debug, Args)]
pub struct LogServeArgs {
    /// The log directory.
    pub dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `witness serve`.
#[derive(Debug, Args)]
pub struct WitnessServeArgs {
    /// The witness's private cosigning key.
    #[arg(long)]
    pub key: PathBuf,
    /// State file (created if missing): the latest cosigned checkpoint per log, and conflicts.
    #[arg(long)]
    pub state: PathBuf,
    /// A log to witness: its vkey file (repeat for several).
    #[arg(long = "log", value_name = "VKEY", required = true)]
    pub logs: Vec<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const INIT_AFTER_HELP: &str = "\
The home is `$FREEPORT_HOME`, else the platform data directory (`~/.local/share/freeport`), or the
directory of `--store`. Commands that record create a home on first use only where the directory
is empty; every command refuses a home whose store, log and keys disagree (a store deleted or
emptied beside its log, a log or key gone), naming what is missing, and changes nothing.

Examples:
  FREEPORT_HOME=/srv/freeport freeport init
  freeport init --format json
";

const SERVE_AFTER_HELP: &str = "\
The port serves the home `freeport init` made (`$FREEPORT_HOME`, or the directory of `--store`),
and refuses to start without one. Make the first accounts on the port's host with
`freeport account add`; each token is shown once.

Examples:
  FREEPORT_HOME=/srv/freeport freeport serve --listen 127.0.0.1:8400
  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8400/api/v1/filings
";

/// How to reach a port and act there.
#[derive(Debug, Args)]
pub struct PortConnection {
    /// The port's base URL.
    #[arg(long = "port", env = "FREEPORT_PORT_URL", value_name = "URL")]
    pub url: String,
    /// Your API token (prefer the environment variable: a token on the command line is seen by
    /// other users of the machine).
    #[arg(
        long,
        env = "FREEPORT_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: String,
}

const FILE_AFTER_HELP: &str = "\
The facts are transfer facts with their inventory (`freeport judge --schema`), TOML or JSON, e.g.
built from a local `freeport scan`: raw data never leaves your machine. Or give the directory a
`freeport assess -o DIR` run wrote: its facts.json, report.json, receipt.tlog-proof and
trust-policy.txt are uploaded together, the port checks that the receipt verifies and binds that
report, and files the facts (the same assessment filed again answers with its filing). Exit
status: 0 when the filing is cleared at once, 1 when it waits for review.

Examples:
  export FREEPORT_PORT_URL=http://127.0.0.1:8400 FREEPORT_TOKEN=fdp_...
  freeport file examples/port/filings/china-review.toml
  freeport assess orders.csv --transfer transfer.toml -o out/ && freeport file out/
";

/// Arguments of `freeport file`.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The transfer facts (TOML, or JSON for `.json`), or the output directory of
    /// `freeport assess`.
    #[arg(value_name = "FACTS|DIR")]
    pub facts: PathBuf,
    /// A document to attach once filed, as `KIND=PATH` (repeat for several; kinds as
    /// `freeport case attach --kind`); only a filing that goes to review takes documents.
    #[arg(long, value_name = "KIND=PATH")]
    pub attach: Vec<String>,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const PUBLISH_AFTER_HELP: &str = "\
The notice is public at once — GET /api/v1/publications and the Atom feed
/api/v1/publications.atom, no account needed — and logged as a `publication` entry carrying the
document and its SHA-256, so anyone can check it against the cosigned log. Public text: the port
refuses text that looks like it carries personal data.

Examples:
  freeport publish --kind subsidy-notice --title \"跨境科研数据平台补贴\" --language zh --body-file notice.txt
";

/// What a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NoticeKindArg {
    /// Rules or guidance.
    Rules,
    /// A subsidy notice.
    SubsidyNotice,
    /// A procurement notice.
    ProcurementNotice,
    /// Any other public document.
    Other,
}

/// Arguments of `freeport publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// What it is.
    #[arg(long, value_enum)]
    pub kind: NoticeKindArg,
    /// Title (one line).
    #[arg(long)]
    pub title: String,
    /// BCP 47 language tag of the text, e.g. `zh`, `en`.
    #[arg(long)]
    pub language: String,
    /// The text, from this file (UTF-8; `-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub body_file: PathBuf,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const AUDIT_AFTER_HELP: &str = "\
A bundle holds every decision the port logged — each reviewer's decision with their signed note,
each filing cleared at once — with an offline receipt (C2SP tlog-proof) per entry and the
reviewers' verifier keys. `verify` needs no port and no network: the receipts are checked under
YOUR trust policy (pin the log and witness keys yourself, e.g. from each witness's /vkey), each
entry against what the bundle says it is, and each signature over exactly the logged entry.
`verify` also takes a transfer's report (report.json): its receipt under your policy, and the
logged entry against the report's transfer and SHA-256, so a report changed after it was logged,
or one carrying another transfer's receipt, is refused.
Exit status: 0 when everything verifies, 1 when something does not (each failure is named).

Examples:
  FREEPORT_TOKEN=$AUDITOR freeport audit bundle --port http://127.0.0.1:8400 -o bundle.json
  freeport audit verify bundle.json --policy cn-us.policy --reviewers reviewers.txt
  freeport audit verify out/report.json --policy cn-us.policy
";

/// `freeport audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Download the port's audit bundle (auditors and administrators).
    Bundle(AuditBundleArgs),
    /// Verify an audit bundle, or a transfer's report, offline under your trust policy.
    Verify(AuditVerifyArgs),
}

/// Arguments of `freeport audit bundle`.
#[derive(Debug, Args)]
pub struct AuditBundleArgs {
    /// Where to write the bundle (JSON); an existing file is not replaced.
    #[arg(short, long, value_name = "FILE")]
    pub out: PathBuf,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
}

/// Arguments of `freeport audit verify`.
#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    /// An audit bundle (JSON, from `freeport audit bundle`), or a transfer's report
    /// (`report.json`, from `freeport assess` or `freeport report --format json`).
    #[arg(value_name = "BUNDLE|REPORT")]
    pub document: PathBuf,
    /// Your trust policy: the log's key and the witnesses' keys and quorum (C2SP
    /// tlog-witness policy format).
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Reviewers' verifier keys you pinned, one `ACCOUNT VKEY` per line; without it, the keys
    /// the bundle carries are used (and said so).
    #[arg(long, value_name = "FILE")]
    pub reviewers: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `freeport case ...`.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// The filings you may see (exporters: your organisation's; reviewers: your side's).
    List(CaseListArgs),
    /// One filing: its decision per country, the cases and the conversation.
    Show(CaseShowArgs),
    /// Write a question or an answer on a filing's case.
    Ask(CaseAskArgs),
    /// Contest how one entry of your filing's inventory was classified (exporters).
    #[command(after_help = CASE_CONTEST_AFTER_HELP)]
    Contest(CaseContestArgs),
    /// Accept or reject a contested classification (reviewers of a side with a case).
    #[command(after_help = CASE_RULE_AFTER_HELP)]
    Rule(CaseRuleArgs),
    /// The overrides (accepted contests) you may see.
    Overrides(CaseListArgs),
    /// Attach a document to your filing (exporters): stored at the port by its SHA-256.
    #[command(after_help = CASE_ATTACH_AFTER_HELP)]
    Attach(CaseAttachArgs),
    /// Download a document attached to a filing (its exporter and reviewers).
    Download(CaseDownloadArgs),
}

const CASE_ATTACH_AFTER_HELP: &str = "\
Kinds: standard-contract, pipia, cisa-security-attestation, compliance-programme, licence, other.
`case show` lists each side's required documents (by its rule's mechanisms) with those attached;
a reviewer's signed decision names the SHA-256 of every document attached when it was made.

Examples:
  freeport case attach F-2026-000002 --kind pipia pipia-2026.pdf
  freeport case download F-2026-000002 1 -o pipia.pdf
";

/// What an attached document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AttachmentKindArg {
    /// The CAC standard contract.
    StandardContract,
    /// The personal information protection impact assessment.
    Pipia,
    /// An attestation that CISA's security requirements are met.
    CisaSecurityAttestation,
    /// The data compliance programme.
    ComplianceProgramme,
    /// A licence or its application.
    Licence,
    /// Anything else.
    Other,
}

/// Arguments of `freeport case attach`.
#[derive(Debug, Args)]
pub struct CaseAttachArgs {
    /// The filing id.
    pub id: String,
    /// What the document is.
    #[arg(long, value_enum)]
    pub kind: AttachmentKindArg,
    /// The document (its file name is sent with it).
    pub file: PathBuf,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport case download`.
#[derive(Debug, Args)]
pub struct CaseDownloadArgs {
    /// The filing id.
    pub id: String,
    /// The attachment's number within the filing.
    pub seq: u64,
    /// Where to write it (`-` for standard output); an existing file is replaced only with
    /// `--force`.
    #[arg(short, long, value_name = "FILE")]
    pub out: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
}

const CASE_CONTEST_AFTER_HELP: &str = "\
Name the inventory entry by its category (and `--collected-in` when it is listed for several
places), say what it should be — a vocabulary category (`freeport vocab list`) or
`not_personal_data` — and why. The justification is shown to the filing's reviewers and never
logged (the log keeps its SHA-256). If a reviewer accepts, the filing is judged again with the
entry reclassified.

Examples:
  freeport case contest F-2026-000002 --category person.name --source airports.csv:name \\
      --becomes not_personal_data --justification \"the column holds airport names\"
";

const CASE_RULE_AFTER_HELP: &str = "\
An acceptance is an override: recorded, logged as an `override` entry carrying your reason
(public: no personal data), and the filing is judged again under both packs against the port's
volumes now. Approvals made on the earlier judgement do not carry over.

Examples:
  freeport case rule F-2026-000002 1 --accept --reason \"the column holds place names, not people's\"
  freeport case rule F-2026-000002 2 --reject --reason \"the column holds customers' names\"
";

/// Arguments of `freeport case contest`.
#[derive(Debug, Args)]
pub struct CaseContestArgs {
    /// The filing id.
    pub id: String,
    /// The inventory entry's category, e.g. `person.name`.
    #[arg(long)]
    pub category: String,
    /// Its place of collection (`cn`, `us`, `other`), when the category is listed for several.
    #[arg(long, value_name = "PLACE")]
    pub collected_in: Option<String>,
    /// Where it was found, e.g. `airports.csv:name` (dataset and column).
    #[arg(long, value_name = "DATASET:COLUMN")]
    pub source: Option<String>,
    /// What it should be: a category id, or `not_personal_data`.
    #[arg(long, value_name = "CATEGORY")]
    pub becomes: String,
    /// Why.
    #[arg(long, value_name = "TEXT")]
    pub justification: String,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport case rule`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("ruling").required(true).args(["accept", "reject"])))]
pub struct CaseRuleArgs {
    /// The filing id.
    pub id: String,
    /// The contest's number within the filing.
    pub contest: u64,
    /// Accept: an override, and the filing judged again.
    #[arg(long)]
    pub accept: bool,
    /// Reject: the classification stands.
    #[arg(long)]
    pub reject: bool,
    /// Why (public once accepted: no personal data).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport case list`.
#[derive(Debug, Args)]
pub struct CaseListArgs {
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport case show`.
#[derive(Debug, Args)]
pub struct CaseShowArgs {
    /// The filing id, e.g. `F-2026-000001`.
    pub id: String,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport case ask`.
#[derive(Debug, Args)]
pub struct CaseAskArgs {
    /// The filing id.
    pub id: String,
    /// The text.
    #[arg(long)]
    pub message: String,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const REVIEW_AFTER_HELP: &str = "\
The decision is the log entry the port appends; you sign it with your own Ed25519 note key (made
with `freeport log keygen`, its `.vkey` registered with your account), so the port cannot decide
in your name. Refusals carry public reasons, which are published: no personal data.

Examples:
  freeport review F-2026-000002 --approve --key wei.key
  freeport review F-2026-000003 --approve-with-conditions \"file the standard contract within 10 working days\" --key wei.key
  freeport review F-2026-000003 --refuse --reason \"no CISA security attestation\" --key sam.key
";

/// Arguments of `freeport review`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("verdict").required(true).args(["approve", "approve_with_conditions", "refuse"])))]
pub struct ReviewArgs {
    /// The filing id.
    pub id: String,
    /// Approve your side.
    #[arg(long)]
    pub approve: bool,
    /// Approve your side on these conditions (repeat for several).
    #[arg(long, value_name = "CONDITION")]
    pub approve_with_conditions: Vec<String>,
    /// Refuse your side; give the public reasons with `--reason`.
    #[arg(long, requires = "reason")]
    pub refuse: bool,
    /// A public reason (repeat for several); required with `--refuse`.
    #[arg(long, value_name = "TEXT")]
    pub reason: Vec<String>,
    /// Your private note key (`.key`).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8400")]
    pub listen: SocketAddr,
    /// Rule-pack directory with `cn/` and `us/` (default: the home's packs, the newest of the
    /// built-in ones and those `freeport rules update` installed).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Requests per second each caller (token) may make, with bursts of twice that; more are
    /// answered `429` with `Retry-After`.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub rate_limit: u32,
    /// Output format of the line that says where the port listens.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `freeport account ...`.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account and print its API token (shown once; the port keeps only its hash).
    #[command(after_help = ACCOUNT_ADD_AFTER_HELP)]
    Add(AccountAddArgs),
    /// List the port's accounts.
    List(AccountListArgs),
}

const ACCOUNT_ADD_AFTER_HELP: &str = "\
Roles: exporter (acts for one organisation, `--organisation`), cn_reviewer and us_reviewer (sign
their decisions: `--public-key` is the `.vkey` file of their Ed25519 note key, made on their own
machine with `freeport log keygen --name wei --out wei`), auditor (reads everything), admin (manages accounts).

Examples:
  freeport account add alice --role exporter --organisation acme --name \"Alice Zhang\"
  freeport account add wei --role cn_reviewer --name \"Wei Li\" --public-key wei.vkey
";

/// Roles of accounts, as typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum AccountRole {
    /// Files transfers for one organisation.
    Exporter,
    /// Reviews China's side.
    CnReviewer,
    /// Reviews the United States' side.
    UsReviewer,
    /// Reads everything.
    Auditor,
    /// Manages accounts.
    Admin,
}

/// Arguments of `freeport account add`.
#[derive(Debug, Args)]
pub struct AccountAddArgs {
    /// The account id (lowercase letters, digits, `.`, `_`, `-`).
    pub id: String,
    /// Its role.
    #[arg(long, value_enum)]
    pub role: AccountRole,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// The organisation an exporter acts for (made if new).
    #[arg(long, value_name = "ID")]
    pub organisation: Option<String>,
    /// The organisation's display name, when new.
    #[arg(long, value_name = "NAME")]
    pub organisation_name: Option<String>,
    /// A reviewer's verifier key file (`.vkey`).
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
    /// The port generates and keeps the reviewer's signing key (mode 0600 in its home), so
    /// they can decide from the dashboard; the key is named `<id>@port`.
    #[arg(long, conflicts_with = "public_key")]
    pub key_held_by_port: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport account list`.
#[derive(Debug, Args)]
pub struct AccountListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The log's origin: a schema-less URL naming this port, such as `port.example.org/log`
    /// (checkpoints, receipts and trust policies carry it). Default: `freeport.local/log`.
    #[arg(long, value_name = "NAME")]
    pub origin: Option<String>,
    /// Keep the port's store in this PostgreSQL database instead of `freeport.db` in the home:
    /// a `postgres://user@host/dbname` URL or a `host=… dbname=…` string. The database must
    /// exist and be empty; the home records it in `database.url`.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only transfers of this exporter.
    #[arg(long, value_name = "ID")]
    pub exporter: Option<String>,
    /// Only transfers to this counterparty (recipient).
    #[arg(long, value_name = "ID")]
    pub counterparty: Option<String>,
    /// Every transfer's volumes by category and both countries' cumulative volumes after it,
    /// instead of the summary (one line a transfer, then the latest volumes per window).
    #[arg(long)]
    pub detail: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The recorded transfer's id (`freeport history` lists them).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Language of the HTML and the PDF (the JSON is language-neutral); default: `report.lang`
    /// of the configuration, else English.
    #[arg(long, value_enum, env = "FREEPORT_LANG", default_value_t = ReportLang::En)]
    pub lang: ReportLang,
    /// What to render.
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Write to this file (`-`: standard output, the default).
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
    /// Replace output files that exist (without it an existing file is refused; `-` and special
    /// files such as `/dev/stdout` or a FIFO are written to, never replaced).
    #[arg(long)]
    pub force: bool,
}

/// What `freeport report` renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// The self-contained HTML page, in `--lang`.
    Html,
    /// The language-neutral JSON (`report.json`).
    Json,
    /// The HTML page printed to PDF by headless Chromium (which must be installed).
    Pdf,
}

const REPORT_AFTER_HELP: &str = "\
Examples:
  freeport history
  freeport report 2026-05-01-3f2a9c1b --lang zh -o report-zh.html
  freeport report 2026-05-01-3f2a9c1b --format json
  freeport report 2026-05-01-3f2a9c1b --format pdf -o report.pdf

The report is the one the assessment delivered, byte for byte (the store keeps it, with its
SHA-256, from the transaction that recorded the transfer); nothing is judged or recorded again.
PDF needs Chromium (`chromium`, `chromium-browser` or `google-chrome`, or FREEPORT_CHROMIUM).
Exit codes: 0 written; 2 unknown id, no report kept, or the PDF could not be printed.
";

const DEID_HELP: &str = "\
Examples:
  freeport deid adult.csv --config deid.toml -o adult-anon.csv --report report.json
  freeport deid patients.parquet --config deid.toml --profile hipaa-safe-harbor -o out.parquet
  freeport deid clinic.xlsx --sheet Visits --config deid.toml -o visits.jsonl
  freeport deid plan scan.json > deid.toml

Input: any format `freeport scan` reads. Output: CSV, TSV, Parquet or JSON Lines, by the output's
extension or --output-format; CSV keeps the input's delimiter. The output is written to a
temporary file and renamed; the input is never modified.
Exit codes: 0 written; 2 bad configuration, input, hierarchy or key file, or no transformation
satisfies the model.
";

/// Arguments of `freeport deid`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct DeidArgs {
    /// Other `deid` actions.
    #[command(subcommand)]
    pub command: Option<DeidCommand>,
    /// The dataset: CSV/TSV (UTF-8 or GB18030/GBK, delimiter sniffed), JSON Lines, Parquet or a
    /// spreadsheet; `-` reads CSV from standard input.
    #[arg(value_name = "INPUT", required = true)]
    pub input: Option<PathBuf>,
    /// Text encoding of CSV input, e.g. `utf-8`, `gbk`, `gb18030` (detected by default).
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// The worksheet to read from a workbook with several.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The de-identification configuration (TOML): column roles, transforms, model, metric.
    #[arg(long, value_name = "FILE", required = true)]
    pub config: Option<PathBuf>,
    /// Where to write the de-identified dataset; `-` writes it to standard output (CSV unless
    /// `--output-format` says otherwise; the summary then goes to standard error).
    #[arg(short, long, value_name = "OUTPUT", required = true)]
    pub output: Option<PathBuf>,
    /// Replace output files that exist (without it an existing file is refused; `-` and special
    /// files such as `/dev/stdout` or a FIFO are written to, never replaced).
    #[arg(long)]
    pub force: bool,

    /// Output format; by default from the output's extension (.csv, .tsv, .parquet, .jsonl).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output_format: Option<DeidOutputFormat>,
    /// Also write the JSON report here.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Apply a profile on top of the configuration.
    #[arg(long, value_enum)]
    pub profile: Option<DeidProfile>,
    /// Summary format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The engine: `native` reads INPUT as one file into memory; `datafusion` reads INPUT as a
    /// lake (a directory or glob of partitioned Parquet or CSV) on Apache DataFusion, checks
    /// each lattice node with a GROUP BY, and writes OUTPUT as a directory of hive-partitioned
    /// Parquet (needs a build with the `lake` feature).
    #[arg(long, value_enum, default_value_t = Engine::Native)]
    pub engine: Engine,
    /// The lake engine's memory bound and spill directory.
    #[command(flatten)]
    pub lake: LakeLimits,
}

/// `freeport deid ...` actions other than a run.
#[derive(Debug, Subcommand)]
pub enum DeidCommand {
    /// Draft a `deid.toml` from a scan result, proposing a role per column from its category.
    #[command(after_help = "Examples:\n  freeport deid plan scan.json > deid.toml\n")]
    Plan(DeidPlanArgs),
    /// Release differentially private counts, histograms, sums and means, spending from the
    /// dataset's privacy budget.
    #[command(after_help = DEID_RELEASE_HELP)]
    Release(DeidReleaseArgs),
    /// Show (or set) a dataset's privacy budget: total, spent and remaining epsilon and delta.
    #[command(
        after_help = "Examples:\n  freeport deid budget adult.csv\n  freeport deid budget adult.csv --set-epsilon 2 --set-delta 1e-6\n\nThe dataset is identified by a hash of its content, so a renamed or re-encoded copy shares\nits budget.\n"
    )]
    Budget(DeidBudgetArgs),
}

const DEID_RELEASE_HELP: &str = "\
release.toml:
  confidence = 0.95                  # level of the reported intervals (optional)
  [[query]]
  name = \"people\"
  kind = \"count\"                     # count | histogram | sum | mean
  epsilon = 0.1
  [[query]]
  name = \"age-mean\"
  kind = \"mean\"
  column = \"age\"
  bounds = [17, 90]                  # values are clamped into these
  epsilon = 0.2
  delta = 1e-7                       # > 0 selects the Gaussian mechanism
  [[query]]
  name = \"by-sex\"
  kind = \"histogram\"
  column = \"sex\"
  categories = [\"Female\", \"Male\"]  # every bin is released, present or not
  epsilon = 0.3

Examples:
  freeport deid release adult.csv --config release.toml -o release.json --budget-epsilon 2
  freeport deid release adult.csv --config release.toml -o release2.json

The whole release is refused, before any noise is drawn, if it would exceed the budget. The spend
is committed before the output is renamed into place: a failed write spends nothing.
Exit codes: 0 released; 2 bad configuration or input, no or too little budget, or a write error.
";

/// Arguments of `freeport deid release`.
#[derive(Debug, Args)]
pub struct DeidReleaseArgs {
    /// The dataset: CSV/TSV (UTF-8 or GBK), JSON Lines, Parquet, or a one-sheet workbook.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// The queries to release (TOML): kind, column, bounds or categories, epsilon, delta.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Where to write the release (JSON); `-` writes it to standard output (the summary then
    /// goes to standard error).
    #[arg(short, long, value_name = "OUT.json")]
    pub output: PathBuf,
    /// Replace output files that exist (without it an existing file is refused; `-` and special
    /// files such as `/dev/stdout` or a FIFO are written to, never replaced).
    #[arg(long)]
    pub force: bool,

    /// Total epsilon of the dataset's budget, set if it has none yet.
    #[arg(long, value_name = "E")]
    pub budget_epsilon: Option<f64>,
    /// Total delta of the dataset's budget, set with `--budget-epsilon` (default 0).
    #[arg(long, value_name = "D", requires = "budget_epsilon")]
    pub budget_delta: Option<f64>,
    /// Summary format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport deid budget`.
#[derive(Debug, Args)]
pub struct DeidBudgetArgs {
    /// The dataset.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Set (or change) the total epsilon; refused below what is already spent.
    #[arg(long, value_name = "E")]
    pub set_epsilon: Option<f64>,
    /// Set (or change) the total delta, with `--set-epsilon` (default 0).
    #[arg(long, value_name = "D", requires = "set_epsilon")]
    pub set_delta: Option<f64>,
    /// The dataset's declared id (`dataset` in `release.toml`): its budget, which every version
    /// of the data spends from, is shown (and with `--set-epsilon`, set) too.
    #[arg(long, value_name = "ID")]
    pub dataset: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport deid plan`.
#[derive(Debug, Args)]
pub struct DeidPlanArgs {
    /// The scan result (JSON) to draft from.
    #[arg(value_name = "SCAN.json")]
    pub scan: PathBuf,
    /// Output format: `table` prints the draft as TOML, ready to edit; `json` the same
    /// configuration as JSON.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Output formats of `freeport deid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeidOutputFormat {
    /// Delimited text with a header line (the input's delimiter if it was delimited text).
    Csv,
    /// Tab-separated text with a header line.
    Tsv,
    /// Apache Parquet, one nullable UTF-8 column per output column.
    Parquet,
    /// JSON Lines, one object per row, keys in column order.
    Jsonl,
}

/// Profiles of `freeport deid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeidProfile {
    /// HIPAA Safe Harbor, 45 CFR 164.514(b)(2): identifiers removed, dates to year, ages 90+,
    /// ZIP3 with the 20,000 rule.
    HipaaSafeHarbor,
    /// PIPL 匿名化: nothing restorable, k ≥ 5, distinct 2-diversity, highest risk ≤ 0.2 (freeport
    /// defaults, set in the configuration: GB/T 42460 gives no numbers).
    CnAnonymised,
}

/// `freeport vocab ...`
#[derive(Debug, Subcommand)]
pub enum VocabCommand {
    /// List every data category with its Chinese and US classification.
    #[command(
        after_help = "Examples:\n  freeport vocab list\n  freeport vocab list --group health --format json\n"
    )]
    List(VocabListArgs),
    /// Show one data category in full: names, DPV term, classes, legal bases and notes.
    #[command(
        after_help = "Examples:\n  freeport vocab show id.cn.resident_id\n  freeport vocab show health.diagnosis --format json\n"
    )]
    Show(VocabShowArgs),
}

/// Arguments of `freeport vocab list`.
#[derive(Debug, Args)]
pub struct VocabListArgs {
    /// Only categories whose id starts with this group, e.g. `id`, `health`, `id.cn`.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport vocab show`.
#[derive(Debug, Args)]
pub struct VocabShowArgs {
    /// Category id, e.g. `id.cn.resident_id`.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// How a command writes its result to standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// JSON with a stable, documented shape.
    Json,
}

/// The `--format` a parsed command line asks for: the innermost subcommand's that declares one,
/// else [`Format::Table`]. Errors are written in it too.
#[must_use]
pub fn requested_format(matches: &clap::ArgMatches) -> Format {
    let mut found = Format::Table;
    let mut matches = Some(matches);
    while let Some(m) = matches {
        if let Ok(Some(format)) = m.try_get_one::<Format>("format") {
            found = *format;
        } else if let Ok(Some(ReportFormat::Json)) = m.try_get_one::<ReportFormat>("format") {
            found = Format::Json;
        }
        matches = m.subcommand().map(|(_, sub)| sub);
    }
    found
}

/// The `--format` raw arguments ask for, for an error found before they could be parsed:
/// `--format json` or `--format=json` anywhere, the last one winning, as clap reads them.
#[must_use]
pub fn format_in_args(args: &[std::ffi::OsString]) -> Format {
    let mut found = Format::Table;
    let mut words = args.iter().map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        let value = match word.strip_prefix("--format") {
            Some("") => words.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        };
        if let Some(value) = value {
            found = match value.as_str() {
                "json" => Format::Json,
                _ => Format::Table,
            };
        }
    }
    found
}

/// The options only the lake engine (`--engine datafusion`) reads, for `scan` and `deid`
/// alike; the native engine refuses them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LakeLimits {
    /// MiB the DataFusion engine may hold before grouping spills to disk (--engine
    /// datafusion).
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(16..))]
    pub memory_limit: Option<u64>,
    /// Where the DataFusion engine writes spill files (--engine datafusion; default: the
    /// system's temporary directory).
    #[arg(long, value_name = "DIR")]
    pub spill_dir: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn matches(args: &[&str]) -> clap::ArgMatches {
        Cli::command().try_get_matches_from(args).unwrap()
    }

    #[test]
    fn the_requested_format_is_found_in_any_subcommand() {
        for (args, format) in [
            (&["freeport", "vocab", "list"][..], Format::Table),
            (
                &["freeport", "vocab", "list", "--format", "json"][..],
                Format::Json,
            ),
            (
                &[
                    "freeport",
                    "log",
                    "verify-receipt",
                    "r",
                    "--vkey",
                    "k",
                    "--format",
                    "json",
                ][..],
                Format::Json,
            ),
            (&["freeport", "man"][..], Format::Table),
            (
                &["freeport", "judge", "f.toml", "--format=json"][..],
                Format::Json,
            ),
        ] {
            assert_eq!(requested_format(&matches(args)), format, "{args:?}");
        }
    }

    #[test]
    fn the_format_is_read_from_arguments_that_do_not_parse() {
        let args =
            |words: &[&str]| -> Vec<std::ffi::OsString> { words.iter().map(Into::into).collect() };
        assert_eq!(
            format_in_args(&args(&["freeport", "judge", "--format", "json", "--bogus"])),
            Format::Json
        );
        assert_eq!(
            format_in_args(&args(&["freeport", "judge", "--format=json"])),
            Format::Json
        );
        assert_eq!(
            format_in_args(&args(&["freeport", "judge", "--format", "table"])),
            Format::Table
        );
        assert_eq!(format_in_args(&args(&["freeport", "judge"])), Format::Table);
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
