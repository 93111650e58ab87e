//! The package manifest: what a sealed package holds and why it may be sent, as RFC 8785
//! canonical JSON, signed by the exporter and carrying its log receipt.
//!
//! ```json
//! {
//!   "classification": {...},          // caller's summary: categories and counts, never values
//!   "decision": {...},                // caller's decision, incl. both rule-pack hashes
//!   "deidentification": {...},        // optional: parameters and measured risk
//!   "exporter": "<name>+<id>+<key>",  // C2SP vkey of the signing key
//!   "files": [{"bytes": 10, "name": "orders.csv", "schema": [{"name": "id", "type": "utf8"}],
//!              "sha256": "<hex>"}],   // plaintext files, in payload order
//!   "format": "freeport-package/v1",
//!   "payload": {"bytes": 512, "encoding": "tar+age", "name": "payload.age", "sha256": "<hex>"},
//!   "receipt": "c2sp.org/tlog-proof@v1\n...",
//!   "recipients": ["age1..."],
//!   "sealed_at": "2026-11-21T05:00:00Z",
//!   "transfer_id": "t-1"
//! }
//! ```
//!
//! The **body** is the manifest without `receipt`; its SHA-256 (of the canonical bytes) is what
//! the log entry records, so the receipt can sit inside the signed manifest: seal the body, log
//! it, then add the receipt and sign the whole. A manifest must be byte-for-byte canonical;
//! `deidentification` and `receipt` are absent rather than `null`.

use freeport_tlog::entry::{Entry, EntryType};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// The `format` of this version of the package.
pub const FORMAT: &str = "freeport-package/v1";
/// The manifest file inside a package.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The signature file inside a package.
pub const SIGNATURE_FILE: &str = "manifest.sig";
/// The encrypted payload inside a package.
pub const PAYLOAD_FILE: &str = "payload.age";
/// How the payload is encoded: a deterministic tar of the files, encrypted with age.
pub const PAYLOAD_ENCODING: &str = "tar+age";

/// A package manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The transfer this package carries.
    pub transfer_id: String,
    /// When it was sealed, RFC 3339 UTC.
    pub sealed_at: String,
    /// The exporter's signing key (C2SP vkey).
    pub exporter: String,
    /// The age recipients the payload is encrypted to (`age1...`), in the order given.
    pub recipients: Vec<String>,
    /// The plaintext files, in payload order.
    pub files: Vec<FileEntry>,
    /// The encrypted payload file.
    pub payload: PayloadEntry,
    /// The classification summary (categories and counts; no values), as the caller gave it.
    pub classification: Value,
    /// The decision, including both rule-pack hashes, as the caller gave it.
    pub decision: Value,
    /// De-identification parameters and measured risk, when the data was de-identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deidentification: Option<Value>,
    /// SHA-256 (lowercase hex) of the transfer's report as bound to the log: the
    /// language-neutral report JSON with its log fields empty (`freeport_report::bound_json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_sha256: Option<String>,
    /// The log receipt (C2SP tlog-proof text); absent from the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

/// One plaintext file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// The file name (no directories).
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Column names and types, when the file is a table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Vec<Column>>,
}

/// A column of a tabular file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The column name as in the file.
    pub name: String,
    /// Its type as the caller names it (e.g. `utf8`, `int64`).
    #[serde(rename = "type")]
    pub data_type: String,
}

/// The encrypted payload file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadEntry {
    /// Always [`PAYLOAD_FILE`].
    pub name: String,
    /// Always [`PAYLOAD_ENCODING`].
    pub encoding: String,
    /// Size of the ciphertext in bytes.
    pub bytes: u64,
    /// SHA-256 of the ciphertext, lowercase hex.
    pub sha256: String,
}

impl Manifest {
    /// Parses manifest bytes, checking the format version, every field's form and that the bytes
    /// are exactly the canonical form (so the signature and the body hash cover one meaning).
    ///
    /// # Errors
    ///
    /// A reason naming the field or rule broken.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let manifest: Self =
            serde_json::from_slice(bytes).map_err(|e| format!("is not a valid manifest: {e}"))?;
        if manifest.format != FORMAT {
            return Err(format!(
                "format `{}` is not `{FORMAT}` (a newer Free Data Port may open it)",
                manifest.format
            ));
        }
        manifest.validate()?;
        if manifest.to_bytes()? != bytes {
            return Err(
                "is not in RFC 8785 canonical form (keys sorted, no whitespace, no nulls)".into(),
            );
        }
        Ok(manifest)
    }

    /// Checks every field's form (not the signature, hashes or receipt).
    ///
    /// # Errors
    ///
    /// A reason naming the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.transfer_id.is_empty() {
            return Err("field `transfer_id` is empty".into());
        }
        if self.sealed_at.parse::<jiff::Timestamp>().is_err() || !self.sealed_at.ends_with('Z') {
            return Err(format!(
                "field `sealed_at` is `{}`, not an RFC 3339 UTC time",
                self.sealed_at
            ));
        }
        if self.recipients.is_empty() {
            return Err("field `recipients` is empty".into());
        }
        if self.files.is_empty() {
            return Err("field `files` is empty".into());
        }
        for (i, file) in self.files.iter().enumerate() {
            check_file_name(&file.name).map_err(|e| format!("field `files[{i}].name` {e}"))?;
            if self.files.iter().take(i).any(|f| f.name == file.name) {
                return Err(format!("file `{}` is listed twice", file.name));
            }
            check_hex(&file.sha256).map_err(|e| format!("field `files[{i}].sha256` {e}"))?;
        }
        if self.payload.name != PAYLOAD_FILE {
            return Err(format!("field `payload.name` is not `{PAYLOAD_FILE}`"));
        }
        if self.payload.encoding != PAYLOAD_ENCODING {
            return Err(format!(
                "field `payload.encoding` is `{}`, not `{PAYLOAD_ENCODING}`",
                self.payload.encoding
            ));
        }
        check_hex(&self.payload.sha256).map_err(|e| format!("field `payload.sha256` {e}"))?;
        if let Some(report) = &self.report_sha256 {
            check_hex(report).map_err(|e| format!("field `report_sha256` {e}"))?;
        }
        Ok(())
    }

    /// The canonical bytes of the whole manifest (what `manifest.json` holds).
    ///
    /// # Errors
    ///
    /// When a caller-supplied value cannot be canonicalised (cannot happen for parsed JSON).
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        serde_json_canonicalizer::to_vec(self).map_err(|e| format!("cannot canonicalise: {e}"))
    }

    /// The canonical bytes of the body: the manifest without its receipt.
    ///
    /// # Errors
    ///
    /// As [`Manifest::to_bytes`].
    pub fn body_bytes(&self) -> Result<Vec<u8>, String> {
        let body = Self {
            receipt: None,
            ..self.clone()
        };
        body.to_bytes()
    }

    /// The `manifest` log entry this manifest's receipt must prove: `transfer_id`, `files` (the
    /// package's `payload.age` with `sha256` and `bytes`), `sealed_at`, `exporter` and
    /// `manifest_body_sha256`, and `report_sha256` when the manifest names a report (so an
    /// auditor can check a report against the log without the package).
    ///
    /// Only the ciphertext's hash and size are logged, not the plaintext files' names or hashes:
    /// a public log must not let anyone confirm a guess at the data. The plaintext hashes are
    /// bound through `manifest_body_sha256`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Tlog`] when the entry breaks the log's schema (e.g. a bad timestamp).
    pub fn log_entry(&self) -> crate::Result<Entry> {
        let body = ManifestEntryBody {
            transfer_id: &self.transfer_id,
            files: [LoggedFile {
                name: &self.payload.name,
                sha256: &self.payload.sha256,
                bytes: self.payload.bytes,
            }],
            sealed_at: &self.sealed_at,
            exporter: &self.exporter,
            manifest_body_sha256: self.body_sha256().map_err(crate::Error::request)?,
            report_sha256: self.report_sha256.as_deref(),
        };
        let body = serde_json::to_value(&body).map_err(|e| crate::Error::request(e.to_string()))?;
        Ok(Entry::new(EntryType::Manifest, body)?)
    }

    /// SHA-256 of [`Manifest::body_bytes`], lowercase hex: what the log entry records.
    ///
    /// # Errors
    ///
    /// As [`Manifest::to_bytes`].
    pub fn body_sha256(&self) -> Result<String, String> {
        Ok(sha256_hex(&self.body_bytes()?))
    }
}

/// The body of a package's `manifest` log entry ([`Manifest::log_entry`]); the log writes it as
/// RFC 8785 canonical JSON, so field order here does not matter.
#[derive(Serialize)]
struct ManifestEntryBody<'a> {
    transfer_id: &'a str,
    /// The ciphertext only: a public log must not confirm guesses at the plaintext.
    files: [LoggedFile<'a>; 1],
    sealed_at: &'a str,
    exporter: &'a str,
    manifest_body_sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    report_sha256: Option<&'a str>,
}

/// One logged file: the encrypted payload.
#[derive(Serialize)]
struct LoggedFile<'a> {
    name: &'a str,
    sha256: &'a str,
    bytes: u64,
}

/// Lowercase hex SHA-256.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) use freeport_util::fmt::hex;

fn check_hex(text: &str) -> Result<(), String> {
    if text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err("is not 64 lowercase hex digits (a SHA-256)".into())
    }
}

/// A file name that is safe to create in the output directory as given: one path component, no
/// control characters, not hidden, at most 255 bytes.
pub(crate) fn check_file_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty".into());
    }
    if name.len() > 255 {
        return Err(format!("has {} bytes, more than 255", name.len()));
    }
    if name.starts_with('.') {
        return Err(format!("`{name}` starts with `.`"));
    }
    if name.contains(['/', '\\']) {
        return Err(format!("`{name}` contains a path separator"));
    }
    if name.chars().any(char::is_control) {
        return Err("contains a control character".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn example() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            transfer_id: "t-1".into(),
            sealed_at: "2026-11-21T05:00:00Z".into(),
            exporter: "acme+01020304+AQ".into(),
            recipients: vec!["age1x".into()],
            files: vec![FileEntry {
                name: "orders.csv".into(),
                bytes: 3,
                sha256: "ab".repeat(32),
                schema: Some(vec![Column {
                    name: "收件人".into(),
                    data_type: "utf8".into(),
                }]),
            }],
            payload: PayloadEntry {
                name: PAYLOAD_FILE.into(),
                encoding: PAYLOAD_ENCODING.into(),
                bytes: 100,
                sha256: "cd".repeat(32),
            },
            classification: json!({"person.name": {"columns": 1, "subjects": 2}}),
            decision: json!({"cn": {"outcome": "permit", "pack_sha256": "ee"}, "risk": 0.125}),
            deidentification: None,
            report_sha256: None,
            receipt: Some("c2sp.org/tlog-proof@v1\nindex 0\n\ncp\n".into()),
        }
    }

    /// A report's hash is in the signed body and in the log entry; a manifest without one
    /// (written before reports were bound) reads as before, and a malformed one is refused.
    #[test]
    fn the_reports_hash_is_in_the_body_and_the_log_entry() {
        let plain = example();
        let entry =
            |m: &Manifest| String::from_utf8(m.log_entry().unwrap().to_bytes().unwrap()).unwrap();
        assert!(!entry(&plain).contains("report_sha256"));
        let bound = Manifest {
            report_sha256: Some("9f".repeat(32)),
            ..plain.clone()
        };
        let body = String::from_utf8(bound.body_bytes().unwrap()).unwrap();
        assert!(
            body.contains(&format!("\"report_sha256\":\"{}\"", "9f".repeat(32))),
            "{body}"
        );
        assert!(entry(&bound).contains(&format!("\"report_sha256\":\"{}\"", "9f".repeat(32))));
        assert_ne!(bound.body_sha256().unwrap(), plain.body_sha256().unwrap());
        assert_eq!(Manifest::parse(&bound.to_bytes().unwrap()).unwrap(), bound);
        let bad = Manifest {
            report_sha256: Some("not hex".into()),
            ..plain
        };
        assert!(bad.validate().unwrap_err().contains("report_sha256"));
    }

    #[test]
    fn canonical_round_trip_and_body_excludes_the_receipt() {
        let manifest = example();
        let bytes = manifest.to_bytes().unwrap();
        assert_eq!(Manifest::parse(&bytes).unwrap(), manifest);
        let body = manifest.body_bytes().unwrap();
        assert!(!String::from_utf8(body.clone()).unwrap().contains("receipt"));
        let mut other = manifest.clone();
        other.receipt = Some("another".into());
        assert_eq!(
            other.body_sha256().unwrap(),
            manifest.body_sha256().unwrap()
        );
        other.transfer_id = "t-2".into();
        assert_ne!(
            other.body_sha256().unwrap(),
            manifest.body_sha256().unwrap()
        );
        insta::assert_snapshot!(String::from_utf8(bytes).unwrap(), @r#"{"classification":{"person.name":{"columns":1,"subjects":2}},"decision":{"cn":{"outcome":"permit","pack_sha256":"ee"},"risk":0.125},"exporter":"acme+01020304+AQ","files":[{"bytes":3,"name":"orders.csv","schema":[{"name":"收件人","type":"utf8"}],"sha256":"abababababababababababababababababababababababababababababababab"}],"format":"freeport-package/v1","payload":{"bytes":100,"encoding":"tar+age","name":"payload.age","sha256":"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"},"receipt":"c2sp.org/tlog-proof@v1\nindex 0\n\ncp\n","recipients":["age1x"],"sealed_at":"2026-11-21T05:00:00Z","transfer_id":"t-1"}"#);
    }

    #[test]
    fn bad_manifests_are_named() {
        let good = String::from_utf8(example().to_bytes().unwrap()).unwrap();
        for (text, reason) in [
            ("{}".to_owned(), "missing field"),
            (
                good.replace("\"format\":", "\"extra\":1,\"format\":"),
                "unknown field `extra`",
            ),
            (
                good.replace("freeport-package/v1", "freeport-package/v2"),
                "format `freeport-package/v2`",
            ),
            (good.replace("{\"c", "{ \"c"), "canonical form"),
            (
                good.replace("\"orders.csv\"", "\"a/x\""),
                "contains a path separator",
            ),
            (
                good.replace("\"orders.csv\"", "\".hidden\""),
                "starts with `.`",
            ),
            (good.replace("\"ababab", "\"ABABAB"), "lowercase hex"),
            (
                good.replace("05:00:00Z", "05:00:00+08:00"),
                "not an RFC 3339 UTC time",
            ),
            (good.replace("tar+age", "zip"), "`payload.encoding`"),
            (
                good.replace("\"transfer_id\":\"t-1\"", "\"transfer_id\":\"\""),
                "`transfer_id` is empty",
            ),
        ] {
            let err = Manifest::parse(text.as_bytes()).unwrap_err();
            assert!(err.contains(reason), "{text}: {err}");
        }
    }
}
