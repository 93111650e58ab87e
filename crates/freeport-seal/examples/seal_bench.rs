//! Times sealing and opening one large file (for `bench/seal/run.sh`): prints seconds and MB/s
//! for prepare (tar + age + hashes), the log append and receipt, finish, verify and open.
//! With a second argument KEEP, also leaves `KEEP/bench.fdp`, the recipient's `KEEP/age.key`
//! (mode 0600) and `KEEP/trust.toml` there, for timing `freeport open` and `age -d` on them.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark program: failures abort, results go to stdout"
)]

use std::time::Instant;

use freeport_seal::{ExporterKey, PlainFile, SealRequest, Trust};
use freeport_tlog::merkle::NodeSource as _;
use freeport_tlog::note::{KeyKind, SigningKey};
use freeport_tlog::policy::Policy;
use freeport_tlog::receipt::Receipt;
use freeport_tlog::store::Log;

fn main() {
    let input = std::env::args().nth(1).expect("usage: seal_bench FILE");
    let bytes = std::fs::metadata(&input).unwrap().len() as f64;
    let mb = bytes / 1e6;
    let dir = tempfile::tempdir().unwrap();
    let exporter = ExporterKey::generate("bench.example/exporter").unwrap();
    let identity = age::x25519::Identity::generate();
    let log_key = SigningKey::generate("bench.example/log", KeyKind::Ed25519).unwrap();
    let mut log = Log::init(
        &dir.path().join("log"),
        "bench.example/log",
        &log_key.verifier(),
    )
    .unwrap();
    let report = |what: &str, start: Instant| {
        let s = start.elapsed().as_secs_f64();
        println!("{what:<28} {s:>8.3} s {:>9.1} MB/s", mb / s);
    };
    println!("input: {input} ({mb:.1} MB)");
    let start = Instant::now();
    let prepared = freeport_seal::prepare(
        SealRequest {
            transfer_id: "bench".into(),
            files: vec![PlainFile::new(&input).unwrap()],
            recipients: vec![identity.to_public()],
            classification: serde_json::json!({}),
            decision: serde_json::json!({}),
            deidentification: None,
            report_sha256: None,
            sealed_at: jiff::Timestamp::now(),
            package: dir.path().join("bench.fdp"),
        },
        &exporter,
    )
    .unwrap();
    report("prepare (tar+age+sha256)", start);
    let start = Instant::now();
    let entry = prepared.entry().to_bytes().unwrap();
    let appended = log.append(std::slice::from_ref(&entry)).unwrap();
    let signed = log.checkpoint(&log_key).unwrap();
    let receipt = Receipt::build(&log, log.size(), appended.first_index, Some(entry), signed)
        .unwrap()
        .to_text();
    let sealed = prepared.finish(&receipt).unwrap();
    report("log + receipt + finish", start);
    let trust = Trust::new(
        vec![exporter.public().clone()],
        Policy::log_only(log_key.verifier()),
    );
    let start = Instant::now();
    freeport_seal::verify(&sealed.path, &trust).unwrap();
    report("verify (no decryption)", start);
    let start = Instant::now();
    freeport_seal::open(
        &sealed.path,
        std::slice::from_ref(&identity),
        &trust,
        &dir.path().join("out"),
    )
    .unwrap();
    report("open (verify + 1 decrypt)", start);
    if let Some(keep) = std::env::args().nth(2).map(std::path::PathBuf::from) {
        use age::secrecy::ExposeSecret as _;
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::create_dir_all(&keep).unwrap();
        let package = keep.join("bench.fdp");
        let _ = std::fs::remove_dir_all(&package);
        std::fs::rename(&sealed.path, &package).unwrap();
        let key = keep.join("age.key");
        std::fs::write(&key, format!("{}\n", identity.to_string().expose_secret())).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        let policy = format!("log {}\nquorum none\n", log_key.verifier().to_vkey());
        let trust = Trust::render(std::slice::from_ref(exporter.public()), &policy).unwrap();
        std::fs::write(keep.join("trust.toml"), trust).unwrap();
    }
}
