//! `freeport chips verify | registry | attest` against a `freeport serve` process, each party a
//! separate process with its own home and key (issue 19 items 3–6): both sides sign a
//! verification report on their own machines, an exporter applies, a CN and a US reviewer
//! approve, a device attests plausibly and then faster than light allows, the anomaly case is
//! refused and the listing removed with its reasons — and bad input is refused naming the field.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

#[expect(
    dead_code,
    reason = "the shared helpers; this suite stops its server by dropping it"
)]
mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{Server, freeport, root};
use jiff::ToSpan;
use serde_json::Value;

/// `freeport ARGS` as a party with its own home, against `server` with `token`.
fn party(home: &Path, server: &Server, token: &str, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_HOME", home)
        .env("FREEPORT_PORT_URL", &server.base)
        .env("FREEPORT_TOKEN", token)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn ok(output: &std::process::Output) -> String {
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn add_account(home: &Path, args: &[&str]) -> String {
    let out = freeport(
        home,
        &[&["account", "add"], args, &["--format", "json"]].concat(),
    );
    let value: Value = serde_json::from_slice(&ok(&out).into_bytes()).unwrap();
    value["token"].as_str().unwrap().to_owned()
}

fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"\d{4}-\d{2}-\d{2}", "[date]"),
        (r"CC-\[date\]|CC-\d{4}-", "CC-[year]-"),
        (r"#\d+", "#[n]"),
    ]
}

/// A port home with an exporter and two reviewers, each party with its own home (the reviewers'
/// keys made there).
struct Parties {
    dir: tempfile::TempDir,
    port_home: std::path::PathBuf,
    wei_home: std::path::PathBuf,
    sam_home: std::path::PathBuf,
    tianlan_home: std::path::PathBuf,
    tianlan: String,
    wei: String,
    sam: String,
}

fn parties() -> Parties {
    let dir = tempfile::tempdir().unwrap();
    let port_home = dir.path().join("port");
    let wei_home = dir.path().join("wei-home");
    let sam_home = dir.path().join("sam-home");
    let tianlan_home = dir.path().join("tianlan-home");
    assert!(freeport(&port_home, &["init"]).status.success());
    // Each reviewer makes a key on their own machine; the port gets only the public half.
    for (name, home) in [("wei", &wei_home), ("sam", &sam_home)] {
        std::fs::create_dir_all(home).unwrap();
        let prefix = home.join(name);
        ok(&freeport(
            home,
            &[
                "log",
                "keygen",
                "--name",
                name,
                "--out",
                prefix.to_str().unwrap(),
            ],
        ));
    }
    let vkey = |home: &Path, name: &str| home.join(format!("{name}.vkey")).display().to_string();
    let tianlan = add_account(
        &port_home,
        &[
            "tianlan",
            "--role",
            "exporter",
            "--organisation",
            "tianlan-bio",
            "--name",
            "Tianlan Bio",
        ],
    );
    let wei = add_account(
        &port_home,
        &[
            "wei",
            "--role",
            "cn_reviewer",
            "--name",
            "Wei",
            "--public-key",
            &vkey(&wei_home, "wei"),
        ],
    );
    let sam = add_account(
        &port_home,
        &[
            "sam",
            "--role",
            "us_reviewer",
            "--name",
            "Sam",
            "--public-key",
            &vkey(&sam_home, "sam"),
        ],
    );
    Parties {
        dir,
        port_home,
        wei_home,
        sam_home,
        tianlan_home,
        tianlan,
        wei,
        sam,
    }
}

/// The report the inspectors wrote (a visit five days ago), in `dir`.
fn write_report(dir: &Path) -> std::path::PathBuf {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let visited = today.checked_sub(5.days()).unwrap();
    let report = dir.join("report.toml");
    std::fs::write(
        &report,
        format!(
            r#"organisation = "tianlan-bio"
visited_on = "{visited}"
site = "Building 3, 88 Keyuan Road, Shanghai"
product_classes = ["3A090.a"]
scope = ["physical and logical security of the GPU hall"]
[inspectors]
cn = ["Wang Li"]
us = ["J. Smith"]
[[findings]]
severity = "minor"
text = "visitor log kept on paper"
[[evidence]]
name = "hall-photos.zip"
sha256 = "{}"
"#,
            "ab".repeat(32)
        ),
    )
    .unwrap();
    report
}

impl Parties {
    /// Each reviewer signs `report` on their own machine: the two note files.
    fn sign(&self, server: &Server, report: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
        let mut notes = Vec::new();
        for (home, token, name) in [
            (&self.wei_home, &self.wei, "wei"),
            (&self.sam_home, &self.sam, "sam"),
        ] {
            let note = ok(&party(
                home,
                server,
                token,
                &[
                    "chips",
                    "verify",
                    "sign",
                    report.to_str().unwrap(),
                    "--cn-signer",
                    "wei",
                    "--us-signer",
                    "sam",
                    "--key",
                    home.join(format!("{name}.key")).to_str().unwrap(),
                ],
            ));
            let path = self.dir.path().join(format!("{name}.note"));
            std::fs::write(&path, note).unwrap();
            notes.push(path);
        }
        (notes.remove(0), notes.remove(0))
    }

    fn submit(&self, server: &Server, report: &Path, cn: &Path, us: &Path) -> std::process::Output {
        party(
            &self.wei_home,
            server,
            &self.wei,
            &[
                "chips",
                "verify",
                "submit",
                report.to_str().unwrap(),
                "--cn-signer",
                "wei",
                "--cn-signature",
                cn.to_str().unwrap(),
                "--us-signer",
                "sam",
                "--us-signature",
                us.to_str().unwrap(),
                "--format",
                "json",
            ],
        )
    }
}

#[test]
fn both_sides_verify_review_and_monitor_from_their_own_machines() {
    let p = parties();
    let Parties {
        dir,
        port_home,
        wei_home,
        sam_home,
        tianlan_home,
        tianlan,
        wei,
        sam,
    } = &p;
    let server = Server::start_with(port_home, &[], None);

    let report = write_report(dir.path());
    let (wei_note, sam_note) = p.sign(&server, &report);
    let empty_note = dir.path().join("empty.note");
    std::fs::write(&empty_note, "").unwrap();
    let submit = |us_note: &Path| p.submit(&server, &report, &wei_note, us_note);
    // Signed by one side only: refused, naming the missing side.
    let one_sided = submit(&empty_note);
    assert_eq!(one_sided.status.code(), Some(2), "{one_sided:?}");
    assert!(
        String::from_utf8_lossy(&one_sided.stderr).contains("us_signature"),
        "{one_sided:?}"
    );
    let recorded: Value = serde_json::from_str(&ok(&submit(&sam_note))).unwrap();
    assert_eq!(recorded["seq"], 1);

    // The exporter applies; both sides approve, each with its own key.
    let applied: Value = serde_json::from_str(&ok(&party(
        tianlan_home,
        &server,
        tianlan,
        &[
            "chips",
            "registry",
            "apply",
            "--organisation",
            "tianlan-bio",
            "--class",
            "3A090.a",
            "--verification",
            "1",
            "--valid-days",
            "730",
            "--reevaluate-every-days",
            "365",
            "--format",
            "json",
        ],
    )))
    .unwrap();
    let case = applied["id"].as_str().unwrap().to_owned();
    let bad = party(
        tianlan_home,
        &server,
        tianlan,
        &[
            "chips",
            "registry",
            "apply",
            "--organisation",
            "tianlan-bio",
            "--class",
            "3A090.a",
            "--verification",
            "1",
            "--valid-days",
            "-3",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("valid_days"),
        "{bad:?}"
    );
    for (home, token, key) in [(&wei_home, &wei, "wei.key"), (&sam_home, &sam, "sam.key")] {
        ok(&party(
            home,
            &server,
            token,
            &[
                "chips",
                "registry",
                "review",
                &case,
                "--approve",
                "--key",
                home.join(key).to_str().unwrap(),
            ],
        ));
    }
    let listed = ok(&party(
        tianlan_home,
        &server,
        tianlan,
        &["chips", "registry", "list"],
    ));
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!("registry_listed", listed);
    });

    // Monitoring: a device, a plausible attestation, one for a device never registered, one
    // with negative hours, one faster than light from the site.
    let device = dir.path().join("device.toml");
    std::fs::write(
        &device,
        "serial = \"GPU-0001\"\norganisation = \"tianlan-bio\"\nproduct_class = \"3A090.a\"\n\
         site = \"Building 3, 88 Keyuan Road, Shanghai\"\nlocation = { lat = 31.20, lon = 121.60 }\n\
         attest_every_days = 30\n",
    )
    .unwrap();
    ok(&party(
        tianlan_home,
        &server,
        tianlan,
        &["chips", "attest", "register", device.to_str().unwrap()],
    ));
    let now = jiff::Timestamp::now().round(jiff::Unit::Second).unwrap();
    // Each attestation a second after the one before (the port refuses one not after the last).
    let tick = std::cell::Cell::new(0_i64);
    let attestation = |name: &str, serial: &str, hours: &str, probes: &str| {
        tick.set(tick.get() + 1);
        let now = now
            .checked_add(jiff::SignedDuration::from_secs(tick.get()))
            .unwrap();
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "serial = \"{serial}\"\nattested_at = \"{now}\"\n[usage]\ndevice_hours = {hours}\n\
                 utilisation_percent = 71.0\nworkloads = [\"protein structure prediction\"]\n{probes}"
            ),
        )
        .unwrap();
        party(
            tianlan_home,
            &server,
            tianlan,
            &["chips", "attest", "submit", path.to_str().unwrap()],
        )
    };
    let plausible = attestation(
        "a1.toml",
        "GPU-0001",
        "610.5",
        "[[probes]]\nlandmark = \"shanghai\"\nrtt_ms = 1.2\n",
    );
    assert!(ok(&plausible).contains("plausible"));
    let unregistered = attestation(
        "a2.toml",
        "GPU-9999",
        "1.0",
        "[[probes]]\nlandmark = \"shanghai\"\nrtt_ms = 1.2\n",
    );
    assert_eq!(unregistered.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unregistered.stderr).contains("GPU-9999"),
        "{unregistered:?}"
    );
    let negative = attestation(
        "a3.toml",
        "GPU-0001",
        "-4.0",
        "[[probes]]\nlandmark = \"shanghai\"\nrtt_ms = 1.2\n",
    );
    assert_eq!(negative.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&negative.stderr).contains("usage.device_hours"),
        "{negative:?}"
    );
    let anomalous = attestation(
        "a4.toml",
        "GPU-0001",
        "12.0",
        "[[probes]]\nlandmark = \"beijing\"\nrtt_ms = 4.0\n",
    );
    assert_eq!(anomalous.status.code(), Some(1), "{anomalous:?}");
    let text = String::from_utf8(anomalous.stdout).unwrap();
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!("attest_anomalous", text);
    });
    let anomaly = text
        .split_whitespace()
        .find(|w| w.starts_with("CC-"))
        .unwrap()
        .to_owned();

    // The US side confirms the anomaly: the listing is removed with its published reasons.
    ok(&party(
        sam_home,
        &server,
        sam,
        &[
            "chips",
            "registry",
            "review",
            &anomaly,
            "--refuse",
            "--reason",
            "the device answered Beijing faster than light allows from its registered site",
            "--key",
            sam_home.join("sam.key").to_str().unwrap(),
        ],
    ));
    let removed = ok(&party(
        wei_home,
        &server,
        wei,
        &["chips", "registry", "list"],
    ));
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!("registry_removed", removed);
    });
    let devices = ok(&party(
        tianlan_home,
        &server,
        tianlan,
        &["chips", "attest", "devices"],
    ));
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!("devices", devices);
    });
}

#[test]
fn a_verification_survives_a_crash_before_its_entry_is_appended() {
    let p = parties();
    let report = write_report(p.dir.path());
    let (cn, us) = {
        let server = Server::start_with(&p.port_home, &[], None);
        p.sign(&server, &report)
    };
    // The port stops (as a power cut would) after the report is stored, before the log.
    let crashing = Server::start_with(&p.port_home, &[], Some("chips-recorded"));
    let lost = p.submit(&crashing, &report, &cn, &us);
    assert!(!lost.status.success(), "{lost:?}");
    drop(crashing);
    // Reopened, the port appends the queued entry; reopened again, it appends nothing twice.
    let mut indexes = Vec::new();
    for _ in 0..2 {
        let server = Server::start_with(&p.port_home, &[], None);
        let list: Value = serde_json::from_str(&ok(&party(
            &p.wei_home,
            &server,
            &p.wei,
            &["chips", "verify", "list", "--format", "json"],
        )))
        .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        indexes.push(list[0]["log_index"].as_u64().unwrap());
        // The background round cosigns and publishes what the reopening appended.
        let checkpoint = (0..100)
            .find_map(|_| {
                let text = ureq::get(&format!("{}/log/checkpoint", server.base))
                    .call()
                    .ok()
                    .and_then(|r| r.into_body().read_to_string().ok())
                    .filter(|t| {
                        t.lines().nth(1).and_then(|l| l.parse::<u64>().ok()) > Some(indexes[0])
                    });
                if text.is_none() {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                text
            })
            .unwrap();
        let size: u64 = checkpoint.lines().nth(1).unwrap().parse().unwrap();
        assert_eq!(size, indexes[0] + 1, "the entry is the log's last, once");
    }
    assert_eq!(indexes[0], indexes[1]);
}
