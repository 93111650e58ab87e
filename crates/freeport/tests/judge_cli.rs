//! `freeport judge` and `freeport rules` end to end: exit codes and snapshots of what people and
//! programs read.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `freeport` from the repository root. The shared vocabulary is still being filled in,
/// so the runs read the judge's fixture vocabulary, which holds every category the examples use.
fn freeport(args: &[&str]) -> (i32, String, String) {
    // Each run judges against a fresh, empty default store.
    let home = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_HOME", home.path())
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const EXAMPLE: &str = "examples/transfers/us-company-chinese-cloud.toml";

#[test]
fn judge_table_output() {
    let (code, stdout, stderr) = freeport(&["judge", EXAMPLE]);
    assert_eq!(code, 1, "{stderr}");
    insta::with_settings!({ filters => vec![(r"`[^`]*freeport\.db`", "`[store]`")] }, {
        insta::assert_snapshot!(stdout);
    });
}

/// Facts format 2: the parties described as they are; the output derives each conclusion with
/// its reasons and citations (28 CFR 202.256, 202.211; 15 U.S.C. 9901(c)(2)).
const PARTIES_EXAMPLE: &str = "examples/transfers/us-vendor-singapore-owned.toml";

#[test]
fn party_derivations_are_explained_in_table_and_json() {
    let (code, stdout, stderr) = freeport(&["judge", PARTIES_EXAMPLE]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout);
    let (_, json, _) = freeport(&["judge", PARTIES_EXAMPLE, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let conclusions = value["conclusions"].as_array().unwrap();
    let covered = conclusions
        .iter()
        .find(|c| c["fact"] == "recipient.covered_person")
        .unwrap();
    assert_eq!(covered["value"], true);
    assert_eq!(covered["basis"], "derived");
    assert!(
        covered["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["citation"] == "28 CFR 202.211(a)(1)-(2)"),
        "{covered}"
    );
}

/// A declaration the party facts contradict is judged on the facts and reported first.
#[test]
fn a_contradicted_declaration_is_reported_at_the_top() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(PARTIES_EXAMPLE))
        .unwrap()
        .replace(
            "party = \"analytics-sg\"\n",
            "party = \"analytics-sg\"\ncovered_person = false\n",
        );
    let path = dir.path().join("facts.toml");
    std::fs::write(&path, text).unwrap();
    let (code, stdout, stderr) = freeport(&["judge", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with(
            "CONTRADICTION in the facts: `recipient.covered_person` declared `false` but the party facts give `true`"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("recipient.covered_person = true (derived, CONTRADICTS declared false)"),
        "{stdout}"
    );
}

#[test]
fn judge_json_output() {
    let (code, stdout, stderr) = freeport(&["judge", EXAMPLE, "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["us"]["outcome"], "PROHIBITED");
    insta::assert_snapshot!(stdout);
}

#[test]
fn every_example_is_judged() {
    let mut outcomes = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(root().join("examples/transfers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let relative = path.strip_prefix(root()).unwrap().display().to_string();
        let (code, stdout, stderr) = freeport(&["judge", &relative, "--format", "json"]);
        assert!(code == 0 || code == 1, "{relative}: {stderr}");
        let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        outcomes.push(format!(
            "{relative}: cn {} / us {} (exit {code})",
            value["cn"]["outcome"].as_str().unwrap(),
            value["us"]["outcome"].as_str().unwrap()
        ));
    }
    insta::assert_snapshot!(outcomes.join("\n"));
}

#[test]
fn bad_facts_exit_2_and_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(EXAMPLE))
        .unwrap()
        .replace("\"contact.email\"", "\"contact.emial\"");
    let path = dir.path().join("facts.toml");
    std::fs::write(&path, text).unwrap();
    let (code, stdout, stderr) = freeport(&["judge", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("data.inventory[1].category"), "{stderr}");
    assert!(stderr.contains("contact.email"), "{stderr}");
}

#[test]
fn the_schema_is_printed() {
    let (code, stdout, _) = freeport(&["judge", "--schema"]);
    assert_eq!(code, 0);
    let schema: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(schema["title"], "TransferFacts");
    assert!(schema["properties"]["data"].is_object());
    // Facts format 2: every party field is documented with the provision it feeds.
    let defs = &schema["$defs"];
    for (def, field, citation) in [
        ("Party", "designated", "202.211(a)(5)"),
        ("Party", "us_lawful_permanent_resident", "202.256(a)"),
        ("Party", "employee_of", "202.211(a)(3)"),
        ("Party", "principal_place_of_business", "9901(c)(2)"),
        (
            "InvestmentTerms",
            "voting_and_equity_percent",
            "202.228(b)(2)",
        ),
        ("Exporter", "party", "[parties]"),
    ] {
        let description = defs[def]["properties"][field]["description"]
            .as_str()
            .unwrap_or_default();
        assert!(
            description.contains(citation),
            "{def}.{field}: {description}"
        );
    }
}

#[test]
fn rules_check_list_and_explain() {
    let (code, stdout, stderr) = freeport(&["rules", "check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.ends_with("ok\n"));
    let (code, stdout, _) = freeport(&["rules", "list", "--format", "json"]);
    assert_eq!(code, 0);
    let rules: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    assert!(rules.iter().any(|r| r["id"] == "us.padfa.9901"));
    let (code, stdout, _) = freeport(&[
        "rules",
        "explain",
        "cn.cac16.art8.standard_contract_or_certification",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
    let (code, _, stderr) = freeport(&["rules", "explain", "cn.nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule `cn.nope`"), "{stderr}");
}

/// Copies `rules/` into a temporary directory so a test can edit a pack.
fn copy_rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for pack in ["cn", "us"] {
        copy_dir(&root().join("rules").join(pack), &dir.path().join(pack));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn rules_diff_reports_added_removed_and_changed_rules() {
    let new = copy_rules();
    let mechanisms = new.path().join("cn/mechanisms.cedar");
    let text = std::fs::read_to_string(&mechanisms)
        .unwrap()
        .replace(
            "context.cumulative_pi >= context.pi_security_assessment_threshold",
            "context.cumulative_pi >= 2000000",
        )
        .replace(
            "@id(\"cn.cac16.art7_1.ciio\")",
            "@id(\"cn.cac16.art7_1.ciio_renamed\")",
        );
    std::fs::write(&mechanisms, text).unwrap();
    let (code, stdout, stderr) =
        freeport(&["rules", "diff", "rules", new.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("+ cn.cac16.art7_1.ciio_renamed"),
        "{stdout}"
    );
    assert!(stdout.contains("- cn.cac16.art7_1.ciio\n"), "{stdout}");
    assert!(
        stdout.contains("~ cn.cac16.art7_2.volume (condition)"),
        "{stdout}"
    );
    assert!(stdout.contains("us: "), "{stdout}");
}

/// Every obligation has its Chinese wording, one for one: a rule that lacks it is refused at
/// load, naming the rule and pointing at its file.
#[test]
fn a_rule_without_its_chinese_obligations_is_refused() {
    let broken = copy_rules();
    let file = broken.path().join("us/padfa.cedar");
    let text = std::fs::read_to_string(&file).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("@obligations_zh("))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&file, text).unwrap();
    let (code, _, stderr) =
        freeport(&["rules", "check", "--rules", broken.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("padfa.cedar"), "{stderr}");
    assert!(stderr.contains("us.padfa.9901"), "{stderr}");
    assert!(stderr.contains("@obligations_zh"), "{stderr}");
}

/// A rule naming a law its pack does not declare is refused at load, naming the laws there are.
#[test]
fn a_rule_of_an_undeclared_law_is_refused() {
    let broken = copy_rules();
    let file = broken.path().join("us/padfa.cedar");
    let text =
        std::fs::read_to_string(&file)
            .unwrap()
            .replacen("@law(\"padfa\")", "@law(\"ftc\")", 1);
    std::fs::write(&file, text).unwrap();
    let (code, _, stderr) =
        freeport(&["rules", "check", "--rules", broken.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("us.padfa.9901"), "{stderr}");
    assert!(stderr.contains("names law `ftc`"), "{stderr}");
    assert!(stderr.contains("dsp, padfa"), "{stderr}");
}

#[test]
fn a_broken_pack_points_at_file_and_line() {
    let broken = copy_rules();
    let file = broken.path().join("us/padfa.cedar");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("context.data_broker &&", "context.data_brokr &&");
    std::fs::write(&file, text).unwrap();
    let (code, _, stderr) =
        freeport(&["rules", "check", "--rules", broken.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("padfa.cedar"), "{stderr}");
    assert!(stderr.contains("data_brokr"), "{stderr}");
    assert!(stderr.contains(":16:"), "{stderr}");
}

/// A transfer dated past both packs' review is judged, not refused, and the table opens with
/// the warning for each side and marks both outcomes; JSON carries each side's coverage.
#[test]
fn a_date_past_the_review_is_judged_with_an_unmissable_warning() {
    let text =
        std::fs::read_to_string(root().join("examples/transfers/cross-border-ecommerce.toml"))
            .unwrap();
    let date_line = text.lines().find(|l| l.starts_with("date = ")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("2028.toml");
    std::fs::write(&facts, text.replace(date_line, "date = \"2028-02-01\"")).unwrap();
    let facts = facts.to_str().unwrap();

    let (code, stdout, stderr) = freeport(&["judge", facts]);
    assert_eq!(code, 0, "{stderr}");
    insta::with_settings!({ filters => vec![(r"`[^`]*freeport\.db`", "`[store]`")] }, {
        insta::assert_snapshot!(stdout);
    });
    assert!(stdout.starts_with("WARNING, NOT REVIEWED FOR THIS DATE: the China rule pack"));
    assert_eq!(stdout.matches("(not reviewed for this date)").count(), 2);

    let (code, stdout, stderr) = freeport(&["judge", facts, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for side in ["cn", "us"] {
        assert_eq!(json[side]["coverage"]["status"], "not_reviewed", "{side}");
        assert_eq!(
            json[side]["coverage"]["reviewed_through"], "2027-12-31",
            "{side}"
        );
    }
}

/// `judge -` reads the facts from standard input, TOML or JSON, with the same result as the file.
#[test]
fn facts_from_standard_input() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/transfers/cross-border-ecommerce.toml");
    let judge = |args: &[&str], stdin: Vec<u8>| {
        let output = Command::cargo_bin("freeport")
            .unwrap()
            .args(["judge"])
            .args(args)
            .args(["--format", "json"])
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let mut value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        value["prior_volumes"] = serde_json::Value::Null;
        value
    };
    let from_file = judge(&[path.to_str().unwrap()], Vec::new());
    let text = std::fs::read(&path).unwrap();
    assert_eq!(judge(&["-"], text.clone()), from_file);
    let facts: toml::Value = toml::from_str(std::str::from_utf8(&text).unwrap()).unwrap();
    let json = serde_json::to_vec(&facts).unwrap();
    assert_eq!(judge(&["-"], json), from_file);
}

/// `freeport transfer init`: every bundled scenario's commented facts judge exactly as the
/// example they come from (the comments change nothing), a file is never replaced without
/// `--force`, and the list and the commented file are what people read.
#[test]
fn transfer_init_writes_commented_facts_that_judge_as_their_example() {
    let (code, list, stderr) = freeport(&["transfer", "init", "--list"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("transfer_init_list", list);
    let dir = tempfile::tempdir().unwrap();
    for line in list.lines() {
        let scenario = line.split_whitespace().next().unwrap();
        let written = dir.path().join(format!("{scenario}.toml"));
        let written = written.to_str().unwrap();
        let (code, _, stderr) =
            freeport(&["transfer", "init", "--scenario", scenario, "-o", written]);
        assert_eq!(code, 0, "{scenario}: {stderr}");
        let example = format!("examples/transfers/{scenario}.toml");
        let (want_code, want, _) = freeport(&["judge", &example, "--format", "json"]);
        let (got_code, got, stderr) = freeport(&["judge", written, "--format", "json"]);
        assert_eq!((got_code, got), (want_code, want), "{scenario}: {stderr}");
        let text = std::fs::read_to_string(written).unwrap();
        assert!(
            text.lines().all(|l| l.chars().count() <= 100),
            "{scenario}: a line too wide"
        );
    }
    let (_, stdout, _) = freeport(&[
        "transfer",
        "init",
        "--scenario",
        "us-data-broker-location",
        "-o",
        "-",
    ]);
    insta::assert_snapshot!("transfer_init_us_data_broker", stdout);
    let written = dir.path().join("cross-border-ecommerce.toml");
    let (code, _, stderr) = freeport(&["transfer", "init", "-o", written.to_str().unwrap()]);
    assert_eq!(code, 2, "an existing file is kept: {stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    let (code, _, stderr) = freeport(&[
        "transfer",
        "init",
        "-o",
        written.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code, 0, "{stderr}");
}
