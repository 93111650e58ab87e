//! The whole protocol in one process (sites, both aggregators with their own homes and
//! databases, collector), with the HTTP hops replaced by direct calls. The multi-process path
//! over loopback HTTP is tested by the pilot (`examples/stats/air-quality/run`) and the
//! binary's integration test.
#![expect(clippy::unwrap_used, reason = "test helpers: a failure fails the test")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use freeport_stats::Error;
use freeport_stats::aggregator::Aggregator;
use freeport_stats::collector::{Collector, compare, plain};
use freeport_stats::query::Measurement;
use freeport_stats::site::{UploadBuilder, submit};
use freeport_stats::study::{Country, StudyFile, StudySignature, day_number, sign, signature_path};
use freeport_stats::vdaf::Instance;
use freeport_stats::wire::{Upload, UploadOutcome};

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    study: StudyFile,
    cn: Aggregator,
    us: Aggregator,
    collector: Collector,
    data: Vec<PathBuf>,
}

const QUERIES: &str = r#"
[[queries]]
id = "exceed"
kind = "count"
where = [{ column = "pm25", op = "gt", value = 75 }]
epsilon = 2.0

[[queries]]
id = "by_region"
kind = "histogram"
by = { column = "region", categories = ["north", "south"] }
epsilon = 2.0

[[queries]]
id = "table"
kind = "table"
rows = { column = "region", categories = ["north", "south"] }
cols = { column = "level", categories = ["low", "high"] }
epsilon = 2.0

[[queries]]
id = "total"
kind = "sum"
value = { column = "pm25", lower = 0, upper = 500 }
decimals = 1
epsilon = 2.0

[[queries]]
id = "mean"
kind = "mean"
value = { column = "pm25", lower = 0, upper = 500 }
by = { column = "region", categories = ["north", "south"] }
decimals = 1
epsilon = 2.0

[[queries]]
id = "var"
kind = "variance"
value = { column = "temp", lower = -20, upper = 40 }
epsilon = 2.0

[[queries]]
id = "reg"
kind = "regression"
predictors = [{ column = "temp", lower = -20, upper = 40 }]
response = { column = "pm25", lower = 0, upper = 500 }
epsilon = 2.0
max_releases = 3

[[queries]]
id = "incidence"
kind = "incidence"
events = { column = "events", lower = 0, upper = 3 }
person_time = { column = "years", lower = 0, upper = 5 }
by = { column = "region", categories = ["north", "south"] }
decimals = 1
per = 1000.0
epsilon = 2.0
"#;

fn write_data(path: &Path, seed: u64, rows: usize) {
    let mut text = String::from("date,station,region,level,pm25,temp,events,years\n");
    let mut x = seed;
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as f64 / f64::from(1u32 << 31)
    };
    for i in 0..rows {
        let day = 1 + (i % 28);
        let region = if next() < 0.6 { "north" } else { "south" };
        let temp = -5.0 + 30.0 * next();
        let pm = (20.0 + 2.0 * temp + 60.0 * next()).max(0.0);
        let level = if pm > 60.0 { "high" } else { "low" };
        let years = 0.5 + 4.5 * next();
        let events = u32::from(next() < 0.3 * years / 5.0) + u32::from(next() < 0.05);
        text.push_str(&format!(
            "2026-01-{day:02},s{},{region},{level},{pm:.1},{temp:.1},{events},{years:.1}\n",
            i % 7
        ));
    }
    std::fs::write(path, text).unwrap();
}

fn setup(epsilon_total: f64) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let cn_info = Aggregator::init(&root.join("cn"), Country::Cn).unwrap();
    let us_info = Aggregator::init(&root.join("us"), Country::Us).unwrap();
    let coll = Collector::init(&root.join("coll")).unwrap();
    let toml = format!(
        r#"id = "test"
title = "protocol test"
start = "2026-01-01"
end = "2026-02-01"
time_column = "date"
min_batch_size = 20
cell_floor = 5
epsilon_total = {epsilon_total:?}
confidence = 0.999999
leader = "cn"

[collector]
signing_key = "{}"
hpke_key = "{}"

[cn]
url = "http://127.0.0.1:1"
hpke_key = "{}"

[us]
url = "http://127.0.0.1:2"
hpke_key = "{}"

[[sites]]
id = "a"
country = "cn"

[[sites]]
id = "b"
country = "us"
{QUERIES}"#,
        coll.signing_key, coll.hpke_key, cn_info.hpke_key, us_info.hpke_key
    );
    let path = root.join("study.toml");
    std::fs::write(&path, toml).unwrap();
    let collector = Collector::open(&root.join("coll")).unwrap();
    sign(&path, collector.signing_key()).unwrap();
    let study = StudyFile::load(&path).unwrap();
    let signature: StudySignature =
        serde_json::from_str(&std::fs::read_to_string(signature_path(&path)).unwrap()).unwrap();
    let mut cn = Aggregator::open(&root.join("cn"), Some(Country::Cn)).unwrap();
    let mut us = Aggregator::open(&root.join("us"), Some(Country::Us)).unwrap();
    let mut logged = Vec::new();
    for agg in [&mut cn, &mut us] {
        let (approval, index) = agg
            .approve(&study, &signature, &mut |a| {
                logged.push(a.clone());
                Ok(logged.len() as u64 - 1)
            })
            .unwrap();
        assert_eq!(approval.study, study.hash);
        assert_eq!(logged.get(index as usize), Some(&approval));
    }
    let half = us.key_half(&study.hash).unwrap();
    cn.set_peer_half(&study.hash, &half).unwrap();
    let half = cn.key_half(&study.hash).unwrap();
    us.set_peer_half(&study.hash, &half).unwrap();
    assert_eq!(
        cn.verify_key(&study.hash).unwrap(),
        us.verify_key(&study.hash).unwrap()
    );
    let data = vec![root.join("a.csv"), root.join("b.csv")];
    write_data(&data[0], 1, 300);
    write_data(&data[1], 2, 200);
    Fixture {
        _dir: dir,
        root,
        study,
        cn,
        us,
        collector,
        data,
    }
}

fn send(
    cn: &mut Aggregator,
    us: &mut Aggregator,
    upload: &Upload,
) -> freeport_stats::Result<UploadOutcome> {
    cn.upload(upload, &mut |request| us.aggregate(request))
}

fn collect(
    f: &mut Fixture,
    query: &str,
    from: Option<&str>,
    until: Option<&str>,
) -> freeport_stats::Result<freeport_stats::wire::Release> {
    let signed = f.collector.request(&f.study, query, from, until)?;
    let a = f.cn.collect(&signed)?;
    let b = f.us.collect(&signed)?;
    f.collector.combine(&f.study, &signed.request, &[a, b])
}

fn submit_all(f: &mut Fixture) {
    for (site, data) in [("a", f.data[0].clone()), ("b", f.data[1].clone())] {
        let (cn, us) = (&mut f.cn, &mut f.us);
        let receipt = submit(&f.study, site, &[data], 250, &mut |u| send(cn, us, u)).unwrap();
        assert!(receipt.rejected.is_empty(), "{:?}", receipt.rejected);
        assert_eq!(receipt.accepted, receipt.reports.values().sum::<u64>());
    }
}

#[test]
fn every_query_kind_releases_intervals_that_cover_the_truth() {
    let mut f = setup(20.0);
    submit_all(&mut f);
    let ids: Vec<String> = f.study.study.queries.iter().map(|q| q.id.clone()).collect();
    for id in ids {
        let release = collect(&mut f, &id, None, None).unwrap();
        assert_eq!(release.reports, 500, "{id}");
        let truth = plain(&f.study, &id, &f.data, None, None).unwrap();
        let (checked, misses) = compare(&release, &truth);
        assert!(checked > 0, "{id}: nothing checked");
        assert!(misses.is_empty(), "{id}: {misses:?}");
    }
    // The exact regression recovers the generating slope (pm25 ≈ 20 + 2·temp + noise); the
    // released one is a point estimate from noisy statistics and only needs to be finite.
    let slope = |r: &freeport_stats::wire::Release| {
        r.answers
            .iter()
            .find(|a| a.name == "slope[temp]")
            .and_then(|a| a.value)
            .unwrap()
    };
    let release = collect(&mut f, "reg", None, None).unwrap();
    assert!(slope(&release).is_finite());
    let truth = plain(&f.study, "reg", &f.data, None, None).unwrap();
    assert!((slope(&truth) - 2.0).abs() < 0.3, "{}", slope(&truth));
}

#[test]
fn replays_out_of_window_and_bad_shares_are_rejected_and_counted_not_fatal() {
    let mut f = setup(20.0);
    let (_, query) = f.study.query("exceed").unwrap();
    let instance = Instance::new(&query.plan().unwrap()).unwrap();
    let ctx = f.study.vdaf_context("exceed");
    let day = day_number("2026-01-10").unwrap();
    let mut builder = UploadBuilder::new(&f.study, "a").unwrap();
    for _ in 0..5 {
        builder
            .push("exceed", &instance, &ctx, day, &Measurement::Count(true))
            .unwrap();
    }
    builder
        .push(
            "exceed",
            &instance,
            &ctx,
            day - 30,
            &Measurement::Count(true),
        )
        .unwrap();
    let mut upload = builder.finish();
    // A tampered share, a replay inside the upload, and an undecodable nonce.
    let mut tampered = upload.reports[1].clone();
    tampered.share_us = upload.reports[2].share_us.clone();
    upload.reports[1] = tampered;
    upload.reports.push(upload.reports[0].clone());
    let mut junk = upload.reports[3].clone();
    junk.nonce = "!!".to_owned();
    upload.reports.push(junk);
    let outcome = send(&mut f.cn, &mut f.us, &upload).unwrap();
    assert_eq!(outcome.accepted, 4);
    let expected: BTreeMap<String, u64> = [
        ("malformed report", 1),
        ("outside the study window", 1),
        ("replayed nonce", 1),
        ("share does not decrypt", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(outcome.rejected, expected);
    // The same upload again: every report is a replay now.
    let again = send(&mut f.cn, &mut f.us, &upload).unwrap();
    assert_eq!(again.accepted, 0);
    let status = f.cn.status(&f.study.hash).unwrap();
    assert_eq!(status.accepted.get("exceed"), Some(&4));
    // Once in the first upload; the second time the four accepted reports and the duplicate.
    assert_eq!(status.rejected.get("replayed nonce"), Some(&(1 + 5)));
}

/// An upload of `n` fresh `exceed` reports from site `a`.
fn fresh_upload(f: &Fixture, n: usize) -> Upload {
    let (_, query) = f.study.query("exceed").unwrap();
    let instance = Instance::new(&query.plan().unwrap()).unwrap();
    let ctx = f.study.vdaf_context("exceed");
    let day = day_number("2026-01-10").unwrap();
    let mut builder = UploadBuilder::new(&f.study, "a").unwrap();
    for _ in 0..n {
        builder
            .push("exceed", &instance, &ctx, day, &Measurement::Count(true))
            .unwrap();
    }
    builder.finish()
}

#[test]
fn a_replay_arriving_while_the_first_upload_is_in_flight_is_refused() {
    let mut f = setup(20.0);
    let upload = fresh_upload(&f, 4);
    // The first upload is screened and its nonces reserved; before it is verified and
    // committed, the same reports arrive again (and again within a second upload).
    let mut first = f.cn.begin_upload(upload.clone()).unwrap();
    let mut replay = f.cn.begin_upload(upload.clone()).unwrap();
    let mut mixed_reports = fresh_upload(&f, 2);
    mixed_reports.reports.push(upload.reports[0].clone());
    let mut mixed = f.cn.begin_upload(mixed_reports).unwrap();
    let us = &mut f.us;
    replay.verify(&mut |r| us.aggregate(r)).unwrap();
    mixed.verify(&mut |r| us.aggregate(r)).unwrap();
    first.verify(&mut |r| us.aggregate(r)).unwrap();
    // Finished in any order: the replays are refused, the first upload's reports accepted.
    let replay = f.cn.finish_upload(replay).unwrap();
    assert_eq!(replay.accepted, 0);
    assert_eq!(replay.rejected.get("replayed nonce"), Some(&4));
    let mixed = f.cn.finish_upload(mixed).unwrap();
    assert_eq!(mixed.accepted, 2);
    assert_eq!(mixed.rejected.get("replayed nonce"), Some(&1));
    let first = f.cn.finish_upload(first).unwrap();
    assert_eq!((first.accepted, first.rejected.len()), (4, 0));
    // Committed: the same reports are still replays once nothing is in flight.
    let again = send(&mut f.cn, &mut f.us, &upload).unwrap();
    assert_eq!(again.accepted, 0);
    let status = f.cn.status(&f.study.hash).unwrap();
    assert_eq!(status.accepted.get("exceed"), Some(&6));
    assert_eq!(
        f.us.status(&f.study.hash).unwrap().accepted.get("exceed"),
        Some(&6)
    );
}

#[test]
fn an_upload_that_fails_commits_nothing_and_releases_its_nonces() {
    let mut f = setup(20.0);
    let upload = fresh_upload(&f, 3);
    // The helper cannot be reached: the upload fails and its reports stay unaccepted.
    let mut job = f.cn.begin_upload(upload.clone()).unwrap();
    let down = job.verify(&mut |_| Err(Error::Protocol("the helper is down".to_owned())));
    assert!(down.is_err());
    drop(job);
    assert_eq!(
        f.cn.status(&f.study.hash).unwrap().accepted.get("exceed"),
        None
    );
    // Sent again, the same reports are accepted: the failed upload no longer holds them.
    let outcome = send(&mut f.cn, &mut f.us, &upload).unwrap();
    assert_eq!((outcome.accepted, outcome.rejected.len()), (3, 0));
}

#[test]
fn an_out_of_range_measurement_fails_the_proof_and_is_rejected() {
    let mut f = setup(20.0);
    // A Sum report claiming 5 under an instance whose bound is 3 cannot be sharded honestly;
    // shard it with a laxer instance of the same kind: the proof then fails at the aggregators.
    let (_, query) = f.study.query("total").unwrap();
    let plan = query.plan().unwrap();
    let freeport_stats::query::Plan::Sum { max } = plan else {
        panic!()
    };
    let lax = Instance::new(&freeport_stats::query::Plan::Sum { max: max * 4 }).unwrap();
    let honest = Instance::new(&plan).unwrap();
    let ctx = f.study.vdaf_context("total");
    let day = day_number("2026-01-10").unwrap();
    let mut builder = UploadBuilder::new(&f.study, "a").unwrap();
    builder
        .push("total", &lax, &ctx, day, &Measurement::Sum(max * 3))
        .unwrap();
    builder
        .push("total", &honest, &ctx, day, &Measurement::Sum(7))
        .unwrap();
    let outcome = send(&mut f.cn, &mut f.us, &builder.finish()).unwrap();
    assert_eq!(outcome.accepted, 1);
    assert_eq!(
        outcome.rejected.values().sum::<u64>(),
        1,
        "{:?}",
        outcome.rejected
    );
}

#[test]
fn a_restarted_aggregator_keeps_every_accepted_report() {
    let mut f = setup(20.0);
    submit_all(&mut f);
    let before = f.cn.status(&f.study.hash).unwrap();
    // Reopen both homes from disk.
    f.cn = Aggregator::open(&f.root.join("cn"), Some(Country::Cn)).unwrap();
    f.us = Aggregator::open(&f.root.join("us"), Some(Country::Us)).unwrap();
    assert_eq!(f.cn.status(&f.study.hash).unwrap(), before);
    let release = collect(&mut f, "by_region", None, None).unwrap();
    assert_eq!(release.reports, 500);
}

#[test]
fn collections_are_refused_below_the_minimum_batch_and_beyond_the_release_limit() {
    let mut f = setup(20.0);
    submit_all(&mut f);
    // One day holds about 18 reports, fewer than the minimum batch size of 20.
    let err = collect(&mut f, "exceed", Some("2026-01-05"), Some("2026-01-06")).unwrap_err();
    assert!(
        matches!(&err, Error::Refused { reason } if reason.contains("minimum batch size")),
        "{err}"
    );
    // `reg` may be released three times: the same batch twice, then a batch that differs by
    // a whole day of reports (more than the floor); the fourth is refused.
    collect(&mut f, "reg", Some("2026-01-01"), Some("2026-01-20")).unwrap();
    collect(&mut f, "reg", Some("2026-01-01"), Some("2026-01-20")).unwrap();
    collect(&mut f, "reg", Some("2026-01-01"), Some("2026-01-21")).unwrap();
    let err = collect(&mut f, "reg", None, None).unwrap_err();
    assert!(
        matches!(&err, Error::Refused { reason } if reason.contains("its limit")),
        "{err}"
    );
    // A batch outside the window.
    let err = collect(&mut f, "exceed", Some("2025-12-01"), Some("2026-01-10")).unwrap_err();
    assert!(
        matches!(&err, Error::Refused { reason } if reason.contains("window")),
        "{err}"
    );
    assert_eq!(f.cn.status(&f.study.hash).unwrap().epsilon_spent, 6.0);
}

#[test]
fn differencing_by_fewer_reports_than_the_floor_is_refused() {
    let mut f = setup(20.0);
    let (_, query) = f.study.query("reg").unwrap();
    let instance = Instance::new(&query.plan().unwrap()).unwrap();
    let ctx = f.study.vdaf_context("reg");
    let mut builder = UploadBuilder::new(&f.study, "a").unwrap();
    let zero = Measurement::Vector(vec![0; query.plan().unwrap().len()]);
    for _ in 0..30 {
        builder
            .push(
                "reg",
                &instance,
                &ctx,
                day_number("2026-01-10").unwrap(),
                &zero,
            )
            .unwrap();
    }
    for _ in 0..2 {
        builder
            .push(
                "reg",
                &instance,
                &ctx,
                day_number("2026-01-11").unwrap(),
                &zero,
            )
            .unwrap();
    }
    let outcome = send(&mut f.cn, &mut f.us, &builder.finish()).unwrap();
    assert_eq!(outcome.accepted, 32);
    collect(&mut f, "reg", Some("2026-01-01"), Some("2026-01-11")).unwrap();
    let err = collect(&mut f, "reg", Some("2026-01-01"), Some("2026-01-12")).unwrap_err();
    assert!(
        matches!(&err, Error::Refused { reason } if reason.contains("differencing")),
        "{err}"
    );
}

#[test]
fn the_budget_is_spent_atomically_and_a_request_is_answered_once() {
    let mut f = setup(20.0);
    submit_all(&mut f);
    let signed = f.collector.request(&f.study, "exceed", None, None).unwrap();
    let first = f.cn.collect(&signed).unwrap();
    // The same request again returns the stored release (same noise), spending nothing more.
    let again = f.cn.collect(&signed).unwrap();
    assert_eq!(first, again);
    assert_eq!(f.cn.status(&f.study.hash).unwrap().epsilon_spent, 2.0);
    // A forged request (signed by another key) is refused.
    Collector::init(&f.root.join("other")).unwrap();
    let other = Collector::open(&f.root.join("other")).unwrap();
    let mut forged = signed.clone();
    forged.request.request_id = "x".repeat(64);
    forged.signature = other.signing_key().sign_b64(b"anything");
    let err = f.cn.collect(&forged).unwrap_err();
    assert!(
        matches!(&err, Error::Refused { reason } if reason.contains("signature")),
        "{err}"
    );
}

#[test]
fn a_release_beyond_the_budget_is_refused_and_spends_nothing() {
    let mut f = setup(5.0);
    submit_all(&mut f);
    collect(&mut f, "exceed", None, None).unwrap();
    collect(&mut f, "by_region", None, None).unwrap();
    let err = collect(&mut f, "total", None, None).unwrap_err();
    assert!(
        matches!(&err, Error::Refused { reason } if reason.contains("privacy budget")),
        "{err}"
    );
    assert_eq!(f.cn.status(&f.study.hash).unwrap().epsilon_spent, 4.0);
    assert_eq!(f.us.status(&f.study.hash).unwrap().releases, 2);
}

#[test]
fn an_approval_is_made_only_once_logged_and_logged_once() {
    let f = setup(20.0);
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("cn2");
    // A second `cn` home the study does not name is refused before anything is logged.
    Aggregator::init(&home, Country::Cn).unwrap();
    let mut other = Aggregator::open(&home, None).unwrap();
    let signature: StudySignature = serde_json::from_str(
        &std::fs::read_to_string(signature_path(&f.root.join("study.toml"))).unwrap(),
    )
    .unwrap();
    let mut calls = 0;
    let err = other
        .approve(&f.study, &signature, &mut |_| {
            calls += 1;
            Ok(7)
        })
        .unwrap_err();
    assert!(err.to_string().contains("another"), "{err}");
    assert_eq!(calls, 0);
    // A fresh `cn` home the (re-signed) study names: a log that fails leaves it unapproved.
    let cn_home = f.root.join("cn-fresh");
    let info = Aggregator::init(&cn_home, Country::Cn).unwrap();
    let path = f.root.join("study.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(&f.study.study.cn.hpke_key, &info.hpke_key);
    std::fs::write(&path, text).unwrap();
    sign(&path, f.collector.signing_key()).unwrap();
    let study = StudyFile::load(&path).unwrap();
    let signature: StudySignature =
        serde_json::from_str(&std::fs::read_to_string(signature_path(&path)).unwrap()).unwrap();
    let mut cn = Aggregator::open(&cn_home, Some(Country::Cn)).unwrap();
    let err = cn
        .approve(&study, &signature, &mut |_| {
            Err(Error::Refused {
                reason: "the port's log is held by another process".to_owned(),
            })
        })
        .unwrap_err();
    assert!(err.to_string().contains("log"), "{err}");
    assert!(cn.study_hashes().is_empty());
    assert!(cn.key_half(&study.hash).is_err());
    // Reopened from disk, still nothing approved.
    let mut cn = Aggregator::open(&cn_home, Some(Country::Cn)).unwrap();
    assert!(cn.approval(&study.hash).is_none());
    let (approval, index) = cn.approve(&study, &signature, &mut |_| Ok(41)).unwrap();
    assert_eq!((approval.study.clone(), index), (study.hash.clone(), 41));
    // Approving again returns the logged approval without logging anew.
    let again = cn
        .approve(&study, &signature, &mut |_| panic!("logged twice"))
        .unwrap();
    assert_eq!(again, (approval, 41));
    let cn = Aggregator::open(&cn_home, Some(Country::Cn)).unwrap();
    assert_eq!(cn.approval(&study.hash).map(|(_, i)| i), Some(41));
}

#[test]
fn homes_fail_closed() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("cn");
    assert!(matches!(
        Aggregator::open(&home, None),
        Err(Error::Home { .. })
    ));
    Aggregator::init(&home, Country::Cn).unwrap();
    assert!(matches!(
        Aggregator::init(&home, Country::Cn),
        Err(Error::Home { .. })
    ));
    assert!(matches!(
        Aggregator::open(&home, Some(Country::Us)),
        Err(Error::Home { .. })
    ));
    // A state database of the earlier schema (approvals not logged) is refused by name.
    let db = rusqlite::Connection::open(home.join("state.db")).unwrap();
    db.execute_batch("ALTER TABLE studies DROP COLUMN log_index")
        .unwrap();
    drop(db);
    let err = Aggregator::open(&home, Some(Country::Cn)).unwrap_err();
    assert!(err.to_string().contains("earlier version"), "{err}");
    std::fs::remove_file(home.join("hpke.key")).unwrap();
    assert!(matches!(
        Aggregator::open(&home, Some(Country::Cn)),
        Err(Error::Home { .. })
    ));
}

#[test]
fn a_study_changed_after_signing_is_refused() {
    let f = setup(20.0);
    let path = f.root.join("study.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("cell_floor = 5", "cell_floor = 1");
    std::fs::write(&path, text).unwrap();
    let err = StudyFile::load(&path).unwrap_err();
    assert!(err.to_string().contains("another version"), "{err}");
}
