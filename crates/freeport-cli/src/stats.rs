//! `freeport stats ...`: joint statistics across sites in both countries (Prio3 with two
//! aggregators, one per country, and DP noise).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::Format;

/// A country whose aggregator a command concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CountryArg {
    /// China.
    Cn,
    /// The United States.
    Us,
}

pub(crate) const STATS_AFTER_HELP: &str = "\
A study runs in this order (each party with its own home; approvals and releases are logged in
the port's transparency log, in the port home of $FREEPORT_HOME or --store, made by `freeport init`):
  freeport stats collector init --home coll                 # the coordinator's keys
  freeport stats aggregator init --country cn --home cn     # each aggregator's keys and state
  freeport stats aggregator init --country us --home us
  (write study.toml with the printed keys)
  freeport stats study sign study.toml --home coll          # writes study.toml.sig
  freeport stats aggregator approve study.toml --home cn    # each operator approves (logged)
  freeport stats aggregator serve --country cn --home cn --listen 127.0.0.1:7101
  freeport stats submit study.toml site-a.csv --site a      # each site
  freeport stats collect study.toml pm25_by_region --home coll   # published in the log

Or each aggregator inside its country's port (`freeport serve` mounts it at /stats/v1; its
reviewers approve through their accounts, the running port logs the approval):
  FREEPORT_HOME=port-cn freeport stats aggregator init --country cn
  FREEPORT_HOME=port-cn freeport serve --listen 127.0.0.1:7101
  FREEPORT_TOKEN=fdp_... freeport stats aggregator approve study.toml --port http://127.0.0.1:7101
  FREEPORT_TOKEN=fdp_... freeport stats studies --port http://127.0.0.1:7101   # the registry
";

/// `freeport stats ...`
#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Run or prepare an aggregator: `init` its home, `approve` a study, `serve` it.
    #[command(subcommand)]
    Aggregator(AggregatorCommand),
    /// Create the collector's (study coordinator's) keys.
    #[command(subcommand)]
    Collector(CollectorCommand),
    /// Sign or show a study definition.
    #[command(subcommand)]
    Study(StudyCommand),
    /// Send a site's reports: read the datasets, encode, shard and encrypt each record's
    /// measurements, and upload them to the leader. Records never leave the site.
    #[command(
        after_help = "Examples:\n  freeport stats submit study.toml stations-cn.csv --site cn-network --receipt receipt.json\n"
    )]
    Submit(SubmitArgs),
    /// Collect one query: both aggregators' noisy shares, combined into answers with their
    /// confidence intervals, and published as a `publication` entry of the port's log (the
    /// port home must hold a log that no other process holds; it is opened before anything is
    /// spent), or with `--port` by each running port hosting one of the study's aggregators.
    #[command(
        after_help = "Examples:\n  freeport stats collect study.toml pm25_mean --home coll\n  freeport stats collect study.toml exceedances --home coll --from 2026-01-01 --until 2026-07-01 --format json\n  FREEPORT_TOKEN=fdp_cn...,fdp_us... freeport stats collect study.toml admissions --home coll --port http://cn.example:8400 --port http://us.example:8400\n"
    )]
    Collect(CollectArgs),
    /// Show an aggregator's counters for a study: accepted reports, rejections by reason, ε
    /// spent.
    Status(StatusArgs),
    /// The exact answer over pooled data (no noise, no protocol): the truth a pilot or test
    /// compares a release with. Never part of a study.
    Plain(PlainArgs),
    /// Check a release's intervals against the exact answers; exit 1 if any misses.
    Compare(CompareArgs),
    /// The study registry of the aggregator a port hosts: every approved study, who approved
    /// it, its SHA-256 and its log entry.
    #[command(
        after_help = "Examples:\n  export FREEPORT_PORT_URL=http://127.0.0.1:8400 FREEPORT_TOKEN=fdp_...\n  freeport stats studies\n  freeport stats studies --format json\n"
    )]
    Studies(StudiesArgs),
    /// The released results a port published (`stats collect --port`): each study's query,
    /// collection request, who posted it and its log entry.
    #[command(
        after_help = "Examples:\n  export FREEPORT_PORT_URL=http://127.0.0.1:8400 FREEPORT_TOKEN=fdp_...\n  freeport stats releases --format json\n"
    )]
    Releases(StudiesArgs),
}

/// `freeport stats aggregator ...`
#[derive(Debug, Subcommand)]
pub enum AggregatorCommand {
    /// Create an aggregator home: HPKE key pair and state database. Prints the public key.
    Init(AggregatorInitArgs),
    /// Approve a signed study for this aggregator (it must name this home's key). The approval,
    /// with the study's SHA-256, is appended to the port's log first: without that log (the
    /// port home of `$FREEPORT_HOME` or `--store`, made by `freeport init`) nothing is approved.
    Approve(ApproveArgs),
    /// Serve the aggregator's endpoints for its approved studies until Ctrl-C.
    Serve(AggregatorServeArgs),
}

/// Arguments of `stats aggregator init`.
#[derive(Debug, Args)]
pub struct AggregatorInitArgs {
    /// The country this aggregator serves.
    #[arg(long, value_enum)]
    pub country: CountryArg,
    /// The home directory (must not hold an aggregator yet). Without it, the aggregator is made
    /// in the port home (`$FREEPORT_HOME` or `--store`, made by `freeport init`), and
    /// `freeport serve` hosts it there.
    #[arg(long)]
    pub home: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `stats aggregator approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The study (its signature `STUDY.sig` beside it).
    pub study: PathBuf,
    /// A standalone aggregator's home (its approval appended to the port home's log directly,
    /// so no `freeport serve` may hold that log).
    #[arg(long, required_unless_present = "port", conflicts_with = "port")]
    pub home: Option<PathBuf>,
    /// The port hosting the aggregator: approve through your account there (a reviewer of the
    /// aggregator's country), recorded in its study registry and logged by the running port.
    #[arg(long = "port", value_name = "URL")]
    pub port: Option<String>,
    /// Your API token at `--port` (prefer the environment variable).
    #[arg(
        long,
        env = "FREEPORT_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        requires = "port"
    )]
    pub token: Option<String>,
}

/// Arguments of `stats studies`.
#[derive(Debug, Args)]
pub struct StudiesArgs {
    /// The port and your token.
    #[command(flatten)]
    pub port: crate::PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `stats aggregator serve`.
#[derive(Debug, Args)]
pub struct AggregatorServeArgs {
    /// The country this aggregator serves (must match its home).
    #[arg(long, value_enum)]
    pub country: CountryArg,
    /// The aggregator's home, created by `init`.
    #[arg(long)]
    pub home: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7101")]
    pub listen: SocketAddr,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `freeport stats collector ...`
#[derive(Debug, Subcommand)]
pub enum CollectorCommand {
    /// Create a collector home: Ed25519 signing key and HPKE key. Prints the public keys.
    Init(HomeArgs),
}

/// A home directory.
#[derive(Debug, Args)]
pub struct HomeArgs {
    /// The home directory.
    #[arg(long)]
    pub home: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `freeport stats study ...`
#[derive(Debug, Subcommand)]
pub enum StudyCommand {
    /// Sign a study with the collector's key (writes `STUDY.sig`).
    Sign(SignArgs),
    /// Check a signed study and show its hash and queries.
    Show(ShowArgs),
}

/// Arguments of `stats study sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The study.
    pub study: PathBuf,
    /// The collector's home.
    #[arg(long)]
    pub home: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `stats study show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The study.
    pub study: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `stats submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// The study.
    pub study: PathBuf,
    /// The site's datasets (CSV, JSON Lines, Parquet, XLSX; directories and globs).
    #[arg(required = true)]
    pub data: Vec<PathBuf>,
    /// The site's id in the study.
    #[arg(long)]
    pub site: String,
    /// Where to write the receipt (JSON).
    #[arg(long)]
    pub receipt: Option<PathBuf>,
    /// Reports per upload.
    #[arg(long, default_value_t = 2000)]
    pub batch: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `stats collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// The study.
    pub study: PathBuf,
    /// The query's id.
    pub query: String,
    /// The collector's home.
    #[arg(long)]
    pub home: PathBuf,
    /// First day of the batch (default: the study's start).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Day after the batch (default: the study's end).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,
    /// Also write the release (JSON) to this file.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// A running port hosting one of the study's aggregators: the release is published there
    /// (recorded and logged by that port) instead of in the port home's log. Repeat for each
    /// port; each is asked first whether it lists the study, before anything is spent.
    #[arg(long = "port", value_name = "URL", requires = "token")]
    pub port: Vec<String>,
    /// Your API token at each `--port`, in the same order (one token serves every port;
    /// prefer the environment variable, comma-separated).
    #[arg(
        long,
        env = "FREEPORT_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        value_delimiter = ','
    )]
    pub token: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `stats status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The study.
    pub study: PathBuf,
    /// Which aggregator.
    #[arg(long, value_enum)]
    pub country: CountryArg,
}

/// Arguments of `stats plain`.
#[derive(Debug, Args)]
pub struct PlainArgs {
    /// The study.
    pub study: PathBuf,
    /// The query's id.
    pub query: String,
    /// Every site's datasets, pooled.
    #[arg(required = true)]
    pub data: Vec<PathBuf>,
    /// First day (default: the study's start).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Day after the last (default: the study's end).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,
}

/// Arguments of `stats compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// A release (from `collect --output` or `--format json`).
    pub release: PathBuf,
    /// The exact answers (from `plain`).
    pub truth: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}
