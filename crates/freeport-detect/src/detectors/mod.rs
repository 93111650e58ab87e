//! The detectors, one file per data category (the way ruff keeps one lint rule per file): each
//! file holds its category's value validators, header words in every language, mask rule, subject
//! key, identifier strength and de-identification proposal as one [`Detector`] value, and
//! [`REGISTRY`] lists every detector once. The flat validator list ([`crate::DETECTORS`]) and its
//! length ([`crate::detector::N_DETECTORS`]) are derived from it; shared helpers (check digits,
//! date parsing, gazetteers, name lists) stay in `checks`, `cn`, `us`, `intl`, `places` and
//! `lists`.
//!
//! To add a detector: write `src/detectors/<category with dots as underscores>.rs` exporting
//! `DETECTOR`, declare the module below and add it to [`REGISTRY`]; the tests below refuse a
//! category registered twice, a validator name used twice, and a detector without the header
//! words or the mask its category needs.

use crate::detector::Detector;

pub(crate) mod biometric_face;
pub(crate) mod biometric_fingerprint;
pub(crate) mod biometric_voiceprint;
pub(crate) mod communication_content;
pub(crate) mod contact_address;
pub(crate) mod contact_email;
pub(crate) mod contact_phone;
pub(crate) mod device_id;
pub(crate) mod device_imei;
pub(crate) mod education_record;
pub(crate) mod employment_record;
pub(crate) mod fin_bank_account;
pub(crate) mod fin_credit;
pub(crate) mod fin_iban;
pub(crate) mod fin_income;
pub(crate) mod fin_payment_card;
pub(crate) mod fin_routing_number;
pub(crate) mod genomic_sequence;
pub(crate) mod genomic_variant;
pub(crate) mod health_body_measurement;
pub(crate) mod health_diagnosis;
pub(crate) mod health_lab_result;
pub(crate) mod health_medical_record_number;
pub(crate) mod health_medication;
pub(crate) mod health_plan_beneficiary_id;
pub(crate) mod health_provider_npi;
pub(crate) mod id_cn_foreigner_pr;
pub(crate) mod id_cn_hmt_residence_permit;
pub(crate) mod id_cn_passport;
pub(crate) mod id_cn_resident_id;
pub(crate) mod id_cn_travel_permit;
pub(crate) mod id_internal;
pub(crate) mod id_us_driver_license;
pub(crate) mod id_us_itin;
pub(crate) mod id_us_mbi;
pub(crate) mod id_us_passport;
pub(crate) mod id_us_ssn;
pub(crate) mod location_coarse;
pub(crate) mod location_postal_code;
pub(crate) mod location_precise;
pub(crate) mod location_trajectory;
pub(crate) mod online_account;
pub(crate) mod online_cookie;
pub(crate) mod online_ip_address;
pub(crate) mod online_mac_address;
pub(crate) mod online_url;
pub(crate) mod org_cn_uscc;
pub(crate) mod org_name;
pub(crate) mod org_us_ein;
pub(crate) mod person_age;
pub(crate) mod person_birth_date;
pub(crate) mod person_criminal_record;
pub(crate) mod person_death_date;
pub(crate) mod person_ethnicity;
pub(crate) mod person_gender;
pub(crate) mod person_marital_status;
pub(crate) mod person_name;
pub(crate) mod person_political_affiliation;
pub(crate) mod person_religion;
pub(crate) mod person_sex_life;
pub(crate) mod person_sexual_orientation;
pub(crate) mod vehicle_plate;
pub(crate) mod vehicle_vin;

/// Every detector, once. Validators are tallied, and break ties, in this order: detectors whose
/// values are validated first (China, the US, international identifiers, then values that speak
/// for a person only in a table about people), then those only a header names.
pub(crate) const REGISTRY: &[Detector] = &[
    id_cn_resident_id::DETECTOR,
    id_cn_hmt_residence_permit::DETECTOR,
    id_cn_foreigner_pr::DETECTOR,
    org_cn_uscc::DETECTOR,
    contact_phone::DETECTOR,
    id_cn_passport::DETECTOR,
    id_cn_travel_permit::DETECTOR,
    vehicle_plate::DETECTOR,
    person_name::DETECTOR,
    contact_address::DETECTOR,
    location_postal_code::DETECTOR,
    id_us_ssn::DETECTOR,
    id_us_itin::DETECTOR,
    org_us_ein::DETECTOR,
    fin_routing_number::DETECTOR,
    health_provider_npi::DETECTOR,
    id_us_mbi::DETECTOR,
    id_us_passport::DETECTOR,
    id_us_driver_license::DETECTOR,
    contact_email::DETECTOR,
    online_ip_address::DETECTOR,
    online_mac_address::DETECTOR,
    device_imei::DETECTOR,
    fin_iban::DETECTOR,
    fin_payment_card::DETECTOR,
    online_url::DETECTOR,
    person_birth_date::DETECTOR,
    location_precise::DETECTOR,
    genomic_sequence::DETECTOR,
    genomic_variant::DETECTOR,
    health_diagnosis::DETECTOR,
    vehicle_vin::DETECTOR,
    location_coarse::DETECTOR,
    health_body_measurement::DETECTOR,
    id_internal::DETECTOR,
    fin_bank_account::DETECTOR,
    health_medication::DETECTOR,
    person_religion::DETECTOR,
    online_account::DETECTOR,
    device_id::DETECTOR,
    person_age::DETECTOR,
    person_gender::DETECTOR,
    person_ethnicity::DETECTOR,
    person_marital_status::DETECTOR,
    person_criminal_record::DETECTOR,
    fin_income::DETECTOR,
    fin_credit::DETECTOR,
    health_medical_record_number::DETECTOR,
    health_lab_result::DETECTOR,
    health_plan_beneficiary_id::DETECTOR,
    online_cookie::DETECTOR,
    education_record::DETECTOR,
    employment_record::DETECTOR,
    org_name::DETECTOR,
    location_trajectory::DETECTOR,
    biometric_face::DETECTOR,
    biometric_fingerprint::DETECTOR,
    biometric_voiceprint::DETECTOR,
    person_death_date::DETECTOR,
    person_political_affiliation::DETECTOR,
    person_sex_life::DETECTOR,
    person_sexual_orientation::DETECTOR,
    communication_content::DETECTOR,
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::REGISTRY;
    use crate::detector::{Detector, Mask};

    /// Whether values of `category` can reveal sensitive content in any of their parts.
    fn sensitive_group(category: &str) -> bool {
        ["health.", "genomic.", "biometric.", "communication."]
            .iter()
            .any(|p| category.starts_with(p))
    }

    fn check_registry(registry: &[Detector]) -> Vec<String> {
        let mut problems = Vec::new();
        let mut categories = BTreeSet::new();
        let mut names = BTreeSet::new();
        for d in registry {
            if !categories.insert(d.category) {
                problems.push(format!("{} is registered twice", d.category));
            }
            for c in d.checks {
                if !names.insert(c.name) {
                    problems.push(format!("validator {} is registered twice", c.name));
                }
            }
            if d.checks.is_empty() && d.words.is_empty() && d.tokens.is_empty() {
                problems.push(format!(
                    "{} has neither a validator nor header words: nothing finds it",
                    d.category
                ));
            }
            if d.words.is_empty() && d.tokens.is_empty() && !d.checks.is_empty() {
                problems.push(format!("{} has no header words", d.category));
            }
            if sensitive_group(d.category) && d.mask != Mask::Whole {
                problems.push(format!(
                    "{} is sensitive content and must be masked whole",
                    d.category
                ));
            }
            let words = d.words.iter().chain(d.tokens);
            for w in words {
                if !(w.weight > 0.0 && w.weight <= 1.0) || w.word != w.word.to_lowercase() {
                    problems.push(format!("{}: bad header word {}", d.category, w.word));
                }
            }
        }
        problems
    }

    #[test]
    fn every_detector_is_registered_once_with_what_its_category_needs() {
        assert_eq!(check_registry(REGISTRY), Vec::<String>::new());
        // Every registered category is a vocabulary id.
        let ids = crate::category::tests::vocabulary_ids();
        for d in REGISTRY {
            assert!(ids.contains(&d.category), "{}", d.category);
        }
    }

    /// The check above fails on each kind of mistake.
    #[test]
    fn the_registry_check_catches_mistakes() {
        let phone = super::contact_phone::DETECTOR;
        let twice = [phone, phone];
        let problems = check_registry(&twice);
        assert!(problems.contains(&"contact.phone is registered twice".to_owned()));
        assert!(problems.contains(&"validator cn.mobile is registered twice".to_owned()));
        let no_words = Detector {
            words: &[],
            tokens: &[],
            ..phone
        };
        assert_eq!(
            check_registry(&[no_words]),
            ["contact.phone has no header words"]
        );
        let nothing = Detector {
            checks: &[],
            ..no_words
        };
        assert_eq!(
            check_registry(&[nothing]),
            ["contact.phone has neither a validator nor header words: nothing finds it"]
        );
        let diagnosis = Detector {
            mask: Mask::Keep { head: 2, tail: 2 },
            ..super::health_diagnosis::DETECTOR
        };
        assert_eq!(
            check_registry(&[diagnosis]),
            ["health.diagnosis is sensitive content and must be masked whole"]
        );
    }

    #[test]
    fn the_validator_count_is_the_registry_s() {
        let n: usize = REGISTRY.iter().map(|d| d.checks.len()).sum();
        assert_eq!(crate::detector::N_DETECTORS, n);
        assert_eq!(crate::DETECTORS.len(), n);
    }
}
