//! The anchor of `bench/stats`: raw `prio` in one process, no network, no HPKE, no store —
//! shard, both aggregators' `verify_init`, the verifier message, both `verify_next`, and
//! accumulation — for the same Prio3 instances and report counts as the end-to-end run.
//!
//! `raw_prio N [INSTANCE]` prints one JSON line per instance (`count`, `sum`, `histogram`,
//! `sumvec`; all four without INSTANCE).
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a benchmark program: it prints its figures and stops on any failure"
)]

use std::time::Instant;

use prio::vdaf::prio3::Prio3;
use prio::vdaf::{Aggregatable, Aggregator, Client, VerifyTransition};

const CTX: &[u8] = b"freeport-stats bench";

fn run<V>(name: &str, vdaf: &V, measurement: impl Fn(usize) -> V::Measurement, n: usize)
where
    V: Client<16> + Aggregator<32, 16, AggregationParam = ()>,
{
    if std::env::args().nth(2).is_some_and(|only| only != name) {
        return;
    }
    let mut verify_key = [0u8; 32];
    getrandom::fill(&mut verify_key).unwrap();
    let mut aggs = [vdaf.aggregate_init(&()), vdaf.aggregate_init(&())];
    let start = Instant::now();
    for i in 0..n {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).unwrap();
        let (public, shares) = vdaf.shard(CTX, &measurement(i), &nonce).unwrap();
        let mut states = Vec::new();
        let mut verifier_shares = Vec::new();
        for (id, share) in shares.iter().enumerate() {
            let (state, vs) = vdaf
                .verify_init(&verify_key, CTX, id, &(), &nonce, &public, share)
                .unwrap();
            states.push(state);
            verifier_shares.push(vs);
        }
        let message = vdaf
            .verifier_shares_to_message(CTX, &(), verifier_shares)
            .unwrap();
        for (state, agg) in states.into_iter().zip(aggs.iter_mut()) {
            match vdaf.verify_next(CTX, state, message.clone()).unwrap() {
                VerifyTransition::Finish(out) => agg.accumulate(&out).unwrap(),
                VerifyTransition::Continue(..) => panic!("Prio3 has one round"),
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"instance\":\"{name}\",\"reports\":{n},\"seconds\":{secs:.3},\"reports_per_second\":{:.0}}}",
        n as f64 / secs
    );
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(20_000, |a| a.parse().unwrap());
    // The same parameters as bench/stats/study.template.toml's queries (see its comments).
    run("count", &Prio3::new_count(2).unwrap(), |i| i % 3 == 0, n);
    run(
        "sum",
        &Prio3::new_sum(2, 365).unwrap(),
        |i| (i % 366) as u64,
        n,
    );
    run(
        "histogram",
        &Prio3::new_histogram(2, 12, 3).unwrap(),
        |i| i % 11,
        n,
    );
    run(
        "sumvec",
        &Prio3::new_sum_vec(2, 255, 4, 6).unwrap(),
        |i| vec![1, 0, (i % 256) as u128, 0],
        n,
    );
}
