//! Judging one transfer against the port's cumulative volumes: a dry run that leaves no trace,
//! or judging and recording in one store transaction. The command line's `freeport judge` and
//! (next) the port's filing route call this; they only parse and render.

use freeport_policy::{Decision, Judge, PriorVolumes, TransferFacts};
use freeport_store::{Store, Tx};
use freeport_vocabulary::Vocabulary;
use jiff::civil::Date;
use serde::Serialize;

use crate::error::Cause;
use crate::volumes::{Counters, SubjectHashes, transfer_record, with_decision};

/// Where the cumulative volumes a decision used came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "source")]
pub enum VolumesSource {
    /// The facts file's `[prior_volumes]`.
    Facts,
    /// No store: the home is fresh, nothing was ever recorded in it.
    NoStore,
    /// The store, before this transfer. Its path stays out of the JSON, which depends only on
    /// the facts, the packs and the volumes.
    Store {
        /// The database file.
        #[serde(skip)]
        path: String,
    },
}

/// What judging produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// The transfer's date (for the packs' coverage warnings).
    pub date: Date,
    /// The decision, with remedies.
    pub decision: Decision,
    /// The volumes already sent inside each country's window.
    pub prior: PriorVolumes,
    /// Where they came from.
    pub source: VolumesSource,
    /// The id the transfer was recorded under, if it was.
    pub recorded: Option<String>,
}

/// Where a judgement counts earlier transfers from.
#[derive(Debug)]
pub enum Volumes<'a> {
    /// The facts' own `[prior_volumes]`: nothing is read or recorded.
    Given(PriorVolumes),
    /// A fresh home: nothing was recorded before, nothing can be recorded here.
    Fresh,
    /// The store: read (a dry run) or read and recorded in one transaction.
    Store(&'a mut Store),
}

/// Judges `facts` (transfer `id`) with the volumes `volumes` gives. With `record` and a store,
/// the volumes are read, the transfer decided and — unless the decision is blocking — recorded
/// in one transaction, so the volumes read are the volumes the record adds to. A blocking
/// decision is never recorded (`recorded` stays `None`). Without `record`, the store is read in
/// a transaction that always rolls back.
///
/// # Errors
///
/// The judge or the store fails; recording asked without a store.
pub fn judge_transfer(
    judge: &Judge,
    vocabulary: &'static Vocabulary,
    facts: &TransferFacts,
    id: &str,
    volumes: Volumes<'_>,
    record: bool,
) -> Result<Judged, Cause> {
    let decide = |prior: PriorVolumes, source: VolumesSource| -> Result<Judged, Cause> {
        Ok(Judged {
            date: facts.date,
            decision: judge.decide_with_remedies(facts, &prior)?,
            prior,
            source,
            recorded: None,
        })
    };
    let store = match volumes {
        Volumes::Given(_) | Volumes::Fresh if record => {
            return Err(Cause::Input {
                message: "recording needs the store's volumes".to_owned(),
                help: Some(
                    "remove `[prior_volumes]` from the facts; recording counts with the store's"
                        .to_owned(),
                ),
            });
        }
        Volumes::Given(prior) => return decide(prior, VolumesSource::Facts),
        Volumes::Fresh => {
            return decide(PriorVolumes::none(facts.date), VolumesSource::NoStore);
        }
        Volumes::Store(store) => store,
    };
    let transfer = transfer_record(id, facts, vocabulary, SubjectHashes::new());
    let counters = Counters::new(vocabulary);
    let source = VolumesSource::Store {
        path: store.path().display().to_string(),
    };
    let read = |tx: &mut Tx<'_>| -> Result<Judged, Cause> {
        let prior = counters.prior(tx, &transfer)?;
        decide(prior, source.clone())
    };
    if !record {
        return store.dry_run(read);
    }
    store.transaction(|tx| {
        let mut judged = read(tx)?;
        if !judged.decision.is_blocking() {
            tx.record_transfer(&with_decision(transfer.clone(), &judged.decision)?)?;
            judged.recorded = Some(id.to_owned());
        }
        Ok(judged)
    })
}

#[cfg(test)]
mod tests {
    use freeport_policy::{FactsFormat, parse_facts};

    use super::*;

    fn setup() -> (Judge, &'static Vocabulary, TransferFacts) {
        let vocabulary = Vocabulary::embedded().unwrap();
        let judge = Judge::embedded(vocabulary).unwrap();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/transfers/cross-border-ecommerce.toml"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let facts = parse_facts(path, &text, FactsFormat::Toml, &judge).unwrap();
        (judge, vocabulary, facts)
    }

    #[test]
    fn a_dry_run_leaves_no_trace_and_a_recording_counts() {
        let (judge, vocabulary, facts) = setup();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(dir.path().join("freeport.db")).unwrap();
        let dry = judge_transfer(
            &judge,
            vocabulary,
            &facts,
            "t1",
            Volumes::Store(&mut store),
            false,
        )
        .unwrap();
        assert_eq!(dry.recorded, None);
        let recorded = judge_transfer(
            &judge,
            vocabulary,
            &facts,
            "t1",
            Volumes::Store(&mut store),
            true,
        )
        .unwrap();
        assert_eq!(recorded.recorded.as_deref(), Some("t1"));
        assert_eq!(dry.decision, recorded.decision);
        // The second transfer of the same people counts the first.
        let again = judge_transfer(
            &judge,
            vocabulary,
            &facts,
            "t2",
            Volumes::Store(&mut store),
            false,
        )
        .unwrap();
        assert_eq!(again.source, recorded.source);
        assert!(again.prior.cn.pi_individuals > 0 || again.prior.cn.sensitive_pi_individuals > 0);
    }

    #[test]
    fn recording_needs_the_store() {
        let (judge, vocabulary, facts) = setup();
        let error =
            judge_transfer(&judge, vocabulary, &facts, "t", Volumes::Fresh, true).unwrap_err();
        assert!(matches!(error, Cause::Input { .. }), "{error:?}");
        let fresh = judge_transfer(&judge, vocabulary, &facts, "t", Volumes::Fresh, false).unwrap();
        assert_eq!(fresh.source, VolumesSource::NoStore);
    }
}
