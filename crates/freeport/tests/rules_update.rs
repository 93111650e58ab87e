//! `freeport rules update --from URL` against a real port on loopback (issue 13 item 9): the
//! port judges with a newer China pack and publishes it in its log; another home, with its own
//! trust policy, takes it, and then judges with it; a pack that fails a check is refused naming
//! the check, and nothing is installed.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

mod common;

use std::path::{Path, PathBuf};

use common::{Server, freeport, root};
use serde_json::Value;

/// GET `path` on `server`: the status and the body.
fn get(server: &Server, path: &str) -> (u16, String) {
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let mut response = agent.get(format!("{}{path}", server.base)).call().unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap(),
    )
}

/// A copy of the repository's packs with the China pack's version set to `version`.
fn packs_with_cn_version(dir: &Path, version: &str) -> PathBuf {
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    for side in ["cn", "us"] {
        let copied = std::process::Command::new("cp")
            .arg("-r")
            .arg(root().join("rules").join(side))
            .arg(&rules)
            .status()
            .unwrap();
        assert!(copied.success());
    }
    let manifest = rules.join("cn/pack.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("version = "))
        .unwrap()
        .to_owned();
    std::fs::write(
        &manifest,
        text.replacen(&line, &format!("version = \"{version}\""), 1),
    )
    .unwrap();
    rules
}

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("{e}: {output:?}"))
        .unwrap()
}

fn cn_version(home: &Path) -> String {
    let checked = freeport(home, &["rules", "check", "--format", "json"]);
    assert!(checked.status.success(), "{checked:?}");
    json(&checked)["packs"][0]["version"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_newer_pack_is_taken_from_a_port_only_when_every_check_holds() {
    let dir = tempfile::tempdir().unwrap();
    let port_home = dir.path().join("port");
    assert!(freeport(&port_home, &["init"]).status.success());
    let rules = packs_with_cn_version(dir.path(), "2099.1.1");
    let server = Server::start_with(&port_home, &["--rules", rules.to_str().unwrap()], None);

    // The port publishes the packs it judges with; once a cosigned checkpoint covers the entries
    // it serves each with its receipt, without an account.
    let mut served = None;
    for _ in 0..100 {
        let (status, body) = get(&server, "/api/v1/rules/cn");
        if status == 200 {
            served = Some(serde_json::from_str::<Value>(&body).unwrap());
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let served = served.expect("the China pack was never served with a receipt");
    assert_eq!(served["version"], "2099.1.1");
    assert_eq!(served["format"], "freeport-rule-pack/1");
    let (status, body) = get(&server, "/api/v1/rules/xx");
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("\"field\":\"jurisdiction\""), "{body}");

    // The installer's own trust policy (here read once from the port and pinned).
    let (status, policy) = get(&server, "/api/v1/log/trust-policy");
    assert_eq!(status, 200);
    let policy_file = dir.path().join("cn-us.policy");
    std::fs::write(&policy_file, &policy).unwrap();

    let exporter = dir.path().join("exporter");
    let built_in = cn_version(&exporter);
    let update = |home: &Path, policy: &Path| {
        freeport(
            home,
            &[
                "rules",
                "update",
                "--from",
                &server.base,
                "--policy",
                policy.to_str().unwrap(),
                "--format",
                "json",
            ],
        )
    };

    // A policy that pins another log key: refused, naming the pack and the check; nothing is
    // installed and the home judges as before.
    let stranger = dir.path().join("stranger");
    let keygen = freeport(
        dir.path(),
        &[
            "log",
            "keygen",
            "--name",
            "stranger.example/log",
            "--out",
            stranger.to_str().unwrap(),
        ],
    );
    assert!(keygen.status.success(), "{keygen:?}");
    let stranger_vkey = std::fs::read_to_string(stranger.with_extension("vkey")).unwrap();
    let wrong_policy = dir.path().join("wrong.policy");
    let log_line = policy.lines().find(|l| l.starts_with("log ")).unwrap();
    std::fs::write(
        &wrong_policy,
        policy.replacen(log_line, &format!("log {}", stranger_vkey.trim()), 1),
    )
    .unwrap();
    let refused = update(&exporter, &wrong_policy);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let error: Value = serde_json::from_slice(&refused.stderr).unwrap_or_else(|_| {
        panic!(
            "not a JSON error: {}",
            String::from_utf8_lossy(&refused.stderr)
        )
    });
    assert_eq!(
        error["error"]["code"], "freeport::rules::refused",
        "{error}"
    );
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("cn rule pack 2099.1.1"), "{message}");
    assert!(message.contains("trust policy"), "{message}");
    assert!(!exporter.join("rules").exists());
    assert_eq!(cn_version(&exporter), built_in);

    // The right policy: China's newer pack is installed, the US pack is the one in use already.
    let updated = update(&exporter, &policy_file);
    assert!(updated.status.success(), "{updated:?}");
    let rows = json(&updated);
    assert_eq!(rows[0]["jurisdiction"], "cn");
    assert_eq!(rows[0]["action"], "installed", "{rows}");
    assert_eq!(rows[0]["in_use_before"], built_in.as_str());
    assert_eq!(rows[1]["action"], "current", "{rows}");
    assert_eq!(cn_version(&exporter), "2099.1.1");
    let installed = exporter.join("rules/cn/2099.1.1");
    assert!(installed.join("receipt.tlog-proof").is_file());
    assert_eq!(
        std::fs::read_to_string(exporter.join("rules/cn/current")).unwrap(),
        "2099.1.1\n"
    );
    // Again: nothing to do.
    let again = update(&exporter, &policy_file);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(json(&again)[0]["action"], "current");

    // The installed pack is edited behind the installer's back: every command refuses it.
    let manifest = installed.join("pack.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}\n# edited\n")).unwrap();
    let broken = freeport(&exporter, &["rules", "check"]);
    assert_eq!(broken.status.code(), Some(2), "{broken:?}");
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("installed_broken"), "{stderr}");
    assert!(stderr.contains("was verified at install"), "{stderr}");
    assert!(server.stop().success());
}
