//! `freeport deid plan`: drafts a `deid.toml` from a scan result, proposing a role (and a
//! hierarchy or transform) per column from its data category. The draft is a starting point
//! for a person to review, never applied automatically.

use std::fmt::Write as _;

use freeport_detect::{Deid, Hierarchy};
use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
struct Scan {
    datasets: Vec<Dataset>,
}

#[derive(Debug, Deserialize)]
struct Dataset {
    path: String,
    #[serde(default)]
    rows: Option<u64>,
    columns: Vec<ScanColumn>,
}

#[derive(Debug, Deserialize)]
struct ScanColumn {
    name: String,
    #[serde(default)]
    category: Option<String>,
}

/// What the draft proposes for a column of `category`: the category's detector's proposal
/// (`freeport_detect::deid_proposal`), nothing for a column without a category.
fn propose(category: Option<&str>) -> Deid {
    category.map_or(Deid::Insensitive, freeport_detect::deid_proposal)
}

/// The TOML a drafted plan writes for a built-in hierarchy, `None` for a hierarchy file.
fn builtin(hierarchy: Hierarchy) -> Option<String> {
    match hierarchy {
        Hierarchy::Interval { widths, top_code } => {
            let widths: Vec<String> = widths.iter().map(u32::to_string).collect();
            Some(format!(
                "{{ interval = {{ widths = [{}], top-code = {top_code} }} }}",
                widths.join(", ")
            ))
        }
        Hierarchy::Date => Some("\"date\"".to_owned()),
        Hierarchy::UsZip3 => Some(
            "{ us-zip3 = { population = \"zip3-population.csv\" } }\n# supply zip3-population.csv (lines `zip3,population`) before running: freeport ships no population table".to_owned(),
        ),
        Hierarchy::File => None,
    }
}

/// Drafts one configuration per dataset of a scan result; `name` names the scan result in
/// errors (its path, or `-`).
///
/// # Errors
///
/// [`Error::ScanResult`] naming the file, line and column when the scan JSON does not have the
/// shape `{"datasets":[{"path","rows","columns":[{"name","category"}]}]}`.
pub fn draft(scan_json: &str, name: &str) -> Result<String> {
    let scan: Scan =
        serde_json::from_str(scan_json).map_err(|e| Error::scan_result(name, scan_json, &e))?;
    let mut out = String::new();
    for d in &scan.datasets {
        let _ = writeln!(
            out,
            "# Draft de-identification plan for `{}`{}.",
            d.path,
            d.rows.map(|r| format!(" ({r} rows)")).unwrap_or_default()
        );
        let _ = writeln!(
            out,
            "# Proposed from the scan's categories: review every role before use."
        );
        out.push_str("version = 1\n\n[model]\nk = 5\nsuppression-limit = 0.05\n");
        let sensitive: Vec<&ScanColumn> = d
            .columns
            .iter()
            .filter(|c| propose(c.category.as_deref()) == Deid::Sensitive)
            .collect();
        for s in &sensitive {
            let _ = write!(
                out,
                "\n[[model.l-diversity]]\nattribute = {}\nvariant = \"distinct\"\nl = 2\n",
                quote(&s.name)
            );
        }
        out.push_str("\n[metric]\nname = \"loss\"\n");
        for c in &d.columns {
            let cat = c.category.as_deref();
            let _ = write!(out, "\n[columns.{}]\n", quote(&c.name));
            let role = match propose(cat) {
                Deid::Identifier => "identifier",
                Deid::QuasiIdentifier(_) => "quasi-identifier",
                Deid::Sensitive => "sensitive",
                Deid::Insensitive => "insensitive",
            };
            let _ = writeln!(out, "role = \"{role}\"");
            if let Some(cat) = cat {
                let _ = writeln!(out, "category = {}", quote(cat));
            }
            match propose(cat) {
                Deid::QuasiIdentifier(h) => match builtin(h) {
                    Some(h) => {
                        let _ = writeln!(out, "hierarchy = {h}");
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "# write this ARX hierarchy (value;level 1;...;*) before running:\nhierarchy = {{ file = {} }}",
                            quote(&format!("hierarchies/{}.csv", c.name))
                        );
                    }
                },
                Deid::Identifier => {
                    let _ = writeln!(out, "transform = \"delete\"");
                }
                Deid::Sensitive | Deid::Insensitive => {}
            }
        }
        out.push('\n');
    }
    Ok(out)
}

fn quote(s: &str) -> String {
    let escaped: String = s
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{LoadedConfig, Role};

    #[test]
    fn draft_parses_as_a_configuration_with_proposed_roles() {
        let scan = r#"{"datasets":[{"path":"p.csv","rows":10,"columns":[
            {"name":"name","category":"person.name"},
            {"name":"sfz","category":"id.cn.resident_id"},
            {"name":"age","category":"person.age"},
            {"name":"zip","category":"location.postal_code"},
            {"name":"dx","category":"health.diagnosis"},
            {"name":"note"}]}]}"#;
        let text = draft(scan, "scan.json").unwrap();
        let c = LoadedConfig::parse(&text, "draft", std::path::PathBuf::new())
            .unwrap()
            .config;
        assert_eq!(c.columns.get("name").unwrap().role, Role::Identifier);
        assert_eq!(c.columns.get("sfz").unwrap().role, Role::Identifier);
        assert_eq!(c.columns.get("age").unwrap().role, Role::QuasiIdentifier);
        assert_eq!(c.columns.get("zip").unwrap().role, Role::QuasiIdentifier);
        assert_eq!(c.columns.get("dx").unwrap().role, Role::Sensitive);
        assert_eq!(c.columns.get("note").unwrap().role, Role::Insensitive);
        assert_eq!(c.model.l_diversity.len(), 1);
    }

    /// The role, hierarchy and transform proposed for every vocabulary category (and for a
    /// column without one), held as a snapshot.
    #[test]
    fn proposal_for_every_category() {
        let vocabulary = freeport_vocabulary::Vocabulary::embedded().unwrap();
        let columns: Vec<serde_json::Value> = vocabulary
            .categories()
            .iter()
            .map(|c| serde_json::json!({"name": c.id, "category": c.id}))
            .chain([serde_json::json!({"name": "none"})])
            .collect();
        let scan = serde_json::json!({"datasets": [{"path": "all.csv", "columns": columns}]});
        insta::assert_snapshot!(draft(&scan.to_string(), "scan.json").unwrap());
    }

    #[test]
    fn bad_scan_is_refused_naming_the_file_line_and_column() {
        let text = "{\n  \"datasets\": 3\n}\n";
        let e = draft(text, "out/scan.json").unwrap_err();
        let Error::ScanResult(scan) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(scan.name(), "out/scan.json");
        assert_eq!(scan.position(), (2, 15));
        assert_eq!(
            e.to_string(),
            "`out/scan.json` line 2 column 15: invalid type: integer `3`, expected a sequence"
        );
        let label = miette::Diagnostic::labels(scan.as_ref())
            .and_then(|mut l| l.next())
            .unwrap();
        assert_eq!(text.get(label.offset()..).unwrap(), "3\n}\n");
        let e = draft("not json", "s.json").unwrap_err().to_string();
        assert!(e.starts_with("`s.json` line 1 column "), "{e}");
    }
}
