//! Joint decisions per second on one core: every scenario of `rules/tests` (both packs, prior
//! volumes included), judged in a loop on one thread, first with the volumes the scenario file
//! states, then with volumes fetched per decision from a freeport-store SQLite database
//! (`Store::dry_run` + two `Tx::volumes` lookups, as `freeport judge` without `--record` does),
//! through the store's per-exporter index (the default) and through SQL queries only; the store
//! lookups are also timed alone, warm and cold (a fresh handle's first lookup per exporter).
//! The anchor, in the same run: bare Cedar `is_authorized` calls on each pack as written, with a
//! context built once — the floor each of the two per-decision evaluations sat on before the
//! judge learnt to leave out policies that cannot fire.
//!
//! Run through `bench/judge/run.sh`; prints one JSON object.

#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use cedar_policy::{Authorizer, Context, Entities, EntityUid, Request, RestrictedExpression};
use freeport_policy::{
    CnPriorVolumes, FactsFormat, Judge, Jurisdiction, PriorVolumes, RulePack, TransferFacts,
    UsPriorVolumes, parse_facts,
};
use freeport_store::{
    CategorySet, Store, StoreError, SubjectHashes, TransferId, TransferRecord, Unit, VolumeEntry,
    Window,
};
use freeport_vocabulary::{CnClass, CnThreshold, UsCounter, Vocabulary};
use jiff::ToSpan;

type Error = Box<dyn std::error::Error>;

/// Exporter/counterparty pairs the decisions rotate over: more than the store's answer cache
/// holds (256), so lookups go to SQLite instead of the cache.
const PAIRS: usize = 1_000;

fn main() -> Result<(), Error> {
    let seconds: f64 = std::env::args().nth(1).map_or(Ok(3.0), |s| s.parse())?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let vocabulary = Vocabulary::embedded()?;
    let judge = Judge::embedded(vocabulary)?;

    let mut all: Vec<(TransferFacts, PriorVolumes)> = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(root.join("rules/tests"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    for path in &paths {
        let text = std::fs::read_to_string(path)?;
        let facts_text = text.split("\n[expect]\n").next().unwrap_or(&text);
        let facts = parse_facts("scenario", facts_text, FactsFormat::Toml, &judge)?;
        let prior = match facts.prior_volumes {
            Some(p) => p,
            None => PriorVolumes::none(facts.date),
        };
        all.push((facts, prior));
    }
    let certain: Vec<(TransferFacts, PriorVolumes)> = all
        .iter()
        .filter(|(f, p)| judge.decide(f, p).is_ok_and(|d| d.cases.is_empty()))
        .cloned()
        .collect();

    let rate = |set: &[(TransferFacts, PriorVolumes)]| -> Result<(f64, u64), Error> {
        let start = Instant::now();
        let mut n: u64 = 0;
        let mut checksum = 0_usize;
        while start.elapsed().as_secs_f64() < seconds {
            for (facts, prior) in set {
                let decision = judge.decide(facts, prior)?;
                checksum += decision.cn.rules.len() + decision.us.rules.len();
                n += 1;
            }
        }
        std::hint::black_box(checksum);
        Ok((n as f64 / start.elapsed().as_secs_f64(), n))
    };
    let (all_rate, all_n) = rate(&all)?;
    let (certain_rate, certain_n) = rate(&certain)?;

    // With the store: a database holding 3 earlier transfers per pair, inside both windows.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("freeport.db");
    let mut store = Store::open(&path)?;
    populate(&mut store, &certain)?;
    drop(store);
    let sets = Sets::new(vocabulary);

    // Cold: a fresh handle, each pair's first and second lookups (read by SQL), then its third
    // (the store loads the exporter's index, then counts from it).
    let mut store = Store::open(&path)?;
    let mut cold_us = [0.0; 3];
    for cold in &mut cold_us {
        let start = Instant::now();
        for pair in 0..PAIRS {
            let (facts, _) = &certain[pair % certain.len()];
            std::hint::black_box(lookup(&mut store, &sets, facts, pair)?);
        }
        *cold = start.elapsed().as_secs_f64() * 1e6 / PAIRS as f64;
    }

    // Warm, lookups alone, then lookups and decisions; and the same through SQL queries only.
    let lookups_rate = store_rate(&mut store, &sets, &certain, seconds, None)?;
    let store_rate_index = store_rate(&mut store, &sets, &certain, seconds, Some(&judge))?;
    let mut sql_only = Store::open(&path)?.with_window_index(false);
    let lookups_rate_sql = store_rate(&mut sql_only, &sets, &certain, seconds, None)?;
    let store_rate_sql = store_rate(&mut sql_only, &sets, &certain, seconds, Some(&judge))?;

    let cn_rate = bare_cedar(judge.pack(Jurisdiction::Cn), cn_context()?, seconds)?;
    let us_rate = bare_cedar(judge.pack(Jurisdiction::Us), us_context()?, seconds)?;
    // Two bare calls per joint decision, one per pack: the time of both added up.
    let joint_floor = 1.0 / (1.0 / cn_rate + 1.0 / us_rate);

    println!(
        "{{\"scenarios\": {}, \"scenarios_without_unknowns\": {}, \"joint_decisions_per_s_all\": {:.0}, \"joint_decisions_per_s_without_unknowns\": {:.0}, \"joint_decisions_per_s_with_store_lookup\": {:.0}, \"joint_decisions_per_s_with_store_lookup_sql_only\": {:.0}, \"store_lookups_per_s\": {:.0}, \"store_lookups_per_s_sql_only\": {:.0}, \"store_lookup_first_us\": {:.1}, \"store_lookup_third_us_index_load\": {:.1}, \"decisions_timed\": {}, \"cedar_is_authorized_per_s_cn_pack\": {:.0}, \"cedar_is_authorized_per_s_us_pack\": {:.0}, \"bare_cedar_joint_per_s\": {:.0}, \"ratio_joint_to_cn_cedar_calls\": {:.3}, \"ratio_joint_to_bare_cedar_joint\": {:.3}, \"ratio_joint_with_store_to_bare_cedar_joint\": {:.3}}}",
        all.len(),
        certain.len(),
        all_rate,
        certain_rate,
        store_rate_index,
        store_rate_sql,
        lookups_rate,
        lookups_rate_sql,
        cold_us[0],
        cold_us[2],
        all_n + certain_n,
        cn_rate,
        us_rate,
        joint_floor,
        certain_rate / cn_rate,
        certain_rate / joint_floor,
        store_rate_index / joint_floor,
    );
    Ok(())
}

/// One store lookup as `freeport judge` without `--record` does it: one dry run holding both
/// windows of `pair`, turned into prior volumes for `facts`.
fn lookup(
    store: &mut Store,
    sets: &Sets,
    facts: &TransferFacts,
    pair: usize,
) -> Result<PriorVolumes, BenchError> {
    store.dry_run(|tx| {
        let exporter = format!("exporter-{pair}");
        let counterparty = format!("counterparty-{pair}");
        let cn = tx.volumes(&Window::cn(&exporter, facts.date), &sets.cn)?;
        let us = tx.volumes(&Window::us(&exporter, &counterparty, facts.date), &sets.us)?;
        sets.prior(facts, &cn.sets, &us.sets)
    })
}

/// Lookups (and decisions, with a judge) per second, rotating over the pairs so that the
/// store's answer cache (256 windows) never serves a lookup.
fn store_rate(
    store: &mut Store,
    sets: &Sets,
    certain: &[(TransferFacts, PriorVolumes)],
    seconds: f64,
    judge: Option<&Judge>,
) -> Result<f64, Error> {
    let start = Instant::now();
    let mut n: u64 = 0;
    let mut checksum = 0_usize;
    while start.elapsed().as_secs_f64() < seconds {
        for (i, (facts, _)) in certain.iter().enumerate() {
            let pair = (n as usize + i) % PAIRS;
            let prior = lookup(store, sets, facts, pair)?;
            if let Some(judge) = judge {
                let decision = judge.decide(facts, &prior)?;
                checksum += decision.cn.rules.len() + decision.us.rules.len();
            } else {
                checksum += usize::from(prior.cn.pi_individuals > 0);
            }
            n += 1;
        }
    }
    std::hint::black_box(checksum);
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

/// Errors inside a store transaction: the store's own, or the judge's.
#[derive(Debug, thiserror::Error)]
enum BenchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Judge(#[from] freeport_policy::JudgeError),
    #[error(transparent)]
    Date(#[from] jiff::Error),
}

/// The category sets each counter of the packs sums, from the vocabulary: China counts PI and
/// sensitive PI per person; the United States counts each 28 CFR 202.205 category.
struct Sets {
    cn: Vec<CategorySet>,
    us: Vec<CategorySet>,
}

impl Sets {
    fn new(vocabulary: &Vocabulary) -> Self {
        let ids = |keep: &dyn Fn(&freeport_vocabulary::Category) -> bool| -> BTreeSet<String> {
            vocabulary
                .categories()
                .iter()
                .filter(|c| keep(c))
                .map(|c| c.id.clone())
                .collect()
        };
        let set = |name: &str, categories| CategorySet {
            name: name.to_owned(),
            categories,
        };
        Self {
            cn: vec![
                set("pi", ids(&|c| c.cn.class == CnClass::Pi)),
                set("sensitive_pi", ids(&|c| c.cn.class == CnClass::SensitivePi)),
            ],
            us: UsCounter::ALL
                .iter()
                .map(|counter| set(counter.name(), ids(&|c| UsCounter::of(c).contains(counter))))
                .collect(),
        }
    }

    fn prior(
        &self,
        facts: &TransferFacts,
        cn: &std::collections::BTreeMap<String, u64>,
        us: &std::collections::BTreeMap<String, u64>,
    ) -> Result<PriorVolumes, BenchError> {
        let get = |map: &std::collections::BTreeMap<String, u64>, name: &str| {
            map.get(name).copied().unwrap_or(0)
        };
        Ok(PriorVolumes {
            cn: CnPriorVolumes {
                since: freeport_vocabulary::Window::cn(facts.date).from,
                pi_individuals: get(cn, "pi"),
                sensitive_pi_individuals: get(cn, "sensitive_pi"),
            },
            us: UsPriorVolumes {
                since: freeport_vocabulary::Window::us(facts.date).from,
                covered_personal_identifiers: get(us, UsCounter::CoveredPersonalIdentifiers.name()),
                precise_geolocation_devices: get(us, UsCounter::PreciseGeolocationDevices.name()),
                biometric: get(us, UsCounter::Biometric.name()),
                human_omic: get(us, UsCounter::HumanOmic.name()),
                human_genomic: get(us, UsCounter::HumanGenomic.name()),
                personal_health: get(us, UsCounter::PersonalHealth.name()),
                personal_financial: get(us, UsCounter::PersonalFinancial.name()),
            },
        })
    }
}

/// Records 3 earlier transfers per pair, each with the inventory of one scenario at a tenth of
/// its volume, dated 1 to 3 months before the scenarios' dates.
fn populate(store: &mut Store, scenarios: &[(TransferFacts, PriorVolumes)]) -> Result<(), Error> {
    store.transaction(|tx| {
        for pair in 0..PAIRS {
            for k in 0..3_usize {
                let (facts, _) = &scenarios[(pair * 3 + k) % scenarios.len()];
                let record = TransferRecord {
                    id: TransferId(format!("t-{pair}-{k}")),
                    exporter: format!("exporter-{pair}"),
                    counterparty: format!("counterparty-{pair}"),
                    date: facts.date.checked_sub((k as i64 + 1).months())?,
                    origin: "CN".to_owned(),
                    destination: "US".to_owned(),
                    individuals: None,
                    volumes: facts
                        .data
                        .inventory
                        .iter()
                        // One entry per category: a scenario with mixed origins lists a
                        // category once per place, and these entries carry no place.
                        .filter({
                            let mut seen = BTreeSet::new();
                            move |item| seen.insert(item.category.clone())
                        })
                        .map(|item| VolumeEntry {
                            category: item.category.clone(),
                            unit: if item.devices.is_some() {
                                Unit::Devices
                            } else {
                                Unit::Individuals
                            },
                            count: item.devices.unwrap_or(item.individuals) / 10,
                            subject_hashes: SubjectHashes::new(),
                            state: item.form,
                            // Counted by both windows, so every lookup reads every entry.
                            collected_in: None,
                        })
                        .collect(),
                    decision_json: "{}".to_owned(),
                    rule_packs: Vec::new(),
                };
                tx.record_transfer(&record)?;
            }
        }
        Ok::<_, BenchError>(())
    })?;
    Ok(())
}

fn bare_cedar(pack: &RulePack, context: Context, seconds: f64) -> Result<f64, Error> {
    let request = Request::new(
        r#"Transfer::"transfer""#.parse::<EntityUid>()?,
        r#"Action::"judge""#.parse::<EntityUid>()?,
        format!(r#"Pack::"{}""#, pack.jurisdiction()).parse::<EntityUid>()?,
        context,
        Some(pack.schema()),
    )?;
    let authorizer = Authorizer::new();
    let entities = Entities::empty();
    let start = Instant::now();
    let mut n: u64 = 0;
    while start.elapsed().as_secs_f64() < seconds {
        for _ in 0..1000 {
            // The pack as written: the anchor is plain Cedar, not the judge's evaluation copy.
            let response = authorizer.is_authorized(&request, pack.policies(), &entities);
            std::hint::black_box(response.diagnostics().reason().count());
            n += 1;
        }
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

fn pairs(values: Vec<(&str, RestrictedExpression)>) -> Result<Context, Error> {
    Ok(Context::from_pairs(
        values.into_iter().map(|(k, v)| (k.to_owned(), v)),
    )?)
}

/// A China context: 150,000 people's PI leaving China, nothing else special.
fn cn_context() -> Result<Context, Error> {
    let b = RestrictedExpression::new_bool;
    let mut values = vec![
        ("date", RestrictedExpression::new_long(20260601)),
        ("outbound", b(true)),
        ("domestic_pi", b(true)),
        ("domestic_sensitive_pi", b(false)),
        ("domestic_minor_pi", b(false)),
        ("contains_pi", b(true)),
        ("important_data", b(false)),
        ("ciio", b(false)),
        (
            "scenario",
            RestrictedExpression::new_string("other".to_owned()),
        ),
        ("employees_only", b(false)),
        ("ftz", b(false)),
        ("ftz_listed", b(false)),
        ("foreign_judicial", b(false)),
        ("cac_restricted_list", b(false)),
        ("cumulative_pi", RestrictedExpression::new_long(150_000)),
        ("cumulative_sensitive_pi", RestrictedExpression::new_long(0)),
    ];
    // Each threshold, as the judge passes it (the one definition, `CnThreshold`).
    for threshold in CnThreshold::ALL {
        let value = i64::try_from(threshold.value()).unwrap_or(i64::MAX);
        values.push((threshold.name(), RestrictedExpression::new_long(value)));
    }
    pairs(values)
}

/// A US context: a U.S. person's vendor agreement giving a covered person covered personal
/// identifiers of 150,000 U.S. persons, under the CISA requirements (a restricted transaction,
/// which evaluates most of the pack's conditions in full).
fn us_context() -> Result<Context, Error> {
    let b = RestrictedExpression::new_bool;
    let s = |v: &str| RestrictedExpression::new_string(v.to_owned());
    let n = RestrictedExpression::new_long;
    pairs(
        vec![
            ("date", n(20260601)),
            ("us_person", b(true)),
            ("data_broker", b(false)),
            ("padfa_adversary", b(true)),
            ("us_sensitive_data", b(true)),
            ("us_sensitive_deidentified", b(false)),
            ("covered_recipient", b(true)),
            ("foreign_recipient", b(true)),
            ("transaction", s("vendor")),
            ("passive_investment", b(false)),
            ("scenario", s("other")),
            ("relationship", s("vendor")),
            ("corporate_operation", s("none")),
            ("government_request", b(false)),
            ("government_related", b(false)),
            ("covered_personal_identifiers", n(150_000)),
            ("precise_geolocation_devices", n(0)),
            ("biometric", n(0)),
            ("human_omic", n(0)),
            ("human_genomic", n(0)),
            ("personal_health", n(0)),
            ("personal_financial", n(0)),
            (
                "claimed_exemptions",
                RestrictedExpression::new_set(std::iter::empty()),
            ),
            ("cisa_security_requirements", b(true)),
            ("data_compliance_programme", b(true)),
            ("onward_transfer_contract", b(false)),
            ("cloud_computing", b(false)),
            ("owned_25pct_by_country_of_concern", b(false)),
            ("directed_by_us_person", b(false)),
            ("evasion", b(false)),
            ("biospecimen_persons", n(0)),
            ("biospecimen_genomic", b(false)),
        ]
        .into_iter()
        // Each counter's threshold, as the judge passes it (the one definition, `UsCounter`).
        .chain(UsCounter::ALL.iter().map(|counter| {
            let threshold = i64::try_from(counter.threshold()).unwrap_or(i64::MAX);
            (counter.threshold_name(), n(threshold))
        }))
        .collect(),
    )
}
