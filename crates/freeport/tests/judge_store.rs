//! `freeport judge` with the store: cumulative volumes read before the decision, `--record`
//! adding the transfer in the same transaction, and what it refuses.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn freeport(store: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env_remove("FREEPORT_HOME")
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A Chinese exporter sending `people` customers' names and phone numbers to a US partner on
/// `date`, for no purpose CAC16 Art. 5 exempts.
fn facts(dir: &Path, name: &str, date: &str, people: u64) -> String {
    let text = format!(
        r#"format = 1
date = "{date}"
scenario = "other"
transaction = "other"

[exporter]
name = "Example Retail (Shanghai) Co., Ltd."
jurisdiction = "cn"
ciio = false
us_person = false
data_broker = false
owned_25pct_by_country_of_concern = false

[recipient]
name = "Example Analytics, Inc."
country = "us"
relationship = "vendor"
covered_person = false
padfa_controlled = false
foreign_judicial_or_law_enforcement = false
cac_restricted_list = false
cloud_computing = false

[data]
important_data = false
us_government_related = false
subjects = ["customers"]
individuals = {people}

[[data.inventory]]
category = "person.name"
individuals = {people}
collected_in = "cn"
form = "raw"

[[data.inventory]]
category = "contact.phone"
individuals = {people}
collected_in = "cn"
form = "raw"
"#
    );
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap()
}

#[test]
fn recorded_transfers_add_up_in_china_until_1_january() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("freeport.db");
    let december = facts(dir.path(), "december.toml", "2025-12-20", 40_000);

    // 40,000 people: under 100,000 since 1 January, exempt (CAC16 Art. 5(4)); recorded.
    let (code, stdout, stderr) = freeport(
        &store,
        &["judge", &december, "--record", "--format", "json"],
    );
    assert_eq!(code, 0, "{stderr}");
    let decision = json(&stdout);
    assert_eq!(decision["cn"]["outcome"], "EXEMPT");
    assert_eq!(decision["prior_volumes"]["source"], "store");
    assert_eq!(decision["prior_volumes"]["cn"]["pi_individuals"], 0);
    let id = decision["recorded"].as_str().unwrap().to_owned();
    assert!(id.starts_with("2025-12-20-"), "{id}");

    // Recording the same file again (80,000 in all: still exempt) is refused, not counted twice.
    let (code, _, stderr) = freeport(&store, &["judge", &december, "--record"]);
    assert_eq!(code, 2);
    assert!(stderr.contains(&id), "{stderr}");

    // 1 January resets China's counter: 70,000 more are again exempt.
    let january = facts(dir.path(), "january.toml", "2026-01-01", 70_000);
    let (code, stdout, stderr) = freeport(
        &store,
        &[
            "judge", &january, "--record", "--id", "jan", "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let decision = json(&stdout);
    assert_eq!(decision["cn"]["outcome"], "EXEMPT");
    assert_eq!(decision["prior_volumes"]["cn"]["pi_individuals"], 0);
    assert_eq!(decision["prior_volumes"]["cn"]["since"], "2026-01-01");
    assert_eq!(decision["recorded"], "jan");

    // 70,000 more in June: 140,000 since 1 January needs a standard contract or
    // certification, which is missing, so it is blocking and not recorded.
    let june = facts(dir.path(), "june.toml", "2026-06-01", 70_000);
    let (code, stdout, stderr) = freeport(
        &store,
        &[
            "judge", &june, "--record", "--id", "june", "--format", "json",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let decision = json(&stdout);
    assert_eq!(
        decision["cn"]["outcome"],
        "STANDARD_CONTRACT_OR_CERTIFICATION"
    );
    assert_eq!(decision["prior_volumes"]["cn"]["pi_individuals"], 70_000);
    assert_eq!(decision["recorded"], Value::Null);
    let (code, stdout, _) = freeport(&store, &["judge", &june, "--record", "--id", "june"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("not recorded"), "{stdout}");

    // Without `--record` the store is only read.
    let (code, stdout, _) = freeport(&store, &["judge", &june]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("70000 individuals of personal information"),
        "{stdout}"
    );
    let (_, history, _) = freeport(&store, &["history", "--format", "json"]);
    let history = json(&history);
    assert_eq!(history["transfers"].as_array().unwrap().len(), 2);
}

#[test]
fn volumes_given_in_the_facts_cannot_be_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("freeport.db");
    let path = facts(dir.path(), "given.toml", "2026-03-01", 10);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(
        "\n[prior_volumes.cn]\nsince = \"2026-01-01\"\npi_individuals = 5\nsensitive_pi_individuals = 0\n\
         [prior_volumes.us]\nsince = \"2025-03-01\"\ncovered_personal_identifiers = 0\n\
         precise_geolocation_devices = 0\nbiometric = 0\nhuman_omic = 0\nhuman_genomic = 0\n\
         personal_health = 0\npersonal_financial = 0\n",
    );
    std::fs::write(&path, text).unwrap();
    let (code, stdout, _) = freeport(&store, &["judge", &path, "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(json(&stdout)["prior_volumes"]["source"], "facts");
    let (code, _, stderr) = freeport(&store, &["judge", &path, "--record"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("prior_volumes"), "{stderr}");
    assert!(
        !store.exists() || {
            let (_, history, _) = freeport(&store, &["history", "--format", "json"]);
            json(&history)["transfers"].as_array().unwrap().is_empty()
        }
    );
}
