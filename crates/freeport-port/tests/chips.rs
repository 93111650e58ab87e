//! Chips at the port (issue 19 items 3–5): a verification report signed by both sides, a
//! whitelist application and a re-evaluation decided by a CN and a US reviewer, the listing's
//! status computed from its dates, devices and attestations logged, an anomaly opening a case
//! whose refusal removes the listing with published reasons — and each bad input refused with
//! the field named and nothing written.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions"
)]

#[expect(
    dead_code,
    reason = "the suites' shared fixture; this one files no transfer"
)]
mod common;

use common::{Fixture, port};
use freeport_chips::assurance::monitoring::{Attestation, Coordinates, Device, Probe, Usage};
use freeport_chips::assurance::verification::{
    Evidence, Finding, Inspectors, Severity, VerificationReport,
};
use freeport_chips::assurance::whitelist::{Application, ListingStatus};
use freeport_policy::Jurisdiction;
use freeport_port::custody::DecisionForm;
use freeport_port::port::chips::{
    ChipsCaseKind, ReEvaluationRequest, VerificationSubmission, sign_verification,
    signed_case_decision,
};
use freeport_port::port::{NewAccount, PortError, Principal, Verdict};
use freeport_store::docket::{CaseStatus, Role};
use freeport_tlog::note::{KeyKind, SigningKey};
use jiff::ToSpan;

struct Parties {
    f: Fixture,
    exporter: Principal,
    other: Principal,
    wang: Principal,
    wang_key: SigningKey,
    smith: Principal,
    smith_key: SigningKey,
}

fn make(
    f: &Fixture,
    id: &str,
    role: Role,
    org: Option<&str>,
    key: Option<&SigningKey>,
) -> Principal {
    let new = NewAccount {
        id: id.into(),
        role,
        organisation: org.map(Into::into),
        organisation_name: None,
        name: id.into(),
        public_key: key.map(|k| k.verifier().to_vkey()),
        key_held_by_port: false,
    };
    let (_, token) = f.port.create_account(&f.admin, &new).unwrap();
    f.port.authenticate(token.expose()).unwrap()
}

fn parties() -> Parties {
    let f = port();
    let wang_key = SigningKey::generate("wang", KeyKind::Ed25519).unwrap();
    let smith_key = SigningKey::generate("smith", KeyKind::Ed25519).unwrap();
    Parties {
        exporter: make(&f, "tianlan", Role::Exporter, Some("tianlan-bio"), None),
        other: make(&f, "mallory", Role::Exporter, Some("globex"), None),
        wang: make(&f, "wang", Role::CnReviewer, None, Some(&wang_key)),
        smith: make(&f, "smith", Role::UsReviewer, None, Some(&smith_key)),
        wang_key,
        smith_key,
        f,
    }
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn report() -> VerificationReport {
    VerificationReport {
        organisation: "tianlan-bio".into(),
        visited_on: today().checked_sub(10.days()).unwrap(),
        site: "Building 3, 88 Keyuan Road, Shanghai".into(),
        product_classes: vec!["3A090.a".into()],
        inspectors: Inspectors {
            cn: vec!["Wang Li".into()],
            us: vec!["J. Smith".into()],
        },
        scope: vec!["physical and logical security of the GPU hall".into()],
        findings: vec![Finding {
            severity: Severity::Observation,
            text: "visitor log kept on paper".into(),
        }],
        evidence: vec![Evidence {
            name: "hall-photos.zip".into(),
            sha256: "ab".repeat(32),
        }],
    }
}

impl Parties {
    fn submission(&self, report: VerificationReport) -> VerificationSubmission {
        VerificationSubmission {
            cn_signature: sign_verification(&report, "wang", "smith", &self.wang_key).unwrap(),
            us_signature: sign_verification(&report, "wang", "smith", &self.smith_key).unwrap(),
            report,
            cn_signer: "wang".into(),
            us_signer: "smith".into(),
        }
    }

    fn decide(&self, id: &str, reviewer: &Principal, verdict: Verdict, reasons: &[&str]) {
        let case = self.f.port.chips_case(reviewer, id).unwrap();
        let side = reviewer.side().unwrap();
        let key = if side == Jurisdiction::Cn {
            &self.wang_key
        } else {
            &self.smith_key
        };
        let form = DecisionForm {
            verdict,
            conditions: Vec::new(),
            public_reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
        };
        let decided_at = jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .unwrap()
            .to_string();
        let request =
            signed_case_decision(&case, side, &reviewer.account, &form, key, decided_at).unwrap();
        let view = self.f.port.chips_decide(reviewer, id, &request).unwrap();
        assert!(view.log_index.is_some());
    }
}

fn invalid_field(error: PortError) -> String {
    match error {
        PortError::Invalid { field, .. } => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

fn attestation(serial: &str, probes: &[(&str, f64)]) -> Attestation {
    Attestation {
        serial: serial.into(),
        attested_at: jiff::Timestamp::now().round(jiff::Unit::Second).unwrap(),
        usage: Usage {
            device_hours: 610.5,
            utilisation_percent: 71.0,
            workloads: vec!["protein structure prediction".into()],
        },
        probes: probes
            .iter()
            .map(|(l, rtt)| Probe {
                landmark: (*l).into(),
                rtt_ms: *rtt,
            })
            .collect(),
        token_sha256: Some("cd".repeat(32)),
    }
}

#[test]
fn a_verification_needs_both_sides_signatures_and_a_valid_report() {
    let p = parties();
    let port = &p.f.port;
    // Signed by one side only.
    let mut one_sided = p.submission(report());
    one_sided.us_signature = String::new();
    let e = port.record_verification(&p.wang, &one_sided).unwrap_err();
    assert_eq!(invalid_field(e), "us_signature");
    // The US note signed with China's key.
    let mut wrong_key = p.submission(report());
    wrong_key.us_signature = wrong_key.cn_signature.clone();
    let e = port.record_verification(&p.wang, &wrong_key).unwrap_err();
    assert_eq!(invalid_field(e), "us_signature");
    // A signer of the wrong side.
    let mut wrong_side = p.submission(report());
    wrong_side.us_signer = "wang".into();
    let e = port.record_verification(&p.wang, &wrong_side).unwrap_err();
    assert_eq!(invalid_field(e), "us_signer");
    // A note over another report (the signers saw other findings).
    let mut altered = p.submission(report());
    altered.report.findings.clear();
    let e = port.record_verification(&p.wang, &altered).unwrap_err();
    assert_eq!(invalid_field(e), "cn_signature");
    // A visit in the future.
    let mut future = report();
    future.visited_on = today().checked_add(3.days()).unwrap();
    let e = port
        .record_verification(&p.wang, &p.submission(future))
        .unwrap_err();
    assert_eq!(invalid_field(e), "report.visited_on");
    // An exporter may not record one.
    let e = port
        .record_verification(&p.exporter, &p.submission(report()))
        .unwrap_err();
    assert!(matches!(e, PortError::Forbidden { .. }), "{e:?}");
    // Nothing was written.
    assert!(port.chips_verifications(&p.f.admin).unwrap().is_empty());

    let recorded = port
        .record_verification(&p.smith, &p.submission(report()))
        .unwrap();
    assert_eq!(recorded.seq, 1);
    assert!(recorded.satisfactory);
    assert!(recorded.log_index.is_some());
    // The exporter sees its own organisation's reports, another exporter none.
    assert_eq!(port.chips_verifications(&p.exporter).unwrap().len(), 1);
    assert!(port.chips_verifications(&p.other).unwrap().is_empty());
}

#[test]
fn the_whitelist_is_decided_by_both_sides_and_an_anomaly_can_remove_a_listing() {
    let p = parties();
    let port = &p.f.port;
    let v = port
        .record_verification(&p.wang, &p.submission(report()))
        .unwrap();
    let application = Application {
        organisation: "tianlan-bio".into(),
        product_class: "3A090.a".into(),
        verification: v.seq,
        valid_days: 730,
        reevaluate_every_days: 180,
    };
    // Another organisation's exporter cannot apply for it; bad periods are named.
    let e = port.chips_apply(&p.other, &application).unwrap_err();
    assert!(matches!(e, PortError::NotFound { .. }), "{e:?}");
    let bad = Application {
        valid_days: -1,
        ..application.clone()
    };
    assert_eq!(
        invalid_field(port.chips_apply(&p.exporter, &bad).unwrap_err()),
        "valid_days"
    );
    let uncovered = Application {
        product_class: "4A090.a".into(),
        ..application.clone()
    };
    assert_eq!(
        invalid_field(port.chips_apply(&p.exporter, &uncovered).unwrap_err()),
        "verification"
    );

    let case = port.chips_apply(&p.exporter, &application).unwrap();
    assert_eq!(case.kind, ChipsCaseKind::WhitelistApplication);
    assert!(case.id.starts_with("CC-"));
    assert_eq!(case.evidence, vec![v.report_sha256.clone()]);
    assert!(case.sides.iter().all(|s| s.status == CaseStatus::Open));
    let e = port.chips_apply(&p.exporter, &application).unwrap_err();
    assert!(
        matches!(e, PortError::Conflict { .. }),
        "in review already: {e:?}"
    );

    // One side's approval lists nothing; both do.
    p.decide(&case.id, &p.wang, Verdict::Approve, &[]);
    assert!(port.chips_whitelist(&p.other, None).unwrap().is_empty());
    p.decide(&case.id, &p.smith, Verdict::Approve, &[]);
    let list = port.chips_whitelist(&p.other, None).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].status, ListingStatus::Listed);
    let due = list[0].listing.reevaluate_by;
    assert_eq!(due, today().checked_add(180.days()).unwrap());
    // Read the day after its re-evaluation was due, it is suspended: no job ran.
    let later = port
        .chips_whitelist(&p.other, Some(due.tomorrow().unwrap()))
        .unwrap();
    assert_eq!(later[0].status, ListingStatus::Suspended);
    // Deciding twice is a conflict.
    let settled = port.chips_case(&p.wang, &case.id).unwrap();
    assert_eq!(settled.status, "approved");

    // A re-evaluation on the report, approved by both: still listed.
    let re = port
        .chips_reevaluate(
            &p.exporter,
            &ReEvaluationRequest {
                organisation: "tianlan-bio".into(),
                product_class: "3A090.a".into(),
                verification: v.seq,
            },
        )
        .unwrap();
    assert_eq!(re.kind, ChipsCaseKind::ReEvaluation);
    p.decide(&re.id, &p.smith, Verdict::Approve, &[]);
    p.decide(&re.id, &p.wang, Verdict::Approve, &[]);

    // Monitoring: a device of the listed organisation, a plausible attestation, one for a
    // device never registered, and one faster than light from the site.
    let device = Device {
        serial: "GPU-0001".into(),
        organisation: "tianlan-bio".into(),
        product_class: "3A090.a".into(),
        site: "Building 3, 88 Keyuan Road, Shanghai".into(),
        location: Coordinates {
            lat: 31.20,
            lon: 121.60,
        },
        attest_every_days: 30,
    };
    let e = port
        .chips_register_device(
            &p.exporter,
            &Device {
                product_class: "4A090.a".into(),
                ..device.clone()
            },
        )
        .unwrap_err();
    assert_eq!(invalid_field(e), "product_class");
    let registered = port.chips_register_device(&p.exporter, &device).unwrap();
    assert!(!registered.overdue);
    let ok = port
        .chips_attest(
            &p.exporter,
            &attestation("GPU-0001", &[("shanghai", 1.2), ("beijing", 24.0)]),
        )
        .unwrap();
    assert!(ok.anomalies.is_empty());
    assert!(ok.case.is_none());
    assert!(ok.log_index.is_some());
    let e = port
        .chips_attest(&p.exporter, &attestation("GPU-9999", &[("shanghai", 1.0)]))
        .unwrap_err();
    assert!(
        matches!(&e, PortError::NotFound { id, .. } if id == "GPU-9999"),
        "{e:?}"
    );
    let e = port
        .chips_attest(&p.other, &attestation("GPU-0001", &[("shanghai", 1.0)]))
        .unwrap_err();
    assert!(
        matches!(e, PortError::NotFound { .. }),
        "another organisation's device: {e:?}"
    );
    let mut negative = attestation("GPU-0001", &[("shanghai", 1.0)]);
    negative.usage.device_hours = -4.0;
    assert_eq!(
        invalid_field(port.chips_attest(&p.exporter, &negative).unwrap_err()),
        "usage.device_hours"
    );
    assert_eq!(
        port.chips_devices(&p.exporter).unwrap()[0]
            .attestations
            .len(),
        1,
        "nothing half-written"
    );

    let mut replayed = attestation("GPU-0001", &[("shanghai", 1.0)]);
    replayed.attested_at = ok.attestation.attested_at;
    assert_eq!(
        invalid_field(port.chips_attest(&p.exporter, &replayed).unwrap_err()),
        "attested_at",
        "not after the last attestation"
    );
    let later = |a: Attestation, seconds: i64| Attestation {
        attested_at: a
            .attested_at
            .checked_add(jiff::SignedDuration::from_secs(seconds))
            .unwrap(),
        ..a
    };
    let odd = port
        .chips_attest(
            &p.exporter,
            &later(attestation("GPU-0001", &[("beijing", 4.0)]), 1),
        )
        .unwrap();
    assert_eq!(odd.anomalies.len(), 1);
    let anomaly = odd.case.clone().unwrap();
    let again = port
        .chips_attest(&p.exporter, &later(attestation("GPU-0001", &[]), 2))
        .unwrap();
    assert_eq!(again.anomalies.len(), 1);
    assert_eq!(again.case, None, "one anomaly case open per device");
    assert!(
        port.chips_check_overdue(&p.wang).unwrap().is_empty(),
        "attested just now"
    );

    // The US side confirms the anomaly: refused, the listing removed with the reasons.
    p.decide(
        &anomaly,
        &p.smith,
        Verdict::Refuse,
        &["the device answered Beijing faster than light allows from its site"],
    );
    let case = port.chips_case(&p.exporter, &anomaly).unwrap();
    assert_eq!(case.status, "refused");
    assert_eq!(case.sides[0].status, CaseStatus::Closed);
    let list = port.chips_whitelist(&p.other, None).unwrap();
    assert_eq!(list[0].status, ListingStatus::Removed);
    let removal = list[0].listing.removal.clone().unwrap();
    assert_eq!(removal.case, anomaly);
    assert_eq!(removal.reasons.len(), 1);
    // The other side can no longer decide it.
    let form = DecisionForm {
        verdict: Verdict::Approve,
        conditions: vec![],
        public_reasons: vec![],
    };
    let decided_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap()
        .to_string();
    let request = signed_case_decision(
        &case,
        Jurisdiction::Cn,
        "wang",
        &form,
        &p.wang_key,
        decided_at,
    )
    .unwrap();
    let e = port.chips_decide(&p.wang, &anomaly, &request).unwrap_err();
    assert!(matches!(e, PortError::Conflict { .. }), "{e:?}");
    // The exporter cannot see another organisation's cases; reviewers see all of them.
    assert!(port.chips_cases(&p.other).unwrap().is_empty());
    assert_eq!(port.chips_cases(&p.smith).unwrap().len(), 3);
    let journal = port.journal(&p.f.admin, 0).unwrap();
    assert!(
        journal
            .iter()
            .any(|j| j.action == "chips.case.refuse" && j.target == anomaly)
    );
}
