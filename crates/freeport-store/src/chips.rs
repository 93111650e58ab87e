//! Chips records (migration 0014): verification reports with both sides' signatures, the
//! bilateral review cases about the whitelist and the monitoring pilot (each side decided as a
//! filing's [`CaseSide`] is), whitelist listings, registered devices and their attestations.
//!
//! The records themselves are the chips engine's JSON, kept as text; the store keeps the
//! columns they are looked up by and each logged record's queued log entry. What they mean —
//! who may file or decide what, when a listing is suspended — is the port's.

use crate::db::{Row, params};
use crate::docket::{CaseDecision, CaseSide, CaseTable, all, case_row, strings_to_json, to_i64};
use crate::error::StoreError;
use crate::store::{Tx, db_error};

/// A verification report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Its number (ignored on insert).
    pub seq: u64,
    /// The organisation verified.
    pub organisation: String,
    /// The day of the visit (`YYYY-MM-DD`).
    pub visited_on: String,
    /// The report (canonical JSON).
    pub report: String,
    /// The report's SHA-256.
    pub report_sha256: String,
    /// China's signing reviewer.
    pub cn_signer: String,
    /// Their signed note over the log entry.
    pub cn_signature: String,
    /// The United States' signing reviewer.
    pub us_signer: String,
    /// Their signed note over the log entry.
    pub us_signature: String,
    /// Who submitted it.
    pub recorded_by: String,
    /// When (RFC 3339 UTC).
    pub recorded_at: String,
    /// Its `attestation` log entry.
    pub log_entry: Vec<u8>,
    /// The entry's index once appended.
    pub log_index: Option<u64>,
}

/// A chips review case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipsCase {
    /// Its id (`CC-<year>-<number>`).
    pub id: String,
    /// `whitelist_application`, `re_evaluation` or `anomaly`.
    pub kind: String,
    /// The organisation.
    pub organisation: String,
    /// The product class.
    pub product_class: String,
    /// The device's serial (anomaly) or the verification's number.
    pub subject: String,
    /// JSON detail.
    pub detail: String,
    /// The SHA-256s decided on.
    pub evidence: Vec<String>,
    /// Who opened it (`port` when the port did).
    pub opened_by: String,
    /// When.
    pub opened_at: String,
    /// `in_review`, `approved` or `refused`.
    pub status: String,
}

/// A listing as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingRow {
    /// Its number.
    pub seq: u64,
    /// The listing (JSON).
    pub listing: String,
    /// The case that listed it.
    pub case_id: String,
    /// Whether removed.
    pub removed: bool,
}

/// A registered device as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    /// The serial number.
    pub serial: String,
    /// The organisation.
    pub organisation: String,
    /// The device (JSON).
    pub device: String,
    /// Who registered it.
    pub registered_by: String,
    /// When (RFC 3339 UTC).
    pub registered_at: String,
}

/// An attestation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestationRow {
    /// The device.
    pub serial: String,
    /// 1, 2, … per device (ignored on insert).
    pub seq: u64,
    /// When measured.
    pub attested_at: String,
    /// The attestation (JSON).
    pub record: String,
    /// Its SHA-256.
    pub record_sha256: String,
    /// The anomalies found (JSON array).
    pub anomalies: String,
    /// Who submitted it.
    pub submitted_by: String,
    /// When.
    pub submitted_at: String,
    /// Its `attestation` log entry.
    pub log_entry: Vec<u8>,
    /// The entry's index once appended.
    pub log_index: Option<u64>,
}

/// A queued log entry of a chips record: which record, and the entries in append order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingChipsEntry {
    /// A verification report's entry.
    Verification(u64, Vec<u8>),
    /// An attestation's entry.
    Attestation(String, u64, Vec<u8>),
    /// A case side's decision entry and, for a refusal, its publication entry.
    Decision(String, String, Vec<u8>, Option<Vec<u8>>),
}

const VERIFICATION_COLUMNS: &str = "seq, organisation, visited_on, report, report_sha256, \
     cn_signer, cn_signature, us_signer, us_signature, recorded_by, recorded_at, log_entry, \
     log_index";
const CASE_ROW_COLUMNS: &str = "id, kind, organisation, product_class, subject, detail, \
     evidence, opened_by, opened_at, status";
const ATTESTATION_COLUMNS: &str = "serial, seq, attested_at, record, record_sha256, anomalies, \
     submitted_by, submitted_at, log_entry, log_index";

fn unsigned(value: Option<i64>) -> Option<u64> {
    value.map(i64::unsigned_abs)
}

fn verification_row(row: &mut Row) -> Result<Verification, crate::db::DbError> {
    Ok(Verification {
        seq: row.int(0)?.unsigned_abs(),
        organisation: row.text(1)?,
        visited_on: row.text(2)?,
        report: row.text(3)?,
        report_sha256: row.text(4)?,
        cn_signer: row.text(5)?,
        cn_signature: row.text(6)?,
        us_signer: row.text(7)?,
        us_signature: row.text(8)?,
        recorded_by: row.text(9)?,
        recorded_at: row.text(10)?,
        log_entry: row.blob(11)?,
        log_index: unsigned(row.opt_int(12)?),
    })
}

fn attestation_row(row: &mut Row) -> Result<AttestationRow, crate::db::DbError> {
    Ok(AttestationRow {
        serial: row.text(0)?,
        seq: row.int(1)?.unsigned_abs(),
        attested_at: row.text(2)?,
        record: row.text(3)?,
        record_sha256: row.text(4)?,
        anomalies: row.text(5)?,
        submitted_by: row.text(6)?,
        submitted_at: row.text(7)?,
        log_entry: row.blob(8)?,
        log_index: unsigned(row.opt_int(9)?),
    })
}

impl Tx<'_> {
    /// Stores a verification report with its queued entry; its number.
    ///
    /// # Errors
    ///
    /// The database fails (an unknown signer breaks a reference).
    pub fn insert_chips_verification(&mut self, v: &Verification) -> Result<u64, StoreError> {
        let seq = self
            .tx
            .query_one(
                "INSERT INTO chips_verification (organisation, visited_on, report, report_sha256,
                 cn_signer, cn_signature, us_signer, us_signature, recorded_by, recorded_at,
                 log_entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 RETURNING seq",
                params![
                    &v.organisation,
                    &v.visited_on,
                    &v.report,
                    &v.report_sha256,
                    &v.cn_signer,
                    &v.cn_signature,
                    &v.us_signer,
                    &v.us_signature,
                    &v.recorded_by,
                    &v.recorded_at,
                    &v.log_entry
                ],
            )
            .and_then(|row| row.int(0))
            .map_err(db_error(self.path, "store a verification report"))?;
        Ok(seq.unsigned_abs())
    }

    /// One verification report.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn chips_verification(&mut self, seq: u64) -> Result<Option<Verification>, StoreError> {
        let sql = format!("SELECT {VERIFICATION_COLUMNS} FROM chips_verification WHERE seq = ?1");
        self.tx
            .query(&sql, params![to_i64(seq)])
            .and_then(|rows| all(rows, verification_row))
            .map(|mut rows| rows.pop())
            .map_err(db_error(self.path, "read a verification report"))
    }

    /// Verification reports, of one organisation or all, in order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn chips_verifications(
        &mut self,
        organisation: Option<&str>,
    ) -> Result<Vec<Verification>, StoreError> {
        let sql = format!(
            "SELECT {VERIFICATION_COLUMNS} FROM chips_verification
             WHERE (CAST(?1 AS TEXT) IS NULL OR organisation = ?1) ORDER BY seq"
        );
        self.tx
            .query(&sql, params![organisation])
            .and_then(|rows| all(rows, verification_row))
            .map_err(db_error(self.path, "list verification reports"))
    }

    /// Opens a case with an open side for each of `cn` and `us`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Duplicate`] for a known id; the database fails.
    pub fn insert_chips_case(&mut self, case: &ChipsCase) -> Result<(), StoreError> {
        let evidence = strings_to_json(&case.evidence);
        self.tx
            .execute(
                "INSERT INTO chips_case (id, kind, organisation, product_class, subject, detail,
                 evidence, opened_by, opened_at, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    &case.id,
                    &case.kind,
                    &case.organisation,
                    &case.product_class,
                    &case.subject,
                    &case.detail,
                    &evidence,
                    &case.opened_by,
                    &case.opened_at,
                    &case.status
                ],
            )
            .map_err(db_error(self.path, "open a chips case"))?;
        for side in ["cn", "us"] {
            self.tx
                .execute(
                    "INSERT INTO chips_case_side (case_id, side, status) VALUES (?1, ?2, 'open')",
                    params![&case.id, side],
                )
                .map_err(db_error(self.path, "open a chips case side"))?;
        }
        Ok(())
    }

    /// One case.
    ///
    /// # Errors
    ///
    /// The database fails; a stored evidence list is not JSON.
    pub fn chips_case(&mut self, id: &str) -> Result<Option<ChipsCase>, StoreError> {
        Ok(self.chips_cases_where("id = ?1", Some(id))?.pop())
    }

    /// Cases, of one organisation or all (`None`), by id.
    ///
    /// # Errors
    ///
    /// The database fails; a stored evidence list is not JSON.
    pub fn chips_cases(
        &mut self,
        organisation: Option<&str>,
    ) -> Result<Vec<ChipsCase>, StoreError> {
        self.chips_cases_where(
            "(CAST(?1 AS TEXT) IS NULL OR organisation = ?1)",
            organisation,
        )
    }

    /// Cases in review of `kind` about `subject`.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn open_chips_cases_about(
        &mut self,
        kind: &str,
        subject: &str,
    ) -> Result<Vec<String>, StoreError> {
        self.tx
            .query(
                "SELECT id FROM chips_case WHERE kind = ?1 AND subject = ?2
                 AND status = 'in_review' ORDER BY id",
                params![kind, subject],
            )
            .and_then(|rows| all(rows, |row| row.text(0)))
            .map_err(db_error(self.path, "find open chips cases"))
    }

    fn chips_cases_where(
        &mut self,
        filter: &str,
        value: Option<&str>,
    ) -> Result<Vec<ChipsCase>, StoreError> {
        let sql = format!("SELECT {CASE_ROW_COLUMNS} FROM chips_case WHERE {filter} ORDER BY id");
        let rows = self
            .tx
            .query(&sql, params![value])
            .and_then(|rows| {
                all(rows, |row| {
                    Ok((
                        ChipsCase {
                            id: row.text(0)?,
                            kind: row.text(1)?,
                            organisation: row.text(2)?,
                            product_class: row.text(3)?,
                            subject: row.text(4)?,
                            detail: row.text(5)?,
                            evidence: Vec::new(),
                            opened_by: row.text(7)?,
                            opened_at: row.text(8)?,
                            status: row.text(9)?,
                        },
                        row.text(6)?,
                    ))
                })
            })
            .map_err(db_error(self.path, "read chips cases"))?;
        rows.into_iter()
            .map(|(mut case, evidence)| {
                case.evidence = serde_json::from_str(&evidence)
                    .map_err(|e| self.corrupt(format!("chips case `{}` evidence: {e}", case.id)))?;
                Ok(case)
            })
            .collect()
    }

    /// The next number of a chips case id with `prefix` (`CC-2026-`), counted per prefix with
    /// the filings' counter.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn next_chips_case_number(&mut self, prefix: &str) -> Result<u64, StoreError> {
        self.next_filing_number(prefix)
    }

    /// Sets a case's status.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_chips_case_status(&mut self, id: &str, status: &str) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE chips_case SET status = ?2 WHERE id = ?1",
                params![id, status],
            )
            .map_err(db_error(self.path, "settle a chips case"))?;
        Ok(())
    }

    /// A case's sides (`cn`, `us`), as a filing's case sides (`outcome` is the case's kind).
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn chips_case_sides(&mut self, id: &str) -> Result<Vec<CaseSide>, StoreError> {
        let sql = "SELECT s.case_id, s.side, c.kind, s.status, s.decided_by, s.decided_at,
                   s.conditions, s.public_reasons, s.signature, s.log_index
                   FROM chips_case_side s JOIN chips_case c ON c.id = s.case_id
                   WHERE s.case_id = ?1 ORDER BY s.side";
        let rows = self
            .tx
            .query(sql, params![id])
            .and_then(|rows| all(rows, case_row))
            .map_err(db_error(self.path, "read a chips case"))?;
        rows.into_iter().map(|r| self.typed_case(r)).collect()
    }

    /// Decides one side of a chips case if still open; `false` when it was not.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn decide_chips_case_side(
        &mut self,
        id: &str,
        side: &str,
        decision: &CaseDecision<'_>,
    ) -> Result<bool, StoreError> {
        self.decide_side_of(CaseTable::Chips, id, side, decision)
    }

    /// Closes the sides of a case still open (the other side refused: nothing left to decide).
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn close_open_chips_sides(&mut self, id: &str) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE chips_case_side SET status = 'closed' WHERE case_id = ?1 AND status = 'open'",
                params![id],
            )
            .map_err(db_error(self.path, "close a chips case side"))?;
        Ok(())
    }

    /// Records where a side's decision entry landed in the log.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_chips_case_log_index(
        &mut self,
        id: &str,
        side: &str,
        index: u64,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE chips_case_side SET log_index = ?3 WHERE case_id = ?1 AND side = ?2",
                params![id, side, to_i64(index)],
            )
            .map_err(db_error(self.path, "record a chips decision's log index"))?;
        Ok(())
    }

    /// Adds a listing (JSON) listed by `case_id`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Duplicate`] when the organisation and class are listed already; the
    /// database fails.
    pub fn insert_chips_listing(
        &mut self,
        organisation: &str,
        product_class: &str,
        listing: &str,
        case_id: &str,
    ) -> Result<(), StoreError> {
        // In a savepoint, so a refused insert leaves a PostgreSQL transaction usable as it
        // leaves SQLite's.
        self.insert_unique(
            "listing",
            &format!("{organisation}/{product_class}"),
            "INSERT INTO chips_listing (organisation, product_class, listing, case_id)
             VALUES (?1, ?2, ?3, ?4)",
            params![organisation, product_class, listing, case_id],
        )
    }

    /// The current (not removed) listing of an organisation and class.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn chips_listing(
        &mut self,
        organisation: &str,
        product_class: &str,
    ) -> Result<Option<ListingRow>, StoreError> {
        self.tx
            .query(
                "SELECT seq, listing, case_id, removed FROM chips_listing
                 WHERE organisation = ?1 AND product_class = ?2 AND removed = 0",
                params![organisation, product_class],
            )
            .and_then(|rows| all(rows, listing_row))
            .map(|mut rows| rows.pop())
            .map_err(db_error(self.path, "read a listing"))
    }

    /// Every listing, removed ones too, by organisation, class and number.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn chips_listings(&mut self) -> Result<Vec<ListingRow>, StoreError> {
        self.tx
            .query(
                "SELECT seq, listing, case_id, removed FROM chips_listing
                 ORDER BY organisation, product_class, seq",
                &[],
            )
            .and_then(|rows| all(rows, listing_row))
            .map_err(db_error(self.path, "list listings"))
    }

    /// Replaces a listing's JSON (a re-evaluation, a removal); `removed` marks it removed.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn update_chips_listing(
        &mut self,
        seq: u64,
        listing: &str,
        removed: bool,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE chips_listing SET listing = ?2, removed = ?3 WHERE seq = ?1",
                params![to_i64(seq), listing, i64::from(removed)],
            )
            .map_err(db_error(self.path, "update a listing"))?;
        Ok(())
    }

    /// Registers a device.
    ///
    /// # Errors
    ///
    /// [`StoreError::Duplicate`] for a known serial; the database fails.
    pub fn insert_chips_device(&mut self, device: &DeviceRow) -> Result<(), StoreError> {
        self.insert_unique(
            "device",
            &device.serial,
            "INSERT INTO chips_device (serial, organisation, device, registered_by,
             registered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                &device.serial,
                &device.organisation,
                &device.device,
                &device.registered_by,
                &device.registered_at
            ],
        )
    }

    /// Registered devices, of one organisation or all, by serial.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn chips_devices(
        &mut self,
        organisation: Option<&str>,
    ) -> Result<Vec<DeviceRow>, StoreError> {
        self.tx
            .query(
                "SELECT serial, organisation, device, registered_by, registered_at
                 FROM chips_device WHERE (CAST(?1 AS TEXT) IS NULL OR organisation = ?1)
                 ORDER BY serial",
                params![organisation],
            )
            .and_then(|rows| {
                all(rows, |row| {
                    Ok(DeviceRow {
                        serial: row.text(0)?,
                        organisation: row.text(1)?,
                        device: row.text(2)?,
                        registered_by: row.text(3)?,
                        registered_at: row.text(4)?,
                    })
                })
            })
            .map_err(db_error(self.path, "list devices"))
    }

    /// Stores an attestation with its queued entry; its number for the device.
    ///
    /// # Errors
    ///
    /// The database fails (an unregistered device breaks a reference).
    pub fn insert_chips_attestation(&mut self, a: &AttestationRow) -> Result<u64, StoreError> {
        let seq = self
            .tx
            .query_one(
                "INSERT INTO chips_attestation (serial, seq, attested_at, record, record_sha256,
                 anomalies, submitted_by, submitted_at, log_entry)
                 SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
                 FROM chips_attestation WHERE serial = ?1
                 RETURNING seq",
                params![
                    &a.serial,
                    &a.attested_at,
                    &a.record,
                    &a.record_sha256,
                    &a.anomalies,
                    &a.submitted_by,
                    &a.submitted_at,
                    &a.log_entry
                ],
            )
            .and_then(|row| row.int(0))
            .map_err(db_error(self.path, "store an attestation"))?;
        Ok(seq.unsigned_abs())
    }

    /// A device's attestations, in order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn chips_attestations(&mut self, serial: &str) -> Result<Vec<AttestationRow>, StoreError> {
        let sql = format!(
            "SELECT {ATTESTATION_COLUMNS} FROM chips_attestation WHERE serial = ?1 ORDER BY seq"
        );
        self.tx
            .query(&sql, params![serial])
            .and_then(|rows| all(rows, attestation_row))
            .map_err(db_error(self.path, "list attestations"))
    }

    /// Every chips log entry queued but not yet marked appended, in the order they were queued
    /// within each kind (verifications, attestations, decisions).
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn pending_chips_entries(&mut self) -> Result<Vec<PendingChipsEntry>, StoreError> {
        let mut pending: Vec<PendingChipsEntry> = self
            .tx
            .query(
                "SELECT seq, log_entry FROM chips_verification WHERE log_index IS NULL ORDER BY seq",
                &[],
            )
            .and_then(|rows| {
                all(rows, |row| {
                    Ok(PendingChipsEntry::Verification(
                        row.int(0)?.unsigned_abs(),
                        row.blob(1)?,
                    ))
                })
            })
            .map_err(db_error(self.path, "list queued chips entries"))?;
        pending.extend(
            self.tx
                .query(
                    "SELECT serial, seq, log_entry FROM chips_attestation WHERE log_index IS NULL
                     ORDER BY submitted_at, serial, seq",
                    &[],
                )
                .and_then(|rows| {
                    all(rows, |row| {
                        Ok(PendingChipsEntry::Attestation(
                            row.text(0)?,
                            row.int(1)?.unsigned_abs(),
                            row.blob(2)?,
                        ))
                    })
                })
                .map_err(db_error(self.path, "list queued chips entries"))?,
        );
        pending.extend(
            self.tx
                .query(
                    "SELECT case_id, side, log_entry, publication_entry FROM chips_case_side
                     WHERE log_index IS NULL AND log_entry IS NOT NULL
                     ORDER BY decided_at, case_id, side",
                    &[],
                )
                .and_then(|rows| {
                    all(rows, |row| {
                        Ok(PendingChipsEntry::Decision(
                            row.text(0)?,
                            row.text(1)?,
                            row.blob(2)?,
                            row.opt_blob(3)?,
                        ))
                    })
                })
                .map_err(db_error(self.path, "list queued chips entries"))?,
        );
        Ok(pending)
    }

    /// Records where a verification's entry landed in the log.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_chips_verification_log_index(
        &mut self,
        seq: u64,
        index: u64,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE chips_verification SET log_index = ?2 WHERE seq = ?1",
                params![to_i64(seq), to_i64(index)],
            )
            .map_err(db_error(self.path, "record a verification's log index"))?;
        Ok(())
    }

    /// Records where an attestation's entry landed in the log.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_chips_attestation_log_index(
        &mut self,
        serial: &str,
        seq: u64,
        index: u64,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE chips_attestation SET log_index = ?3 WHERE serial = ?1 AND seq = ?2",
                params![serial, to_i64(seq), to_i64(index)],
            )
            .map_err(db_error(self.path, "record an attestation's log index"))?;
        Ok(())
    }
}

fn listing_row(row: &mut Row) -> Result<ListingRow, crate::db::DbError> {
    Ok(ListingRow {
        seq: row.int(0)?.unsigned_abs(),
        listing: row.text(1)?,
        case_id: row.text(2)?,
        removed: row.int(3)? != 0,
    })
}
