//! The Consolidated Screening List as the user downloads it: the CSV or JSON bulk file
//! (`consolidated.csv` / `consolidated.json` from data.trade.gov's downloadable CSL).
//!
//! CSV: a header line naming the columns (the published order is `_id,source,entity_number,
//! type,programs,name,title,addresses,federal_register_notice,start_date,end_date,
//! standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,
//! gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,
//! citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids`);
//! columns are found by name, so a reordered file or extra columns still load, but `source`,
//! `type` and `name` must be there. Multi-valued cells are `; `-separated; each address ends
//! with its ISO-2 country. JSON: the search API's shape, `{"results": [...]}`, or a bare array.
//! Source: /work/shared/reference/export-controls.md §9 (openedx/ecommerce `sdn.py` and its
//! tests [P]; the ITA API specification [P]).
//!
//! Loading is all or nothing: the first bad line is an error naming it, and no entry is
//! returned.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Located};

/// One entry of a screening list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntry {
    /// Which list (`csl`, or a registry list name).
    pub list: String,
    /// The entry's id (`_id`; else `line N`).
    pub id: String,
    /// The source list (`Entity List (EL) - Bureau of Industry and Security`).
    pub source: String,
    /// Individual, Entity, Vessel or Aircraft.
    #[serde(rename = "type")]
    pub entity_type: String,
    /// The listed name.
    pub name: String,
    /// Other names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alt_names: Vec<String>,
    /// Sanctions programmes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    /// Addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// ISO-2 countries of the addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// Identifiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// The Federal Register notice that listed it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub federal_register_notice: String,
    /// Licence requirement (Entity List).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub license_requirement: String,
    /// Licence review policy (Entity List).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub license_policy: String,
}

/// The columns a CSL CSV must have.
const REQUIRED: [&str; 3] = ["source", "type", "name"];

fn split_multi(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The country of an address: its last comma-separated part, if two upper-case letters.
fn country_of(address: &str) -> Option<String> {
    let last = address.rsplit(',').next()?.trim();
    (last.len() == 2 && last.bytes().all(|b| b.is_ascii_uppercase())).then(|| last.to_owned())
}

/// Loads a CSL file; JSON if its first non-blank character is `{` or `[`, else CSV.
///
/// # Errors
///
/// [`Error::List`] naming the line (and pointing at it) for the first malformed record.
pub fn load(file: &str, text: &str) -> Result<Vec<ListEntry>, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match text.trim_start().chars().next() {
        Some('{' | '[') => load_json(file, text),
        _ => load_csv(file, text),
    }
}

fn line_span(text: &str, line: usize) -> (usize, usize) {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (start, l.trim_end_matches(['\n', '\r']).len());
        }
        start += l.len();
    }
    (text.len(), 0)
}

fn at_line(file: &str, text: &str, line: usize, message: String, help: &str) -> Error {
    Error::list(
        Located::new(file, text, format!("`{file}` line {line}: {message}"))
            .with_help(help)
            .label(line_span(text, line), "this line"),
    )
}

fn load_csv(file: &str, text: &str) -> Result<Vec<ListEntry>, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            at_line(
                file,
                text,
                1,
                format!("cannot read the header: {e}"),
                "the first line names the columns",
            )
        })?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    if let Some(missing) = REQUIRED.iter().find(|c| column(c).is_none()) {
        return Err(at_line(
            file,
            text,
            1,
            format!("the header has no `{missing}` column"),
            "a Consolidated Screening List CSV starts with `_id,source,entity_number,type,programs,name,…`; download consolidated.csv again",
        ));
    }
    let get = |record: &csv::StringRecord, name: &str| -> String {
        column(name)
            .and_then(|i| record.get(i))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let mut entries = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e
                .position()
                .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => {
                    format!("{len} fields where the header has {expected_len}")
                }
                csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
                _ => e.to_string(),
            };
            at_line(
                file,
                text,
                line,
                message,
                "every record has one field per header column; quote fields that hold commas",
            )
        })?;
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        let name = get(&record, "name");
        if name.is_empty() {
            return Err(at_line(
                file,
                text,
                line,
                "the entry has no name".to_owned(),
                "every CSL entry has a `name`",
            ));
        }
        let addresses = split_multi(&get(&record, "addresses"));
        let mut countries: Vec<String> = addresses.iter().filter_map(|a| country_of(a)).collect();
        countries.sort();
        countries.dedup();
        let id = match get(&record, "_id") {
            id if id.is_empty() => format!("line {line}"),
            id => id,
        };
        entries.push(ListEntry {
            list: "csl".to_owned(),
            id,
            source: get(&record, "source"),
            entity_type: get(&record, "type"),
            name,
            alt_names: split_multi(&get(&record, "alt_names")),
            programs: split_multi(&get(&record, "programs")),
            addresses,
            countries,
            ids: split_multi(&get(&record, "ids")),
            federal_register_notice: get(&record, "federal_register_notice"),
            license_requirement: get(&record, "license_requirement"),
            license_policy: get(&record, "license_policy"),
        });
    }
    if entries.is_empty() {
        return Err(at_line(
            file,
            text,
            1,
            "the list has no entries".to_owned(),
            "a screening list with no entry would clear every name",
        ));
    }
    Ok(entries)
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum JsonFile {
    Api { results: Vec<JsonEntry> },
    Bare(Vec<JsonEntry>),
}

#[derive(Debug, Deserialize)]
struct JsonAddress {
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    country: Option<String>,
}

#[derive(Debug, Deserialize)]
struct JsonId {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    country: Option<String>,
}

#[derive(Debug, Deserialize)]
struct JsonEntry {
    #[serde(default)]
    id: Option<String>,
    source: String,
    #[serde(rename = "type")]
    entity_type: String,
    name: String,
    #[serde(default)]
    alt_names: Option<Vec<String>>,
    #[serde(default)]
    programs: Option<Vec<String>>,
    #[serde(default)]
    addresses: Option<Vec<JsonAddress>>,
    #[serde(default)]
    ids: Option<Vec<JsonId>>,
    #[serde(default)]
    federal_register_notice: Option<String>,
    #[serde(default)]
    license_requirement: Option<String>,
    #[serde(default)]
    license_policy: Option<String>,
}

fn load_json(file: &str, text: &str) -> Result<Vec<ListEntry>, Error> {
    let parsed: JsonFile = serde_json::from_str(text).map_err(|e| {
        at_line(
            file,
            text,
            e.line().max(1),
            format!("{e}"),
            "the CSL JSON is the search API's `{\"results\": [...]}` or an array of its results",
        )
    })?;
    let results = match parsed {
        JsonFile::Api { results } | JsonFile::Bare(results) => results,
    };
    let mut entries = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        if r.name.trim().is_empty() {
            return Err(at_line(
                file,
                text,
                1,
                format!("result {i} has no name"),
                "every CSL entry has a `name`",
            ));
        }
        let mut addresses = Vec::new();
        let mut countries = Vec::new();
        for a in r.addresses.unwrap_or_default() {
            let parts: Vec<String> = [a.address, a.city, a.country.clone()]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect();
            addresses.push(parts.join(", "));
            countries.extend(a.country);
        }
        countries.sort();
        countries.dedup();
        let ids = r
            .ids
            .unwrap_or_default()
            .into_iter()
            .map(|id| {
                [id.country, id.kind, id.number]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        entries.push(ListEntry {
            list: "csl".to_owned(),
            id: r.id.unwrap_or_else(|| format!("result {i}")),
            source: r.source,
            entity_type: r.entity_type,
            name: r.name.trim().to_owned(),
            alt_names: r.alt_names.unwrap_or_default(),
            programs: r.programs.unwrap_or_default(),
            addresses,
            countries,
            ids,
            federal_register_notice: r.federal_register_notice.unwrap_or_default(),
            license_requirement: r.license_requirement.unwrap_or_default(),
            license_policy: r.license_policy.unwrap_or_default(),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../tests/data/csl-synthetic.csv");

    fn err(text: &str) -> String {
        match load("csl.csv", text) {
            Err(Error::List(e)) => e.message().to_owned(),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn the_synthetic_sample_loads() {
        let entries = load("csl.csv", SAMPLE).unwrap();
        assert!(entries.len() >= 10);
        assert!(
            entries
                .iter()
                .all(|e| !e.name.is_empty() && e.list == "csl")
        );
        assert!(entries.iter().any(|e| e.countries == ["CN"]));
    }

    #[test]
    fn a_malformed_file_names_the_line_and_loads_nothing() {
        let mut lines: Vec<&str> = SAMPLE.lines().collect();
        lines.insert(3, "x,y");
        let text = lines.join("\n");
        assert_eq!(
            err(&text),
            "`csl.csv` line 4: 2 fields where the header has 29"
        );
        let headerless = SAMPLE.replacen("_id,source,", "_id,origin,", 1);
        assert_eq!(
            err(&headerless),
            "`csl.csv` line 1: the header has no `source` column"
        );
        assert_eq!(
            err("{\"results\": [{\"source\": \"x\"}]}"),
            "`csl.csv` line 1: data did not match any variant of untagged enum JsonFile"
        );
    }
}
