//! Joint decisions per second on one core: every scenario of `rules/tests` (both packs, prior
//! volumes included), judged in a loop on one thread; and, as the anchor, bare Cedar
//! `is_authorized` calls on the China pack with a fixed context, the floor the judge builds on.
//!
//! Run through `bench/judge/run.sh`; prints one JSON object.

#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::path::Path;
use std::time::Instant;

use cedar_policy::{Authorizer, Context, Entities, EntityUid, Request, RestrictedExpression};
use freeport_policy::{FactsFormat, Judge, Jurisdiction, PriorVolumes, TransferFacts, parse_facts};
use freeport_vocabulary::Vocabulary;

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let seconds: f64 = std::env::args().nth(1).map_or(Ok(3.0), |s| s.parse())?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let judge = Judge::embedded(Vocabulary::embedded()?)?;

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
            None => PriorVolumes::none(facts.date)?,
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

    // Anchor: one bare Cedar authorisation of the China pack with a context built once.
    let pack = judge.pack(Jurisdiction::Cn);
    let context = Context::from_pairs([
        ("date".to_owned(), RestrictedExpression::new_long(20260601)),
        ("outbound".to_owned(), RestrictedExpression::new_bool(true)),
        (
            "domestic_pi".to_owned(),
            RestrictedExpression::new_bool(true),
        ),
        (
            "domestic_sensitive_pi".to_owned(),
            RestrictedExpression::new_bool(false),
        ),
        (
            "domestic_minor_pi".to_owned(),
            RestrictedExpression::new_bool(false),
        ),
        (
            "contains_pi".to_owned(),
            RestrictedExpression::new_bool(true),
        ),
        (
            "important_data".to_owned(),
            RestrictedExpression::new_bool(false),
        ),
        ("ciio".to_owned(), RestrictedExpression::new_bool(false)),
        (
            "scenario".to_owned(),
            RestrictedExpression::new_string("other".to_owned()),
        ),
        (
            "employees_only".to_owned(),
            RestrictedExpression::new_bool(false),
        ),
        ("ftz".to_owned(), RestrictedExpression::new_bool(false)),
        (
            "ftz_listed".to_owned(),
            RestrictedExpression::new_bool(false),
        ),
        (
            "foreign_judicial".to_owned(),
            RestrictedExpression::new_bool(false),
        ),
        (
            "cac_restricted_list".to_owned(),
            RestrictedExpression::new_bool(false),
        ),
        (
            "cumulative_pi".to_owned(),
            RestrictedExpression::new_long(150_000),
        ),
        (
            "cumulative_sensitive_pi".to_owned(),
            RestrictedExpression::new_long(0),
        ),
    ])?;
    let request = Request::new(
        r#"Transfer::"transfer""#.parse::<EntityUid>()?,
        r#"Action::"judge""#.parse::<EntityUid>()?,
        r#"Pack::"cn""#.parse::<EntityUid>()?,
        context,
        Some(pack.schema()),
    )?;
    let authorizer = Authorizer::new();
    let entities = Entities::empty();
    let start = Instant::now();
    let mut cedar_n: u64 = 0;
    while start.elapsed().as_secs_f64() < seconds {
        for _ in 0..1000 {
            let response = authorizer.is_authorized(&request, pack.policies(), &entities);
            std::hint::black_box(response.diagnostics().reason().count());
            cedar_n += 1;
        }
    }
    let cedar_rate = cedar_n as f64 / start.elapsed().as_secs_f64();

    println!(
        "{{\"scenarios\": {}, \"scenarios_without_unknowns\": {}, \"joint_decisions_per_s_all\": {:.0}, \"joint_decisions_per_s_without_unknowns\": {:.0}, \"decisions_timed\": {}, \"cedar_is_authorized_per_s_cn_pack\": {:.0}, \"ratio_joint_to_cedar_calls\": {:.3}}}",
        all.len(),
        certain.len(),
        all_rate,
        certain_rate,
        all_n + certain_n,
        cedar_rate,
        certain_rate / cedar_rate
    );
    Ok(())
}
