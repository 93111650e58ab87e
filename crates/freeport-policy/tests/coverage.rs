//! The packs' horizon: each pack judges from its first day on, says when a date lies past its
//! last review, and never refuses a question because the other country's pack does not cover
//! its date.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::Path;
use std::sync::OnceLock;

use freeport_policy::{
    Coverage, FactsFormat, Judge, Jurisdiction, NOT_JUDGED, PackFile, PriorVolumes, RulePack,
    TransferFacts, parse_facts,
};
use freeport_vocabulary::Vocabulary;
use jiff::civil::date;

fn judge() -> &'static Judge {
    static JUDGE: OnceLock<Judge> = OnceLock::new();
    JUDGE.get_or_init(|| Judge::embedded(Vocabulary::embedded().unwrap()).unwrap())
}

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// A scenario's facts, dated `day`.
fn facts(scenario: &str, day: &str) -> TransferFacts {
    let text = std::fs::read_to_string(root().join("rules/tests").join(scenario)).unwrap();
    let text = text.split("\n[expect]\n").next().unwrap().to_owned() + "\n";
    let text = text.replace("date = \"2026-06-01\"", &format!("date = \"{day}\""));
    parse_facts(scenario, &text, FactsFormat::Toml, judge()).unwrap()
}

fn decide(facts: &TransferFacts) -> freeport_policy::Decision {
    judge()
        .decide_with_remedies(facts, &PriorVolumes::none(facts.date))
        .unwrap()
}

#[test]
fn both_packs_are_reviewed_through_2027() {
    for jurisdiction in [Jurisdiction::Cn, Jurisdiction::Us] {
        let pack = judge().pack(jurisdiction);
        assert_eq!(pack.review().reviewed_through, date(2027, 12, 31));
        assert!(!pack.review().checked.is_empty());
        assert_eq!(pack.coverage(date(2027, 12, 31)), Coverage::Reviewed);
    }
}

/// Every transfer dated 2027 used to be refused (`valid_to = 2026-12-31`).
#[test]
fn a_2027_transfer_is_judged_like_a_2026_one_without_a_warning() {
    for scenario in [
        "cn-pi-100000.toml",
        "us-cpi-100001.toml",
        "cn-sensitive-1.toml",
    ] {
        let in_2026 = decide(&facts(scenario, "2026-06-01"));
        let in_2027 = decide(&facts(scenario, "2027-06-01"));
        assert_eq!(in_2026.cn.outcome, in_2027.cn.outcome, "{scenario}");
        assert_eq!(in_2026.us.outcome, in_2027.us.outcome, "{scenario}");
        assert_eq!(in_2027.cn.coverage, Coverage::Reviewed, "{scenario}");
        assert_eq!(in_2027.us.coverage, Coverage::Reviewed, "{scenario}");
        let json = serde_json::to_string(&in_2027).unwrap();
        assert!(!json.contains("coverage"), "{scenario}: {json}");
    }
}

#[test]
fn a_date_past_the_review_is_judged_with_a_warning_on_each_side() {
    let decision = decide(&facts("cn-pi-100000.toml", "2028-02-01"));
    assert_eq!(decision.cn.outcome, "STANDARD_CONTRACT_OR_CERTIFICATION");
    let expected = Coverage::NotReviewed {
        reviewed_on: date(2026, 12, 6),
        reviewed_through: date(2027, 12, 31),
    };
    assert_eq!(decision.cn.coverage, expected);
    assert_eq!(decision.us.coverage, expected);
    let json = serde_json::to_value(&decision).unwrap();
    assert_eq!(
        json["cn"]["coverage"],
        serde_json::json!({
            "status": "not_reviewed",
            "reviewed_on": "2026-12-06",
            "reviewed_through": "2027-12-31",
        })
    );
}

/// A China-only question (data collected in China, no U.S. person) dated before the US pack's
/// first day is answered for China; the US side says it was not judged, and blocks nothing.
#[test]
fn validity_is_per_pack() {
    let decision = decide(&facts("cn-pi-100000.toml", "2024-05-01"));
    assert_eq!(decision.cn.outcome, "STANDARD_CONTRACT_OR_CERTIFICATION");
    assert_eq!(decision.cn.coverage, Coverage::Reviewed);
    assert_eq!(decision.us.outcome, NOT_JUDGED);
    assert_eq!(
        decision.us.coverage,
        Coverage::BeforePack {
            judges_from: date(2024, 6, 23)
        }
    );
    assert!(decision.us.rules.is_empty());
    // Blocking here comes only from China's missing contract, never from the unjudged side.
    let mut cleared = facts("cn-pi-100000.toml", "2024-05-01");
    cleared.mechanisms.cn_standard_contract = Some(freeport_policy::Since {
        since: date(2024, 4, 1),
    });
    assert!(!decide(&cleared).is_blocking());

    // Before both packs: nothing is judged, and nothing is refused either.
    let decision = decide(&facts("cn-pi-100000.toml", "2023-05-01"));
    assert_eq!(decision.cn.outcome, NOT_JUDGED);
    assert_eq!(decision.us.outcome, NOT_JUDGED);
    assert!(decision.remedies.is_empty());
}

/// Rules carry their own dates: the Art. 8 route is the same before and after 1 January 2026,
/// but its certification limb follows CAC20 from that day on.
#[test]
fn the_certification_route_follows_cac20_from_2026() {
    let rule = |day: &str| {
        decide(&facts("cn-pi-100000.toml", day))
            .cn
            .rules
            .into_iter()
            .find(|r| r.id.starts_with("cn.cac16.art8"))
            .unwrap()
    };
    let before = rule("2025-12-31");
    let after = rule("2026-01-01");
    assert_eq!(
        before.id,
        "cn.cac16.art8.standard_contract_or_certification_before_cac20"
    );
    assert!(!before.citation.contains("CAC20"), "{}", before.citation);
    assert_eq!(after.id, "cn.cac16.art8.standard_contract_or_certification");
    assert!(after.citation.contains("CAC20"), "{}", after.citation);
}

/// A pack in the first manifest format is refused with the way to update it, naming the key.
#[test]
fn an_old_manifest_is_refused_naming_the_retired_key() {
    let dir = root().join("rules/us");
    let mut files: Vec<PackFile> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| PackFile {
            path: p.file_name().unwrap().to_string_lossy().into_owned(),
            text: std::fs::read_to_string(&p).unwrap(),
        })
        .collect();
    let manifest = files.iter_mut().find(|f| f.path == "pack.toml").unwrap();
    manifest.text = manifest.text.replace(
        "judges_from = 2024-06-23",
        "valid_from = 2025-04-08\nvalid_to = 2026-12-31",
    );
    let error = RulePack::from_files("rules/us", files).unwrap_err();
    let help = miette::Diagnostic::help(&error).unwrap().to_string();
    assert!(error.to_string().contains("valid_from"), "{error}");
    assert!(
        format!("{error:?}").contains("rules/us/pack.toml"),
        "{error:?}"
    );
    assert!(help.contains("judges_from"), "{help}");
}
