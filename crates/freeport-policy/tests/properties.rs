//! Invariants over generated transfers: both packs always decide (no gap in either pack), the
//! same facts give the same decision, more people never lighten the burden, and anonymising
//! never raises it.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::Path;
use std::sync::OnceLock;

use freeport_policy::{
    CollectedIn, FactsFormat, Form, InventoryItem, Judge, Jurisdiction, PriorVolumes, Scenario,
    TransactionType, TransferFacts, Tri, parse_facts,
};
use freeport_vocabulary::{DspCategory, Vocabulary};
use proptest::prelude::*;

fn judge() -> &'static Judge {
    static JUDGE: OnceLock<Judge> = OnceLock::new();
    JUDGE.get_or_init(|| Judge::embedded(Vocabulary::embedded().unwrap()).unwrap())
}

/// The same packs, every policy evaluated by Cedar on every request (no guard filter).
fn full_judge() -> &'static Judge {
    static JUDGE: OnceLock<Judge> = OnceLock::new();
    JUDGE.get_or_init(|| judge().clone().with_full_evaluation())
}

fn base() -> TransferFacts {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/tests/cn-pi-100000.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let facts = text.split("\n[expect]\n").next().unwrap().to_owned();
    parse_facts("base", &facts, FactsFormat::Toml, judge()).unwrap()
}

fn tri() -> impl Strategy<Value = Tri> {
    prop_oneof![Just(Tri::True), Just(Tri::False), Just(Tri::Unknown)]
}

fn item() -> impl Strategy<Value = (usize, u64, u8, u8)> {
    (0_usize..36, 0_u64..2_000_000, 0_u8..3, 0_u8..3)
}

prop_compose! {
    fn transfer()(
        scenario in 0_usize..Scenario::ALL.len(),
        transaction in 0_u8..5,
        bools in proptest::collection::vec(tri(), 6),
        jurisdiction in prop_oneof![Just("cn"), Just("us"), Just("gb")],
        country in prop_oneof![Just("cn"), Just("us"), Just("gb"), Just("hk")],
        items in proptest::collection::vec(item(), 0..5),
        ftz in proptest::option::of(any::<bool>()),
    ) -> TransferFacts {
        let mut facts = base();
        let vocabulary = judge().vocabulary();
        facts.scenario = Scenario::ALL[scenario];
        facts.transaction = [
            TransactionType::DataBrokerage,
            TransactionType::Vendor,
            TransactionType::Employment,
            TransactionType::Investment,
            TransactionType::Other,
        ][usize::from(transaction)];
        facts.passive_investment =
            (facts.transaction == TransactionType::Investment).then_some(bools[5]);
        facts.exporter.jurisdiction = jurisdiction.to_owned();
        facts.exporter.ciio = bools[0];
        facts.exporter.us_person = Some(bools[1]);
        facts.exporter.data_broker = bools[2];
        facts.recipient.country = country.to_owned();
        facts.recipient.covered_person = Some(bools[3]);
        facts.data.important_data = bools[4];
        facts.exporter.ftz = ftz.map(|listed| freeport_policy::FtzFacts {
            zone: "tianjin".to_owned(),
            listed_entries: if listed { vec!["tianjin.finance".to_owned()] } else { vec![] },
        });
        facts.data.inventory.clear();
        for (index, n, place, form) in items {
            let category = &vocabulary.categories()[index % vocabulary.categories().len()];
            if facts.data.inventory.iter().any(|i| i.category == category.id) {
                continue;
            }
            facts.data.inventory.push(InventoryItem {
                category: category.id.clone(),
                individuals: n,
                devices: (category.us.dsp == DspCategory::PreciseGeolocation).then_some(n / 2),
                collected_in: [CollectedIn::Cn, CollectedIn::Us, CollectedIn::Other][usize::from(place)],
                form: [Form::Raw, Form::Pseudonymised, Form::Anonymised][usize::from(form)],
            });
        }
        facts
    }
}

fn burden(facts: &TransferFacts) -> (usize, usize) {
    let judge = judge();
    let prior = PriorVolumes::none(facts.date);
    let decision = judge.decide(facts, &prior).unwrap();
    (
        judge
            .pack(Jurisdiction::Cn)
            .burden(&decision.cn.outcome)
            .unwrap(),
        judge
            .pack(Jurisdiction::Us)
            .burden(&decision.us.outcome)
            .unwrap(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn both_packs_always_decide_and_deterministically(facts in transfer()) {
        let judge = judge();
        let prior = PriorVolumes::none(facts.date);
        let a = judge.decide(&facts, &prior).unwrap();
        let b = judge.decide(&facts, &prior).unwrap();
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }

    /// Leaving out the policies whose leading guards are false changes no decision, remedies
    /// and cases included, on transfers far from the scenario suite (unknowns, prior volumes).
    #[test]
    fn the_guard_filter_decides_like_full_evaluation(facts in transfer(), prior_pi in 0_u64..2_000_000) {
        let mut prior = PriorVolumes::none(facts.date);
        prior.cn.pi_individuals = prior_pi;
        prior.us.covered_personal_identifiers = prior_pi / 10;
        let filtered = judge().decide_with_remedies(&facts, &prior);
        let full = full_judge().decide_with_remedies(&facts, &prior);
        prop_assert_eq!(
            serde_json::to_string(&filtered.map_err(|e| e.to_string())).unwrap(),
            serde_json::to_string(&full.map_err(|e| e.to_string())).unwrap()
        );
    }

    #[test]
    fn more_people_never_lighten_the_burden(facts in transfer(), extra in 0_u64..500_000) {
        let mut more = facts.clone();
        for item in &mut more.data.inventory {
            item.individuals += extra;
            item.devices = item.devices.map(|d| d + extra);
        }
        let (cn, us) = burden(&facts);
        let (cn_more, us_more) = burden(&more);
        prop_assert!(cn_more >= cn && us_more >= us);
    }

    #[test]
    fn anonymising_never_raises_the_burden(facts in transfer()) {
        let mut anonymised = facts.clone();
        for item in &mut anonymised.data.inventory {
            item.form = Form::Anonymised;
        }
        let (cn, us) = burden(&facts);
        let (cn_a, us_a) = burden(&anonymised);
        prop_assert!(cn_a <= cn && us_a <= us, "{:?} -> {:?}", (cn, us), (cn_a, us_a));
    }
}
