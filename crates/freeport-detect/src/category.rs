//! Which of the category ids the detectors speak (ids of `freeport-vocabulary`) identify a
//! person strongly enough to key subject counts.

/// Which categories identify a person strongly enough to key subject counts, strongest first:
/// `Some(1)` is the strongest. National identifiers (one per person, never reissued to another)
/// come first, then other government documents, then contact points shared rarely, then
/// device and account identifiers. `None` for categories that do not single out a person
/// (names repeat, postal codes cover thousands, organisation codes name organisations).
#[must_use]
pub fn identifier_strength(category: &str) -> Option<u8> {
    Some(match category {
        "id.cn.resident_id" | "id.us.ssn" => 1,
        "id.cn.hmt_residence_permit" | "id.cn.foreigner_pr" | "id.us.itin" | "id.us.mbi" => 2,
        "id.cn.passport" | "id.us.passport" | "id.cn.travel_permit" | "id.us.driver_license" => 3,
        "health.medical_record_number" | "health.plan_beneficiary_id" => 4,
        "contact.phone" | "contact.email" => 5,
        "fin.payment_card" | "fin.bank_account" | "fin.iban" => 6,
        "online.account" | "device.imei" | "device.id" => 7,
        "vehicle.vin" | "vehicle.plate" | "online.mac_address" => 8,
        _ => return None,
    })
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
