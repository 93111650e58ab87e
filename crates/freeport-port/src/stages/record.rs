//! Stage 6b, **record**: the transfer's id settled, its manifest body staged durably, then one
//! store transaction that judges again against the store as it is now, records the transfer
//! and queues its log entry (outbox).

use std::path::{Path, PathBuf};

use freeport_policy::{Decision, Judge, PriorVolumes, TransferFacts};
use freeport_store::{KeptReport, Store, StoreError, TransferId, TransferRecord};

use crate::error::{AssessError, AtStage, Cause, Stage};
use crate::layout::HomeLayout;
use crate::recover::Recovered;
use crate::stages::judge::Judging;
use crate::stages::seal::Sealed;
use crate::volumes::{Counters, with_decision};

/// Files the transfer as `record` with its decision, under its own id: a default id already
/// recorded is the same transfer file and data sent again, and takes the next free `-N`
/// suffix (its people, matched by subject hash, are not counted twice); a chosen id is never
/// changed. The id goes into the manifest, so it is settled first.
pub(crate) fn settle_id(
    store: &mut Store,
    record: TransferRecord,
    decision: &Decision,
    chosen: bool,
) -> Result<TransferRecord, AssessError> {
    let recorded = with_decision(record, decision).at(Stage::Record)?;
    if chosen {
        Ok(recorded)
    } else {
        free_id(store, recorded)
    }
}

/// Stage 6b: stages the `sealed` package's manifest body durably beside the payload in `staging`, checks for
/// disk space, and records the transfer with its log entry ([`record_judged`]). Returns the
/// staging directory's canonical path (what the store holds).
pub(crate) fn record(
    store: &mut Store,
    home: &HomeLayout,
    judged: &Judged<'_>,
    recorded: &TransferRecord,
    sealed: &Sealed,
    report: &KeptReport,
    staging: &Path,
) -> Result<PathBuf, AssessError> {
    // What recovery finishes the package from if this run stops after the append: the payload
    // is staged already; the manifest body joins it, durably, before anything is recorded.
    let staged = std::fs::canonicalize(staging)
        .map_err(|e| AssessError::io(Stage::Record, "resolve", staging, e))?;
    write_synced(
        &staged.join(crate::recover::body_file(recorded.id.as_str())),
        &sealed.body,
    )?;
    // A full disk stops the run here, with nothing recorded, rather than after the append.
    crate::home::check_free_space(&[
        home.root().to_path_buf(),
        home.log_dir(),
        home.witnesses_dir(),
        staged.clone(),
    ])
    .map_err(|low| {
        AssessError::at(
            Stage::Record,
            Cause::LowSpace {
                path: low.path,
                free: low.free,
                needed: low.needed,
            },
        )
    })?;
    record_judged(
        store,
        judged,
        recorded,
        &sealed.entry,
        Some(report),
        &staged,
    )?;
    crate::fault::abort_at("after-record");
    Ok(staged)
}

/// Refuses to record again a transfer (this transfer file and data: the same default id, or
/// its `-N`) whose package recovery has just finished or failed to finish: this run is a retry
/// of the run that stopped after recording it, and recording again would log it twice.
pub(crate) fn refuse_a_retry(id: &str, recovered: &Recovered) -> Result<(), AssessError> {
    let same = |other: &TransferId| {
        other.as_str() == id
            || other
                .as_str()
                .strip_prefix(id)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let found = recovered
        .delivered
        .iter()
        .find(|d| same(&d.transfer))
        .map(|d| format!("its package was finished now: `{}`", d.package.display()))
        .map(|what| (what, None))
        .or_else(|| {
            recovered
                .missing
                .iter()
                .find(|m| same(&m.transfer))
                .map(|m| {
                    (
                        "its package could not be finished".to_owned(),
                        Some(m.to_string()),
                    )
                })
        });
    let Some((what, missing)) = found else {
        return Ok(());
    };
    Err(AssessError::input(
        Stage::Record,
        format!(
            "this transfer file and data were recorded and logged by an earlier run that stopped before its package was in place; {what}. Nothing new was recorded"
        ),
        Some(missing.unwrap_or_else(|| {
            "its report was not written (the run stopped first). Running this assessment again records the same data a second time, as a new transfer".to_owned()
        })),
    ))
}

/// Writes `bytes` to the new file `path` and syncs it.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), AssessError> {
    use std::io::Write as _;
    std::fs::File::create_new(path)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .map_err(|e| AssessError::io(Stage::Record, "write", path, e))
}

/// A decision and what it was taken on.
pub(crate) struct Judged<'a> {
    pub judge: &'a Judge,
    pub counters: &'a Counters,
    pub facts: &'a TransferFacts,
    /// The prior volumes the store held when the decision was taken.
    pub prior: &'a PriorVolumes,
    pub decision: &'a Decision,
}

impl<'a> Judged<'a> {
    /// The decision on `facts` with the packs and counters of `judging`, and the volumes it
    /// was taken on, as the record stage checks it again.
    pub(crate) fn new(
        judging: &Judging<'a>,
        facts: &'a TransferFacts,
        prior: &'a PriorVolumes,
        decision: &'a Decision,
    ) -> Self {
        Self {
            judge: judging.judge,
            counters: judging.counters,
            facts,
            prior,
            decision,
        }
    }
}

/// Records the transfer, queues its log entry and keeps its `report` (as bound to the log), in
/// one transaction that first judges again against the store as it is now: another run may
/// have recorded meanwhile. Refused, with nothing recorded, if that changes the decision.
pub(crate) fn record_judged(
    store: &mut Store,
    judged: &Judged<'_>,
    recorded: &TransferRecord,
    entry: &[u8],
    report: Option<&KeptReport>,
    staging: &Path,
) -> Result<(), AssessError> {
    store.transaction(|tx| {
        let prior = judged
            .counters
            .prior(tx, recorded)
            .map_err(|c| AssessError::at(Stage::Record, c))?;
        // A decision is a pure function of the facts and the prior volumes: unchanged volumes
        // need no second evaluation.
        let changed = prior != *judged.prior
            && judged
                .judge
                .decide_with_remedies(judged.facts, &prior)
                .at(Stage::Record)?
                != *judged.decision;
        if changed {
            return Err(AssessError::input(
                Stage::Record,
                "the store changed while this transfer was assessed, and so did the decision",
                Some("run the assessment again".into()),
            ));
        }
        tx.record_transfer(recorded).at(Stage::Record)?;
        tx.queue_log_entry(&recorded.id, entry).at(Stage::Record)?;
        if let Some(report) = report {
            tx.keep_report(&recorded.id, report).at(Stage::Record)?;
        }
        tx.stage_package(&recorded.id, &staging.to_string_lossy())
            .at(Stage::Record)
    })
}

/// The first free id among `id`, `id-2`, `id-3`, … (probed in a transaction that rolls back).
pub(crate) fn free_id(
    store: &mut Store,
    mut record: TransferRecord,
) -> Result<TransferRecord, AssessError> {
    let base = record.id.as_str().to_owned();
    // The probe records only the parties and date: the id is all it tests, and writing the
    // volumes (possibly millions of subject hashes) only to roll them back would be waste.
    let mut probe = TransferRecord {
        id: record.id.clone(),
        exporter: record.exporter.clone(),
        counterparty: record.counterparty.clone(),
        date: record.date,
        origin: record.origin.clone(),
        destination: record.destination.clone(),
        individuals: None,
        volumes: Vec::new(),
        decision_json: String::new(),
        rule_packs: Vec::new(),
    };
    let id = store.dry_run(|tx| {
        for n in 2_u32..10_000 {
            match tx.record_transfer(&probe) {
                Ok(_) => return Ok(probe.id.clone()),
                Err(StoreError::DuplicateTransfer { .. }) => {
                    probe.id = TransferId(format!("{base}-{n}"));
                }
                Err(e) => return Err(AssessError::at(Stage::Record, e)),
            }
        }
        Err(AssessError::input(
            Stage::Record,
            format!("transfer ids `{base}` to `{base}-9999` are all recorded"),
            Some("give an id with `--id`".into()),
        ))
    })?;
    record.id = id;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use freeport_policy::{CollectedIn as Origin, FactsFormat, Form, parse_facts};
    use freeport_vocabulary::Vocabulary;

    use super::*;
    use crate::stages::judge::Judging;
    use crate::volumes::transfer_record;

    /// A Chinese exporter sending `people` people's names (no subject hashes): the bundled
    /// e-commerce transfer, under a scenario that no exemption covers.
    fn facts(judge: &Judge, people: u64) -> TransferFacts {
        let text = include_str!("../../../../examples/assess/ecommerce-cn-us/transfer.toml");
        let mut facts = parse_facts("transfer.toml", text, FactsFormat::Toml, judge).unwrap();
        facts.scenario = freeport_policy::Scenario::Other;
        facts.data.inventory.push(freeport_policy::InventoryItem {
            category: "person.name".to_owned(),
            individuals: people,
            devices: None,
            collected_in: Origin::Cn,
            form: Form::Raw,
        });
        facts
    }

    /// Judges `people` against the store, as step 4 does, and returns what `record` needs.
    fn judge_now(
        store: &mut Store,
        judge: &Judge,
        counters: &Counters,
        id: &str,
        people: u64,
    ) -> (TransferFacts, PriorVolumes, Decision, TransferRecord) {
        let vocabulary = Vocabulary::embedded().unwrap();
        let facts = facts(judge, people);
        let judging = Judging {
            judge,
            counters,
            vocabulary,
        };
        let judged = judging
            .judge(store, id, &facts, Default::default())
            .unwrap();
        let (decision, prior) = (judged.decision, judged.prior);
        let record = with_decision(judged.record, &decision).unwrap();
        (facts, prior, decision, record)
    }

    /// A category the facts list twice (raw and pseudonymised) gets its people in both entries,
    /// though the record takes the hash sets instead of copying them.
    #[test]
    fn a_category_listed_twice_keeps_its_people_in_both_entries() {
        let vocabulary = Vocabulary::embedded().unwrap();
        let judge = Judge::embedded(vocabulary).unwrap();
        let mut facts = facts(&judge, 3);
        let mut twice = facts.data.inventory[0].clone();
        twice.form = Form::Pseudonymised;
        facts.data.inventory.push(twice);
        let people: freeport_store::SubjectHashes =
            (1..=3u128).map(freeport_store::SubjectHash).collect();
        let hashes = crate::volumes::SubjectHashes::from([(
            ("person.name".to_owned(), freeport_store::CollectedIn::Cn),
            people.clone(),
        )]);
        let record = transfer_record("t", &facts, vocabulary, hashes);
        assert_eq!(record.volumes.len(), 2);
        for entry in &record.volumes {
            assert_eq!(entry.subject_hashes, people, "{:?}", entry.state);
        }
    }

    /// Another run records between this run's judgement and its record, and pushes the
    /// exporter's year past 100,000 people: the decision would change, so nothing is recorded.
    /// Without the intervening record the same call records.
    #[test]
    fn a_decision_the_store_changed_under_is_not_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("freeport.db")).unwrap();
        let vocabulary = Vocabulary::embedded().unwrap();
        let judge = Judge::embedded(vocabulary).unwrap();
        let counters = Counters::new(vocabulary);

        let (facts, prior, decision, mine) =
            judge_now(&mut store, &judge, &counters, "mine", 90_000);
        assert_eq!(decision.cn.outcome, "EXEMPT");
        let (_, _, _, theirs) = judge_now(&mut store, &judge, &counters, "theirs", 20_000);
        store
            .transaction(|tx| tx.record_transfer(&theirs).map(|_| ()))
            .unwrap();

        let judged = |facts, prior, decision| Judged {
            judge: &judge,
            counters: &counters,
            facts,
            prior,
            decision,
        };
        let err = record_judged(
            &mut store,
            &judged(&facts, &prior, &decision),
            &mine,
            b"entry",
            None,
            Path::new("/out/.freeport-assess-1-x"),
        )
        .unwrap_err();
        assert_eq!(err.stage, Stage::Record);
        assert!(
            err.cause.to_string().contains("the store changed"),
            "{}",
            err.cause
        );
        let ids = |store: &mut Store| {
            store
                .history(
                    &freeport_store::HistoryFilter::default(),
                    counters.cn_sets(),
                )
                .unwrap()
                .into_iter()
                .map(|h| h.transfer.id.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&mut store), ["theirs"]);

        // A fresh judgement (the store as it is now) records.
        let (facts, prior, decision, mine) =
            judge_now(&mut store, &judge, &counters, "mine", 90_000);
        assert_eq!(decision.cn.outcome, "STANDARD_CONTRACT_OR_CERTIFICATION");
        record_judged(
            &mut store,
            &judged(&facts, &prior, &decision),
            &mine,
            b"entry",
            None,
            Path::new("/out/.freeport-assess-1-x"),
        )
        .unwrap();
        assert_eq!(ids(&mut store), ["theirs", "mine"]);
    }
}
