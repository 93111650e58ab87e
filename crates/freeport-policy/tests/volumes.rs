//! The volumes a decision reports are the ones its packs compared with the thresholds: each
//! counter the transfer feeds, its window, what was sent before inside it, and the transfer's
//! own count as the judge bounds it.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::Path;
use std::sync::OnceLock;

use freeport_policy::{
    CountedVolume, Decision, FactsFormat, Judge, PriorVolumes, TransferFacts, parse_facts,
};
use freeport_vocabulary::{CnCounter, Counter, UsCounter, Vocabulary, Window};

fn judge() -> &'static Judge {
    static JUDGE: OnceLock<Judge> = OnceLock::new();
    JUDGE.get_or_init(|| Judge::embedded(Vocabulary::embedded().unwrap()).unwrap())
}

fn facts(scenario: &str) -> TransferFacts {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/tests")).join(scenario);
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("\n[expect]\n").next().unwrap().to_owned() + "\n";
    parse_facts(scenario, &text, FactsFormat::Toml, judge()).unwrap()
}

fn counted(decision: &Decision, counter: Counter) -> Option<CountedVolume> {
    decision
        .volumes
        .iter()
        .find(|v| v.counter == counter)
        .copied()
}

#[test]
fn location_stated_coarser_than_1000_metres_feeds_no_device_counter() {
    let devices = Counter::Us(UsCounter::PreciseGeolocationDevices);
    for (scenario, fed) in [
        ("us-242-precision-1000m.toml", true),
        ("us-242-precision-1001m.toml", false),
    ] {
        let facts = facts(scenario);
        let decision = judge()
            .decide(&facts, &PriorVolumes::none(facts.date))
            .unwrap();
        assert_eq!(counted(&decision, devices).is_some(), fed, "{scenario}");
    }
}

#[test]
fn categories_sharing_people_are_a_range_and_prior_volumes_are_carried() {
    // Name, phone and address of the same 2,000,000 customers: at least 2,000,000 people, at
    // most three times that, and no total stated.
    let facts = facts("cn-contract-shopping.toml");
    let mut prior = PriorVolumes::none(facts.date);
    prior.cn.pi_individuals = 40_000;
    let decision = judge().decide(&facts, &prior).unwrap();
    let pi = counted(&decision, Counter::Cn(CnCounter::PersonalInformation)).unwrap();
    assert_eq!(pi.since, Window::cn(facts.date).from);
    assert_eq!(pi.prior, 40_000);
    assert_eq!(pi.transfer, [2_000_000, 6_000_000]);
    assert_eq!(pi.cumulative(), [2_040_000, 6_040_000]);
    let sensitive = counted(
        &decision,
        Counter::Cn(CnCounter::SensitivePersonalInformation),
    )
    .unwrap();
    assert_eq!(sensitive.transfer, [0, 0]);
    // No data of U.S. persons: no US counter.
    assert!(
        decision
            .volumes
            .iter()
            .all(|v| matches!(v.counter, Counter::Cn(_)))
    );
}

#[test]
fn volumes_read_back_from_the_decision_json() {
    // What a reader of `judge --format json` or a stored filing's decision gets back.
    let facts = facts("us-242-precision-1000m.toml");
    let decision = judge()
        .decide(&facts, &PriorVolumes::none(facts.date))
        .unwrap();
    assert!(!decision.volumes.is_empty());
    let json = serde_json::to_value(&decision).unwrap();
    let back: Vec<CountedVolume> = serde_json::from_value(json["volumes"].clone()).unwrap();
    assert_eq!(back, decision.volumes);
}
