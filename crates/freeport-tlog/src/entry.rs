//! Typed log entries in RFC 8785 canonical JSON, with one documented schema per type.
//!
//! An entry is the canonical JSON (RFC 8785, via `serde_json_canonicalizer`) of
//! `{"type": <type>, "v": 1, "body": {...}}`. The same record therefore always hashes to the same
//! leaf, whoever serialises it. Bodies may carry fields beyond the required ones (kept, and
//! covered by the hash); required fields are checked by type:
//!
//! | type | required fields |
//! |---|---|
//! | `decision` | `transfer_id` string; `outcome` one of `permit`, `permit_with_conditions`, `deny`; `rule_packs` array of strings (`<id>@<version>`); `reasons` array of strings; `decided_at` RFC 3339 UTC timestamp |
//! | `manifest` | `transfer_id` string; `files` array of `{name: string, sha256: hex, bytes: integer}`; `sealed_at` timestamp |
//! | `rule_pack` | `id` string; `version` string; `jurisdiction` `cn` or `us`; `sha256` hex of the pack archive; `published_at` timestamp |
//! | `publication` | `kind` one of `rules`, `reasons`, `subsidy_notice`, `procurement_notice`, `other`; `title` string; `language` string (BCP 47, e.g. `zh-CN`); `sha256` hex of the document; `published_at` timestamp |
//! | `attestation` | `subject` string (e.g. a chip or device id); `claim` string; `attester` string; `evidence_sha256` hex; `attested_at` timestamp |
//! | `override` | `transfer_id` string (the filing); `category` and `collected_in` strings (the inventory entry contested); `becomes` string (a category, or `not_personal_data`); `side` `cn` or `us` (the accepting reviewer's); `reviewer` string; `reason` string (public); `justification_sha256` hex of the exporter's justification (never the text, which may quote data); `accepted_at` timestamp |
//!
//! "hex" is 64 lowercase hexadecimal digits (a SHA-256); timestamps are
//! `YYYY-MM-DDTHH:MM:SS[.fraction]Z`. Entries are at most 65,535 bytes (tlog-tiles bundles).

use std::fmt;

use serde_json::{Map, Value};

use crate::tiles::MAX_ENTRY_SIZE;
use crate::{Error, Result};

/// The kinds of record the log holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryType {
    /// A transfer decision under both rule sets.
    Decision,
    /// A sealed-transfer manifest.
    Manifest,
    /// A rule-pack version.
    RulePack,
    /// A published document: rules, reasons, subsidy or procurement notices.
    Publication,
    /// A chip or device attestation.
    Attestation,
    /// A reviewer's acceptance of an exporter's contested classification (a port's override):
    /// what was reclassified, by whom and why, never the data.
    Override,
}

impl EntryType {
    /// Every type.
    pub const ALL: [Self; 6] = [
        Self::Decision,
        Self::Manifest,
        Self::RulePack,
        Self::Publication,
        Self::Attestation,
        Self::Override,
    ];

    /// The `type` string.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Decision => "decision",
            Self::Manifest => "manifest",
            Self::RulePack => "rule_pack",
            Self::Publication => "publication",
            Self::Attestation => "attestation",
            Self::Override => "override",
        }
    }

    /// Parses a `type` string.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    fn schema(self) -> &'static [(&'static str, Field)] {
        match self {
            Self::Decision => &[
                ("transfer_id", Field::String),
                (
                    "outcome",
                    Field::OneOf(&["permit", "permit_with_conditions", "deny"]),
                ),
                ("rule_packs", Field::Strings),
                ("reasons", Field::Strings),
                ("decided_at", Field::Timestamp),
            ],
            Self::Manifest => &[
                ("transfer_id", Field::String),
                ("files", Field::Files),
                ("sealed_at", Field::Timestamp),
            ],
            Self::RulePack => &[
                ("id", Field::String),
                ("version", Field::String),
                ("jurisdiction", Field::OneOf(&["cn", "us"])),
                ("sha256", Field::Sha256),
                ("published_at", Field::Timestamp),
            ],
            Self::Publication => &[
                (
                    "kind",
                    Field::OneOf(&[
                        "rules",
                        "reasons",
                        "subsidy_notice",
                        "procurement_notice",
                        "other",
                    ]),
                ),
                ("title", Field::String),
                ("language", Field::String),
                ("sha256", Field::Sha256),
                ("published_at", Field::Timestamp),
            ],
            Self::Attestation => &[
                ("subject", Field::String),
                ("claim", Field::String),
                ("attester", Field::String),
                ("evidence_sha256", Field::Sha256),
                ("attested_at", Field::Timestamp),
            ],
            Self::Override => &[
                ("transfer_id", Field::String),
                ("category", Field::String),
                ("collected_in", Field::String),
                ("becomes", Field::String),
                ("side", Field::OneOf(&["cn", "us"])),
                ("reviewer", Field::String),
                ("reason", Field::String),
                ("justification_sha256", Field::Sha256),
                ("accepted_at", Field::Timestamp),
            ],
        }
    }
}

impl fmt::Display for EntryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy)]
enum Field {
    String,
    OneOf(&'static [&'static str]),
    Strings,
    Sha256,
    Timestamp,
    Files,
}

/// A validated entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    entry_type: EntryType,
    body: Map<String, Value>,
}

impl Entry {
    /// Builds an entry of `entry_type` from a JSON object body, checking the type's schema.
    ///
    /// # Errors
    ///
    /// [`Error::Entry`] naming the missing or wrong field.
    pub fn new(entry_type: EntryType, body: Value) -> Result<Self> {
        let bad = |reason: String| Error::Entry {
            entry_type: entry_type.as_str().to_owned(),
            reason,
        };
        let Value::Object(body) = body else {
            return Err(bad("body is not a JSON object".into()));
        };
        for (name, field) in entry_type.schema() {
            let value = body
                .get(*name)
                .ok_or_else(|| bad(format!("required field `{name}` is missing")))?;
            check_field(name, *field, value).map_err(bad)?;
        }
        let entry = Self { entry_type, body };
        let len = entry.to_bytes()?.len();
        if len > MAX_ENTRY_SIZE {
            return Err(bad(format!(
                "canonical form has {len} bytes, more than {MAX_ENTRY_SIZE}"
            )));
        }
        Ok(entry)
    }

    /// Parses `{"type": ..., "body": {...}}` (and an optional `"v": 1`), as written by users or
    /// read back from the log.
    ///
    /// # Errors
    ///
    /// [`Error::Entry`] or [`Error::Malformed`] naming the problem.
    pub fn from_json(value: Value) -> Result<Self> {
        let Value::Object(mut object) = value else {
            return Err(Error::malformed("entry", "not a JSON object"));
        };
        let type_text = match object.remove("type") {
            Some(Value::String(t)) => t,
            _ => {
                return Err(Error::malformed(
                    "entry",
                    "field `type` is missing or not a string",
                ));
            }
        };
        let entry_type = EntryType::parse(&type_text).ok_or_else(|| {
            Error::malformed(
                "entry",
                format!(
                    "unknown type `{type_text}` (expected one of {})",
                    EntryType::ALL.map(EntryType::as_str).join(", ")
                ),
            )
        })?;
        match object.remove("v") {
            None => {}
            Some(v) if v == 1 => {}
            Some(v) => {
                return Err(Error::malformed(
                    "entry",
                    format!("schema version `{v}` is not 1"),
                ));
            }
        }
        let body = object
            .remove("body")
            .ok_or_else(|| Error::malformed("entry", "field `body` is missing"))?;
        if let Some(extra) = object.keys().next() {
            return Err(Error::malformed(
                "entry",
                format!("unexpected top-level field `{extra}`"),
            ));
        }
        Self::new(entry_type, body)
    }

    /// Parses the bytes of a logged entry (canonical JSON), checking they are canonical.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] when not JSON or not in canonical form; [`Error::Entry`] on schema.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::malformed("entry", format!("not JSON: {e}")))?;
        let entry = Self::from_json(value)?;
        if entry.to_bytes()? != bytes {
            return Err(Error::malformed(
                "entry",
                "not in RFC 8785 canonical form (keys sorted, no whitespace)",
            ));
        }
        Ok(entry)
    }

    /// The canonical JSON bytes that the log stores and hashes.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] if serialisation fails (a number that JSON cannot carry).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut object = Map::new();
        object.insert("type".into(), Value::from(self.entry_type.as_str()));
        object.insert("v".into(), Value::from(1));
        object.insert("body".into(), Value::Object(self.body.clone()));
        serde_json_canonicalizer::to_vec(&Value::Object(object))
            .map_err(|e| Error::malformed("entry", format!("cannot canonicalise: {e}")))
    }

    /// The entry type.
    #[must_use]
    pub fn entry_type(&self) -> EntryType {
        self.entry_type
    }

    /// The body.
    #[must_use]
    pub fn body(&self) -> &Map<String, Value> {
        &self.body
    }
}

fn check_field(name: &str, field: Field, value: &Value) -> std::result::Result<(), String> {
    match field {
        Field::String => non_empty_string(name, value).map(|_| ()),
        Field::OneOf(options) => {
            let text = non_empty_string(name, value)?;
            if options.contains(&text) {
                Ok(())
            } else {
                Err(format!(
                    "field `{name}` is `{text}`, expected one of {}",
                    options.join(", ")
                ))
            }
        }
        Field::Strings => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("field `{name}` is not an array"))?;
            for (i, item) in items.iter().enumerate() {
                non_empty_string(&format!("{name}[{i}]"), item)?;
            }
            Ok(())
        }
        Field::Sha256 => {
            let text = non_empty_string(name, value)?;
            if text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                Ok(())
            } else {
                Err(format!(
                    "field `{name}` is not 64 lowercase hex digits (a SHA-256)"
                ))
            }
        }
        Field::Timestamp => {
            let text = non_empty_string(name, value)?;
            if is_utc_timestamp(text) {
                Ok(())
            } else {
                Err(format!(
                    "field `{name}` is `{text}`, expected an RFC 3339 UTC time like `2026-11-21T05:00:00Z`"
                ))
            }
        }
        Field::Files => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("field `{name}` is not an array"))?;
            if items.is_empty() {
                return Err(format!("field `{name}` is empty"));
            }
            for (i, item) in items.iter().enumerate() {
                let at = format!("{name}[{i}]");
                let object = item
                    .as_object()
                    .ok_or_else(|| format!("field `{at}` is not an object"))?;
                let get = |key: &str| {
                    object
                        .get(key)
                        .ok_or_else(|| format!("field `{at}.{key}` is missing"))
                };
                check_field(&format!("{at}.name"), Field::String, get("name")?)?;
                check_field(&format!("{at}.sha256"), Field::Sha256, get("sha256")?)?;
                if !get("bytes")?.is_u64() {
                    return Err(format!("field `{at}.bytes` is not a non-negative integer"));
                }
            }
            Ok(())
        }
    }
}

fn non_empty_string<'a>(name: &str, value: &'a Value) -> std::result::Result<&'a str, String> {
    match value.as_str() {
        Some("") => Err(format!("field `{name}` is empty")),
        Some(text) => Ok(text),
        None => Err(format!("field `{name}` is not a string")),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.digits]Z` with plausible ranges.
fn is_utc_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range.clone())
            .filter(|s| s.iter().all(u8::is_ascii_digit))
            .and_then(|_| text.get(range)?.parse::<u32>().ok())
    };
    let shape = b.len() >= 20
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.get(10) == Some(&b'T')
        && b.get(13) == Some(&b':')
        && b.get(16) == Some(&b':')
        && b.last() == Some(&b'Z');
    if !shape {
        return false;
    }
    let fraction_ok = match b.get(19..b.len() - 1) {
        Some([]) => true,
        Some([b'.', rest @ ..]) => !rest.is_empty() && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    let (Some(_year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return false;
    };
    fraction_ok
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second <= 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hex() -> String {
        "ab".repeat(32)
    }

    pub(crate) fn decision() -> Value {
        json!({"type": "decision", "body": {
            "transfer_id": "t-1", "outcome": "deny", "rule_packs": ["cn-pipl@1", "us-dsp@1"],
            "reasons": ["health data to a country of concern"], "decided_at": "2026-11-21T05:00:00Z"
        }})
    }

    #[test]
    fn every_type_has_a_valid_example() {
        let examples = [
            decision(),
            json!({"type": "manifest", "body": {"transfer_id": "t-1",
                "files": [{"name": "a.csv", "sha256": hex(), "bytes": 10}], "sealed_at": "2026-11-21T05:00:00.5Z"}}),
            json!({"type": "rule_pack", "body": {"id": "cn-pipl", "version": "2026.1", "jurisdiction": "cn",
                "sha256": hex(), "published_at": "2026-11-21T05:00:00Z"}}),
            json!({"type": "publication", "body": {"kind": "reasons", "title": "Why t-1 was refused",
                "language": "zh-CN", "sha256": hex(), "published_at": "2026-11-21T05:00:00Z"}}),
            json!({"type": "attestation", "body": {"subject": "chip-1", "claim": "located in CN",
                "attester": "vendor", "evidence_sha256": hex(), "attested_at": "2026-11-21T05:00:00Z"}}),
            json!({"type": "override", "body": {"transfer_id": "F-2026-000001", "category": "person.name",
                "collected_in": "cn", "becomes": "not_personal_data", "side": "cn", "reviewer": "wei",
                "reason": "the column holds airport names", "justification_sha256": hex(),
                "accepted_at": "2026-11-21T05:00:00Z"}}),
        ];
        for example in examples {
            let entry = Entry::from_json(example).unwrap();
            let bytes = entry.to_bytes().unwrap();
            assert_eq!(Entry::from_bytes(&bytes).unwrap(), entry);
        }
    }

    #[test]
    fn canonical_form_is_rfc8785() {
        let entry = Entry::from_json(json!({"body": {"z": 1.0, "transfer_id": "t", "outcome": "permit",
            "rule_packs": [], "reasons": [], "decided_at": "2026-01-01T00:00:00Z", "é": "\u{7f}"}, "type": "decision"}))
        .unwrap();
        let text = String::from_utf8(entry.to_bytes().unwrap()).unwrap();
        assert_eq!(
            text,
            "{\"body\":{\"decided_at\":\"2026-01-01T00:00:00Z\",\"outcome\":\"permit\",\"reasons\":[],\"rule_packs\":[],\"transfer_id\":\"t\",\"z\":1,\"é\":\"\u{7f}\"},\"type\":\"decision\",\"v\":1}"
        );
        let spaced = text.replace(",\"type\"", ", \"type\"");
        let err = Entry::from_bytes(spaced.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not in RFC 8785 canonical form"), "{err}");
    }

    #[test]
    fn schema_errors_name_the_field() {
        let mut value = decision();
        value["body"]["outcome"] = json!("maybe");
        let err = Entry::from_json(value).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid `decision` entry: field `outcome` is `maybe`, expected one of permit, permit_with_conditions, deny"
        );
        let mut value = decision();
        value["body"]["decided_at"] = json!("2026-13-01T00:00:00Z");
        assert!(
            Entry::from_json(value)
                .unwrap_err()
                .to_string()
                .contains("`decided_at`")
        );
        let mut value = decision();
        value["body"].as_object_mut().unwrap().remove("reasons");
        assert!(
            Entry::from_json(value)
                .unwrap_err()
                .to_string()
                .contains("required field `reasons` is missing")
        );
        let err = Entry::from_json(json!({"type": "x", "body": {}}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown type `x`"), "{err}");
        let err = Entry::from_json(json!({"type": "manifest", "body": {"transfer_id": "t",
            "files": [{"name": "a", "sha256": "AB", "bytes": 1}], "sealed_at": "2026-01-01T00:00:00Z"}}))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("`files[0].sha256` is not 64 lowercase hex"),
            "{err}"
        );
    }
}
