//! `freeport report ID` end to end: a transfer `freeport assess` recorded is rendered again from
//! the store, byte for byte what the assessment wrote, in each language and as JSON, without
//! recording or logging anything; an unknown id, a transfer without a kept report and a kept
//! report changed behind the store's back are refused with what to do; PDF through Chromium
//! where installed, else a clear error.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `freeport ARGS` in the repository root with `FREEPORT_HOME=home`.
fn freeport(home: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_HOME", home)
        .args(args)
        .output()
        .unwrap()
}

/// A Chinese marketplace's orders to a US seller (`examples/assess/ecommerce-cn-us`).
const DATASET: &str = "examples/assess/ecommerce-cn-us/orders.csv";
const TRANSFER: &str = "examples/assess/ecommerce-cn-us/transfer.toml";

fn ok(output: &Output) -> &Output {
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Assesses the fixture in `home` with the report in `lang`, into `out`; the transfer's id.
fn assess(home: &Path, out: &Path, lang: &str) -> String {
    let output = freeport(
        home,
        &[
            "assess",
            DATASET,
            "--transfer",
            TRANSFER,
            "-o",
            out.to_str().unwrap(),
            "--lang",
            lang,
            "--generated-on",
            "2026-06-16",
            "--format",
            "json",
        ],
    );
    let summary: Value = serde_json::from_slice(&ok(&output).stdout).unwrap();
    summary["transfer_id"].as_str().unwrap().to_owned()
}

fn log_size(home: &Path) -> u64 {
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(home.join("log/state.json")).unwrap())
            .unwrap();
    state["size"].as_u64().unwrap()
}

#[test]
fn a_recorded_transfer_renders_again_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let en = dir.path().join("out-en");
    let id = assess(&home, &en, "en");
    let history = || {
        ok(&freeport(&home, &["history", "--format", "json"]))
            .stdout
            .clone()
    };
    let (before, size) = (history(), log_size(&home));

    // Standard output, the default, in the assessment's language and as JSON.
    let html = freeport(&home, &["report", &id]);
    assert_eq!(
        ok(&html).stdout,
        std::fs::read(en.join("report.html")).unwrap()
    );
    let json = freeport(&home, &["report", &id, "--format", "json"]);
    assert_eq!(
        ok(&json).stdout,
        std::fs::read(en.join("report.json")).unwrap()
    );

    // The other language: what an assessment in Chinese of the same inputs writes. A second
    // home gives the same report but for its log's place, so that part is compared apart.
    let zh_home = dir.path().join("home-zh");
    let zh_out = dir.path().join("out-zh");
    let zh_id = assess(&zh_home, &zh_out, "zh");
    assert_eq!(zh_id, id);
    let file = dir.path().join("again.html");
    let written = freeport(
        &zh_home,
        &["report", &id, "--lang", "zh", "-o", file.to_str().unwrap()],
    );
    let said = String::from_utf8_lossy(&ok(&written).stdout).into_owned();
    assert!(said.contains("generated on 2026-06-16"), "{said}");
    assert!(said.contains("SHA-256 as bound to the log"), "{said}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(zh_out.join("report.html")).unwrap()
    );
    // An existing file is not replaced without --force.
    let again = freeport(
        &zh_home,
        &["report", &id, "--lang", "zh", "-o", file.to_str().unwrap()],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("exists"), "{}", stderr(&again));

    // Nothing was recorded or logged again.
    assert_eq!(history(), before);
    assert_eq!(log_size(&home), size);
}

#[test]
fn an_unknown_id_or_a_report_not_kept_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    // A fresh home has recorded nothing.
    let fresh = freeport(&home, &["report", "2026-nothing"]);
    assert_eq!(fresh.status.code(), Some(2));
    let text = stderr(&fresh);
    assert!(
        text.contains("no recorded transfer has the id `2026-nothing`"),
        "{text}"
    );
    assert!(text.contains("freeport history"), "{text}");

    let id = assess(&home, &dir.path().join("out"), "en");
    let unknown = freeport(&home, &["report", "nope", "--format", "json"]);
    assert_eq!(unknown.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&unknown.stdout)
        .unwrap_or_else(|_| serde_json::from_slice(&unknown.stderr).unwrap());
    assert_eq!(
        error["error"]["code"], "freeport::report::unknown_transfer",
        "{error}"
    );

    // A transfer recorded before the store kept reports: the row is gone, as in such a store.
    let db = home.join("freeport.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("DELETE FROM transfer_report", []).unwrap();
    drop(conn);
    let old = freeport(&home, &["report", &id]);
    assert_eq!(old.status.code(), Some(2));
    let text = stderr(&old);
    assert!(text.contains("freeport::report::not_kept"), "{text}");
    assert!(text.contains("no report of it was"), "{text}");
    assert!(text.contains("report.json"), "{text}");
}

#[test]
fn a_kept_report_changed_behind_the_stores_back_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let id = assess(&home, &dir.path().join("out"), "en");
    let conn = rusqlite::Connection::open(home.join("freeport.db")).unwrap();
    conn.execute(
        "UPDATE transfer_report SET report = replace(report, 'Example Outdoor Gear', 'Someone Else')",
        [],
    )
    .unwrap();
    drop(conn);
    let output = freeport(&home, &["report", &id]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("freeport::report::hash_mismatch"), "{text}");
    assert!(text.contains("does not match its"), "{text}");
}

#[test]
fn pdf_is_printed_by_chromium_or_refused_naming_what_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let id = assess(&home, &dir.path().join("out"), "zh");
    let pdf = dir.path().join("report.pdf");
    // No Chromium anywhere: a clear error, nothing written.
    let missing = assert_cmd::Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_HOME", &home)
        .env("PATH", dir.path())
        .env_remove("FREEPORT_CHROMIUM")
        .args([
            "report",
            &id,
            "--format",
            "pdf",
            "-o",
            pdf.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let text = stderr(&missing);
    assert!(text.contains("needs headless Chromium"), "{text}");
    assert!(text.contains("apt-get install chromium"), "{text}");
    assert!(!pdf.exists());

    let installed = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .any(|name| Path::new("/usr/bin").join(name).exists());
    if !installed {
        return;
    }
    let printed = freeport(
        &home,
        &[
            "report",
            &id,
            "--format",
            "pdf",
            "--lang",
            "zh",
            "-o",
            pdf.to_str().unwrap(),
        ],
    );
    ok(&printed);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
}

/// SHA-256 of the report as bound to the log: `report.json` with `cover.log` and
/// `evidence.receipt` null, in the report's own JSON layout (pretty, final newline).
fn bound_sha256(report_json: &[u8]) -> String {
    use sha2::Digest as _;
    let mut report: Value = serde_json::from_slice(report_json).unwrap();
    report["cover"]["log"] = Value::Null;
    report["evidence"]["receipt"] = Value::Null;
    let mut text = serde_json::to_string_pretty(&report).unwrap();
    text.push('\n');
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The report is bound to the package and the log: its SHA-256 (as bound to the log) is in the
/// signed manifest and in the transfer's log entry; `freeport open --report` takes the report
/// the assessment wrote and refuses another before decrypting anything.
#[test]
fn the_reports_hash_is_in_the_manifest_and_the_log_and_open_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("out");
    let id = assess(&home, &out, "en");
    let report = std::fs::read(out.join("report.json")).unwrap();
    let sha = bound_sha256(&report);
    let package = out.join(format!("{id}.fdp"));
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(package.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["report_sha256"], sha.as_str());
    // The log entry: the one leaf in this home's log, in its partial entry bundle.
    let entries = std::fs::read(home.join("log/tile/entries/000.p/1")).unwrap();
    let needle = format!("\"report_sha256\":\"{sha}\"");
    assert!(
        entries
            .windows(needle.len())
            .any(|w| w == needle.as_bytes()),
        "the log entry carries the report's hash"
    );

    let open = |report: &Path, into: &str| {
        freeport(
            &home,
            &[
                "open",
                package.to_str().unwrap(),
                "--identity",
                home.join("keys/age.key").to_str().unwrap(),
                "--trust",
                home.join("trust.toml").to_str().unwrap(),
                "-o",
                dir.path().join(into).to_str().unwrap(),
                "--report",
                report.to_str().unwrap(),
            ],
        )
    };
    ok(&open(&out.join("report.json"), "received"));
    let other = dir.path().join("other.json");
    std::fs::write(
        &other,
        String::from_utf8(report)
            .unwrap()
            .replacen("Example Outdoor Gear", "Someone Else", 1),
    )
    .unwrap();
    let refused = open(&other, "refused");
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("freeport::open::report_mismatch"));
    assert!(!dir.path().join("refused").exists(), "nothing decrypted");
}

/// An auditor verifies a report offline under their own policy: the report the assessment wrote
/// verifies; the same report with one word changed, or carrying another transfer's receipt, is
/// refused (exit 1) with each failure named; `--reviewers` is refused for a report.
#[test]
fn audit_verify_takes_a_report_and_refuses_one_changed_after_it_was_logged() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("out");
    let id = assess(&home, &out, "en");
    let policy = out.join("trust-policy.txt");
    let verify = |report: &Path, extra: &[&str]| {
        let mut args = vec![
            "audit",
            "verify",
            report.to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        freeport(&home, &args)
    };
    let report = out.join("report.json");
    let verified = verify(&report, &[]);
    let audit: Value = serde_json::from_slice(&ok(&verified).stdout).unwrap();
    assert_eq!(audit["verified"], true);
    assert_eq!(audit["transfer_id"], id.as_str());
    assert_eq!(
        audit["report_sha256"],
        bound_sha256(&std::fs::read(&report).unwrap()).as_str()
    );

    // One word changed after logging.
    let text = std::fs::read_to_string(&report).unwrap();
    let changed = dir.path().join("changed.json");
    std::fs::write(
        &changed,
        text.replacen("Example Outdoor Gear", "Someone Else", 1),
    )
    .unwrap();
    let refused = verify(&changed, &[]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let audit: Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(audit["verified"], false);
    assert_eq!(audit["failed"], "report", "{audit}");

    // Another transfer's report with this one's receipt.
    let second_out = dir.path().join("second");
    let second = assess(&home, &second_out, "en");
    assert_ne!(second, id);
    let mut swapped: Value =
        serde_json::from_str(&std::fs::read_to_string(second_out.join("report.json")).unwrap())
            .unwrap();
    let first: Value = serde_json::from_str(&text).unwrap();
    swapped["evidence"]["receipt"] = first["evidence"]["receipt"].clone();
    swapped["cover"]["log"] = first["cover"]["log"].clone();
    let swapped_path = dir.path().join("swapped.json");
    std::fs::write(
        &swapped_path,
        serde_json::to_string_pretty(&swapped).unwrap() + "\n",
    )
    .unwrap();
    let refused = verify(&swapped_path, &[]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let audit: Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(audit["verified"], false);
    assert_eq!(audit["transfer_id"], second.as_str());
    assert_eq!(audit["failed"], "report", "{audit}");

    // The table names the outcome for people.
    let table = freeport(
        &home,
        &[
            "audit",
            "verify",
            report.to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&ok(&table).stdout).into_owned();
    assert!(
        stdout.contains(&format!("report of transfer `{id}` verifies")),
        "{stdout}"
    );

    let refused = verify(&report, &["--reviewers", policy.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
}
