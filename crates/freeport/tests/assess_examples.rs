//! The bundled examples (`examples/assess/`) end to end: each scenario's decisions, what is
//! recorded and logged, and that no cell value leaves in the outputs.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `freeport assess` on one example with a fresh home; returns exit code, summary JSON and
/// the output directory.
fn assess(scenario: &str, dataset: &str, extra: &[&str]) -> (i32, Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let base = format!("examples/assess/{scenario}");
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_HOME", dir.path().join("home"))
        // 2026-12-07T00:00:00Z: the day every report here says it was generated.
        .env("SOURCE_DATE_EPOCH", "1796601600")
        .args(["assess", &format!("{base}/{dataset}"), "--transfer"])
        .arg(format!("{base}/transfer.toml"))
        .arg("-o")
        .arg(dir.path().join("out"))
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let summary = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&output.stderr).into_owned()));
    (output.status.code().unwrap(), summary, dir)
}

fn freeport(home: &Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_HOME", home)
        .args(args)
        .output()
        .unwrap()
}

/// The recipient opens the package; flipping one byte of the payload, of the manifest, or of
/// the receipt inside it makes `open` refuse (exit 1) and write nothing.
fn assert_round_trip_and_tamper(dir: &Path, summary: &Value) {
    let home = dir.join("home");
    let out = dir.join("out");
    let name = format!("{}.fdp", summary["transfer_id"].as_str().unwrap());
    let package = out.join(&name);
    let identity = home.join("keys/age.key");
    let trust = out.join("trust.toml");
    let open = |package: &Path, to: &Path| {
        freeport(
            &home,
            &[
                "open".as_ref(),
                package.as_os_str(),
                "--identity".as_ref(),
                identity.as_os_str(),
                "--trust".as_ref(),
                trust.as_os_str(),
                "-o".as_ref(),
                to.as_os_str(),
            ],
        )
    };
    let opened = dir.join("opened");
    let output = open(&package, &opened);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let files = summary["files"].as_array().unwrap();
    for file in files {
        let bytes = std::fs::read(opened.join(file["name"].as_str().unwrap())).unwrap();
        assert_eq!(bytes.len() as u64, file["bytes"].as_u64().unwrap());
    }
    let manifest = std::fs::read_to_string(package.join("manifest.json")).unwrap();
    let receipt_at = manifest.find("c2sp.org/tlog-proof").unwrap();
    for (file, at) in [
        ("payload.age", 200),
        ("manifest.json", 40),
        ("manifest.json", receipt_at + 30),
    ] {
        let copy = dir.join(format!("tampered-{file}-{at}.fdp"));
        std::fs::create_dir(&copy).unwrap();
        for part in ["payload.age", "manifest.json", "manifest.sig"] {
            std::fs::copy(package.join(part), copy.join(part)).unwrap();
        }
        let mut bytes = std::fs::read(copy.join(file)).unwrap();
        bytes[at] ^= 0x01;
        std::fs::write(copy.join(file), bytes).unwrap();
        let to = dir.join(format!("opened-{file}-{at}"));
        let output = open(&copy, &to);
        assert_eq!(output.status.code(), Some(1), "{file}@{at}: {output:?}");
        assert!(!to.exists(), "{file}@{at}: nothing is written");
    }
}

/// The report names the decision and no cell value; HTML in the language asked.
fn assert_report(out: &Path, cn_outcome: &str) {
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let text = report.to_string();
    assert!(text.contains(cn_outcome), "report names the China outcome");
    for section in [
        "cover",
        "decision",
        "inventory",
        "minimisation",
        "recipient",
        "risks",
        "rights",
        "evidence",
    ] {
        assert!(report.get(section).is_some(), "report has `{section}`");
    }
    assert!(
        report["cover"]["log"].is_object(),
        "the cover names the log checkpoint"
    );
    // Every fired rule in the evidence appendix carries its citation and its text.
    let rules = report["evidence"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        assert!(
            rule["citation"].is_string() && rule["explain"].is_string(),
            "{rule}"
        );
    }
    // The exporter's stated purpose is quoted in the necessity section, in both forms.
    let stated = report["minimisation"]["stated_purpose"].as_str().unwrap();
    assert!(stated.len() > 40, "{stated}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let first_words: String = stated.chars().take(30).collect();
    assert!(html.contains(&first_words), "the HTML quotes the purpose");
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
}

fn outcomes(summary: &Value) -> (String, String) {
    let d = &summary["decision"];
    (
        d["cn"]["outcome"].as_str().unwrap().to_owned(),
        d["us"]["outcome"].as_str().unwrap().to_owned(),
    )
}

/// No value of `column` in `csv` (UTF-8) appears in any output file.
fn assert_no_values(csv: &str, column: &str, out: &Path) {
    let text = std::fs::read_to_string(root().join(csv)).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == column).unwrap();
    let values: Vec<&str> = lines
        .filter_map(|l| l.split(',').nth(at))
        .filter(|v| v.len() >= 6)
        .take(200)
        .collect();
    assert!(!values.is_empty());
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        let Ok(body) = std::fs::read_to_string(&path) else {
            continue;
        };
        for value in &values {
            assert!(
                !body.contains(value),
                "{} holds a raw {column}",
                path.display()
            );
        }
    }
}

#[test]
fn ecommerce_orders_are_exempt_in_china_and_not_covered_in_the_us() {
    let (code, summary, dir) = assess("ecommerce-cn-us", "orders.csv", &["--lang", "zh"]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(outcomes(&summary), ("EXEMPT".into(), "NOT_COVERED".into()));
    assert_eq!(summary["status"], "recorded");
    assert_round_trip_and_tamper(dir.path(), &summary);
    assert_report(&dir.path().join("out"), "EXEMPT");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.contains("lang=\"zh"), "Chinese report");
}

#[test]
fn hr_data_needs_the_standard_contract_which_is_in_place() {
    let (code, summary, dir) = assess("hr-cn-subsidiary-us-parent", "employees.csv", &[]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(
        outcomes(&summary),
        (
            "STANDARD_CONTRACT_OR_CERTIFICATION".into(),
            "NOT_COVERED".into()
        )
    );
    assert_eq!(summary["status"], "recorded");
    assert_round_trip_and_tamper(dir.path(), &summary);
    assert_report(
        &dir.path().join("out"),
        "STANDARD_CONTRACT_OR_CERTIFICATION",
    );
    assert_no_values(
        "examples/assess/hr-cn-subsidiary-us-parent/employees.csv",
        "身份证号",
        &dir.path().join("out"),
    );
}

#[test]
fn clinical_data_is_blocked_as_is_and_exempt_once_anonymised() {
    let (code, summary, _dir) = assess("clinical-cn-hospital-us", "patients.csv", &[]);
    assert_eq!(code, 1, "{summary}");
    assert_eq!(summary["status"], "blocked");

    let (code, summary, dir) = assess(
        "clinical-cn-hospital-us",
        "patients.csv",
        &[
            "--deid",
            "examples/assess/clinical-cn-hospital-us/deid.toml",
        ],
    );
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["status"], "recorded");
    assert_eq!(outcomes(&summary), ("EXEMPT".into(), "NOT_COVERED".into()));
    assert_eq!(
        summary["before_deidentification"]["cn"]["outcome"],
        "STANDARD_CONTRACT_OR_CERTIFICATION"
    );
    let out = dir.path().join("out");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("deid-report.json")).unwrap())
            .unwrap();
    assert_eq!(report["classification"]["result"], "anonymised");
    assert_round_trip_and_tamper(dir.path(), &summary);
    assert_report(&out, "EXEMPT");
    assert_no_values(
        "examples/assess/clinical-cn-hospital-us/patients.csv",
        "身份证号",
        &out,
    );
}

/// `--apply-remedies`: the HR transfer without identity numbers still holds bank card numbers
/// (sensitive personal information, a standard contract); the judge's remedy for that category
/// is carried out by de-identification, judged again (exempt), sealed and opened.
#[test]
fn the_judges_remedy_is_applied_and_judged_again() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(
        root().join("examples/assess/hr-cn-subsidiary-us-parent/employees.csv"),
    )
    .unwrap();
    // Employee number, name, department, position, bank card.
    let staff: String = source
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            format!(
                "{},{},{},{},{}\n",
                cells[0], cells[1], cells[4], cells[5], cells[9]
            )
        })
        .collect();
    let data = dir.path().join("staff.csv");
    std::fs::write(&data, staff).unwrap();
    let output = freeport(
        &dir.path().join("home"),
        &[
            "assess".as_ref(),
            data.as_os_str(),
            "--transfer".as_ref(),
            "examples/assess/hr-cn-subsidiary-us-parent/transfer.toml".as_ref(),
            "-o".as_ref(),
            dir.path().join("out").as_os_str(),
            "--apply-remedies".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        summary["before_deidentification"]["cn"]["outcome"],
        "STANDARD_CONTRACT_OR_CERTIFICATION"
    );
    assert_eq!(outcomes(&summary), ("EXEMPT".into(), "NOT_COVERED".into()));
    assert_eq!(summary["status"], "recorded");
    let out = dir.path().join("out");
    let deid: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("deid-report.json")).unwrap())
            .unwrap();
    assert_eq!(deid["output_rows"], 800);
    assert_round_trip_and_tamper(dir.path(), &summary);
    assert_report(&out, "EXEMPT");
    assert_no_values(data.to_str().unwrap(), "银行卡号", &out);
}

/// Same inputs and packs, two fresh homes: the reports are byte-identical but for the log's own
/// evidence (each home's log has its own key, so its root hash and receipt differ).
#[test]
fn the_report_body_is_reproducible() {
    let runs: Vec<(String, String, Value)> = (0..2)
        .map(|_| {
            let (code, summary, dir) = assess("ecommerce-cn-us", "orders.csv", &[]);
            assert_eq!(code, 0, "{summary}");
            let out = dir.path().join("out");
            let json = std::fs::read_to_string(out.join("report.json")).unwrap();
            let html = std::fs::read_to_string(out.join("report.html")).unwrap();
            let report: Value = serde_json::from_str(&json).unwrap();
            (json, html, report)
        })
        .collect();
    let blank = |(json, html, report): &(String, String, Value)| {
        let root = report["cover"]["log"]["root_hash"].as_str().unwrap();
        let receipt = report["evidence"]["receipt"].as_str().unwrap();
        let receipt_json = serde_json::to_string(receipt).unwrap();
        // The receipt first: its checkpoint holds the root hash too.
        let json = json
            .replace(receipt_json.trim_matches('"'), "RECEIPT")
            .replace(root, "ROOT");
        let html = html.replace(receipt, "RECEIPT").replace(root, "ROOT");
        (json, html)
    };
    let (json_a, html_a) = blank(&runs[0]);
    let (json_b, html_b) = blank(&runs[1]);
    assert!(json_a.contains("RECEIPT") && html_a.contains("RECEIPT"));
    assert_eq!(json_a, json_b);
    assert_eq!(html_a, html_b);
    // The day of generation is SOURCE_DATE_EPOCH's, apart from the transfer's own date.
    let cover = &runs[0].2["cover"];
    assert_eq!(cover["generated_on"], "2026-12-07");
    assert_ne!(cover["transfer_date"], cover["generated_on"]);
}

/// `--generated-on` names the day of generation, over SOURCE_DATE_EPOCH; the transfer's date
/// stays the facts'.
#[test]
fn generated_on_is_the_flag_when_given() {
    let (code, summary, dir) = assess(
        "ecommerce-cn-us",
        "orders.csv",
        &["--generated-on", "2027-01-02"],
    );
    assert_eq!(code, 0, "{summary}");
    let out = dir.path().join("out");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["cover"]["generated_on"], "2027-01-02");
    let transfer_date = report["cover"]["transfer_date"].as_str().unwrap();
    assert_ne!(transfer_date, "2027-01-02");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("2027-01-02") && html.contains(transfer_date));
}
