//! Documents attached to a filing (issue 13 item 5): the standard contract, the PIPIA, a CISA
//! security attestation, a compliance programme, a licence, or another document. The bytes are
//! kept under the port's home, named by their SHA-256 (`attachments/<sha256>`, written to a
//! temporary file and renamed, so nothing half-written is ever seen under a hash); the store
//! records what each is, its file name, hash and size. A filing shows its attachments and, for
//! each side still under review, the documents its rule names (its mechanisms) as required, with
//! those attached. The owning exporter and reviewers of a side with a case may download them;
//! auditors see the hashes only. A reviewer's decision names the hashes it decided on (in the
//! signed entry); a filing whose attachments changed since is a conflict.

use std::io::Write as _;

use freeport_store::docket::{Attachment, CaseStatus, FilingStatus, Role};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Port, PortError, Principal, hex, invalid, now, visible_filing};

/// The most bytes one attachment may have.
pub const MAX_ATTACHMENT_BYTES: usize = 8 << 20;

/// The most bytes of an attachment's file name.
const MAX_FILE_NAME_BYTES: usize = 200;

/// What an attached document is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// The CAC standard contract for exporting personal information.
    StandardContract,
    /// The personal information protection impact assessment (PIPIA).
    Pipia,
    /// An attestation that CISA's security requirements are met (28 CFR 202.248).
    CisaSecurityAttestation,
    /// The data compliance programme (28 CFR 202.1001).
    ComplianceProgramme,
    /// A licence (OFAC/NSD) or its application.
    Licence,
    /// Anything else.
    Other,
}

impl AttachmentKind {
    /// Every kind.
    pub const ALL: [Self; 6] = [
        Self::StandardContract,
        Self::Pipia,
        Self::CisaSecurityAttestation,
        Self::ComplianceProgramme,
        Self::Licence,
        Self::Other,
    ];

    /// The stored and wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::StandardContract => "standard_contract",
            Self::Pipia => "pipia",
            Self::CisaSecurityAttestation => "cisa_security_attestation",
            Self::ComplianceProgramme => "compliance_programme",
            Self::Licence => "licence",
            Self::Other => "other",
        }
    }

    /// Parses a wire name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The document a side's mechanism (by its id in the rule packs) or outcome calls for.
    fn for_mechanism(id: &str) -> Option<Self> {
        match id {
            "standard_contract_or_certification" => Some(Self::StandardContract),
            "pipia" => Some(Self::Pipia),
            "cisa_security_requirements" => Some(Self::CisaSecurityAttestation),
            "data_compliance_programme" => Some(Self::ComplianceProgramme),
            _ => None,
        }
    }
}

/// An attachment as shown (its bytes at `GET /api/v1/filings/{id}/attachments/{seq}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttachmentView {
    /// 1, 2, … within the filing.
    pub seq: u64,
    /// What it is.
    pub kind: AttachmentKind,
    /// The file name given.
    pub file_name: String,
    /// SHA-256 of the bytes (64 hex digits).
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// The attaching account.
    pub attached_by: String,
    /// When.
    pub attached_at: String,
}

impl TryFrom<Attachment> for AttachmentView {
    type Error = PortError;

    fn try_from(a: Attachment) -> Result<Self, PortError> {
        Ok(Self {
            kind: AttachmentKind::parse(&a.kind)
                .ok_or_else(|| PortError::Internal(format!("attachment of kind `{}`", a.kind)))?,
            seq: a.seq,
            file_name: a.file_name,
            sha256: a.sha256,
            bytes: a.bytes,
            attached_by: a.attached_by,
            attached_at: a.attached_at,
        })
    }
}

/// A document a side under review needs, by its rule's mechanisms, and those attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequiredDocument {
    /// `cn` or `us`.
    pub side: String,
    /// The document.
    pub kind: AttachmentKind,
    /// The mechanism that calls for it (its id in the rule pack).
    pub mechanism: String,
    /// The mechanism's state in the decision (`missing`, `duty`, `in_place`, …).
    pub status: String,
    /// The attachments of that kind (their numbers); empty when none is attached.
    pub attached: Vec<u64>,
}

/// The documents each side still under review needs, with those attached, `cn` first.
pub(crate) fn required_documents(
    decision: &serde_json::Value,
    cases: &[freeport_store::docket::CaseSide],
    attachments: &[AttachmentView],
) -> Vec<RequiredDocument> {
    let mut required = Vec::new();
    for case in cases.iter().filter(|c| c.status != CaseStatus::Closed) {
        let mechanisms = decision[case.side.as_str()]["mechanisms"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for m in mechanisms {
            let id = m["id"].as_str().unwrap_or_default();
            let Some(kind) = AttachmentKind::for_mechanism(id) else {
                continue;
            };
            required.push(RequiredDocument {
                side: case.side.clone(),
                kind,
                mechanism: id.to_owned(),
                status: m["status"].as_str().unwrap_or_default().to_owned(),
                attached: attachments
                    .iter()
                    .filter(|a| a.kind == kind)
                    .map(|a| a.seq)
                    .collect(),
            });
        }
        if case.outcome.contains("LICEN") {
            required.push(RequiredDocument {
                side: case.side.clone(),
                kind: AttachmentKind::Licence,
                mechanism: case.outcome.to_lowercase(),
                status: "missing".to_owned(),
                attached: attachments
                    .iter()
                    .filter(|a| a.kind == AttachmentKind::Licence)
                    .map(|a| a.seq)
                    .collect(),
            });
        }
    }
    required
}

/// What is wrong with an attachment's file name: one check for the API (worded in English) and
/// the dashboard's form (worded in the page's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileNameProblem {
    /// Blank.
    Empty,
    /// Over 200 bytes.
    TooLong,
    /// A path (`/`, `\\`), not a name.
    Path,
    /// `.`, `..` or a hidden name.
    Dot,
    /// A control character.
    Control,
}

impl FileNameProblem {
    /// The problem of `name` (anything that could name more than a file in one directory), if
    /// any.
    #[must_use]
    pub fn of(name: &str) -> Option<Self> {
        if name.trim().is_empty() {
            Some(Self::Empty)
        } else if name.len() > MAX_FILE_NAME_BYTES {
            Some(Self::TooLong)
        } else if name.contains(['/', '\\']) {
            Some(Self::Path)
        } else if name.starts_with('.') {
            Some(Self::Dot)
        } else if name.chars().any(char::is_control) {
            Some(Self::Control)
        } else {
            None
        }
    }
}

/// Refuses a file name that could name anything but a file in one directory: empty, too long,
/// a path (`/`, `\\`), `.` or `..`, a hidden name, control characters.
fn check_file_name(name: &str) -> Result<(), PortError> {
    let reason = match FileNameProblem::of(name) {
        None => return Ok(()),
        Some(FileNameProblem::Empty) => "it is empty",
        Some(FileNameProblem::TooLong) => "it is longer than 200 bytes",
        Some(FileNameProblem::Path) => "a file name, not a path: no `/` or `\\`",
        Some(FileNameProblem::Dot) => "it starts with `.` (`.`, `..` and hidden names are refused)",
        Some(FileNameProblem::Control) => "it holds a control character",
    };
    Err(invalid("file_name", reason))
}

/// Refuses a filing that is not under review (conflict).
fn under_review(record: &freeport_store::docket::Filing) -> Result<(), PortError> {
    if record.status == FilingStatus::InReview {
        Ok(())
    } else {
        Err(PortError::Conflict {
            what: "filing",
            id: record.id.clone(),
            reason: format!(
                "is {}; documents are attached while it is under review",
                record.status.as_str()
            ),
        })
    }
}

impl Port {
    /// Attaches a document to the caller's filing (exporters, while it is under review): the
    /// bytes are stored under the port's home by their SHA-256 (once, whoever attaches them),
    /// the attachment recorded and journalled.
    ///
    /// # Errors
    ///
    /// Another role; a filing the caller may not see; a filing not under review (conflict); an
    /// empty or oversized document or a file name with a path trick (`file_name`); the store or
    /// the file system fails.
    pub fn attach(
        &self,
        who: &Principal,
        filing: &str,
        kind: AttachmentKind,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<AttachmentView, PortError> {
        Self::require(who, &[Role::Exporter], "attach documents")?;
        // Tenancy first, so a caller who may not see the filing learns nothing from the rest.
        {
            let mut store = self.store()?;
            store.transaction(|tx| under_review(&visible_filing(tx, who, filing)?.0))?;
        }
        check_file_name(file_name)?;
        if bytes.is_empty() {
            return Err(invalid("body", "the document is empty"));
        }
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(invalid(
                "body",
                format!("{} bytes; at most {MAX_ATTACHMENT_BYTES}", bytes.len()),
            ));
        }
        let sha256 = hex(&Sha256::digest(bytes));
        self.store_document(&sha256, bytes)?;
        let at = now();
        self.store()?.transaction(|tx| {
            let (record, _) = visible_filing(tx, who, filing)?;
            under_review(&record)?;
            let mut attachment = Attachment {
                filing: filing.to_owned(),
                seq: 0,
                kind: kind.as_str().to_owned(),
                file_name: file_name.to_owned(),
                sha256: sha256.clone(),
                bytes: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
                attached_by: who.account.clone(),
                attached_at: at.clone(),
            };
            attachment.seq = tx.insert_attachment(&attachment)?;
            tx.journal(
                &at,
                &who.account,
                "attachment.create",
                &format!("{filing}#a{}", attachment.seq),
            )?;
            AttachmentView::try_from(attachment)
        })
    }

    /// Writes `bytes` to `attachments/<sha256>` unless it is there already: a temporary file
    /// beside it, synced and renamed.
    pub(super) fn store_document(&self, sha256: &str, bytes: &[u8]) -> Result<(), PortError> {
        let dir = self.layout.attachments_dir();
        let target = dir.join(sha256);
        if target.exists() {
            return Ok(());
        }
        let io = |e: std::io::Error| {
            PortError::Internal(format!(
                "cannot store an attachment in `{}`: {e}",
                dir.display()
            ))
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let file = freeport_util::atomic::AtomicFile::create(&target).map_err(io)?;
        file.as_file().write_all(bytes).map_err(io)?;
        file.commit_new()
            .map_err(|e| PortError::Internal(format!("cannot store an attachment: {e}")))?;
        Ok(())
    }

    /// One attachment's bytes, for the filing's exporter and reviewers of a side with a case
    /// (auditors and administrators see hashes, not documents). The bytes are checked against
    /// their recorded hash.
    ///
    /// # Errors
    ///
    /// Another role; a filing or attachment the caller may not see; a document whose bytes no
    /// longer match its hash (internal).
    pub fn attachment(
        &self,
        who: &Principal,
        filing: &str,
        seq: u64,
    ) -> Result<(AttachmentView, Vec<u8>), PortError> {
        Self::require(
            who,
            &[Role::Exporter, Role::CnReviewer, Role::UsReviewer],
            "download attached documents",
        )?;
        let attachment = self.store()?.transaction(|tx| {
            visible_filing(tx, who, filing)?;
            tx.attachments(filing)?
                .into_iter()
                .find(|a| a.seq == seq)
                .ok_or_else(|| PortError::NotFound {
                    what: "attachment",
                    id: format!("{filing}#{seq}"),
                })
        })?;
        let path = self.layout.attachments_dir().join(&attachment.sha256);
        let bytes = std::fs::read(&path)
            .map_err(|e| PortError::Internal(format!("attachment `{}`: {e}", path.display())))?;
        if hex(&Sha256::digest(&bytes)) != attachment.sha256 {
            return Err(PortError::Internal(format!(
                "attachment `{}` no longer matches its SHA-256",
                path.display()
            )));
        }
        Ok((AttachmentView::try_from(attachment)?, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_with_path_tricks_are_refused_by_field() {
        for bad in [
            "",
            "  ",
            "../etc/passwd",
            "a/b.pdf",
            "a\\b.pdf",
            "..",
            ".",
            ".hidden",
            "new\nline.pdf",
            &"x".repeat(201),
        ] {
            let error = check_file_name(bad).unwrap_err();
            assert!(
                matches!(&error, PortError::Invalid { field, .. } if field == "file_name"),
                "{bad:?}: {error:?}"
            );
        }
        for good in ["PIPIA 2026.pdf", "标准合同.pdf", "contract.v2.docx"] {
            check_file_name(good).unwrap();
        }
    }

    #[test]
    fn every_kind_round_trips_its_name() {
        for kind in AttachmentKind::ALL {
            assert_eq!(AttachmentKind::parse(kind.as_str()), Some(kind));
        }
    }
}
