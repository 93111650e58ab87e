//! Stage 6a, **seal**: the files that cross encrypted for the recipients (unless the scan did
//! so already) and described — transfer id, classification, decision, de-identification — into
//! a prepared package whose log entry the record and log stages carry on.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use freeport_policy::{Decision, TransferFacts};
use freeport_seal::{Column, Description, KeyRing, Payload, PlainFile, Prepared, Trust};
use serde::Serialize;

use crate::error::{AssessError, AtStage, Cause, Stage};
use crate::home::PortLog;
use crate::layout::HomeLayout;
use crate::pipeline::{Assessment, Request};
use crate::summary::Classification;

/// The home's keys and whom to seal to.
pub(crate) struct Sealer {
    /// The home's keys (the exporter key signs).
    pub keys: KeyRing,
    /// The recipients: as asked, or the home's own age key.
    pub recipients: Vec<age::x25519::Recipient>,
}

/// Opens (or creates) the home's keys and settles the recipients.
pub(crate) fn sealer(request: &Request, home: &HomeLayout) -> Result<Sealer, AssessError> {
    let keys = KeyRing::open_or_create(&home.keys_dir()).at(Stage::Seal)?;
    let recipients = if request.seal_to.is_empty() {
        vec![keys.recipient()]
    } else {
        request.seal_to.clone()
    };
    Ok(Sealer { keys, recipients })
}

/// A package prepared in the staging directory, and what the record and log stages need of it.
pub(crate) struct Sealed {
    /// The package, to finish once the receipt is known.
    pub prepared: Prepared,
    /// Its log entry.
    pub entry: Vec<u8>,
    /// Its manifest body, which recovery finishes the package from.
    pub body: Vec<u8>,
}

/// What the package says about the transfer.
pub(crate) struct Sealing<'a> {
    /// The assessment so far (its transfer id settled).
    pub assessment: &'a Assessment,
    /// The facts that count (after de-identification if it ran).
    pub facts: &'a TransferFacts,
    /// The decision that counts.
    pub decision: &'a Decision,
    /// The package's directory name.
    pub package_name: &'a str,
    /// SHA-256 of the report as bound to the log.
    pub report_sha256: &'a str,
}

/// Stage 6a: encrypts the files that cross (unless `payload` holds them already) and describes
/// the package, signed with the exporter key.
pub(crate) fn seal(
    sealing: &Sealing<'_>,
    payload: Option<Payload>,
    sealer: &Sealer,
    staging: &Path,
) -> Result<Sealed, AssessError> {
    let assessment = sealing.assessment;
    let mut payload = match payload {
        Some(payload) => payload,
        None => freeport_seal::encrypt(
            &plain_files(assessment)?,
            &sealer.recipients,
            staging,
            &AtomicBool::new(false),
        )
        .at(Stage::Seal)?,
    };
    if assessment.deid.is_none() {
        for (name, columns) in schemas(assessment) {
            payload.set_schema(&name, columns).at(Stage::Seal)?;
        }
    }
    let prepared = payload
        .describe(
            Description {
                transfer_id: assessment.transfer_id.clone(),
                classification: canonical(&Classification::new(&assessment.scan, sealing.facts))?,
                decision: canonical(sealing.decision)?,
                deidentification: assessment.deid.as_ref().map(canonical).transpose()?,
                report_sha256: Some(sealing.report_sha256.to_owned()),
                sealed_at: jiff::Timestamp::now(),
                package: staging.join(sealing.package_name),
            },
            sealer.keys.exporter(),
        )
        .at(Stage::Seal)?;
    let entry = prepared.entry().to_bytes().at(Stage::Seal)?;
    let body = prepared
        .manifest()
        .body_bytes()
        .map_err(|e| AssessError::at(Stage::Seal, Cause::Internal(e)))?;
    Ok(Sealed {
        prepared,
        entry,
        body,
    })
}

/// The home's own trust file (`trust.toml`: the exporter key and the log policy), so that
/// `freeport open` with no flags opens what this home sealed to itself (the try-it-out path);
/// written only when it changes. Returns its text.
pub(crate) fn write_home_trust(
    home: &HomeLayout,
    keys: &KeyRing,
    log: &PortLog,
) -> Result<String, AssessError> {
    let trust = Trust::render(&[keys.exporter().public().clone()], log.policy()).at(Stage::Seal)?;
    let home_trust = home.root().join("trust.toml");
    if std::fs::read_to_string(&home_trust).ok().as_deref() != Some(trust.as_str()) {
        freeport_tlog::store::write_atomic(home.root(), "trust.toml", trust.as_bytes())
            .at(Stage::Seal)?;
    }
    Ok(trust)
}

/// `value` as it reads back from its RFC 8785 canonical form (e.g. `1.0` becomes `1`), which is
/// how the signed manifest carries it; the seal refuses values that would change on the way.
pub(crate) fn canonical<T: Serialize>(value: &T) -> Result<serde_json::Value, AssessError> {
    serde_json_canonicalizer::to_vec(value)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
        .map_err(|e| AssessError::at(Stage::Seal, Cause::Internal(e)))
}

/// Column names per source file read as a single table (a workbook's sheets give none).
pub(crate) fn schemas(assessment: &Assessment) -> Vec<(String, Vec<Column>)> {
    assessment
        .files
        .iter()
        .filter_map(|file| {
            let mut tables = assessment
                .scan
                .datasets
                .iter()
                .filter(|d| Path::new(&d.path) == file.path);
            match (tables.next(), tables.next()) {
                (Some(table), None) => Some((
                    file.name.clone(),
                    table
                        .columns
                        .iter()
                        .map(|c| Column {
                            name: c.name.clone(),
                            data_type: "utf8".to_owned(),
                        })
                        .collect(),
                )),
                _ => None,
            }
        })
        .collect()
}

/// The de-identified files that cross, with the de-identified columns as schema.
pub(crate) fn plain_files(assessment: &Assessment) -> Result<Vec<PlainFile>, AssessError> {
    assessment
        .files
        .iter()
        .map(|file| {
            let plain = PlainFile::new(&file.path).at(Stage::Seal)?;
            Ok(match &assessment.deid {
                Some(run) => plain.with_schema(
                    run.columns
                        .iter()
                        .map(|name| Column {
                            name: name.clone(),
                            data_type: "utf8".to_owned(),
                        })
                        .collect(),
                ),
                None => plain,
            })
        })
        .collect()
}
