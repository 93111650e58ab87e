//! Category ids the detectors speak (vocabulary ids of issue 2) and which of them identify a
//! person strongly enough to key subject counts.

/// Every vocabulary id of issue 2 (the detectors use a subset; the list lets tests check that
/// no detector invents an id).
pub const ALL: &[&str] = &[
    "person.name",
    "person.birth_date",
    "person.age",
    "person.gender",
    "person.ethnicity",
    "person.religion",
    "person.marital_status",
    "person.sexual_orientation",
    "person.criminal_record",
    "person.minor",
    "id.cn.resident_id",
    "id.cn.hmt_residence_permit",
    "id.cn.foreigner_pr",
    "id.cn.passport",
    "id.cn.travel_permit",
    "id.us.ssn",
    "id.us.itin",
    "id.us.passport",
    "id.us.driver_license",
    "id.us.mbi",
    "org.cn.uscc",
    "org.us.ein",
    "org.name",
    "contact.phone",
    "contact.email",
    "contact.address",
    "location.postal_code",
    "location.precise",
    "location.coarse",
    "location.trajectory",
    "online.ip_address",
    "online.mac_address",
    "online.account",
    "online.url",
    "online.cookie",
    "device.imei",
    "device.id",
    "fin.payment_card",
    "fin.bank_account",
    "fin.iban",
    "fin.routing_number",
    "fin.transaction",
    "fin.credit",
    "fin.income",
    "health.diagnosis",
    "health.medical_record_number",
    "health.plan_beneficiary_id",
    "health.provider_npi",
    "health.medication",
    "health.lab_result",
    "biometric.face",
    "biometric.fingerprint",
    "biometric.voiceprint",
    "genomic.sequence",
    "genomic.variant",
    "vehicle.plate",
    "vehicle.vin",
    "employment.record",
    "education.record",
    "communication.content",
    "communication.contacts",
    "online.browsing_history",
];

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
mod tests {
    use super::*;

    #[test]
    fn ids_well_formed_and_unique() {
        let mut v = ALL.to_vec();
        v.sort_unstable();
        v.dedup();
        assert_eq!(v.len(), ALL.len());
        for id in ALL {
            assert!(
                id.split('.').count() >= 2
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_'),
                "{id}"
            );
        }
    }

    #[test]
    fn strength_order() {
        assert_eq!(identifier_strength("id.cn.resident_id"), Some(1));
        assert!(identifier_strength("contact.phone") > identifier_strength("id.us.ssn"));
        assert_eq!(identifier_strength("person.name"), None);
        assert_eq!(identifier_strength("org.cn.uscc"), None);
        for id in ALL {
            if identifier_strength(id).is_some() {
                assert!(ALL.contains(id));
            }
        }
    }
}
