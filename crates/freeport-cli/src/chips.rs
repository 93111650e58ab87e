//! `freeport chips …`: classify advanced-computing chips under the published US rules and
//! screen end users.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::Format;

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
