//! `freeport transfer init`: a commented facts file to start from, one per bundled scenario
//! (the examples in `examples/transfers/`, embedded so the binary needs no checkout).

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// The bundled scenarios: name, what it is, and its example facts file.
pub const SCENARIOS: [(&str, &str, &str); 10] = [
    (
        "cross-border-ecommerce",
        "a Chinese marketplace passes customers' orders to a US seller",
        include_str!("../../../examples/transfers/cross-border-ecommerce.toml"),
    ),
    (
        "cross-border-payments",
        "a payment processor settles Chinese cardholders' payments with a US acquirer",
        include_str!("../../../examples/transfers/cross-border-payments.toml"),
    ),
    (
        "clinical-research-collaboration",
        "a Chinese hospital shares trial data with a US research partner",
        include_str!("../../../examples/transfers/clinical-research-collaboration.toml"),
    ),
    (
        "hr-cn-subsidiary-to-us-parent",
        "a Chinese subsidiary sends employee records to its US parent",
        include_str!("../../../examples/transfers/hr-cn-subsidiary-to-us-parent.toml"),
    ),
    (
        "hr-us-parent-to-cn-subsidiary",
        "a US parent sends employee records to its Chinese subsidiary",
        include_str!("../../../examples/transfers/hr-us-parent-to-cn-subsidiary.toml"),
    ),
    (
        "service-outsourcing",
        "a Chinese company's customer service is outsourced to a US provider",
        include_str!("../../../examples/transfers/service-outsourcing.toml"),
    ),
    (
        "supply-chain-management",
        "a manufacturer shares suppliers' contacts across the border",
        include_str!("../../../examples/transfers/supply-chain-management.toml"),
    ),
    (
        "us-company-chinese-cloud",
        "a US company stores customer data with a Chinese cloud provider",
        include_str!("../../../examples/transfers/us-company-chinese-cloud.toml"),
    ),
    (
        "us-data-broker-location",
        "a US data broker sells location data to a buyer in China",
        include_str!("../../../examples/transfers/us-data-broker-location.toml"),
    ),
    (
        "us-vendor-singapore-owned",
        "a US company hires a vendor owned from a country of concern",
        include_str!("../../../examples/transfers/us-vendor-singapore-owned.toml"),
    ),
];

/// The example facts of the scenario `name`.
#[must_use]
pub fn scenario_example(name: &str) -> Option<&'static str> {
    SCENARIOS
        .iter()
        .find(|(scenario, _, _)| *scenario == name)
        .map(|(_, _, text)| *text)
}

const TRANSFER_INIT_AFTER_HELP: &str = "\
Examples:
  freeport transfer init                                   # cross-border-ecommerce, to transfer.toml
  freeport transfer init --scenario clinical-research-collaboration -o trial.toml
  freeport transfer init --list
  freeport transfer init --scenario us-data-broker-location -o - | less

Then edit the file and run `freeport judge transfer.toml` (or `freeport assess` with a dataset).";

/// `freeport transfer …`
#[derive(Debug, Subcommand)]
pub enum TransferCommand {
    /// Write a facts file to start from: a bundled scenario's facts with every key explained
    /// (what it means, where the law says so, the values it takes), from the facts format's own
    /// schema.
    #[command(after_help = TRANSFER_INIT_AFTER_HELP)]
    Init(TransferInitArgs),
}

/// Arguments of `freeport transfer init`.
#[derive(Debug, Args)]
pub struct TransferInitArgs {
    /// The scenario to start from (`--list` shows them).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "cross-border-ecommerce",
        value_parser = clap::builder::PossibleValuesParser::new(SCENARIOS.map(|(name, _, _)| name))
    )]
    pub scenario: String,
    /// Where to write it (`-` for standard output); an existing file is replaced only with
    /// `--force`.
    #[arg(short, long, value_name = "FILE", default_value = "transfer.toml")]
    pub out: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
    /// List the scenarios and write nothing.
    #[arg(long, conflicts_with_all = ["out", "force"])]
    pub list: bool,
}
