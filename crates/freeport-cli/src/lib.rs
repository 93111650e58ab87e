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
    /// Judge one transfer under China's and the United States' rules at once.
    #[command(after_help = JUDGE_AFTER_HELP)]
    Judge(JudgeArgs),
    /// Check, list, explain and compare the rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
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
    pub facts: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Print the JSON Schema of the facts format and exit.
    #[arg(long, conflicts_with = "facts")]
    pub schema: bool,
    /// Rule-pack root holding `cn/` and `us/` instead of the built-in packs.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<std::path::PathBuf>,
    /// Vocabulary file to read categories from instead of the built-in vocabulary.
    #[arg(long, value_name = "FILE")]
    pub vocabulary: Option<std::path::PathBuf>,
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
    pub rules: Option<std::path::PathBuf>,
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
    pub old: std::path::PathBuf,
    /// The newer pack root.
    #[arg(value_name = "NEW")]
    pub new: std::path::PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
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
