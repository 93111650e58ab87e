//! What the detectors say about a category id (ids of `freeport-vocabulary`): whether it
//! identifies a person strongly enough to key subject counts, and what de-identification plan
//! a column of it gets.

use crate::detector::Deid;

/// Which categories identify a person strongly enough to key subject counts, strongest first:
/// `Some(1)` is the strongest. National identifiers (one per person, never reissued to another)
/// come first, then other government documents, then contact points shared rarely, then
/// device and account identifiers. `None` for categories that do not single out a person
/// (names repeat, postal codes cover thousands, organisation codes name organisations).
///
/// Each detector names its own (`strength` in `src/detectors/`); categories without a detector
/// have none.
#[must_use]
pub fn identifier_strength(category: &str) -> Option<u8> {
    crate::detector::of_category(category).and_then(|d| d.strength)
}

/// What a drafted de-identification plan proposes for a column of `category`: the detector's
/// `deid` (`src/detectors/`). A category no detector finds is proposed by its group (direct
/// identifiers for `id`, `contact`, `online`, `device`, `biometric` and `vehicle`, sensitive for
/// `health`), transactions as sensitive. Direct identifiers follow HIPAA Safe Harbor's list
/// (A)–(R) and PIPL's sensitive categories (law-cn-us.md §B.11).
#[must_use]
pub fn deid_proposal(category: &str) -> Deid {
    if let Some(d) = crate::detector::of_category(category) {
        return d.deid;
    }
    if category == "fin.transaction" {
        return Deid::Sensitive;
    }
    match category.split('.').next().unwrap_or("") {
        "id" | "contact" | "online" | "device" | "biometric" | "vehicle" => Deid::Identifier,
        "health" => Deid::Sensitive,
        _ => Deid::Insensitive,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every id of the vocabulary, the list detectors must stay within.
    pub(crate) fn vocabulary_ids() -> Vec<&'static str> {
        freeport_vocabulary::Vocabulary::embedded()
            .unwrap()
            .categories()
            .iter()
            .map(|c| c.id.as_str())
            .collect()
    }

    #[test]
    fn strength_order() {
        assert_eq!(identifier_strength("id.cn.resident_id"), Some(1));
        assert!(identifier_strength("contact.phone") > identifier_strength("id.us.ssn"));
        assert_eq!(identifier_strength("person.name"), None);
        assert_eq!(identifier_strength("org.cn.uscc"), None);
        // Every id that keys subject counts is a vocabulary id.
        for id in [
            "id.cn.resident_id",
            "id.us.ssn",
            "id.cn.hmt_residence_permit",
            "id.cn.foreigner_pr",
            "id.us.itin",
            "id.us.mbi",
            "id.cn.passport",
            "id.us.passport",
            "id.cn.travel_permit",
            "id.us.driver_license",
            "health.medical_record_number",
            "health.plan_beneficiary_id",
            "contact.phone",
            "contact.email",
            "fin.payment_card",
            "fin.bank_account",
            "fin.iban",
            "online.account",
            "device.imei",
            "device.id",
            "vehicle.vin",
            "vehicle.plate",
            "online.mac_address",
        ] {
            assert!(identifier_strength(id).is_some(), "{id}");
            assert!(vocabulary_ids().contains(&id), "{id}");
        }
    }
}
