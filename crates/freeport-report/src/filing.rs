//! Filing content: the items a filing asks for, each answered from the report's facts (with the
//! section that answers it) or marked "to be completed by" a named role. Three parts, each only
//! where its law applies:
//!
//! - the PIPIA's contents (PIPL Art. 56; the standard-contract PIPIA also covers the recipient's
//!   obligations and capability, the risk after transfer, rights channels and the destination's
//!   laws — conventions.md §7, law-cn-us.md A.1, A.5; GB/T 39335-2020 is the non-binding method
//!   guide), when the report is the PIPIA;
//! - the CAC standard-contract filing (CAC13; SCCG2: filed with the provincial CAC within 10
//!   working days after the contract takes effect, with the PIPIA report — law-cn-us.md A.5),
//!   when China's route is the standard contract or certification;
//! - the US data-security-programme record (28 CFR 202.1101, 202.1001, 202.1002 —
//!   law-cn-us.md B.7, B.9), when 28 CFR 202 covers the transaction.

use serde::{Deserialize, Serialize};

use crate::model::{Evidence, MinimisationSection, RecipientSection, SideReport};

/// One part of the filing content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilingPart {
    /// `pipia`, `cac_filing` or `us_record` (locale key).
    pub id: String,
    /// Where the part's content is required.
    pub basis: String,
    /// Its items, in the order the filing lists them.
    pub items: Vec<FilingItem>,
}

/// One item of a filing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilingItem {
    /// Item id (locale key).
    pub id: String,
    /// `answered` (by a section of this report), `in_place` (a mechanism the facts show, with
    /// its date) or `to_complete`.
    pub state: String,
    /// The section that answers it, or the date a mechanism is in place since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Who completes it, when `to_complete`: a role (locale key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

fn answered(id: &str, section: &str) -> FilingItem {
    FilingItem {
        id: id.to_owned(),
        state: "answered".to_owned(),
        at: Some(section.to_owned()),
        by: None,
    }
}

fn to_complete(id: &str, by: &str) -> FilingItem {
    FilingItem {
        id: id.to_owned(),
        state: "to_complete".to_owned(),
        at: None,
        by: Some(by.to_owned()),
    }
}

/// What the report's sections hold that the filing items read.
pub(crate) struct Sources<'a> {
    pub sides: &'a [SideReport],
    pub report_is_pipia: bool,
    pub minimisation: &'a MinimisationSection,
    pub recipient: &'a RecipientSection,
    pub evidence: &'a Evidence,
    pub assessor: Option<&'a str>,
}

/// The filing content of a report, each part only where its law applies.
pub(crate) fn filing(s: &Sources<'_>) -> Vec<FilingPart> {
    let in_place = |id: &str, item: &str, by: &str| {
        s.recipient
            .mechanisms_in_place
            .iter()
            .find(|m| m.id == id)
            .map_or_else(
                || to_complete(item, by),
                |m| FilingItem {
                    id: item.to_owned(),
                    state: "in_place".to_owned(),
                    at: Some(m.since.clone()),
                    by: None,
                },
            )
    };
    let purpose = |id: &str| {
        if s.minimisation.stated_purpose.is_some() {
            answered(id, "minimisation")
        } else {
            to_complete(id, "exporter")
        }
    };
    let mut parts = Vec::new();
    if s.report_is_pipia {
        let measures =
            if s.minimisation.deid.is_empty() && s.recipient.mechanisms_in_place.is_empty() {
                to_complete("protective_measures", "pi_officer")
            } else {
                answered("protective_measures", "minimisation")
            };
        parts.push(FilingPart {
            id: "pipia".to_owned(),
            basis: "PIPL Art. 55; PIPL Art. 56; CAC13".to_owned(),
            items: vec![
                purpose("legality"),
                answered("necessity", "minimisation"),
                answered("impact_on_individuals", "risks"),
                measures,
                to_complete("recipient_capability", "recipient"),
                answered("destination_law", "recipient"),
                to_complete("storage_place_and_period", "recipient"),
                in_place(
                    "us_onward_transfer_contract",
                    "onward_transfer",
                    "pi_officer",
                ),
                to_complete("incident_handling", "recipient"),
                answered("rights_channels", "rights"),
                match s.assessor {
                    Some(_) => answered("responsible_person", "signoff"),
                    None => to_complete("responsible_person", "exporter"),
                },
            ],
        });
    }
    let cn = s.sides.iter().find(|side| side.jurisdiction == "cn");
    if cn.is_some_and(|side| side.outcome == "STANDARD_CONTRACT_OR_CERTIFICATION") {
        parts.push(FilingPart {
            id: "cac_filing".to_owned(),
            basis: "CAC13; CAC16 Art. 8".to_owned(),
            items: vec![
                in_place("cn_standard_contract", "standard_contract", "exporter"),
                answered("pipia_report", "cover"),
                to_complete("unified_social_credit_code", "exporter"),
                to_complete("filing_number", "exporter"),
            ],
        });
    }
    let us = s.sides.iter().find(|side| side.jurisdiction == "us");
    if us.is_some_and(|side| {
        !["NOT_COVERED", freeport_policy::NOT_JUDGED].contains(&side.outcome.as_str())
    }) {
        parts.push(FilingPart {
            id: "us_record".to_owned(),
            basis: "28 CFR 202.1101".to_owned(),
            items: vec![
                answered("data_types_and_volumes", "inventory"),
                answered("parties_and_ownership", "recipient"),
                purpose("end_use"),
                if s.evidence.receipt.is_some() {
                    answered("transfer_method", "evidence")
                } else {
                    to_complete("transfer_method", "exporter")
                },
                answered("start_date", "cover"),
                to_complete("end_date", "exporter"),
                to_complete("agreements", "exporter"),
                in_place(
                    "us_data_compliance_programme",
                    "data_compliance_policy",
                    "compliance_officer",
                ),
                in_place(
                    "us_cisa_security_requirements",
                    "security_requirements_policy",
                    "compliance_officer",
                ),
                to_complete("annual_audit", "auditor"),
                to_complete("licences_and_reference_numbers", "exporter"),
            ],
        });
    }
    parts
}
