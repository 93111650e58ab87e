//! Sealed packages end to end with a real `freeport-tlog` log: seal, log, receipt, open; and every
//! tamper the issue names refused by the right check with nothing written.
#![expect(
    clippy::unwrap_used,
    reason = "helpers outside #[test] functions unwrap too; a failure is a test failure"
)]

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use freeport_seal::manifest::{MANIFEST_FILE, Manifest, PAYLOAD_FILE, SIGNATURE_FILE};
use freeport_seal::{
    Check, Column, Description, Error, ExporterKey, PlainFile, SealRequest, SealedPackage, Trust,
    encrypt, finish_staged, open, prepare, verify,
};
use freeport_tlog::merkle::NodeSource as _;
use freeport_tlog::note::{KeyKind, SigningKey, add_signature_lines, cosign};
use freeport_tlog::policy::Policy;
use freeport_tlog::receipt::Receipt;
use freeport_tlog::store::Log;
use proptest::prelude::*;
use serde_json::json;

const ORIGIN: &str = "freedataport.example/log";

struct Fixture {
    dir: tempfile::TempDir,
    exporter: ExporterKey,
    identity: age::x25519::Identity,
    log_key: SigningKey,
    log: Log,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log_key = SigningKey::from_seed(ORIGIN, KeyKind::Ed25519, [7; 32]).unwrap();
        let log = Log::init(&dir.path().join("log"), ORIGIN, &log_key.verifier()).unwrap();
        std::fs::write(
            dir.path().join("orders.csv"),
            "order_id,收件人,phone\n1,张三,13800138000\n2,李四,13900139000\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("items.jsonl"),
            "{\"order_id\":1,\"sku\":\"A-1\"}\n",
        )
        .unwrap();
        Self {
            exporter: ExporterKey::from_seed("acme-cn.example/exporter", [1; 32]).unwrap(),
            identity: age::x25519::Identity::generate(),
            log_key,
            log,
            dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Opens `package` into the new directory `name` with the recipient's identity.
    fn open_into(&self, package: &Path, name: &str) -> PathBuf {
        let out = self.path(name);
        open(
            package,
            std::slice::from_ref(&self.identity),
            &self.trust(),
            &out,
        )
        .unwrap();
        out
    }

    fn trust(&self) -> Trust {
        Trust::new(
            vec![self.exporter.public().clone()],
            Policy::log_only(self.log_key.verifier()),
        )
    }

    fn request(&self, package: &str, transfer_id: &str) -> SealRequest {
        SealRequest {
            transfer_id: transfer_id.into(),
            files: vec![
                PlainFile::new(self.path("orders.csv"))
                    .unwrap()
                    .with_schema(vec![
                        Column {
                            name: "order_id".into(),
                            data_type: "int64".into(),
                        },
                        Column {
                            name: "收件人".into(),
                            data_type: "utf8".into(),
                        },
                        Column {
                            name: "phone".into(),
                            data_type: "utf8".into(),
                        },
                    ]),
                PlainFile::new(self.path("items.jsonl")).unwrap(),
            ],
            recipients: vec![self.identity.to_public()],
            classification: json!({"contact.phone": {"columns": 1, "subjects": 2},
                "person.name": {"columns": 1, "subjects": 2}}),
            decision: json!({"cn": {"outcome": "permit", "pack": "cn-pipl@2026.1",
                "pack_sha256": "11".repeat(32)}, "us": {"outcome": "permit",
                "pack": "us-dsp@2026.1", "pack_sha256": "22".repeat(32)}}),
            deidentification: Some(json!({"k": 5, "prosecutor_risk": 0.2})),
            report_sha256: None,
            sealed_at: "2026-11-21T05:00:00Z".parse().unwrap(),
            package: self.path(package),
        }
    }

    /// Appends `entry`, signs a checkpoint and returns the receipt text.
    fn log_and_prove(&mut self, entry: Vec<u8>) -> String {
        let appended = self.log.append(std::slice::from_ref(&entry)).unwrap();
        let signed = self.log.checkpoint(&self.log_key).unwrap();
        Receipt::build(
            &self.log,
            self.log.size(),
            appended.first_index,
            Some(entry),
            signed,
        )
        .unwrap()
        .to_text()
    }

    fn seal(&mut self, package: &str, transfer_id: &str) -> SealedPackage {
        let prepared = prepare(self.request(package, transfer_id), &self.exporter).unwrap();
        let receipt = self.log_and_prove(prepared.entry().to_bytes().unwrap());
        prepared.finish(&receipt).unwrap()
    }

    /// Rewrites a package's manifest (re-signed by `key`), as a dishonest exporter could.
    fn resign(&self, package: &Path, manifest: &Manifest, key: &ExporterKey) {
        let bytes = manifest.to_bytes().unwrap();
        std::fs::write(package.join(MANIFEST_FILE), &bytes).unwrap();
        std::fs::write(package.join(SIGNATURE_FILE), key.sign_manifest(&bytes)).unwrap();
    }

    fn open_refused(&self, package: &Path, identity: &age::x25519::Identity) -> (Check, String) {
        self.open_refused_with(package, identity, &self.trust())
    }

    fn open_refused_with(
        &self,
        package: &Path,
        identity: &age::x25519::Identity,
        trust: &Trust,
    ) -> (Check, String) {
        let out = self.path("opened");
        let err = open(package, std::slice::from_ref(identity), trust, &out).unwrap_err();
        assert_nothing_written(self.dir.path(), &out);
        let check = err.refused_check();
        assert!(check.is_some(), "not a refusal: {err}");
        let check = check.unwrap();
        (check, err.to_string())
    }
}

/// Neither the output directory nor any temporary directory exists.
fn assert_nothing_written(dir: &Path, out: &Path) {
    assert!(!out.exists(), "`{}` was written", out.display());
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(".freeport-"), "left behind `{name}`");
    }
}

fn flip(path: &Path, offset: usize, mask: u8) {
    let mut bytes = std::fs::read(path).unwrap();
    let len = bytes.len();
    bytes[offset % len] ^= mask;
    std::fs::write(path, bytes).unwrap();
}

fn copy_package(from: &Path, to: &Path) {
    std::fs::create_dir(to).unwrap();
    for name in [MANIFEST_FILE, SIGNATURE_FILE, PAYLOAD_FILE] {
        std::fs::copy(from.join(name), to.join(name)).unwrap();
    }
}

#[test]
fn seal_log_and_open_round_trip() {
    let mut fx = Fixture::new();
    let sealed = fx.seal("orders.fdp", "t-1");
    let names: Vec<String> = {
        let mut n: Vec<String> = std::fs::read_dir(&sealed.path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names, [MANIFEST_FILE, SIGNATURE_FILE, PAYLOAD_FILE]);
    let manifest = &sealed.manifest;
    assert_eq!(manifest.files.len(), 2);
    assert_eq!(manifest.files[0].name, "orders.csv");
    assert_eq!(manifest.files[0].schema.as_ref().unwrap()[1].name, "收件人");
    // The classification is a summary: no cell value is in the manifest.
    let text = std::fs::read_to_string(sealed.path.join(MANIFEST_FILE)).unwrap();
    assert!(
        !text.contains("13800138000") && !text.contains("张三"),
        "{text}"
    );

    let out = fx.path("opened");
    let opened = open(
        &sealed.path,
        std::slice::from_ref(&fx.identity),
        &fx.trust(),
        &out,
    )
    .unwrap();
    assert_eq!(
        opened.files,
        [out.join("orders.csv"), out.join("items.jsonl")]
    );
    for name in ["orders.csv", "items.jsonl"] {
        assert_eq!(
            std::fs::read(out.join(name)).unwrap(),
            std::fs::read(fx.path(name)).unwrap()
        );
    }
    assert_eq!(opened.verified.log.origin, ORIGIN);
    assert_eq!(opened.verified.log.index, 0);
    assert_eq!(opened.verified.manifest, *manifest);
    // The output directory is new only: a second open refuses before doing anything.
    let err = open(
        &sealed.path,
        std::slice::from_ref(&fx.identity),
        &fx.trust(),
        &out,
    )
    .unwrap_err();
    assert!(matches!(err, Error::Output { .. }), "{err}");
    // Nor can a package be sealed over an existing path.
    let err = prepare(fx.request("orders.fdp", "t-1"), &fx.exporter).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

#[test]
fn the_payload_is_a_plain_age_encrypted_tar() {
    let mut fx = Fixture::new();
    let sealed = fx.seal("orders.fdp", "t-1");
    let ciphertext = std::fs::read(sealed.path.join(PAYLOAD_FILE)).unwrap();
    let tar_bytes = age::decrypt(&fx.identity, &ciphertext).unwrap();
    let mut archive = tar::Archive::new(tar_bytes.as_slice());
    let mut seen = Vec::new();
    for entry in archive.entries().unwrap() {
        let entry = entry.unwrap();
        let header = entry.header();
        assert_eq!(header.mtime().unwrap(), 0);
        assert_eq!(header.mode().unwrap(), 0o644);
        seen.push(entry.path().unwrap().display().to_string());
    }
    assert_eq!(seen, ["orders.csv", "items.jsonl"]);
}

#[test]
fn a_witness_quorum_is_enforced_on_the_receipt() {
    let mut fx = Fixture::new();
    let witness = SigningKey::from_seed(
        "witness.regulator-cn.example/v1",
        KeyKind::Cosignature,
        [9; 32],
    )
    .unwrap();
    let policy = Policy::parse(&format!(
        "log {}\nwitness cn-1 {}\nquorum cn-1\n",
        fx.log_key.verifier().to_vkey(),
        witness.verifier().to_vkey()
    ))
    .unwrap();
    let trust = Trust::new(vec![fx.exporter.public().clone()], policy);
    let sealed = fx.seal("orders.fdp", "t-1");
    let (check, message) = fx.open_refused_with(&sealed.path, &fx.identity, &trust);
    assert_eq!(check, Check::Receipt);
    assert!(message.contains("quorum `cn-1` not met"), "{message}");

    // Cosigned by the witness, the same package's receipt satisfies the policy.
    let prepared = prepare(fx.request("cosigned.fdp", "t-2"), &fx.exporter).unwrap();
    let entry = prepared.entry().to_bytes().unwrap();
    let appended = fx.log.append(std::slice::from_ref(&entry)).unwrap();
    let signed = fx.log.checkpoint(&fx.log_key).unwrap();
    let body = signed.split_once("\n\n").unwrap().0.to_owned() + "\n";
    let cosigned = add_signature_lines(&signed, &[cosign(&body, &witness, 1_700_000_000).unwrap()]);
    let receipt = Receipt::build(
        &fx.log,
        fx.log.size(),
        appended.first_index,
        Some(entry),
        cosigned,
    )
    .unwrap()
    .to_text();
    let sealed = prepared.finish(&receipt).unwrap();
    let verified = verify(&sealed.path, &trust).unwrap();
    assert_eq!(verified.log.witnesses, ["cn-1"]);
}

#[test]
fn tampering_is_refused_by_the_right_check() {
    let mut fx = Fixture::new();
    let sealed = fx.seal("orders.fdp", "t-1");
    let other = fx.seal("other.fdp", "t-2");
    let original = sealed.path.clone();
    let work = fx.path("work.fdp");
    let reset = || {
        let _ = std::fs::remove_dir_all(&work);
        copy_package(&original, &work);
    };

    // One byte of the ciphertext.
    reset();
    flip(&work.join(PAYLOAD_FILE), 200, 0x01);
    let (check, message) = fx.open_refused(&work, &fx.identity);
    assert_eq!(check, Check::Ciphertext, "{message}");
    assert!(message.contains("does not have the SHA-256"), "{message}");

    // One byte of the manifest.
    reset();
    flip(&work.join(MANIFEST_FILE), 40, 0x20);
    let (check, message) = fx.open_refused(&work, &fx.identity);
    assert_eq!(check, Check::Signature, "{message}");
    assert!(
        message.contains("does not verify over `manifest.json`"),
        "{message}"
    );

    // One byte of the signature.
    reset();
    let sig_len = std::fs::metadata(work.join(SIGNATURE_FILE)).unwrap().len() as usize;
    flip(&work.join(SIGNATURE_FILE), sig_len - 10, 0x01);
    let (check, _) = fx.open_refused(&work, &fx.identity);
    assert_eq!(check, Check::Signature);

    // One byte of the receipt inside the manifest: the signature breaks ...
    reset();
    let manifest_text = std::fs::read_to_string(work.join(MANIFEST_FILE)).unwrap();
    let at = manifest_text.find("index 0").unwrap();
    flip(&work.join(MANIFEST_FILE), at + 6, 0x01);
    let (check, _) = fx.open_refused(&work, &fx.identity);
    assert_eq!(check, Check::Signature);
    // ... and if the exporter re-signs it, the receipt itself fails.
    reset();
    let mut manifest = sealed.manifest.clone();
    manifest.receipt = Some(manifest.receipt.unwrap().replace("index 0", "index 1"));
    fx.resign(&work, &manifest, &fx.exporter);
    let (check, message) = fx.open_refused(&work, &fx.identity);
    assert_eq!(check, Check::Receipt, "{message}");
    assert!(message.contains("invalid inclusion proof"), "{message}");

    // Another package's (valid) receipt, re-signed by the exporter.
    reset();
    let mut manifest = sealed.manifest.clone();
    manifest.receipt.clone_from(&other.manifest.receipt);
    fx.resign(&work, &manifest, &fx.exporter);
    let (check, message) = fx.open_refused(&work, &fx.identity);
    assert_eq!(check, Check::LogEntry, "{message}");
    assert!(message.contains("`transfer_id` differs"), "{message}");

    // A manifest changed after logging (e.g. a better-looking decision), re-signed.
    reset();
    let mut manifest = sealed.manifest.clone();
    manifest.decision = json!({"cn": {"outcome": "permit"}});
    fx.resign(&work, &manifest, &fx.exporter);
    let (check, message) = fx.open_refused(&work, &fx.identity);
    assert_eq!(check, Check::LogEntry);
    assert!(
        message.contains("`manifest_body_sha256` differs"),
        "{message}"
    );

    // Another package's ciphertext.
    reset();
    std::fs::copy(other.path.join(PAYLOAD_FILE), work.join(PAYLOAD_FILE)).unwrap();
    let (check, _) = fx.open_refused(&work, &fx.identity);
    assert_eq!(check, Check::Ciphertext);

    // The wrong identity.
    reset();
    let stranger = age::x25519::Identity::generate();
    let (check, message) = fx.open_refused(&work, &stranger);
    assert_eq!(check, Check::Decryption, "{message}");
    assert!(
        message.contains(&stranger.to_public().to_string()),
        "{message}"
    );
    assert!(
        message.contains(&fx.identity.to_public().to_string()),
        "{message}"
    );

    // Signed by a key the recipient does not trust (a valid signature, re-signed).
    reset();
    let mallory = ExporterKey::from_seed("acme-cn.example/exporter", [66; 32]).unwrap();
    let mut manifest = sealed.manifest.clone();
    manifest.exporter = mallory.public().to_vkey();
    fx.resign(&work, &manifest, &mallory);
    let (check, message) = fx.open_refused(&work, &fx.identity);
    assert_eq!(check, Check::Exporter, "{message}");
    assert!(
        message.contains("not among the trusted exporters"),
        "{message}"
    );

    // A trusted key's signature over a manifest naming another exporter.
    reset();
    fx.resign(&work, &sealed.manifest, &{
        // Trust both keys; sign with the second while the manifest names the first.
        mallory.clone()
    });
    let trust = Trust::new(
        vec![fx.exporter.public().clone(), mallory.public().clone()],
        Policy::log_only(fx.log_key.verifier()),
    );
    let (check, message) = fx.open_refused_with(&work, &fx.identity, &trust);
    assert_eq!(check, Check::Manifest, "{message}");

    // An extra file, a missing file.
    reset();
    std::fs::write(work.join("README"), "hi").unwrap();
    assert_eq!(fx.open_refused(&work, &fx.identity).0, Check::Layout);
    reset();
    std::fs::remove_file(work.join(SIGNATURE_FILE)).unwrap();
    assert_eq!(fx.open_refused(&work, &fx.identity).0, Check::Layout);

    // The untouched copy still opens.
    reset();
    open(
        &work,
        std::slice::from_ref(&fx.identity),
        &fx.trust(),
        &fx.path("ok"),
    )
    .unwrap();
}

#[test]
fn a_dishonest_manifest_is_caught_after_decryption() {
    let mut fx = Fixture::new();
    let sealed = fx.seal("orders.fdp", "t-1");
    // The exporter logs and signs a manifest whose file hash or file list is wrong: the receipt
    // and signature are valid, so only the decrypted data can show it.
    for (change, want) in [
        (
            Box::new(|m: &mut Manifest| m.files[0].sha256 = "00".repeat(32))
                as Box<dyn Fn(&mut Manifest)>,
            Check::FileHash,
        ),
        (
            Box::new(|m: &mut Manifest| m.files[1].bytes += 1),
            Check::FileHash,
        ),
        (
            Box::new(|m: &mut Manifest| {
                m.files.pop();
            }),
            Check::Payload,
        ),
        (
            Box::new(|m: &mut Manifest| m.files.swap(0, 1)),
            Check::Payload,
        ),
    ] {
        let work = fx.path("work.fdp");
        let _ = std::fs::remove_dir_all(&work);
        copy_package(&sealed.path, &work);
        let mut manifest = sealed.manifest.clone();
        manifest.receipt = None;
        change(&mut manifest);
        let receipt = fx.log_and_prove(manifest.log_entry().unwrap().to_bytes().unwrap());
        manifest.receipt = Some(receipt);
        fx.resign(&work, &manifest, &fx.exporter);
        let (check, message) = fx.open_refused(&work, &fx.identity);
        assert_eq!(check, want, "{message}");
    }
}

#[test]
fn a_failed_log_append_leaves_nothing() {
    let fx = Fixture::new();
    let prepared = prepare(fx.request("orders.fdp", "t-1"), &fx.exporter).unwrap();
    assert!(!fx.path("orders.fdp").exists());
    prepared.abort();
    assert_nothing_written(fx.dir.path(), &fx.path("orders.fdp"));
    // A receipt for another entry is refused at `finish`, and nothing is left either.
    let mut fx = fx;
    let prepared = prepare(fx.request("orders.fdp", "t-1"), &fx.exporter).unwrap();
    let other = prepare(fx.request("other.fdp", "t-2"), &fx.exporter).unwrap();
    let receipt = fx.log_and_prove(other.entry().to_bytes().unwrap());
    let err = prepared.finish(&receipt).unwrap_err();
    assert!(
        err.to_string().contains("carries another log entry"),
        "{err}"
    );
    drop(other);
    assert_nothing_written(fx.dir.path(), &fx.path("orders.fdp"));
}

/// Encrypting early and describing later (schemas given after the fact) seals the same package
/// as `prepare` in one step would, and it opens.
#[test]
fn encrypting_early_then_describing_seals_an_openable_package() {
    let mut fx = Fixture::new();
    let request = fx.request("orders.fdp", "t-1");
    let plain: Vec<PlainFile> = request
        .files
        .iter()
        .map(|f| PlainFile::new(&f.path).unwrap())
        .collect();
    let mut payload = encrypt(
        &plain,
        &request.recipients,
        fx.dir.path(),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(payload.files()[0].name, "orders.csv");
    assert_eq!(payload.files()[0].schema, None);
    let schema = request.files[0].schema.clone().unwrap();
    payload.set_schema("orders.csv", schema.clone()).unwrap();
    assert!(payload.set_schema("nope.csv", schema).is_err());
    let description = Description {
        transfer_id: request.transfer_id.clone(),
        classification: request.classification.clone(),
        decision: request.decision.clone(),
        deidentification: request.deidentification.clone(),
        report_sha256: request.report_sha256.clone(),
        sealed_at: request.sealed_at,
        package: request.package.clone(),
    };
    let prepared = payload.describe(description, &fx.exporter).unwrap();
    let receipt = fx.log_and_prove(prepared.entry().to_bytes().unwrap());
    let sealed = prepared.finish(&receipt).unwrap();
    // Same files, schemas and hashes as the one-step seal of the same request.
    let one_step = fx.seal("again.fdp", "t-2");
    assert_eq!(sealed.manifest.files, one_step.manifest.files);
    let out = fx.open_into(&sealed.path, "opened");
    assert_eq!(
        std::fs::read(out.join("orders.csv")).unwrap(),
        std::fs::read(fx.path("orders.csv")).unwrap()
    );
}

/// A payload is described only into the directory it was encrypted in (one rename away).
#[test]
fn a_package_outside_the_payloads_directory_is_refused() {
    let fx = Fixture::new();
    let request = fx.request("orders.fdp", "t-1");
    let payload = encrypt(
        &request.files,
        &request.recipients,
        fx.dir.path(),
        &AtomicBool::new(false),
    )
    .unwrap();
    std::fs::create_dir(fx.path("elsewhere")).unwrap();
    let err = payload
        .describe(
            Description {
                transfer_id: "t-1".into(),
                classification: json!({}),
                decision: json!({}),
                deidentification: None,
                report_sha256: None,
                sealed_at: request.sealed_at,
                package: fx.path("elsewhere/orders.fdp"),
            },
            &fx.exporter,
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("where its payload was encrypted"),
        "{err}"
    );
    assert_nothing_written(fx.dir.path(), &fx.path("orders.fdp"));
}

/// A cancelled encryption stops with `Cancelled` and leaves nothing behind.
#[test]
fn a_cancelled_encryption_leaves_nothing() {
    let fx = Fixture::new();
    let request = fx.request("orders.fdp", "t-1");
    let err = encrypt(
        &request.files,
        &request.recipients,
        fx.dir.path(),
        &AtomicBool::new(true),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
    assert_nothing_written(fx.dir.path(), &fx.path("orders.fdp"));
}

#[test]
fn bad_requests_are_refused_before_anything_is_written() {
    let fx = Fixture::new();
    let mut request = fx.request("x.fdp", "t-1");
    request.recipients.clear();
    assert!(
        prepare(request, &fx.exporter)
            .unwrap_err()
            .to_string()
            .contains("no recipient")
    );
    let mut request = fx.request("x.fdp", "t-1");
    request.files[1].name = "orders.csv".into();
    assert!(
        prepare(request, &fx.exporter)
            .unwrap_err()
            .to_string()
            .contains("two files are named")
    );
    let mut request = fx.request("x.fdp", "t-1");
    request.files[0].name = "a/evil".into();
    assert!(
        prepare(request, &fx.exporter)
            .unwrap_err()
            .to_string()
            .contains("path separator")
    );
    assert_nothing_written(fx.dir.path(), &fx.path("x.fdp"));
}

/// Any single-byte change anywhere in a package is refused, and nothing is written.
#[test]
fn any_single_byte_flip_is_refused() {
    use proptest::test_runner::{Config, TestRunner};
    let mut fx = Fixture::new();
    let sealed = fx.seal("shared.fdp", "t-1");
    let trust = fx.trust();
    let mut runner = TestRunner::new(Config {
        cases: 48,
        ..Config::default()
    });
    runner
        .run(
            &(0usize..3, any::<usize>(), 1u8..=255),
            |(file, offset, mask)| {
                let name = [MANIFEST_FILE, SIGNATURE_FILE, PAYLOAD_FILE][file];
                let tmp = tempfile::tempdir().unwrap();
                let work = tmp.path().join("p.fdp");
                copy_package(&sealed.path, &work);
                flip(&work.join(name), offset, mask);
                let out = tmp.path().join("out");
                let err =
                    open(&work, std::slice::from_ref(&fx.identity), &trust, &out).unwrap_err();
                prop_assert!(err.refused_check().is_some(), "{name}: {err}");
                assert_nothing_written(tmp.path(), &out);
                Ok(())
            },
        )
        .unwrap();
}

/// An open killed mid-way leaves decrypted files in its staging directory; the next open beside
/// it removes that directory (its process is gone) before it decrypts anything itself.
#[test]
#[cfg(target_os = "linux")]
fn a_killed_opens_decrypted_files_are_swept_by_the_next_open() {
    let mut fx = Fixture::new();
    let sealed = fx.seal("orders.fdp", "t-1");
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = fx.path(&format!(".freeport-open-{dead}-x1y2z3"));
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("orders.csv"), b"decrypted rows").unwrap();

    let out = fx.open_into(&sealed.path, "opened");
    assert!(!stale.exists(), "a dead open's staging directory was left");
    assert!(out.join("orders.csv").exists());
}

/// A run that stops after its entry was appended leaves the encrypted payload and the manifest
/// body staged: `finish_staged` turns them into the package `finish` would have made, and
/// refuses a body of another payload or exporter, leaving the staging as it was.
#[test]
fn a_package_staged_before_a_crash_is_finished_from_its_body() {
    let mut fx = Fixture::new();
    let prepared = prepare(fx.request("orders.fdp", "t-1"), &fx.exporter).unwrap();
    let body = prepared.manifest().body_bytes().unwrap();
    let entry = prepared.entry().to_bytes().unwrap();
    // The process dies here: nothing removes the staging directory.
    std::mem::forget(prepared);
    let receipt = fx.log_and_prove(entry);
    let staged: Vec<PathBuf> = std::fs::read_dir(fx.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".freeport-seal-")
        })
        .collect();
    let [staged] = staged.as_slice() else {
        panic!("{staged:?}")
    };
    let package = fx.path("orders.fdp");

    let other = ExporterKey::from_seed("other.example/exporter", [2; 32]).unwrap();
    let err = finish_staged(staged, &body, &other, &package, &receipt).unwrap_err();
    assert!(err.to_string().contains("not this home's"), "{err}");
    let mut wrong = Manifest::parse(&body).unwrap();
    wrong.payload.bytes += 1;
    let err = finish_staged(
        staged,
        &wrong.body_bytes().unwrap(),
        &fx.exporter,
        &package,
        &receipt,
    )
    .unwrap_err();
    assert!(err.to_string().contains("is not the payload"), "{err}");
    assert!(staged.join(PAYLOAD_FILE).exists() && !package.exists());

    let sealed = finish_staged(staged, &body, &fx.exporter, &package, &receipt).unwrap();
    assert!(!staged.exists());
    assert_eq!(sealed.manifest.receipt.as_deref(), Some(receipt.as_str()));
    let out = fx.open_into(&package, "opened");
    assert_eq!(
        std::fs::read(out.join("orders.csv")).unwrap(),
        std::fs::read(fx.path("orders.csv")).unwrap()
    );
}
