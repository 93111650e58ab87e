//! `freeport assess` end to end: a recorded and logged transfer whose receipt verifies, a blocked
//! one that records nothing, refusing to record one transfer twice, and crashes — injected at
//! each step between store and log, and SIGKILL at random moments — after which store and log
//! agree.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const FIXTURE: &str = "crates/freeport-scan/tests/fixtures/cn_customers_gbk.csv";

fn command(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("freeport").unwrap();
    cmd.current_dir(root())
        .env("FREEPORT_HOME", home)
        .env_remove("FREEPORT_FAULT");
    cmd
}

fn run(home: &Path, args: &[&str]) -> Output {
    command(home).args(args).output().unwrap()
}

/// `freeport assess DATASET --transfer FACTS -o OUT` with `extra` arguments.
fn assess(home: &Path, dataset: &str, facts: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "assess",
        dataset,
        "--transfer",
        facts,
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(home, &args)
}

/// A Chinese marketplace's orders to a US seller (CAC16 Art. 5(1)); `restricted` puts the
/// recipient on the CAC's restricted list, which blocks the transfer.
fn transfer(dir: &Path, restricted: bool) -> String {
    let text = format!(
        r#"format = 1
date = "2026-06-15"
scenario = "contract_shopping"
transaction = "vendor"

[exporter]
name = "Example Marketplace (Hangzhou) Co., Ltd."
jurisdiction = "cn"
ciio = false
us_person = false
data_broker = false
owned_25pct_by_country_of_concern = false

[recipient]
name = "Example Outdoor Gear, Inc."
country = "us"
relationship = "customer"
covered_person = false
padfa_controlled = false
foreign_judicial_or_law_enforcement = false
cac_restricted_list = {restricted}
cloud_computing = false

[data]
important_data = false
us_government_related = false
subjects = ["customers"]
"#
    );
    let path = dir.join(if restricted {
        "restricted.toml"
    } else {
        "transfer.toml"
    });
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Log size from the log's state file.
fn log_size(home: &Path) -> u64 {
    let path = home.join("log/state.json");
    if !path.exists() {
        return 0;
    }
    let state: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    state["size"].as_u64().unwrap()
}

/// Transfers in the store with their log state.
fn transfers(home: &Path) -> Vec<Value> {
    let output = run(home, &["history", "--format", "json"]);
    assert!(output.status.success());
    json(&output)["transfers"].as_array().unwrap().clone()
}

/// Store and log agree: every transfer is logged, at distinct indices covering the whole log.
fn assert_consistent(home: &Path) {
    let transfers = transfers(home);
    let mut indices: Vec<u64> = transfers
        .iter()
        .map(|t| {
            let log = &t["transfer"]["log"];
            assert_eq!(log["state"], "logged", "{t}");
            log["index"].as_u64().unwrap()
        })
        .collect();
    indices.sort_unstable();
    let expected: Vec<u64> = (0..log_size(home)).collect();
    assert_eq!(indices, expected, "store transfers vs log entries");
}

#[test]
fn a_transfer_is_recorded_logged_and_its_receipt_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("out");
    let facts = transfer(dir.path(), false);
    let args = [
        "assess",
        FIXTURE,
        "--transfer",
        &facts,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "json",
    ];
    let output = run(&home, &args);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let summary = json(&output);
    assert_eq!(summary["status"], "recorded");
    assert_eq!(summary["log_index"], 0);
    assert_eq!(summary["decision"]["cn"]["outcome"], "EXEMPT");
    let names: Vec<&str> = summary["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for name in [
        "decision.json",
        "scan.json",
        "facts.json",
        "receipt.tlog-proof",
        "trust-policy.txt",
    ] {
        assert!(names.contains(&name), "{names:?}");
        assert!(out.join(name).exists());
    }
    // No staging directory is left behind.
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The inventory comes from the scan; no cell value is in the outputs.
    let scan = std::fs::read_to_string(out.join("scan.json")).unwrap();
    let decision = std::fs::read_to_string(out.join("decision.json")).unwrap();
    let facts = std::fs::read_to_string(out.join("facts.json")).unwrap();
    for text in [&scan, &decision, &facts] {
        assert!(!text.contains("13812345678"));
    }
    let verify = run(
        &home,
        &[
            "log",
            "verify-receipt",
            out.join("receipt.tlog-proof").to_str().unwrap(),
            "--policy",
            out.join("trust-policy.txt").to_str().unwrap(),
        ],
    );
    assert!(verify.status.success(), "{verify:?}");
    let stdout = String::from_utf8_lossy(&verify.stdout);
    assert!(stdout.contains("cosigned by: cn, us"), "{stdout}");
    assert_consistent(&home);

    // The same output directory again is refused before anything runs: one assessment's report
    // never replaces another's, and outputs can always move into place once recorded.
    let refused = run(&home, &args);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("output stage") && stderr.contains("already holds"),
        "{stderr}"
    );
    assert_eq!(log_size(&home), 1);

    // The same transfer of the same data again is recorded under the next free id; its people
    // are the same salted hashes, so China's count does not grow.
    let out2 = dir.path().join("out2");
    let mut args2 = args;
    args2[5] = out2.to_str().unwrap();
    let again = run(&home, &args2);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    let again = json(&again);
    let id = summary["transfer_id"].as_str().unwrap();
    assert_eq!(again["transfer_id"], format!("{id}-2"));
    assert_eq!(log_size(&home), 2);
    assert_consistent(&home);
    let history = transfers(&home);
    assert_eq!(
        history[1]["cn"]["sets"]["pi"],
        history[0]["cn"]["sets"]["pi"]
    );

    // A chosen id that is taken is refused, and nothing changes.
    let out3 = dir.path().join("out3");
    let mut taken: Vec<&str> = args.to_vec();
    taken[5] = out3.to_str().unwrap();
    taken.extend(["--id", id]);
    let refused = run(&home, &taken);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already recorded"));
    assert_eq!(log_size(&home), 2);
    assert_consistent(&home);
}

#[test]
fn a_blocked_transfer_records_nothing_and_logs_its_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("out");
    let facts = transfer(dir.path(), true);
    let output = assess(&home, FIXTURE, &facts, &out, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let summary = json(&output);
    assert_eq!(summary["status"], "blocked");
    assert!(out.join("decision.json").exists());
    // Nothing recorded or sealed; the refusal is logged (entry 0, no package), with its receipt.
    assert_eq!(summary["log_index"], 0);
    assert!(out.join("receipt.tlog-proof").exists());
    assert!(transfers(&home).is_empty());
    assert_eq!(log_size(&home), 1);
    // The one entry, in the log's partial entry bundle.
    let entries =
        String::from_utf8_lossy(&std::fs::read(home.join("log/tile/entries/000.p/1")).unwrap())
            .into_owned();
    assert!(entries.contains("\"type\":\"decision\""), "{entries}");
    assert!(entries.contains("\"outcome\":\"deny\""), "{entries}");
    assert!(entries.contains("\"package\":null"), "{entries}");
    assert!(entries.contains("\"report_sha256\":\""), "{entries}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["cover"]["log"]["leaf_index"], 0);
    // The payload encrypted while the data was scanned is dropped with the staging directory.
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "decision.json",
            "facts.json",
            "receipt.tlog-proof",
            "report.html",
            "report.json",
            "scan.json",
            "trust-policy.txt"
        ]
    );
}

/// Data on standard input is gone once scanned, so it cannot be sealed: refused up front.
#[test]
fn a_dataset_on_standard_input_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("out");
    let facts = transfer(dir.path(), false);
    let output = command(&home)
        .args([
            "assess",
            "-",
            "--transfer",
            &facts,
            "-o",
            out.to_str().unwrap(),
        ])
        .write_stdin("phone\n13800138000\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("scan stage"), "{stderr}");
    assert!(stderr.contains("standard input"), "{stderr}");
    assert!(!out.exists());
}

/// A workbook crosses as one file however many sheets were scanned (regression: each sheet
/// was taken for a file of its own, `book.xlsx#Sheet`, which does not exist).
#[test]
fn a_workbook_is_sealed_once_with_every_sheet_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("out");
    let facts = transfer(dir.path(), false);
    let output = assess(
        &home,
        "crates/freeport-scan/tests/fixtures/contacts.xlsx",
        &facts,
        &out,
        &["--id", "book-1", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let summary = json(&output);
    let files = summary["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{summary}");
    assert_eq!(files[0]["name"], "contacts.xlsx");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.join("book-1.fdp/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["files"].as_array().unwrap().len(), 1);
    let scan: Value =
        serde_json::from_slice(&std::fs::read(out.join("scan.json")).unwrap()).unwrap();
    assert!(!scan["datasets"].as_array().unwrap().is_empty());

    // De-identifying a worksheet reads that sheet of the workbook; the result crosses as CSV.
    let config = dir.path().join("deid.toml");
    std::fs::write(
        &config,
        "version = 1\nunlisted = \"insensitive\"\n[columns.\"手机号\"]\nrole = \"identifier\"\n",
    )
    .unwrap();
    let out = dir.path().join("out-deid");
    let output = run(
        &home,
        &[
            "assess",
            "crates/freeport-scan/tests/fixtures/contacts.xlsx",
            "--transfer",
            &facts,
            "--deid",
            config.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--id",
            "book-2",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let summary = json(&output);
    assert_eq!(summary["files"][0]["name"], "contacts.csv", "{summary}");
}

#[test]
fn an_inventory_in_the_transfer_file_is_refused_naming_the_stage() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let facts = transfer(dir.path(), false);
    let mut text = std::fs::read_to_string(&facts).unwrap();
    text.push_str(
        "\n[[data.inventory]]\ncategory = \"person.name\"\nindividuals = 3\ncollected_in = \"cn\"\nform = \"raw\"\n",
    );
    std::fs::write(&facts, text).unwrap();
    let output = run(
        &home,
        &["assess", FIXTURE, "--transfer", &facts, "-o", "unused"],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("transfer file stage"), "{stderr}");
    assert!(stderr.contains("inventory comes from the scan"), "{stderr}");
    assert!(!root().join("unused").exists());
}

/// A crash injected after each step between store and log; the next run finishes or undoes it.
#[test]
fn a_crash_between_store_and_log_is_recovered_on_the_next_start() {
    for (fault, survives) in [
        ("after-record", false),
        ("after-append", true),
        ("after-mark", true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let out = dir.path().join("out");
        let facts = transfer(dir.path(), false);
        let crashed = command(&home)
            .env("FREEPORT_FAULT", fault)
            .args(["assess", FIXTURE, "--transfer", &facts, "-o"])
            .arg(&out)
            .args(["--id", "crashed"])
            .output()
            .unwrap();
        assert_eq!(crashed.status.code(), None, "{fault}: killed by a signal");
        // Nothing reached the output directory.
        assert!(!out.join("receipt.tlog-proof").exists(), "{fault}");

        let next = assess(&home, FIXTURE, &facts, &out, &["--id", "next"]);
        assert_eq!(next.status.code(), Some(0), "{fault}: {next:?}");
        let stdout = String::from_utf8_lossy(&next.stdout);
        if fault != "after-mark" {
            let expected = if survives {
                "was already logged"
            } else {
                "never reached the log and was removed"
            };
            assert!(stdout.contains(expected), "{fault}: {stdout}");
        }
        let ids: Vec<String> = transfers(&home)
            .iter()
            .map(|t| t["transfer"]["id"].as_str().unwrap().to_owned())
            .collect();
        let mut expected = vec!["next".to_owned()];
        if survives {
            expected.insert(0, "crashed".to_owned());
        }
        assert_eq!(ids, expected, "{fault}");
        assert_consistent(&home);
        // A transfer that reached the log has its package, finished by the next run.
        assert_eq!(
            out.join("crashed.fdp").join("manifest.sig").exists(),
            survives,
            "{fault}"
        );
        // The crashed run's staging directory (its payload half-sealed) was swept away.
        let left: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(left.is_empty(), "{fault}: {left:?}");
    }
}

/// A bigger dataset so that a run spends time in each stage.
fn orders(dir: &Path, rows: u32) -> String {
    let mut text = String::from("姓名,手机号,收货地址\n");
    let names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"];
    for i in 0..rows {
        let _ = writeln!(
            text,
            "{},1{}{:09},浙江省杭州市西湖区文三路{}号",
            names[(i as usize) % names.len()],
            [3, 5, 8][(i % 3) as usize],
            u64::from(i) * 7_919 % 1_000_000_000,
            i % 500 + 1
        );
    }
    let path = dir.join("orders.csv");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Outputs that cannot move into place after the transfer was recorded and logged: the error
/// says so and where the finished outputs are kept, and nothing of them is lost.
#[test]
fn outputs_that_fail_after_recording_are_kept_and_the_error_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("out");
    let facts = transfer(dir.path(), false);
    let failed = command(&home)
        .env("FREEPORT_FAULT", "fail-outputs")
        .args(["assess", FIXTURE, "--transfer", &facts, "-o"])
        .arg(&out)
        .args(["--id", "kept"])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(2), "{failed:?}");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("output stage"), "{stderr}");
    assert!(
        stderr.contains("was recorded and logged (entry 0)"),
        "{stderr}"
    );
    assert_eq!(log_size(&home), 1);
    assert_consistent(&home);
    let kept: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".freeport-")
        })
        .collect();
    assert_eq!(kept, [out.join(".freeport-kept-kept")]);
    assert!(stderr.contains("kept in"), "{stderr}");
    assert!(kept[0].join("kept.fdp").join("manifest.sig").exists());
    assert!(kept[0].join("report.html").exists());
    // A later run in the same place puts the finished package in place (issue 15 item 4) and
    // leaves the rest of the kept outputs alone: the sweep removes only half-made runs.
    let next = assess(&home, FIXTURE, &facts, &out, &[]);
    assert_eq!(next.status.code(), Some(0), "{next:?}");
    let stdout = String::from_utf8_lossy(&next.stdout);
    assert!(
        stdout.contains(
            "the package of transfer `kept` (log entry #0) from an interrupted run was finished"
        ),
        "{stdout}"
    );
    assert!(out.join("kept.fdp").join("manifest.sig").exists());
    assert!(kept[0].join("report.html").exists());
}

/// SIGKILL at pseudo-random moments; after each, a full run recovers and store and log agree.
#[test]
fn killing_assess_at_any_moment_leaves_store_and_log_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let facts = transfer(dir.path(), false);
    let data = orders(dir.path(), 4_000);
    let mut seed: u64 = 0x5eed;
    for round in 0..8 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = Duration::from_millis((seed >> 33) % 250);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("freeport"))
            .current_dir(root())
            .env("FREEPORT_HOME", &home)
            .args(["assess", &data, "--transfer", &facts, "-o"])
            .arg(dir.path().join(format!("killed-{round}")))
            .args(["--id", &format!("killed-{round}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let done = run(
            &home,
            &[
                "assess",
                &data,
                "--transfer",
                &facts,
                "-o",
                dir.path().join(format!("done-{round}")).to_str().unwrap(),
                "--id",
                &format!("done-{round}"),
            ],
        );
        // Cumulative volumes grow each round; the decision may become blocking, which is fine.
        assert!(
            matches!(done.status.code(), Some(0 | 1)),
            "round {round}: {done:?}"
        );
        assert_consistent(&home);
    }
}

#[test]
fn the_summary_people_read() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("out");
    let facts = transfer(dir.path(), false);
    let output = assess(&home, FIXTURE, &facts, &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stdout = stdout.replace(&dir.path().display().to_string(), "[tmp]");
    // The manifest carries the sealing time and a fresh age file key: its hash changes each run.
    insta::with_settings!({ filters => vec![(r"manifest SHA-256 [0-9a-f]{64}", "manifest SHA-256 [hash]")] }, {
        insta::assert_snapshot!(stdout);
    });
}

/// A `--seal-to` that cannot be read, or that is not an age recipient, is refused before
/// anything runs, naming the stage, the file or option, and the reason.
#[test]
fn a_bad_seal_to_is_refused_naming_the_stage_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("out");
    let facts = transfer(dir.path(), false);
    let missing = dir.path().join("recipients.txt");
    let refused = || {
        let output = assess(
            &home,
            FIXTURE,
            &facts,
            &out,
            &["--seal-to", missing.to_str().unwrap()],
        );
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let stderr = refused();
    assert!(
        stderr.contains("seal stage") && stderr.contains("recipients.txt"),
        "{stderr}"
    );
    std::fs::write(&missing, "# the partner\nage1notakey\n").unwrap();
    let stderr = refused();
    assert!(
        stderr.contains("line 2") && stderr.contains("not an age"),
        "{stderr}"
    );
    assert!(!out.exists() && !home.exists());
}

/// A run that fails after creating its output directory removes it again when it is empty.
#[test]
fn a_failed_run_leaves_no_empty_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("out");
    let facts = transfer(dir.path(), false);
    let broken = dir.path().join("orders.parquet");
    std::fs::write(&broken, b"not parquet at all").unwrap();
    let output = assess(&home, broken.to_str().unwrap(), &facts, &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("scan stage") && stderr.contains("orders.parquet"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// Issue 14: a declared party status the described facts contradict is reported by `assess` as
/// by `judge` (it was reported only by `judge`).
#[test]
fn assess_reports_a_declared_status_the_party_facts_contradict() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let scenario =
        std::fs::read_to_string(root().join("rules/tests/us-211-declared-contradiction.toml"))
            .unwrap();
    // A transfer file for assess: the scenario without its inventory and expectations.
    let mut value: toml::Table = toml::from_str(&scenario).unwrap();
    value.remove("expect");
    value
        .get_mut("data")
        .and_then(toml::Value::as_table_mut)
        .unwrap()
        .remove("inventory");
    let transfer = dir.path().join("transfer.toml");
    std::fs::write(&transfer, toml::to_string(&value).unwrap()).unwrap();
    let out = dir.path().join("out");
    let output = assess(
        &home,
        "examples/assess/ecommerce-cn-us/orders.csv",
        transfer.to_str().unwrap(),
        &out,
        &[],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("CONTRADICTION in the facts: `recipient.covered_person`"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Issue 16 item 5: a project file's override reaches the inventory judged, `scan.json` and
/// the report; one that names no column of the data stops the assessment with nothing written.
#[test]
fn a_project_override_is_judged_and_shown_and_a_wrong_one_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let facts = transfer(dir.path(), false);
    let project = dir.path().join("project.toml");
    std::fs::write(
        &project,
        "[[classification.column]]\ncolumn = \"地址\"\nbecomes = \"not_personal_data\"\njustification = \"the shop's pickup points, not customers' homes\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = assess(
        &home,
        FIXTURE,
        &facts,
        &out,
        &["--format", "json", "--project", project.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let scan: Value =
        serde_json::from_slice(&std::fs::read(out.join("scan.json")).unwrap()).unwrap();
    let address = scan["datasets"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "地址")
        .unwrap()
        .clone();
    assert_eq!(address["category"], Value::Null);
    assert_eq!(address["override"]["was"], "contact.address");
    assert_eq!(address["override"]["becomes"], "not_personal_data");
    let facts_out = std::fs::read_to_string(out.join("facts.json")).unwrap();
    assert!(!facts_out.contains("contact.address"), "{facts_out}");
    assert!(facts_out.contains("contact.phone"), "{facts_out}");

    let wrong = dir.path().join("wrong.toml");
    std::fs::write(
        &wrong,
        "[[classification.column]]\ncolumn = \"地 址\"\nbecomes = \"not_personal_data\"\njustification = \"a typo\"\n",
    )
    .unwrap();
    let out = dir.path().join("out-wrong");
    let before = log_size(&home);
    let output = assess(
        &home,
        FIXTURE,
        &facts,
        &out,
        &["--project", wrong.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`地 址` is not a column"), "{stderr}");
    assert!(
        !out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(),
        "nothing written"
    );
    assert_eq!(log_size(&home), before, "nothing logged");
}
