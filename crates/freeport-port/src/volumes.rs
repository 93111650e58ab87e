//! Between the judge and the store: what a transfer adds to each country's counters, and what
//! the counters already hold before it.
//!
//! The judge counts China's personal information and sensitive personal information per natural
//! person (CAC16 Arts. 7–8) and the seven 28 CFR 202.205 categories per U.S. person or device;
//! the store counts whatever category sets it is given. This module names those sets from the
//! vocabulary, turns a facts inventory into store entries, and turns store windows into the
//! judge's [`PriorVolumes`]; both draw the windows with the vocabulary's `Window`.

use std::collections::{BTreeMap, BTreeSet};

use freeport_policy::{CnPriorVolumes, Decision, PriorVolumes, TransferFacts, UsPriorVolumes};
use freeport_store::{
    CategorySet, RulePackRef, TransferId, TransferRecord, Tx, Unit, VolumeEntry, Volumes, Window,
};
use freeport_vocabulary::{CnClass, DspCategory, UsCounter, Vocabulary};
use freeport_vocabulary::{CollectedIn, Form};

use crate::error::Cause;

/// China's set of personal information other than sensitive personal information
/// ("个人信息（不含敏感个人信息）", CAC16 Art. 7).
pub const PI: &str = "pi";
/// China's set of sensitive personal information.
pub const SENSITIVE_PI: &str = "sensitive_pi";

/// The category sets behind each country's counters.
#[derive(Debug, Clone)]
pub struct Counters {
    cn: [CategorySet; 2],
    us: [CategorySet; 7],
}

impl Counters {
    /// Reads the sets off the vocabulary: China's by class, the US's by the counters each
    /// category feeds ([`UsCounter::of`], the judge's own reading).
    pub fn new(vocabulary: &Vocabulary) -> Self {
        let ids = |keep: &dyn Fn(&freeport_vocabulary::Category) -> bool| -> BTreeSet<String> {
            vocabulary
                .categories()
                .iter()
                .filter(|c| keep(c))
                .map(|c| c.id.clone())
                .collect()
        };
        let set = |name: &str, categories| CategorySet {
            name: name.to_owned(),
            categories,
        };
        Self {
            cn: [
                set(PI, ids(&|c| c.cn.class == CnClass::Pi)),
                set(SENSITIVE_PI, ids(&|c| c.cn.class == CnClass::SensitivePi)),
            ],
            us: UsCounter::ALL.map(|counter| {
                set(
                    counter.name(),
                    ids(&|c| UsCounter::of(c).contains(&counter)),
                )
            }),
        }
    }

    /// China's sets, for listings.
    pub fn cn_sets(&self) -> &[CategorySet] {
        &self.cn
    }

    /// What was sent before `record` inside both windows of its date, leaving to `record` the
    /// people it carries again (by salted subject hash), so that the judge's `prior + transfer`
    /// counts everyone once.
    ///
    /// # Errors
    ///
    /// The store fails.
    pub fn prior(&self, tx: &mut Tx<'_>, record: &TransferRecord) -> Result<PriorVolumes, Cause> {
        let date = record.date;
        let cn_window = Window::cn(&record.exporter, date);
        let us_window = Window::us(&record.exporter, &record.counterparty, date);
        let cn = tx.volumes_before(&cn_window, &self.cn, record)?;
        let us = tx.volumes_before(&us_window, &self.us, record)?;
        let set = |v: &Volumes, name: &str| v.sets.get(name).copied().unwrap_or(0);
        let us_set = |counter: UsCounter| set(&us, counter.name());
        Ok(PriorVolumes {
            cn: CnPriorVolumes {
                since: cn_window.from,
                pi_individuals: set(&cn, PI),
                sensitive_pi_individuals: set(&cn, SENSITIVE_PI),
            },
            us: UsPriorVolumes {
                since: us_window.from,
                covered_personal_identifiers: us_set(UsCounter::CoveredPersonalIdentifiers),
                precise_geolocation_devices: us_set(UsCounter::PreciseGeolocationDevices),
                biometric: us_set(UsCounter::Biometric),
                human_omic: us_set(UsCounter::HumanOmic),
                human_genomic: us_set(UsCounter::HumanGenomic),
                personal_health: us_set(UsCounter::PersonalHealth),
                personal_financial: us_set(UsCounter::PersonalFinancial),
            },
        })
    }
}

/// Salted subject hashes Scan computed, per inventory category and place of collection.
pub type SubjectHashes = BTreeMap<(String, CollectedIn), freeport_store::SubjectHashes>;

/// The store's record of the transfer `facts` describe: parties, date, direction and one volume
/// entry per (category, form, place of collection) of the inventory, with the subject hashes
/// Scan found, which it takes: each set moves into its entry, copied only for a category the
/// facts list more than once. `decision` is filled in once the judge has decided.
#[must_use]
pub fn transfer_record(
    id: &str,
    facts: &TransferFacts,
    vocabulary: &Vocabulary,
    mut hashes: SubjectHashes,
) -> TransferRecord {
    let mut entries: BTreeMap<(String, Form, CollectedIn), VolumeEntry> = BTreeMap::new();
    // How many more items will ask for each set: the last one takes it.
    let mut uses: BTreeMap<(String, CollectedIn), usize> = BTreeMap::new();
    for item in &facts.data.inventory {
        *uses
            .entry((item.category.clone(), item.collected_in))
            .or_default() += 1;
    }
    for item in &facts.data.inventory {
        let collected_in = item.collected_in;
        let state = item.form;
        let geolocation = vocabulary
            .get(&item.category)
            .is_some_and(|c| c.us.dsp == DspCategory::PreciseGeolocation);
        // The DSP counts precise geolocation in U.S. devices (28 CFR 202.205(c)); China counts
        // people for every category.
        let (unit, count) = match (geolocation && collected_in == CollectedIn::Us, item.devices) {
            (true, Some(devices)) => (Unit::Devices, devices),
            _ => (Unit::Individuals, item.individuals),
        };
        let key = (item.category.clone(), collected_in);
        let last = uses.get_mut(&key).is_none_or(|n| {
            *n = n.saturating_sub(1);
            *n == 0
        });
        let subject_hashes = if unit == Unit::Individuals {
            if last {
                hashes.remove(&key).unwrap_or_default()
            } else {
                hashes.get(&key).cloned().unwrap_or_default()
            }
        } else {
            freeport_store::SubjectHashes::new()
        };
        let key = (item.category.clone(), state, collected_in);
        // Facts may list one category twice for one place and form; the store keeps one entry,
        // so their counts add up (which can only raise a burden).
        let entry = entries.entry(key).or_insert_with(|| VolumeEntry {
            category: item.category.clone(),
            unit,
            count: 0,
            subject_hashes: freeport_store::SubjectHashes::new(),
            state,
            collected_in: Some(collected_in),
        });
        entry.count = entry.count.saturating_add(count);
        entry.subject_hashes.merge(subject_hashes);
        // A hash is one person; there cannot be more hashes than people counted.
        let hashed = u64::try_from(entry.subject_hashes.len()).unwrap_or(u64::MAX);
        entry.count = entry.count.max(hashed);
    }
    TransferRecord {
        id: TransferId(id.to_owned()),
        exporter: facts.exporter.name.clone(),
        counterparty: facts.recipient.name.clone(),
        date: facts.date,
        origin: facts.exporter.jurisdiction.to_ascii_uppercase(),
        destination: facts.recipient.country.to_ascii_uppercase(),
        individuals: facts.data.individuals,
        volumes: entries.into_values().collect(),
        decision_json: String::new(),
        rule_packs: Vec::new(),
    }
}

/// Fills the decision into a record about to be stored.
///
/// # Errors
///
/// Only if the decision cannot be serialised (a bug).
pub fn with_decision(
    mut record: TransferRecord,
    decision: &Decision,
) -> Result<TransferRecord, Cause> {
    record.decision_json =
        serde_json::to_string(decision).map_err(|e| Cause::Internal(e.to_string()))?;
    record.rule_packs = decision
        .packs
        .iter()
        .map(|(jurisdiction, stamp)| RulePackRef {
            name: jurisdiction.as_str().to_owned(),
            version: stamp.version.clone(),
            hash: stamp.hash.clone(),
        })
        .collect();
    Ok(record)
}
