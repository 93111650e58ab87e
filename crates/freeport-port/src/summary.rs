//! The classification summary a sealed package's manifest carries: per dataset its columns'
//! categories, and the inventory as judged — names and counts, never values.

use std::path::Path;

use freeport_policy::{InventoryItem, TransferFacts};
use freeport_scan::ScanReport;
use serde::Serialize;

/// The manifest's `classification`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification<'a> {
    /// Distinct natural persons in the transfer, when the facts give them.
    pub individuals: Option<u64>,
    /// The inventory the transfer was judged on.
    pub inventory: &'a [InventoryItem],
    /// The datasets, in the scan's order.
    pub datasets: Vec<DatasetSummary<'a>>,
}

/// One dataset of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatasetSummary<'a> {
    /// The dataset's file name, without its directory (which could name a person or place).
    pub name: Option<String>,
    /// Rows read.
    pub rows: u64,
    /// Its columns, in order.
    pub columns: Vec<ColumnSummary<'a>>,
}

/// One column of a dataset: its name and category, never a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnSummary<'a> {
    /// Column name.
    pub name: &'a str,
    /// Vocabulary category, if the scan found one.
    pub category: Option<&'a str>,
}

impl<'a> Classification<'a> {
    /// The summary of `scan` judged as `facts`.
    #[must_use]
    pub fn new(scan: &'a ScanReport, facts: &'a TransferFacts) -> Self {
        Self {
            individuals: facts.data.individuals,
            inventory: &facts.data.inventory,
            datasets: scan
                .datasets
                .iter()
                .map(|d| DatasetSummary {
                    name: Path::new(&d.path)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned()),
                    rows: d.rows,
                    columns: d
                        .columns
                        .iter()
                        .map(|c| ColumnSummary {
                            name: &c.name,
                            category: c.category.as_deref(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use freeport_policy::{FactsFormat, Judge, Jurisdiction, RulePack, parse_facts};
    use freeport_vocabulary::Vocabulary;
    use serde_json::json;

    use super::*;
    use crate::inventory::tests::{column, dataset};

    #[test]
    fn the_summary_has_the_shape_the_manifest_always_had() {
        let vocabulary = Vocabulary::embedded().unwrap();
        let judge = Judge::new(
            RulePack::embedded(Jurisdiction::Cn).unwrap(),
            RulePack::embedded(Jurisdiction::Us).unwrap(),
            vocabulary,
        )
        .unwrap();
        let text = include_str!("../../../examples/assess/ecommerce-cn-us/transfer.toml");
        let facts = parse_facts("transfer.toml", text, FactsFormat::Toml, &judge).unwrap();
        let mut sheet = dataset(
            vec![
                column("name", Some("person.name"), 3, 0),
                column("note", None, 3, 1),
            ],
            3,
            None,
        );
        sheet.path = "/home/someone/exports/d.csv".to_owned();
        let scan = ScanReport {
            schema: 1,
            datasets: vec![sheet],
            errors: Vec::new(),
        };
        // What the manifest held when it was written as a `json!` value.
        let before = json!({
            "individuals": facts.data.individuals,
            "inventory": facts.data.inventory,
            "datasets": [{
                "name": "d.csv",
                "rows": 3,
                "columns": [
                    {"name": "name", "category": "person.name"},
                    {"name": "note", "category": null},
                ],
            }],
        });
        let summary = Classification::new(&scan, &facts);
        assert_eq!(serde_json::to_value(&summary).unwrap(), before);
        assert_eq!(
            serde_json_canonicalizer::to_vec(&summary).unwrap(),
            serde_json_canonicalizer::to_vec(&before).unwrap()
        );
    }
}
