//! Stages 1 and 4, **transfer** and **judge**: the transfer file read into facts without an
//! inventory, the rule packs loaded; then the facts judged against the volumes the store holds.

use std::path::Path;

use freeport_policy::{
    CollectedIn as Origin, Decision, FactsFormat, Judge, Jurisdiction, PriorVolumes, RulePack,
    TransferFacts, parse_facts,
};
use freeport_store::{Store, TransferRecord};
use freeport_vocabulary::Vocabulary;

use crate::error::{AssessError, AtStage, Stage};
use crate::pipeline::{DeidChoice, Request};
use crate::volumes::{Counters, SubjectHashes, transfer_record};

/// The transfer as read: its facts (no inventory yet), the judge and where the data was
/// collected.
pub(crate) struct Transfer {
    /// The shared vocabulary.
    pub vocabulary: &'static Vocabulary,
    /// Both rule packs.
    pub judge: Judge,
    /// The transfer file's facts.
    pub facts: TransferFacts,
    /// The transfer file's text (the default id hashes it).
    pub text: String,
    /// Where the data was collected.
    pub origin: Origin,
}

/// Stage 1: reads the transfer file and the rule packs, and refuses what assess does not take
/// (an inventory, prior volumes, layout flags with de-identification).
pub(crate) fn transfer(request: &Request) -> Result<Transfer, AssessError> {
    let vocabulary = Vocabulary::embedded().at(Stage::Transfer)?;
    let judge = load_judge(request.rules.as_deref(), vocabulary)?;
    let text = std::fs::read_to_string(&request.transfer)
        .map_err(|e| AssessError::io(Stage::Transfer, "read", &request.transfer, e))?;
    let name = request.transfer.display().to_string();
    let facts = parse_facts(
        &name,
        &text,
        FactsFormat::from_path(&request.transfer),
        &judge,
    )
    .at(Stage::Transfer)?;
    if !facts.data.inventory.is_empty() {
        return Err(AssessError::input(
            Stage::Transfer,
            format!("`{name}` lists a `data.inventory`; the inventory comes from the scan"),
            Some("remove the `[[data.inventory]]` entries (`freeport judge` takes a full facts file)".into()),
        ));
    }
    if facts.prior_volumes.is_some() {
        return Err(AssessError::input(
            Stage::Transfer,
            format!("`{name}` gives `[prior_volumes]`; assess counts with the store's"),
            Some("remove `[prior_volumes]`".into()),
        ));
    }
    let origin = request
        .collected_in
        .unwrap_or_else(|| Origin::of_jurisdiction(&facts.exporter.jurisdiction));

    let default_layout = freeport_read::ReadOptions::default();
    let laid_out = request.layout.header != default_layout.header
        || request.layout.skip_rows != default_layout.skip_rows
        || request.layout.delimiter.is_some();
    if laid_out && !matches!(request.deid, DeidChoice::None) {
        return Err(AssessError::input(
            Stage::Deidentify,
            "`--no-header`, `--header-row`, `--skip-rows` and `--delimiter` cannot be combined with de-identification: its reader takes a file's first row as the header and sniffs the delimiter",
            Some("give the file a header row (and a sniffable delimiter) first, or assess it without `--deid`/`--apply-remedies`".into()),
        ));
    }
    Ok(Transfer {
        vocabulary,
        judge,
        facts,
        text,
        origin,
    })
}

/// What judging needs besides the store: the packs and the counters.
pub(crate) struct Judging<'a> {
    /// Both rule packs.
    pub judge: &'a Judge,
    /// The counters behind each country's thresholds.
    pub counters: &'a Counters,
    /// The shared vocabulary.
    pub vocabulary: &'static Vocabulary,
}

/// A decision, what it was taken on, and the record it would be filed as.
pub(crate) struct Judgement {
    /// The transfer as the store would record it (without the decision yet).
    pub record: TransferRecord,
    /// The decision, with remedies.
    pub decision: Decision,
    /// The volumes the store held.
    pub prior: PriorVolumes,
}

impl Judging<'_> {
    /// Stage 4: judges `facts` (of the transfer `id`, its people's subject hashes `hashes`)
    /// against the volumes the store holds now.
    pub(crate) fn judge(
        &self,
        store: &mut Store,
        id: &str,
        facts: &TransferFacts,
        hashes: SubjectHashes,
    ) -> Result<Judgement, AssessError> {
        let record = transfer_record(id, facts, self.vocabulary, hashes);
        store
            .dry_run(|tx| {
                let prior = self
                    .counters
                    .prior(tx, &record)
                    .map_err(|c| AssessError::at(Stage::Judge, c))?;
                let decision = self
                    .judge
                    .decide_with_remedies(facts, &prior)
                    .at(Stage::Judge)?;
                Ok((decision, prior))
            })
            .map(|(decision, prior)| Judgement {
                record,
                decision,
                prior,
            })
    }
}

pub(crate) fn load_judge(
    root: Option<&Path>,
    vocabulary: &'static Vocabulary,
) -> Result<Judge, AssessError> {
    let load = |j: Jurisdiction| match root {
        Some(root) => RulePack::from_dir(&root.join(j.as_str())),
        None => RulePack::embedded(j),
    };
    let cn = load(Jurisdiction::Cn).at(Stage::Transfer)?;
    let us = load(Jurisdiction::Us).at(Stage::Transfer)?;
    Judge::new(cn, us, vocabulary).at(Stage::Transfer)
}

/// The judgements of one assessment, as the assessment keeps them.
pub(crate) struct Judgements {
    /// The volumes the store held when the data as scanned was judged.
    pub prior: PriorVolumes,
    /// The decision on the data as scanned.
    pub before: Decision,
    /// The facts and decision after de-identification.
    pub after: Option<(TransferFacts, Decision)>,
    /// The judgement that counts: after de-identification if it ran, else before.
    pub last: Judgement,
}

/// The judgement before de-identification and, if it ran, the one after it, as the
/// assessment keeps them.
pub(crate) fn judgements(
    before: Judgement,
    after: Option<(TransferFacts, Judgement)>,
) -> Judgements {
    match after {
        Some((facts, last)) => Judgements {
            prior: before.prior,
            before: before.decision,
            after: Some((facts, last.decision.clone())),
            last,
        },
        None => Judgements {
            prior: before.prior,
            before: before.decision.clone(),
            after: None,
            last: before,
        },
    }
}
