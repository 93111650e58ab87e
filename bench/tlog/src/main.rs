//! Benchmark of the transparency log: durable appends/s (batched, fsync'd), proof
//! verifications/s, and proof sizes at 10^6 entries. Run with `bench/tlog/run.sh`.

use std::time::Instant;

use freeport_tlog::entry::Entry;
use freeport_tlog::merkle::{
    NodeSource, leaf_hash, prove_consistency, prove_inclusion, root_at, verify_consistency,
    verify_inclusion,
};
use freeport_tlog::note::{KeyKind, SigningKey};
use freeport_tlog::receipt::Receipt;
use freeport_tlog::store::Log;

fn entry(i: u64) -> Vec<u8> {
    let value = serde_json::json!({"type": "decision", "body": {
        "transfer_id": format!("transfer-{i:08}"), "outcome": "permit_with_conditions",
        "rule_packs": ["cn-pipl@2026.1", "us-dsp@2026.1"],
        "reasons": ["de-identified under GB/T 37964; no bulk U.S. sensitive personal data"],
        "decided_at": "2026-11-21T05:00:00Z"}});
    Entry::from_json(value).unwrap().to_bytes().unwrap()
}

/// Tiny deterministic generator (no extra dependency).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) % n
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let total: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let work = args.get(2).map(std::path::PathBuf::from).unwrap_or_else(|| "target/bench-logs".into());
    std::fs::create_dir_all(&work).unwrap();
    let key = SigningKey::from_seed("bench.freedataport.example/log", KeyKind::Ed25519, [1; 32]).unwrap();
    let entries: Vec<Vec<u8>> = (0..total).map(entry).collect();
    let avg_entry = entries.iter().map(Vec::len).sum::<usize>() as f64 / total as f64;
    println!("entries: {total}, average canonical JSON size {avg_entry:.0} bytes");

    // 1. Durable appends at several batch sizes (each batch fsync'd before it returns).
    println!("\n## durable appends (batched, fsync'd before acknowledgement)\n");
    println!("| batch size | entries | seconds | entries/s | fsync'd batches/s |");
    println!("|---:|---:|---:|---:|---:|");
    let mut big_log = None;
    for batch in [100usize, 1000, 4096] {
        let n = if batch == 4096 { total } else { (total / 5).min(200_000) };
        let dir = tempfile::tempdir_in(&work).unwrap();
        let mut log = Log::init(dir.path(), "bench.freedataport.example/log", &key.verifier()).unwrap();
        let start = Instant::now();
        for chunk in entries[..n as usize].chunks(batch) {
            log.append(chunk).unwrap();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "| {batch} | {n} | {secs:.2} | {:.0} | {:.0} |",
            n as f64 / secs,
            (n as f64 / batch as f64) / secs
        );
        if batch == 4096 {
            log.checkpoint(&key).unwrap();
            big_log = Some((dir, log));
        }
    }
    let (_dir, log) = big_log.unwrap();
    let size = log.size();
    let root = log.root();

    // 2. Proofs at the full size, from tiles on disk.
    let mut rng = Lcg(7);
    let samples = 20_000usize;
    let indexes: Vec<u64> = (0..samples).map(|_| rng.below(size)).collect();
    let start = Instant::now();
    let proofs: Vec<_> = indexes.iter().map(|&i| prove_inclusion(&log, size, i).unwrap()).collect();
    let prove_secs = start.elapsed().as_secs_f64();
    let leaves: Vec<_> = indexes.iter().map(|&i| leaf_hash(&entries[i as usize])).collect();
    let rounds = 10;
    let start = Instant::now();
    for _ in 0..rounds {
        for ((p, &i), leaf) in proofs.iter().zip(&indexes).zip(&leaves) {
            verify_inclusion(leaf, i, size, p, &root).unwrap();
        }
    }
    let ours = (samples * rounds) as f64 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    for _ in 0..rounds {
        for ((p, &i), leaf) in proofs.iter().zip(&indexes).zip(&leaves) {
            tlog_tiles::check_record(p, size, root, i, *leaf).unwrap();
        }
    }
    let anchor = (samples * rounds) as f64 / start.elapsed().as_secs_f64();

    let olds: Vec<u64> = (0..2000).map(|_| 1 + rng.below(size - 1)).collect();
    let old_roots: Vec<_> = olds.iter().map(|&m| root_at(&log, m).unwrap()).collect();
    let cproofs: Vec<_> = olds.iter().map(|&m| prove_consistency(&log, m, size).unwrap()).collect();
    let start = Instant::now();
    for _ in 0..rounds {
        for ((p, &m), r) in cproofs.iter().zip(&olds).zip(&old_roots) {
            verify_consistency(m, size, p, r, &root).unwrap();
        }
    }
    let consistency = (olds.len() * rounds) as f64 / start.elapsed().as_secs_f64();

    println!("\n## proofs at {size} entries\n");
    println!("| operation | per second |");
    println!("|---|---:|");
    println!("| inclusion proof generation (tiles on disk, cached) | {:.0} |", samples as f64 / prove_secs);
    println!("| inclusion proof verification (freeport-tlog) | {ours:.0} |");
    println!("| inclusion proof verification (tlog_tiles 0.2 `check_record`, anchor) | {anchor:.0} |");
    println!("| ratio freeport-tlog / tlog_tiles | {:.2} |", ours / anchor);
    println!("| consistency proof verification (freeport-tlog) | {consistency:.0} |");

    let incl: Vec<usize> = proofs.iter().map(Vec::len).collect();
    let cons: Vec<usize> = cproofs.iter().map(Vec::len).collect();
    let avg = |v: &[usize]| v.iter().sum::<usize>() as f64 / v.len() as f64;
    let receipt = Receipt::build(&log, size, indexes[0], Some(entries[indexes[0] as usize].clone()), log.signed_checkpoint().unwrap()).unwrap();
    println!("\n## proof sizes at {size} entries\n");
    println!("| proof | hashes (avg) | hashes (max) | bytes (avg) |");
    println!("|---|---:|---:|---:|");
    println!("| inclusion | {:.1} | {} | {:.0} |", avg(&incl), incl.iter().max().unwrap(), avg(&incl) * 32.0);
    println!("| consistency (random old size) | {:.1} | {} | {:.0} |", avg(&cons), cons.iter().max().unwrap(), avg(&cons) * 32.0);
    println!("| tlog-proof receipt (entry + proof + log-signed checkpoint), text | - | - | {} |", receipt.to_text().len());
}
