//! The command line of Free Data Port: every subcommand, argument and help text, and nothing
//! that runs them.
//!
//! Keeping the clap types apart from the engines lets help, completions and reference docs be
//! generated (and snapshot-tested) without linking the engines, and keeps one source of truth for
//! what each flag means.

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
