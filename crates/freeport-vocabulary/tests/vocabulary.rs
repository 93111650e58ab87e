//! Data-driven checks of the embedded vocabulary: the ids issue 2 requires, the shape of every
//! entry, the DPV terms it may use, the legal classifications other crates rely on, and the JSON
//! form `freeport vocab list --format json` prints; plus a fuzz-style property that the loader
//! never panics.

use std::collections::BTreeSet;

use freeport_vocabulary::{Category, CnClass, DspCategory, HipaaIdentifier, Vocabulary};
use proptest::prelude::*;

/// The file as compiled in, for the property tests that mutate it.
const EMBEDDED_TOML: &str = include_str!("../vocabulary.toml");

/// The ids issue 2 requires, spelled exactly.
const REQUIRED_IDS: &[&str] = &[
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

/// The DPV terms `identifiers.md` §6 lists (DPV 2.3, `w3c/dpv` f01a55c3); the vocabulary may
/// point at no other, so that every IRI it publishes is one somebody has checked exists.
const LISTED_PD_TERMS: &[&str] = &[
    "OfficialID",
    "Passport",
    "Name",
    "UID",
    "Identifier",
    "EmailAddress",
    "EmailAddressPersonal",
    "EmailAddressWork",
    "TelephoneNumber",
    "PhysicalAddress",
    "Street",
    "City",
    "PostalCode",
    "Region",
    "Locality",
    "HouseNumber",
    "RoomNumber",
    "GPSCoordinate",
    "CurrentLocation",
    "Location",
    "HomeLocation",
    "WorkLocation",
    "TravelHistory",
    "BirthDate",
    "Age",
    "AgeExact",
    "AgeRange",
    "BirthPlace",
    "Gender",
    "Nationality",
    "Citizenship",
    "BankAccount",
    "FinancialAccountNumber",
    "AccountIdentifier",
    "PaymentCardNumber",
    "CreditCardNumber",
    "PaymentCardExpiry",
    "Income",
    "Salary",
    "Tax",
    "CreditScore",
    "CreditRecord",
    "Insurance",
    "IPAddress",
    "MACAddress",
    "DeviceBased",
    "BrowserFingerprint",
    "UserAgent",
    "Password",
    "PINCode",
    "Username",
    "VehicleLicense",
    "VehicalLicenseNumber",
    "VehicalLicenseRegistration",
    "Genetic",
    "DNACode",
    "MedicalHealth",
    "Health",
    "HealthRecord",
    "Prescription",
    "BloodType",
    "Disability",
    "MentalHealth",
    "DrugTestResult",
    "Biometric",
    "Fingerprint",
    "FacialPrint",
    "Retina",
    "Criminal",
    "CriminalConviction",
    "CriminalOffence",
    "EthnicOrigin",
    "Race",
    "PhilosophicalBelief",
    "PoliticalAffiliation",
    "PoliticalOpinion",
    "Religion",
    "ReligiousBelief",
    "Sexual",
    "TradeUnionMembership",
    "Vulnerability",
    "External",
    "Internal",
    "Financial",
    "Social",
    "Tracking",
    "Historical",
    "Household",
    "Profile",
];

/// The core `dpv:` data classes `identifiers.md` §6 lists.
const LISTED_CORE_TERMS: &[&str] = &[
    "PersonalData",
    "SensitivePersonalData",
    "SpecialCategoryPersonalData",
    "IdentifyingPersonalData",
    "PseudonymisedData",
    "AnonymisedData",
    "SensitiveNonPersonalData",
    "DerivedPersonalData",
    "InferredPersonalData",
    "CollectedPersonalData",
    "ProvidedPersonalData",
    "ObservedPersonalData",
    "SyntheticData",
    "ConfidentialData",
];

const ALL_HIPAA: [HipaaIdentifier; 18] = [
    HipaaIdentifier::A,
    HipaaIdentifier::B,
    HipaaIdentifier::C,
    HipaaIdentifier::D,
    HipaaIdentifier::E,
    HipaaIdentifier::F,
    HipaaIdentifier::G,
    HipaaIdentifier::H,
    HipaaIdentifier::I,
    HipaaIdentifier::J,
    HipaaIdentifier::K,
    HipaaIdentifier::L,
    HipaaIdentifier::M,
    HipaaIdentifier::N,
    HipaaIdentifier::O,
    HipaaIdentifier::P,
    HipaaIdentifier::Q,
    HipaaIdentifier::R,
];

const ALL_DSP: [DspCategory; 7] = [
    DspCategory::CoveredPersonalIdentifier,
    DspCategory::PreciseGeolocation,
    DspCategory::Biometric,
    DspCategory::HumanOmic,
    DspCategory::PersonalHealth,
    DspCategory::PersonalFinancial,
    DspCategory::None,
];

#[expect(clippy::panic, reason = "a test helper fails the calling test")]
fn vocabulary() -> &'static Vocabulary {
    match Vocabulary::embedded() {
        Ok(vocabulary) => vocabulary,
        Err(error) => panic!("the embedded vocabulary does not load: {error:?}"),
    }
}

#[expect(clippy::panic, reason = "a test helper fails the calling test")]
fn category(id: &str) -> &'static Category {
    vocabulary()
        .get(id)
        .unwrap_or_else(|| panic!("no category `{id}`"))
}

#[test]
fn the_embedded_vocabulary_loads_with_a_version() {
    let vocabulary = Vocabulary::embedded().unwrap();
    assert!(!vocabulary.version().trim().is_empty());
    // Issue 2 asks for the full vocabulary, not a sample: roughly 85-100 categories.
    let count = vocabulary.categories().len();
    assert!((85..=110).contains(&count), "{count} categories");
}

#[test]
fn every_required_id_is_present() {
    let missing: Vec<&str> = REQUIRED_IDS
        .iter()
        .copied()
        .filter(|id| vocabulary().get(id).is_none())
        .collect();
    assert!(missing.is_empty(), "missing ids: {missing:?}");
}

#[test]
fn ids_are_unique_well_formed_and_indexed() {
    let mut seen = BTreeSet::new();
    for category in vocabulary().categories() {
        let id = category.id.as_str();
        assert!(seen.insert(id), "`{id}` appears twice");
        let segments: Vec<&str> = id.split('.').collect();
        assert!(segments.len() >= 2, "`{id}` has fewer than two segments");
        for segment in segments {
            let mut chars = segment.chars();
            assert!(
                chars.next().is_some_and(|c| c.is_ascii_lowercase()),
                "`{id}`: segment `{segment}` does not start with a lowercase letter"
            );
            assert!(
                chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "`{id}`: segment `{segment}` has a character outside [a-z0-9_]"
            );
        }
        assert_eq!(category.group(), id.split('.').next().unwrap());
        // `get` finds each entry, not a namesake.
        assert!(std::ptr::eq(vocabulary().get(id).unwrap(), category));
    }
}

#[test]
fn categories_are_grouped_by_first_segment() {
    // Listings group by the first segment; the file keeps each group together.
    let mut seen = BTreeSet::new();
    let mut current = None;
    for category in vocabulary().categories() {
        let group = category.group();
        if current != Some(group) {
            assert!(
                seen.insert(group),
                "group `{group}` reappears at `{}`",
                category.id
            );
            current = Some(group);
        }
    }
}

#[test]
fn every_entry_has_names_description_and_both_bases() {
    for c in vocabulary().categories() {
        assert!(
            !c.name_en.trim().is_empty() && c.name_en.is_ascii(),
            "{}: name_en",
            c.id
        );
        assert!(
            c.name_zh
                .chars()
                .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
            "{}: name_zh has no Chinese character",
            c.id
        );
        // A description says what belongs and what does not: more than a few words.
        assert!(c.description.len() >= 40, "{}: description too short", c.id);
        assert!(c.cn.basis.trim().len() >= 10, "{}: cn.basis", c.id);
        assert!(c.us.basis.trim().len() >= 10, "{}: us.basis", c.id);
        for note in [&c.cn.note, &c.us.note].into_iter().flatten() {
            assert!(note.trim().len() >= 20, "{}: empty or token note", c.id);
        }
    }
}

#[test]
fn chinese_bases_cite_the_provision_the_class_rests_on() {
    for c in vocabulary().categories() {
        let basis = c.cn.basis.as_str();
        match c.cn.class {
            CnClass::SensitivePi => assert!(
                basis.contains("PIPL Art. 28") || basis.contains("Table B.2"),
                "{}: sensitive PI without PIPL Art. 28 or GB/T 35273 Table B.2: {basis}",
                c.id
            ),
            CnClass::Pi | CnClass::NotPi => assert!(
                basis.contains("PIPL Art. 4"),
                "{}: (non-)PI without PIPL Art. 4: {basis}",
                c.id
            ),
        }
        // The indicator is explained exactly where it is set.
        assert_eq!(
            c.cn.important_data_indicator,
            basis.contains("Important-data indicator"),
            "{}: important_data_indicator and its explanation disagree",
            c.id
        );
    }
}

#[test]
fn us_bases_cite_the_section_of_the_dsp_category_and_the_hipaa_letter() {
    for c in vocabulary().categories() {
        let basis = c.us.basis.as_str();
        let sections: &[&str] = match c.us.dsp {
            DspCategory::CoveredPersonalIdentifier => &["202.234(", "202.212"],
            DspCategory::PreciseGeolocation => &["202.242"],
            DspCategory::Biometric => &["202.204"],
            DspCategory::HumanOmic => &["202.224"],
            DspCategory::PersonalHealth => &["202.241"],
            DspCategory::PersonalFinancial => &["202.240"],
            DspCategory::None => &[],
        };
        for section in sections {
            assert!(
                basis.contains(section),
                "{}: dsp {} without {section}: {basis}",
                c.id,
                c.us.dsp
            );
        }
        if c.us.hipaa == HipaaIdentifier::None {
            assert!(basis.contains("164.514(b)(2)(i)"), "{}: {basis}", c.id);
        } else {
            let letter = format!("164.514(b)(2)(i)({})", c.us.hipaa);
            assert!(
                basis.contains(&letter),
                "{}: hipaa {} without {letter}: {basis}",
                c.id,
                c.us.hipaa
            );
        }
    }
}

#[test]
fn every_hipaa_letter_and_dsp_category_is_used() {
    // The de-identifier needs a category for each Safe Harbor identifier, and the US rule pack
    // one for each sensitive-data category.
    let categories = vocabulary().categories();
    for letter in ALL_HIPAA {
        assert!(
            categories.iter().any(|c| c.us.hipaa == letter),
            "no category carries HIPAA ({letter})"
        );
    }
    for dsp in ALL_DSP {
        assert!(
            categories.iter().any(|c| c.us.dsp == dsp),
            "no category is {dsp}"
        );
    }
}

#[test]
fn dpv_iris_are_well_formed_and_listed() {
    let mut with_dpv = 0;
    for c in vocabulary().categories() {
        let Some(iri) = &c.dpv else { continue };
        with_dpv += 1;
        let (namespace, term) = iri
            .split_once('#')
            .unwrap_or_else(|| panic!("{}: `{iri}` has no fragment", c.id));
        assert!(
            term.starts_with(|ch: char| ch.is_ascii_uppercase())
                && term.chars().all(|ch| ch.is_ascii_alphanumeric()),
            "{}: `{term}` is not a DPV term name",
            c.id
        );
        let listed = match namespace {
            "https://w3id.org/dpv/pd" => LISTED_PD_TERMS,
            "https://w3id.org/dpv" => LISTED_CORE_TERMS,
            other => panic!("{}: `{other}` is not a DPV namespace", c.id),
        };
        assert!(
            listed.contains(&term),
            "{}: `{iri}` is not among the DPV terms of identifiers.md §6",
            c.id
        );
    }
    assert!(with_dpv >= 50, "only {with_dpv} categories have a DPV term");
}

#[test]
fn organisation_identifiers_are_not_personal_information() {
    let orgs: Vec<&Category> = vocabulary()
        .categories()
        .iter()
        .filter(|c| c.group() == "org")
        .collect();
    assert!(orgs.len() >= 3);
    for c in orgs {
        assert_eq!(c.cn.class, CnClass::NotPi, "{}", c.id);
        assert_eq!(c.us.dsp, DspCategory::None, "{}", c.id);
        assert!(
            c.dpv.is_none(),
            "{}: DPV's pd terms are personal data",
            c.id
        );
    }
    // And nothing outside `org` claims to be non-personal.
    for c in vocabulary().categories() {
        if c.cn.class == CnClass::NotPi {
            assert_eq!(c.group(), "org", "{}", c.id);
        }
    }
}

#[test]
fn descriptions_point_only_at_ids_that_exist() {
    let groups: BTreeSet<&str> = vocabulary()
        .categories()
        .iter()
        .map(Category::group)
        .collect();
    for c in vocabulary().categories() {
        let words = c
            .description
            .split(|ch: char| !(ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '*')));
        for word in words {
            let word = word.trim_end_matches('.');
            let Some((first, rest)) = word.split_once('.') else {
                continue;
            };
            if !groups.contains(first) || rest.is_empty() || word.contains('*') {
                continue;
            }
            assert!(
                vocabulary().get(word).is_some(),
                "{}: description names `{word}`, which is not a category",
                c.id
            );
        }
    }
}

/// One expected classification: id, CN class, important-data indicator, DSP category, HIPAA letter.
type Expected = (&'static str, CnClass, bool, DspCategory, HipaaIdentifier);

#[test]
fn spot_checked_classifications() {
    use CnClass::{NotPi, Pi, SensitivePi};
    use DspCategory as D;
    use HipaaIdentifier as H;
    let table: &[Expected] = &[
        ("person.name", Pi, false, D::CoveredPersonalIdentifier, H::A),
        (
            "person.birth_date",
            Pi,
            false,
            D::CoveredPersonalIdentifier,
            H::C,
        ),
        ("person.age", Pi, false, D::None, H::C),
        ("person.religion", SensitivePi, false, D::None, H::None),
        (
            "person.sexual_orientation",
            SensitivePi,
            false,
            D::None,
            H::None,
        ),
        ("person.sex_life", SensitivePi, false, D::None, H::None),
        ("person.minor", SensitivePi, false, D::None, H::None),
        ("person.face_photo", Pi, false, D::None, H::Q),
        ("person.death_date", Pi, false, D::None, H::C),
        (
            "id.cn.resident_id",
            SensitivePi,
            false,
            D::CoveredPersonalIdentifier,
            H::R,
        ),
        (
            "id.cn.passport",
            SensitivePi,
            false,
            D::CoveredPersonalIdentifier,
            H::R,
        ),
        (
            "id.us.ssn",
            SensitivePi,
            false,
            D::CoveredPersonalIdentifier,
            H::G,
        ),
        (
            "id.us.driver_license",
            SensitivePi,
            false,
            D::CoveredPersonalIdentifier,
            H::K,
        ),
        (
            "id.us.mbi",
            SensitivePi,
            false,
            D::CoveredPersonalIdentifier,
            H::I,
        ),
        ("org.cn.uscc", NotPi, false, D::None, H::None),
        ("org.us.ein", NotPi, false, D::None, H::None),
        (
            "contact.phone",
            Pi,
            false,
            D::CoveredPersonalIdentifier,
            H::D,
        ),
        ("contact.fax", Pi, false, D::CoveredPersonalIdentifier, H::E),
        (
            "contact.email",
            Pi,
            false,
            D::CoveredPersonalIdentifier,
            H::F,
        ),
        (
            "contact.address",
            Pi,
            false,
            D::CoveredPersonalIdentifier,
            H::B,
        ),
        (
            "location.postal_code",
            Pi,
            false,
            D::CoveredPersonalIdentifier,
            H::B,
        ),
        (
            "location.precise",
            SensitivePi,
            true,
            D::PreciseGeolocation,
            H::B,
        ),
        (
            "location.trajectory",
            SensitivePi,
            true,
            D::PreciseGeolocation,
            H::B,
        ),
        ("location.coarse", Pi, false, D::None, H::B),
        (
            "online.ip_address",
            Pi,
            false,
            D::CoveredPersonalIdentifier,
            H::O,
        ),
        ("online.url", Pi, false, D::None, H::N),
        (
            "online.credentials",
            SensitivePi,
            false,
            D::CoveredPersonalIdentifier,
            H::None,
        ),
        (
            "online.browsing_history",
            SensitivePi,
            false,
            D::None,
            H::None,
        ),
        ("device.imei", Pi, false, D::CoveredPersonalIdentifier, H::M),
        (
            "fin.payment_card",
            SensitivePi,
            false,
            D::PersonalFinancial,
            H::J,
        ),
        (
            "fin.bank_account",
            SensitivePi,
            false,
            D::PersonalFinancial,
            H::J,
        ),
        (
            "fin.transaction",
            SensitivePi,
            false,
            D::PersonalFinancial,
            H::None,
        ),
        (
            "health.diagnosis",
            SensitivePi,
            true,
            D::PersonalHealth,
            H::None,
        ),
        (
            "health.medical_record_number",
            SensitivePi,
            false,
            D::PersonalHealth,
            H::H,
        ),
        (
            "health.plan_beneficiary_id",
            SensitivePi,
            false,
            D::PersonalHealth,
            H::I,
        ),
        (
            "health.encounter_date",
            SensitivePi,
            false,
            D::PersonalHealth,
            H::C,
        ),
        (
            "health.genetic_test",
            SensitivePi,
            true,
            D::HumanOmic,
            H::None,
        ),
        ("biometric.face", SensitivePi, false, D::Biometric, H::P),
        (
            "biometric.fingerprint",
            SensitivePi,
            false,
            D::Biometric,
            H::P,
        ),
        (
            "biometric.voiceprint",
            SensitivePi,
            false,
            D::Biometric,
            H::P,
        ),
        ("genomic.sequence", SensitivePi, true, D::HumanOmic, H::R),
        (
            "genomic.proteomic",
            SensitivePi,
            true,
            D::HumanOmic,
            H::None,
        ),
        ("vehicle.plate", Pi, true, D::None, H::L),
        ("vehicle.vin", Pi, true, D::CoveredPersonalIdentifier, H::L),
        (
            "communication.content",
            SensitivePi,
            false,
            D::None,
            H::None,
        ),
        (
            "communication.call_detail",
            SensitivePi,
            false,
            D::CoveredPersonalIdentifier,
            H::D,
        ),
    ];
    for &(id, class, important, dsp, hipaa) in table {
        let c = category(id);
        assert_eq!(c.cn.class, class, "{id}: cn.class");
        assert_eq!(c.cn.important_data_indicator, important, "{id}: important");
        assert_eq!(c.us.dsp, dsp, "{id}: us.dsp");
        assert_eq!(c.us.hipaa, hipaa, "{id}: us.hipaa");
    }
}

#[test]
fn spot_checked_dpv_terms() {
    for (id, iri) in [
        ("person.name", Some("https://w3id.org/dpv/pd#Name")),
        ("id.cn.passport", Some("https://w3id.org/dpv/pd#Passport")),
        ("id.us.ssn", Some("https://w3id.org/dpv/pd#OfficialID")),
        (
            "location.precise",
            Some("https://w3id.org/dpv/pd#GPSCoordinate"),
        ),
        (
            "vehicle.plate",
            Some("https://w3id.org/dpv/pd#VehicalLicenseNumber"),
        ),
        ("genomic.sequence", Some("https://w3id.org/dpv/pd#DNACode")),
        (
            "biometric.fingerprint",
            Some("https://w3id.org/dpv/pd#Fingerprint"),
        ),
        // DPV has no proteomic term (identifiers.md §6, gaps).
        ("genomic.proteomic", None),
        ("org.cn.uscc", None),
    ] {
        assert_eq!(category(id).dpv.as_deref(), iri, "{id}");
    }
}

#[test]
fn unclear_law_is_flagged_where_the_references_say_so() {
    // law-cn-us.md A.9: GB/T 45574-2025 reportedly no longer treats the ID-card number as
    // sensitive; the entry must say so rather than silently pick a side.
    let resident_id = category("id.cn.resident_id");
    assert!(
        resident_id
            .cn
            .note
            .as_deref()
            .is_some_and(|n| n.contains("GB/T 45574-2025")),
        "id.cn.resident_id lacks the GB/T 45574-2025 note"
    );
    // § 202.212: a name counts only in combination.
    assert!(category("person.name").us.note.is_some());
    // Age is not a listed identifier of § 202.234(d) by name.
    assert!(category("person.age").us.note.is_some());
    // PIPL Art. 28 says under 14; GB/T 35273 says 14 and under.
    assert!(category("person.minor").cn.basis.contains("不满十四周岁"));
}

#[test]
fn a_category_serialises_to_the_documented_json_fields() {
    let ssn = serde_json::to_value(category("id.us.ssn")).unwrap();
    assert_eq!(ssn["id"], "id.us.ssn");
    assert_eq!(ssn["name_en"], "US Social Security number");
    assert!(ssn["name_zh"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(ssn["description"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(ssn["dpv"], "https://w3id.org/dpv/pd#OfficialID");
    assert_eq!(ssn["cn"]["class"], "sensitive_pi");
    assert_eq!(ssn["cn"]["important_data_indicator"], false);
    assert!(ssn["cn"]["basis"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(ssn["us"]["dsp"], "covered_personal_identifier");
    assert_eq!(ssn["us"]["hipaa"], "G");
    assert!(ssn["us"]["basis"].as_str().is_some_and(|s| !s.is_empty()));

    // Without a DPV term the field is still there, as null; without a note, no note field.
    let uscc = serde_json::to_value(category("org.cn.uscc")).unwrap();
    assert!(uscc.get("dpv").is_some_and(serde_json::Value::is_null));
    assert_eq!(uscc["cn"]["class"], "not_pi");
    assert_eq!(uscc["us"]["hipaa"], "none");
    let phone = serde_json::to_value(category("contact.phone")).unwrap();
    assert!(phone["cn"].get("note").is_none());

    // Every category has every documented field, with the documented spellings.
    let classes = ["not_pi", "pi", "sensitive_pi"];
    let dsps: Vec<&str> = ALL_DSP.iter().map(|d| d.as_str()).collect();
    let letters: Vec<&str> = ALL_HIPAA
        .iter()
        .map(|h| h.as_str())
        .chain(["none"])
        .collect();
    for c in vocabulary().categories() {
        let json = serde_json::to_value(c).unwrap();
        assert_eq!(json["id"], c.id.as_str());
        assert!(json["name_en"].is_string() && json["name_zh"].is_string());
        assert!(json["dpv"].is_string() || json["dpv"].is_null(), "{}", c.id);
        assert!(classes.contains(&json["cn"]["class"].as_str().unwrap()));
        assert!(json["cn"]["important_data_indicator"].is_boolean());
        assert!(json["cn"]["basis"].is_string());
        assert!(dsps.contains(&json["us"]["dsp"].as_str().unwrap()));
        assert!(letters.contains(&json["us"]["hipaa"].as_str().unwrap()));
        assert!(json["us"]["basis"].is_string());
    }
}

#[test]
fn the_embedded_text_reloads_to_the_same_vocabulary() {
    let reloaded = Vocabulary::from_toml("copy.toml", EMBEDDED_TOML).unwrap();
    assert_eq!(reloaded.version(), vocabulary().version());
    assert_eq!(reloaded.categories(), vocabulary().categories());
}

/// The embedded text cut at a character boundary at or below `at`.
fn prefix(at: usize) -> &'static str {
    let mut end = at.min(EMBEDDED_TOML.len());
    while !EMBEDDED_TOML.is_char_boundary(end) {
        end -= 1;
    }
    &EMBEDDED_TOML[..end]
}

proptest! {
    #[test]
    fn from_toml_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = Vocabulary::from_toml("arbitrary.toml", &text);
    }

    #[test]
    fn from_toml_never_panics_on_toml_like_text(
        text in r#"(version = "[0-9.]{0,4}"\n)?(\[\[category\]\]\n([a-z_]{1,12} = ("[^"\n]{0,20}"|\{[^}\n]{0,40}\}|[0-9a-z]{1,5})\n){0,8}){0,3}"#
    ) {
        let _ = Vocabulary::from_toml("toml-like.toml", &text);
    }

    #[test]
    fn a_damaged_vocabulary_fails_cleanly_or_loads(
        cut in 0..EMBEDDED_TOML.len(),
        insert in r#"[\[\]{}="',.a-z0-9\n ]{0,8}"#,
    ) {
        let head = prefix(cut);
        let tail = &EMBEDDED_TOML[head.len()..];
        let spliced = format!("{head}{insert}{tail}");
        // Truncated or spliced, the loader returns Ok or Err; when it accepts the text, every
        // entry still obeys the id rule.
        if let Ok(vocabulary) = Vocabulary::from_toml("damaged.toml", &spliced) {
            for c in vocabulary.categories() {
                prop_assert!(c.id.split('.').count() >= 2);
            }
        }
        let _ = Vocabulary::from_toml("truncated.toml", head);
    }
}
