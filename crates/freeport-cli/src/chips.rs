//! `freeport chips …`: classify advanced-computing chips under the published US rules and
//! screen end users.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::{Format, PortConnection};

/// `freeport chips …`
#[derive(Debug, Subcommand)]
pub enum ChipsCommand {
    /// Classify a chip, HBM stack or system from its datasheet facts: ECCN 3A090.a / .b / .c,
    /// 4A090, `.z` items, NAC/ACA eligibility and, with a destination, the licence policy —
    /// every compared threshold explained with its citation.
    #[command(after_help = CLASSIFY_AFTER_HELP)]
    Classify(ClassifyArgs),
    /// Screen organisation names against the Consolidated Screening List (the CSV or JSON file
    /// you download) and a registry's own lists, and find affiliates owned 50 % or more by
    /// listed parties.
    #[command(after_help = SCREEN_AFTER_HELP)]
    Screen(ScreenArgs),
    /// The port's whitelist of verified end users: list it with each listing's status, apply,
    /// ask for a re-evaluation, and review the cases both sides decide.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// On-site verification reports: sign one with your reviewer key, submit one signed by both
    /// sides, list them.
    #[command(subcommand)]
    Verify(VerifyCommand),
    /// End-use monitoring: register a device, submit its periodic attestation, list devices,
    /// open cases for overdue ones.
    #[command(subcommand)]
    Attest(AttestCommand),
}

/// `freeport chips registry …`
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// The whitelist, each listing with its status on a day (an overdue re-evaluation reads as
    /// suspended).
    #[command(after_help = REGISTRY_AFTER_HELP)]
    List(RegistryListArgs),
    /// Apply for a listing on a signed verification report: a case both sides decide.
    Apply(RegistryApplyArgs),
    /// Ask for a listing's re-evaluation on a (new) signed verification report.
    Reevaluate(RegistryReevaluateArgs),
    /// The chips cases you may see (applications, re-evaluations, anomalies).
    Cases(ChipsListArgs),
    /// Decide your side of a chips case, signing the decision with your own key.
    Review(RegistryReviewArgs),
}

const REGISTRY_AFTER_HELP: &str = "\
Examples:
  export FREEPORT_PORT_URL=http://127.0.0.1:8400 FREEPORT_TOKEN=fdp_...
  freeport chips registry list
  freeport chips registry list --on 2027-06-01 --format json
  freeport chips registry apply --organisation tianlan-bio --class 3A090.a --verification 1
  freeport chips registry review CC-2026-0001 --approve --key wei.key
";

/// Arguments listing something at the port.
#[derive(Debug, Args)]
pub struct ChipsListArgs {
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport chips registry list`.
#[derive(Debug, Args)]
pub struct RegistryListArgs {
    /// The day statuses are computed for (YYYY-MM-DD); default: the port's today.
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport chips registry apply`.
#[derive(Debug, Args)]
pub struct RegistryApplyArgs {
    /// The organisation (yours, for an exporter).
    #[arg(long)]
    pub organisation: String,
    /// The product class, e.g. `3A090.a`.
    #[arg(long = "class", value_name = "CLASS")]
    pub product_class: String,
    /// The number of the signed verification report it rests on.
    #[arg(long, value_name = "N")]
    pub verification: u64,
    /// How long the listing is to be valid, in days.
    #[arg(long, default_value_t = 730, allow_negative_numbers = true)]
    pub valid_days: i32,
    /// How often it is to be re-evaluated, in days.
    #[arg(long, default_value_t = 365, allow_negative_numbers = true)]
    pub reevaluate_every_days: i32,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport chips registry reevaluate`.
#[derive(Debug, Args)]
pub struct RegistryReevaluateArgs {
    /// The organisation.
    #[arg(long)]
    pub organisation: String,
    /// The product class.
    #[arg(long = "class", value_name = "CLASS")]
    pub product_class: String,
    /// The number of the signed verification report it rests on.
    #[arg(long, value_name = "N")]
    pub verification: u64,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport chips registry review`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("verdict").required(true).args(["approve", "approve_with_conditions", "refuse"])))]
pub struct RegistryReviewArgs {
    /// The case id, e.g. `CC-2026-0001`.
    pub id: String,
    /// Approve your side.
    #[arg(long)]
    pub approve: bool,
    /// Approve your side on these conditions (repeat for several).
    #[arg(long, value_name = "CONDITION")]
    pub approve_with_conditions: Vec<String>,
    /// Refuse your side (a refused re-evaluation or anomaly removes the listing); give the
    /// public reasons with `--reason`.
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

/// `freeport chips verify …`
#[derive(Debug, Subcommand)]
pub enum VerifyCommand {
    /// Sign a verification report with your reviewer key: prints the signed note to send to
    /// whoever submits it. Each side signs on its own machine.
    #[command(after_help = VERIFY_AFTER_HELP)]
    Sign(VerifySignArgs),
    /// Submit a verification report with both sides' signed notes.
    Submit(VerifySubmitArgs),
    /// The verification reports you may see.
    List(ChipsListArgs),
}

const VERIFY_AFTER_HELP: &str = "\
Report file (TOML; dates as strings):
  organisation = \"tianlan-bio\"
  visited_on = \"2026-11-20\"
  site = \"Building 3, 88 Keyuan Road, Shanghai\"
  product_classes = [\"3A090.a\"]
  scope = [\"physical and logical security of the GPU hall\"]
  [inspectors]
  cn = [\"Wang Li\"]
  us = [\"J. Smith\"]
  [[findings]]                 # optional; severity observation, minor, major or critical
  severity = \"minor\"
  text = \"visitor log kept on paper\"
  [[evidence]]
  name = \"hall-photos.zip\"
  sha256 = \"…64 hex digits…\"

Both reviewers sign the same log entry (the report and both signers' accounts):
  freeport chips verify sign report.toml --cn-signer wei --us-signer sam --key wei.key > wei.note
  freeport chips verify sign report.toml --cn-signer wei --us-signer sam --key sam.key > sam.note
  freeport chips verify submit report.toml --cn-signer wei --cn-signature wei.note \\
      --us-signer sam --us-signature sam.note
";

/// Arguments of `freeport chips verify sign`.
#[derive(Debug, Args)]
pub struct VerifySignArgs {
    /// The report file.
    #[arg(value_name = "REPORT.toml")]
    pub report: PathBuf,
    /// China's signing reviewer (their account id).
    #[arg(long)]
    pub cn_signer: String,
    /// The United States' signing reviewer (their account id).
    #[arg(long)]
    pub us_signer: String,
    /// Your private note key (`.key`).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
}

/// Arguments of `freeport chips verify submit`.
#[derive(Debug, Args)]
pub struct VerifySubmitArgs {
    /// The report file.
    #[arg(value_name = "REPORT.toml")]
    pub report: PathBuf,
    /// China's signing reviewer.
    #[arg(long)]
    pub cn_signer: String,
    /// China's signed note (a file).
    #[arg(long, value_name = "FILE")]
    pub cn_signature: PathBuf,
    /// The United States' signing reviewer.
    #[arg(long)]
    pub us_signer: String,
    /// The United States' signed note (a file).
    #[arg(long, value_name = "FILE")]
    pub us_signature: PathBuf,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `freeport chips attest …`
#[derive(Debug, Subcommand)]
pub enum AttestCommand {
    /// Register a device of your listed organisation for monitoring.
    #[command(after_help = ATTEST_AFTER_HELP)]
    Register(AttestFileArgs),
    /// Submit a device's end-use attestation: logged; an anomalous one opens a case.
    Submit(AttestFileArgs),
    /// The devices you may see, with their schedule and attestations.
    Devices(ChipsListArgs),
    /// Open an anomaly case for every device whose attestation is overdue (reviewers, admins).
    Overdue(ChipsListArgs),
}

const ATTEST_AFTER_HELP: &str = "\
Device file (TOML):
  serial = \"GPU-0001\"
  organisation = \"tianlan-bio\"
  product_class = \"3A090.a\"
  site = \"Building 3, 88 Keyuan Road, Shanghai\"
  location = { lat = 31.20, lon = 121.60 }
  attest_every_days = 30

Attestation file (TOML):
  serial = \"GPU-0001\"
  attested_at = \"2026-12-07T08:00:00Z\"
  token_sha256 = \"…\"                      # optional: the confidential-computing token's hash
  [usage]
  device_hours = 610.5
  utilisation_percent = 71.0
  workloads = [\"protein structure prediction\"]
  [[probes]]                               # round trips to named landmarks
  landmark = \"shanghai\"
  rtt_ms = 1.2

A round trip faster than light in fibre (200 km/ms) allows from the registered site is an
anomaly, and so is an attestation without probes.
";

/// Arguments of `freeport chips attest register | submit`.
#[derive(Debug, Args)]
pub struct AttestFileArgs {
    /// The device or attestation file (TOML or JSON).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The port and your token.
    #[command(flatten)]
    pub port: PortConnection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const CLASSIFY_AFTER_HELP: &str = "\
Spec file (TOML; numbers are read exactly from their decimal text):
  name = \"Example accelerator\"
  datacenter = true            # designed or marketed for use in datacenters; or \"unknown\"
  [dense_rates]                # peak dense TOPS/TFLOPS (no sparsity): fp64 fp32 tf32 fp16 bf16 fp8 int8 fp6 fp4 int4
  fp16 = 312.0
  int8 = 624.0
  [[logic_dies]]
  area_mm2 = 826.0
  non_planar = true            # FinFET/GAA; planar dies do not count towards the applicable area
  [memory]                     # optional
  dram_bandwidth_gbps = 2039.0
  [interconnect]               # optional
  bidirectional_gbps = 600
Also: other_eccn = \"5A992\" (.z items); kind = \"hbm\" with [hbm] bandwidth_gbps, area_mm2;
kind = \"system\" with [[components]] (each an IC spec with name and count).
A value written \"unknown\" makes the answer conditional (\"3A090.a if TPP ≥ 4800\").

Examples:
  freeport chips classify a100.toml
  freeport chips classify h20.toml --as-of 2025-06-01 --destination cn --format json
  freeport chips classify h200.toml --as-of 2026-02-01 --destination cn --end-user-hq cn

Exit codes: 0 classified (conditional answers included); 2 bad spec, date or destination.
";

const SCREEN_AFTER_HELP: &str = "\
Names are matched across scripts: Chinese characters and pinyin, simplified and traditional,
full-width letters, legal forms (有限公司, Co., Ltd.), word order and typos. Each hit shows its
score (0-100), the tokens that matched and how, and the normalisation applied.

Registry file (TOML): [[list]] name, description; [[organisation]] id, name_en, name_zh,
aliases, ids = [{ scheme = \"uscc\", value = \"…\" }], addresses = [{ address, country }],
lists, owners = [{ party = \"org-id\" | \"csl:<_id>\", percent = 30 }].

Examples:
  freeport chips screen \"华为技术有限公司\" --list consolidated.csv
  freeport chips screen --file names.txt --list consolidated.json --format json
  freeport chips screen --list consolidated.csv --registry registry.toml

Exit codes: 0 no hit; 1 a name hit a list or an organisation is listed or an affiliate;
2 bad input (the list file's error names the line; nothing is loaded from a bad file).
";

/// Arguments of `freeport chips classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// The spec file.
    #[arg(value_name = "SPEC.toml")]
    pub spec: PathBuf,
    /// The date the rules are taken as of (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Destination country (ISO 3166-1 alpha-2, e.g. `cn`); adds the licence exception and
    /// licence policy answers.
    #[arg(long, value_name = "CC")]
    pub destination: Option<String>,
    /// The end user's headquarters country (or its ultimate parent's); unknown if not given.
    #[arg(long, value_name = "CC", requires = "destination")]
    pub end_user_hq: Option<String>,
    /// A chips rule pack directory to use instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    pub pack: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `freeport chips screen`.
#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// Names to screen.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// A file of names to screen, one per line (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The Consolidated Screening List file (CSV or JSON, as downloaded).
    #[arg(long, value_name = "CSL")]
    pub list: PathBuf,
    /// A registry of organisations: its lists are screened too, and its organisations are
    /// screened for ownership by listed parties.
    #[arg(long, value_name = "REGISTRY.toml")]
    pub registry: Option<PathBuf>,
    /// The lowest score reported as a hit (0-100).
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub threshold: u8,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}
