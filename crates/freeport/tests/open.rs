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
        (r#""opened_at": "[^"]*""#, r#""opened_at": "[TIME]""#),
        (r"opened here at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", "opened here at [TIME]"),
        (r"\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}", "+[KEY ID]+[PUBLIC KEY]"),
        (r"\+[0-9a-f]{8}\b", "+[KEY ID]"),
        (r"age1[0-9a-z]{58}", "age1[RECIPIENT]"),
    ]}, { f() });
}

/// Creates keys with the CLI, a log, a package sealed to the key ring's own recipient, and a
/// trust file at `$FREEPORT_HOME/trust.toml` trusting the key ring's exporter key and the log.
fn setup(dir: &Path) -> String {
    setup_with(
        dir,
        "order_id,phone\n1,13800138000\n2,13900139000\n".as_bytes(),
    )
}

/// [`setup`] with `orders.csv` holding `orders`.
fn setup_with(dir: &Path, orders: &[u8]) -> String {
    let (code, init) = transcript(dir, &["keys", "init", "--name", "acme-cn.example/exporter"]);
    assert_eq!(code, 0, "{init}");
    let ring = KeyRing::open(&dir.join("home/keys")).unwrap();
    std::fs::write(dir.join("orders.csv"), orders).unwrap();
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
            report_sha256: None,
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

/// Issue 15 item 12: the same package opened again says so, from the record under the home.
#[test]
fn a_package_opened_a_second_time_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let (code, first) = transcript(dir, &["open", "orders.fdp"]);
    assert_eq!(code, 0, "{first}");
    assert!(!first.contains("replay"), "{first}");
    let (code, second) = transcript(dir, &["open", "orders.fdp", "-o", "again"]);
    assert_eq!(code, 0, "{second}");
    assert!(
        second.contains(
            "replay:    this package (the same signed manifest) was already opened here at "
        ) && second.contains("into `[DIR]/orders`"),
        "{second}"
    );
    let (code, json) = transcript(
        dir,
        &["open", "orders.fdp", "-o", "third", "--format", "json"],
    );
    assert_eq!(code, 0, "{json}");
    let body = json
        .split("--- stdout\n")
        .nth(1)
        .unwrap()
        .split("--- stderr")
        .next()
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(value["replay"]["transfer_id"], "t-2026-0001");
    assert!(
        value["replay"]["out_dir"]
            .as_str()
            .unwrap()
            .ends_with("/orders")
    );
    // One record, kept from the first opening.
    assert_eq!(
        std::fs::read_dir(dir.join("home/opened")).unwrap().count(),
        1
    );
}

/// Issue 15 item 12: an open killed at any moment leaves no decrypted data on disk, except a
/// complete output directory once it has been renamed into place.
#[test]
fn a_killed_open_leaves_no_plaintext() {
    const MARKER: &[u8] = b"PLAINTEXT-MARKER-0123456789";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Enough data for decryption to take a while: 48 MiB of lines holding the marker.
    let line = [MARKER, b",13800138000\n"].concat();
    let orders: Vec<u8> = line.iter().copied().cycle().take(48 << 20).collect();
    setup_with(dir, &orders);
    let package_bytes = std::fs::metadata(dir.join("orders.fdp/payload.age"))
        .unwrap()
        .len();
    assert!(package_bytes > 40 << 20);
    for (round, delay_ms) in [5u64, 40, 80, 120, 160, 240, 320, 480]
        .into_iter()
        .enumerate()
    {
        let out = format!("out-{round}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_freeport"))
            .env("FREEPORT_HOME", dir.join("home"))
            .current_dir(dir)
            .args(["open", "orders.fdp", "-o", &out])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let finished = dir.join(&out).exists();
        if finished {
            assert_eq!(
                std::fs::metadata(dir.join(&out).join("orders.csv"))
                    .unwrap()
                    .len(),
                orders.len() as u64
            );
        }
        // No other file in the directory holds decrypted data.
        for entry in walk(dir) {
            let name = entry.strip_prefix(dir).unwrap().display().to_string();
            // The input, and output directories (they appear only complete, by rename).
            if name == "orders.csv" || name.starts_with("out-") {
                continue;
            }
            let bytes = std::fs::read(&entry).unwrap();
            assert!(
                !bytes.windows(MARKER.len()).any(|w| w == MARKER),
                "round {round} (killed after {delay_ms} ms, finished: {finished}): `{name}` holds decrypted data"
            );
        }
    }
}

/// Every file under `dir`, recursively.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
