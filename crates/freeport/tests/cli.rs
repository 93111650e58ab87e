//! End-to-end runs of the `freeport` executable: help, version, the vocabulary commands and
//! their exit codes, captured as snapshots.

use assert_cmd::Command;

/// Runs `freeport ARGS` with a fixed environment; returns (exit code, stdout, stderr).
fn freeport(args: &[&str]) -> (i32, String, String) {
    freeport_in(None, args, &[])
}

/// As [`freeport`], in directory `dir` and with `env` added.
#[expect(
    clippy::unwrap_used,
    reason = "a test helper: failing to run the binary fails the test"
)]
fn freeport_in(
    dir: Option<&std::path::Path>,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let mut command = Command::cargo_bin("freeport").unwrap();
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let output = command
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn stdout_of(args: &[&str]) -> String {
    let (code, stdout, stderr) = freeport(args);
    assert_eq!(code, 0, "freeport {args:?} failed: {stderr}");
    stdout
}

#[test]
fn help() {
    insta::assert_snapshot!(stdout_of(&["--help"]));
}

#[test]
fn short_help() {
    insta::assert_snapshot!(stdout_of(&["-h"]));
}

#[test]
fn vocab_help() {
    insta::assert_snapshot!(stdout_of(&["vocab", "--help"]));
    insta::assert_snapshot!("vocab_list_help", stdout_of(&["vocab", "list", "--help"]));
    insta::assert_snapshot!("vocab_show_help", stdout_of(&["vocab", "show", "--help"]));
}

#[test]
fn version_names_the_release() {
    let version = stdout_of(&["--version"]);
    assert_eq!(
        version.trim(),
        format!("freeport {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn no_arguments_is_a_usage_error() {
    let (code, stdout, stderr) = freeport(&[]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("Usage: freeport"), "{stderr}");
}

#[test]
fn vocab_list_table() {
    insta::assert_snapshot!(stdout_of(&["vocab", "list"]));
}

#[test]
fn vocab_list_group_filters_by_whole_segments() {
    insta::assert_snapshot!(stdout_of(&["vocab", "list", "--group", "id.cn"]));
}

#[test]
fn vocab_show_table() {
    insta::assert_snapshot!(stdout_of(&["vocab", "show", "id.cn.resident_id"]));
}

#[test]
fn vocab_list_json_has_every_field_for_every_category() {
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&["vocab", "list", "--format", "json"])).unwrap();
    let categories = json.as_array().unwrap();
    assert!(
        categories.len() >= 62,
        "only {} categories",
        categories.len()
    );
    for category in categories {
        let id = category["id"].as_str().unwrap();
        for field in ["name_en", "name_zh"] {
            assert!(
                !category[field].as_str().unwrap().is_empty(),
                "{id}: {field}"
            );
        }
        assert!(
            category["dpv"].is_null() || category["dpv"].is_string(),
            "{id}: dpv"
        );
        let cn = &category["cn"];
        assert!(
            ["not_pi", "pi", "sensitive_pi"].contains(&cn["class"].as_str().unwrap()),
            "{id}"
        );
        assert!(cn["important_data_indicator"].is_boolean(), "{id}");
        assert!(!cn["basis"].as_str().unwrap().is_empty(), "{id}");
        let us = &category["us"];
        assert!(!us["dsp"].as_str().unwrap().is_empty(), "{id}");
        assert!(!us["hipaa"].as_str().unwrap().is_empty(), "{id}");
        assert!(!us["basis"].as_str().unwrap().is_empty(), "{id}");
    }
}

#[test]
fn vocab_show_json_matches_the_list_entry() {
    let list: serde_json::Value =
        serde_json::from_str(&stdout_of(&["vocab", "list", "--format", "json"])).unwrap();
    let show: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "vocab",
        "show",
        "id.us.ssn",
        "--format",
        "json",
    ]))
    .unwrap();
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "id.us.ssn")
        .unwrap();
    assert_eq!(entry, &show);
}

#[test]
fn an_unknown_category_exits_2_and_suggests_the_nearest() {
    let (code, stdout, stderr) = freeport(&["vocab", "show", "id.us.snn"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_far_off_category_points_at_the_listing() {
    let (code, _, stderr) = freeport(&["vocab", "show", "zzz"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("run `freeport vocab list`"), "{stderr}");
}

#[test]
fn completions_and_man_pages_come_from_the_command_line_definitions() {
    let bash = stdout_of(&["completions", "bash"]);
    assert!(bash.starts_with("_freeport()"), "{}", &bash[..80]);
    assert!(bash.contains("verify-receipt"));
    let zsh = stdout_of(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef freeport"), "{}", &zsh[..80]);
    let man = stdout_of(&["man"]);
    assert!(man.contains(".TH freeport 1"), "{man}");
    let judge = stdout_of(&["man", "judge"]);
    assert!(judge.contains(".TH freeport-judge 1"), "{judge}");
    assert!(judge.contains("\\-\\-record"), "{judge}");
}

#[test]
fn a_man_page_for_no_such_command_is_a_usage_error() {
    let (code, stdout, stderr) = freeport(&["man", "log", "apend"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    insta::assert_snapshot!(stderr);
}

/// A facts file with an unknown table, judged in `dir`: the error as people read it and as JSON.
#[test]
fn errors_are_shown_in_text_or_json_as_asked() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bad.toml"),
        "version = 2\n[transfer]\nbogus = 1\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let (code, stdout, stderr) = freeport_in(Some(tmp.path()), args, &[]);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty(), "{args:?}");
        stderr
    };
    insta::assert_snapshot!("facts_error_text", run(&["judge", "bad.toml"]));
    let json = run(&["judge", "bad.toml", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["error"]["file"], "bad.toml");
    assert_eq!(value["error"]["span"]["line"], 2);
    insta::assert_snapshot!("facts_error_json", json);
    insta::assert_snapshot!(
        "usage_error_json",
        run(&["judge", "--format", "json", "--no-such-flag"])
    );
    insta::assert_snapshot!(
        "missing_argument_json",
        run(&["log", "verify-receipt", "r.tlog-proof", "--format", "json"])
    );
}

#[test]
fn rules_check_and_explain_print_json_when_asked() {
    let check: serde_json::Value =
        serde_json::from_str(&stdout_of(&["rules", "check", "--format", "json"])).unwrap();
    assert_eq!(check["ok"], true);
    let packs = check["packs"].as_array().unwrap();
    assert_eq!(packs.len(), 2);
    assert_eq!(packs[0]["jurisdiction"], "cn");
    assert!(packs[1]["hash"].as_str().unwrap().starts_with("sha256:"));
    let list: serde_json::Value =
        serde_json::from_str(&stdout_of(&["rules", "list", "--format", "json"])).unwrap();
    let id = list[0]["id"].as_str().unwrap();
    let explained: serde_json::Value =
        serde_json::from_str(&stdout_of(&["rules", "explain", id, "--format", "json"])).unwrap();
    assert_eq!(explained, list[0]);
}

/// `freeport config show` in a directory with a project file and a home with its own file: each
/// value with its source (flag, environment, file, default), then a bad file as an error.
#[test]
fn config_show_names_each_values_source() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(
        home.join("config.toml"),
        "version = 1\nthreads = 2\nwitnesses = [\"http://cn.example\", \"http://us.example\"]\n[report]\nlang = \"zh\"\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("freeport.toml"),
        "[port]\nurl = \"http://port.example\"\ntoken = \"fdp_secret\"\n[report]\nlang = \"en\"\n",
    )
    .unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        // Relative, so the table's widths do not depend on where the test runs; the port's
        // variables are the test's own.
        let mut env = env.to_vec();
        env.extend([
            ("FREEPORT_HOME", "home"),
            ("FREEPORT_PORT_URL", ""),
            ("FREEPORT_TOKEN", ""),
        ]);
        let (code, stdout, stderr) = freeport_in(Some(tmp.path()), args, &env);
        (Some(code), stdout, stderr)
    };
    let (code, table, _) = run(
        &["config", "show", "--seal-to", "age1example"],
        &[("FREEPORT_THREADS", "3")],
    );
    assert_eq!(code, Some(0));
    assert!(!table.contains("fdp_secret"), "{table}");
    insta::assert_snapshot!("config_show_table", table);
    let (code, json, _) = run(&["config", "show", "--format", "json"], &[]);
    assert_eq!(code, Some(0));
    assert!(!json.contains("fdp_secret"), "{json}");
    insta::assert_snapshot!("config_show_json", json);
    std::fs::write(
        tmp.path().join("freeport.toml"),
        "[port]\nurl = \"http://port.example\"\ntoken = 7\n",
    )
    .unwrap();
    let (code, stdout, text) = run(&["vocab", "list"], &[]);
    assert_eq!((code, stdout.as_str()), (Some(2), ""));
    insta::assert_snapshot!("config_error_text", text);
    let (code, _, json) = run(&["vocab", "list", "--format", "json"], &[]);
    assert_eq!(code, Some(2));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["error"]["field"], "port.token");
    assert_eq!(value["error"]["file"], "freeport.toml");
    assert_eq!(value["error"]["span"]["line"], 3);
    // Help and the version still show (how else would one find out how to fix it?).
    for args in [
        &["--help"][..],
        &["vocab", "--help"],
        &["help", "vocab"],
        &["--version"],
    ] {
        let (code, stdout, stderr) = run(args, &[]);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(
            stdout.contains("freeport") || stdout.contains("Usage"),
            "{args:?}: {stdout}"
        );
    }
}

#[test]
fn stats_homes_print_their_keys_as_json_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("collector");
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "stats",
        "collector",
        "init",
        "--home",
        home.to_str().unwrap(),
        "--format",
        "json",
    ]))
    .unwrap();
    assert!(
        json["signing_key"].as_str().is_some_and(|k| !k.is_empty()),
        "{json}"
    );
    assert!(
        json["hpke_key"].as_str().is_some_and(|k| !k.is_empty()),
        "{json}"
    );
    let aggregator = tmp.path().join("cn");
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "stats",
        "aggregator",
        "init",
        "--country",
        "cn",
        "--home",
        aggregator.to_str().unwrap(),
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["country"], "cn", "{json}");
}
