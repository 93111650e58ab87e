//! The command line of Free Data Port: every subcommand, argument and help text, and nothing
//! that runs them.
//!
//! Keeping the clap types apart from the engines lets help, completions and reference docs be
//! generated (and snapshot-tested) without linking the engines, and keeps one source of truth for
//! what each flag means.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Browse the shared vocabulary of data categories and how each country's law treats them.
    #[command(subcommand, visible_alias = "vocabulary")]
    Vocab(VocabCommand),
    /// List recorded transfers with cumulative volumes under China's and the US counting windows.
    #[command(
        after_help = "Examples:\n  freeport history\n  freeport history --exporter acme-cn --format json\n  freeport --store ./freeport.db history --counterparty acme-us\n"
    )]
    History(HistoryArgs),
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
}

const SCAN_AFTER_HELP: &str = "\
Inputs: CSV/TSV (UTF-8, UTF-8 with BOM, GBK/GB18030 detected), JSON Lines, Parquet, XLSX (one
dataset per worksheet); directories are walked, globs expanded, `-` reads CSV from stdin.

Examples:
  freeport scan customers.csv
  freeport scan exports/ --format json > scan.json
  freeport scan '*.xlsx' --show-examples
  freeport scan big.csv --threads 2 --sample 100000
  freeport scan gbk-export.csv --encoding gb18030

Exit codes: 0 every input scanned; 2 some inputs failed (the others are still reported).
";

/// Arguments of `freeport scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files, directories (walked recursively), globs, or `-` for CSV on standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Worker threads (0 = one per core); results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
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
    /// Transfer facts, TOML or JSON (by extension); see `--schema`.
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
}

/// `freeport rules ...`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate the packs (Cedar syntax, schema, annotations); errors point at file and line.
    #[command(
        after_help = "Examples:\n  freeport rules check\n  freeport rules check --rules ./my-rules\n"
    )]
    Check(RulesArgs),
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
}

/// Where the packs come from.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Rule-pack root holding `cn/` and `us/` instead of the built-in packs.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
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
}

/// Arguments of `log append`.
#[derive(Debug, Args)]
pub struct LogAppendArgs {
    /// The log directory.
    pub dir: PathBuf,
    /// JSON-lines file of entries, or `-` for standard input.
    #[arg(default_value = "-")]
    pub input: PathBuf,
    /// Entries per durable batch.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Sign a checkpoint with this private key after appending.
    #[arg(long)]
    pub key: Option<PathBuf>,
}

/// Arguments of `log checkpoint`.
#[derive(Debug, Args)]
pub struct LogCheckpointArgs {
    /// The log directory.
    pub dir: PathBuf,
    /// The log's private key.
    #[arg(long)]
    pub key: PathBuf,
}

/// Arguments of `log cosign`.
#[derive(Debug, Args)]
pub struct LogCosignArgs {
    /// The log directory.
    pub dir: PathBuf,
    /// A witness's submission URL (repeat for several).
    #[arg(long = "witness", value_name = "URL", required = true)]
    pub witnesses: Vec<String>,
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

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
    /// Where to write the de-identified dataset.
    #[arg(short, long, value_name = "OUTPUT", required = true)]
    pub output: Option<PathBuf>,
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
}

/// `freeport deid ...` actions other than a run.
#[derive(Debug, Subcommand)]
pub enum DeidCommand {
    /// Draft a `deid.toml` from a scan result, proposing a role per column from its category.
    #[command(after_help = "Examples:\n  freeport deid plan scan.json > deid.toml\n")]
    Plan(DeidPlanArgs),
}

/// Arguments of `freeport deid plan`.
#[derive(Debug, Args)]
pub struct DeidPlanArgs {
    /// The scan result (JSON) to draft from.
    #[arg(value_name = "SCAN.json")]
    pub scan: PathBuf,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
