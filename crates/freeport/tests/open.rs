//! `freeport keys` and `freeport open` end to end: keys created under `$FREEPORT_HOME`, a package
//! sealed with them and logged in a real log, opened with the default identity and trust file;
//! refusals exit 1 naming the check, bad input exits 2. Random keys are redacted in snapshots.
#![expect(
    clippy::unwrap_used,
    reason = "helpers outside #[test] functions unwrap too; a failure is a test failure"
)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;

use age::secrecy::ExposeSecret as _;
use freeport_seal::{KeyRing, PlainFile, SealRequest, Trust};
use freeport_tlog::merkle::NodeSource as _;
use freeport_tlog::note::{KeyKind, SigningKey};
use freeport_tlog::receipt::Receipt;
use freeport_tlog::store::Log;

const ORIGIN: &str = "freedataport.example/log";

/// Runs freeport with `FREEPORT_HOME=<dir>/home` in `dir`; returns a transcript with paths masked.
fn transcript(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_freeport"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .env("FREEPORT_HOME", dir.join("home"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let mask = |s: &[u8]| String::from_utf8_lossy(s).replace(&dir.display().to_string(), "[DIR]");
    let code = output.status.code().unwrap_or(-1);
    (
        code,
        format!(
            "$ freeport {}\nexit {code}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            mask(&output.stdout),
            mask(&output.stderr)
        ),
    )
}

/// Masks what is random in every run: key ids and key bytes, age recipients, and the payload
/// ciphertext hash.
fn redacted(f: impl FnOnce()) {
    insta::with_settings!({filters => vec![
        (r"\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}", "+[KEY ID]+[PUBLIC KEY]"),
        (r"\+[0-9a-f]{8}\b", "+[KEY ID]"),
        (r"age1[0-9a-z]{58}", "age1[RECIPIENT]"),
    ]}, { f() });
}

/// Creates keys with the CLI, a log, a package sealed to the key ring's own recipient, and a
/// trust file at `$FREEPORT_HOME/trust.toml` trusting the key ring's exporter key and the log.
fn setup(dir: &Path) -> String {
    let (code, init) = transcript(dir, &["keys", "init", "--name", "acme-cn.example/exporter"]);
    assert_eq!(code, 0, "{init}");
    let ring = KeyRing::open(&dir.join("home/keys")).unwrap();
    std::fs::write(
        dir.join("orders.csv"),
        "order_id,phone\n1,13800138000\n2,13900139000\n",
    )
    .unwrap();
    let log_key = SigningKey::from_seed(ORIGIN, KeyKind::Ed25519, [42; 32]).unwrap();
    let mut log = Log::init(&dir.join("log"), ORIGIN, &log_key.verifier()).unwrap();
    let prepared = freeport_seal::prepare(
        SealRequest {
            transfer_id: "t-2026-0001".into(),
            files: vec![PlainFile::new(dir.join("orders.csv")).unwrap()],
            recipients: vec![ring.recipient()],
            classification: serde_json::json!({"contact.phone": {"subjects": 2}}),
            decision: serde_json::json!({"cn": "permit", "us": "permit"}),
            deidentification: None,
            sealed_at: "2026-11-21T05:00:00Z".parse().unwrap(),
            package: dir.join("orders.fdp"),
        },
        ring.exporter(),
    )
    .unwrap();
    let entry = prepared.entry().to_bytes().unwrap();
    let appended = log.append(std::slice::from_ref(&entry)).unwrap();
    let signed = log.checkpoint(&log_key).unwrap();
    let receipt = Receipt::build(&log, log.size(), appended.first_index, Some(entry), signed)
        .unwrap()
        .to_text();
    prepared.finish(&receipt).unwrap();
    let trust = Trust::render(
        std::slice::from_ref(ring.exporter().public()),
        &format!("log {}\nquorum none\n", log_key.verifier().to_vkey()),
    )
    .unwrap();
    std::fs::write(dir.join("home/trust.toml"), trust).unwrap();
    init
}

#[test]
fn keys_init_show_and_open_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let init = setup(dir);
    let (_, again) = transcript(dir, &["keys", "init"]);
    let (_, show) = transcript(dir, &["keys", "show"]);
    let (code, opened) = transcript(dir, &["open", "orders.fdp"]);
    assert_eq!(code, 0, "{opened}");
    assert_eq!(
        std::fs::read(dir.join("orders/orders.csv")).unwrap(),
        std::fs::read(dir.join("orders.csv")).unwrap()
    );
    let (code, json) = transcript(
        dir,
        &["open", "orders.fdp", "-o", "again", "--format", "json"],
    );
    assert_eq!(code, 0, "{json}");
    redacted(|| {
        insta::assert_snapshot!(
            "keys_and_open",
            [init, again, show, opened, json].join("\n")
        );
    });
}

#[test]
fn refusals_exit_1_naming_the_check_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    // A flipped ciphertext byte.
    let payload = dir.join("orders.fdp/payload.age");
    let mut bytes = std::fs::read(&payload).unwrap();
    bytes[150] ^= 1;
    std::fs::write(&payload, &bytes).unwrap();
    let (code, flipped) = transcript(dir, &["open", "orders.fdp"]);
    assert_eq!(code, 1, "{flipped}");
    bytes[150] ^= 1;
    std::fs::write(&payload, &bytes).unwrap();
    // Another identity.
    let stranger = dir.join("stranger.key");
    let identity = age::x25519::Identity::generate();
    std::fs::write(
        &stranger,
        format!(
            "# not the recipient\n{}\n",
            identity.to_string().expose_secret()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&stranger, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, wrong) = transcript(dir, &["open", "orders.fdp", "--identity", "stranger.key"]);
    assert_eq!(code, 1, "{wrong}");
    assert!(!dir.join("orders").exists());
    redacted(|| insta::assert_snapshot!("refusals", [flipped, wrong].join("\n")));
}

#[test]
fn bad_input_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let mut runs = Vec::new();
    // No such package.
    runs.push(transcript(dir, &["open", "missing.fdp"]));
    // No trust file.
    std::fs::rename(dir.join("home/trust.toml"), dir.join("trust.toml")).unwrap();
    runs.push(transcript(dir, &["open", "orders.fdp"]));
    // A trust file with a bad exporter key.
    std::fs::write(
        dir.join("bad.toml"),
        "exporters = [\"nope\"]\npolicy = \"quorum none\\n\"\n",
    )
    .unwrap();
    runs.push(transcript(
        dir,
        &["open", "orders.fdp", "--trust", "bad.toml"],
    ));
    // The output directory exists.
    std::fs::create_dir(dir.join("taken")).unwrap();
    runs.push(transcript(
        dir,
        &["open", "orders.fdp", "--trust", "trust.toml", "-o", "taken"],
    ));
    // An identity readable by others.
    let key = dir.join("home/keys/age.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    runs.push(transcript(
        dir,
        &["open", "orders.fdp", "--trust", "trust.toml"],
    ));
    runs.push(transcript(dir, &["keys", "show"]));
    for (code, run) in &runs {
        assert_eq!(*code, 2, "{run}");
    }
    let text: Vec<String> = runs.into_iter().map(|(_, t)| t).collect();
    redacted(|| insta::assert_snapshot!("bad_input", text.join("\n")));
}
