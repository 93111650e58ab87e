//! From transfer facts to the Cedar context of each pack: every derived quantity (cumulative
//! counts, whose data it is, which side of the border) is computed here, in one place, so the
//! rule packs only compare.
//!
//! Counting: a category's count is its distinct individuals (devices for precise geolocation).
//! Several categories that fall into one counter (two sensitive-PI categories; two
//! personal-health categories) add up to at least the largest and at most the sum, capped by
//! the transfer's distinct `individuals` when known; the judge evaluates both ends when they
//! differ instead of picking one. China counts only non-anonymised PI collected in China
//! (anonymised data is not PI, PIPL Art 4); the United States counts data of U.S. persons in
//! any form (28 CFR 202.206).

use std::collections::BTreeMap;

use cedar_policy::Context;
use freeport_vocabulary::{
    CnClass, CnCounter, CnThreshold, Counter, DspCategory, UsCounter, Vocabulary,
};
use jiff::civil::Date;

use crate::facts::{CollectedIn, Form, PRECISE_GEOLOCATION_METRES, Subjects, TransferFacts, Tri};
use crate::guard::Attr;
use crate::parties::{Classification, FOREIGN_ADVERSARIES};
use crate::volumes::{CountedVolume, PriorVolumes};

/// The vocabulary id of data about children under 14 (PIPL Art 28, 31).
const MINOR_CATEGORY: &str = "person.minor";

/// One way of resolving the unknown facts: each unknown fact's assumed value, and whether the
/// cross-category counts take their high end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct World {
    pub(crate) assumed: BTreeMap<&'static str, bool>,
    pub(crate) counts_high: bool,
}

impl World {
    fn tri(&self, name: &'static str, value: Tri) -> bool {
        value
            .known()
            .unwrap_or_else(|| self.assumed.get(name).copied().unwrap_or(false))
    }
}

/// The unknown yes/no facts, by the name the output uses. A party conclusion the party facts
/// leave open counts as one unknown, under its own name (`recipient.covered_person`).
pub(crate) fn unknown_facts(facts: &TransferFacts, parties: &Classification) -> Vec<&'static str> {
    tri_facts(facts, parties)
        .into_iter()
        .filter(|(_, v)| *v == Tri::Unknown)
        .map(|(n, _)| n)
        .collect()
}

fn tri_facts(facts: &TransferFacts, parties: &Classification) -> [(&'static str, Tri); 16] {
    let e = &facts.exporter;
    let r = &facts.recipient;
    // Absent sections state nothing: no direction, no evasion, no biospecimens.
    let conduct = facts.us_conduct;
    [
        ("exporter.ciio", e.ciio),
        ("exporter.us_person", parties.us_person),
        ("exporter.data_broker", e.data_broker),
        (
            "exporter.owned_25pct_by_country_of_concern",
            parties.owned_25pct,
        ),
        ("recipient.covered_person", parties.covered_person),
        ("recipient.padfa_controlled", parties.padfa_controlled),
        (
            "recipient.foreign_judicial_or_law_enforcement",
            r.foreign_judicial_or_law_enforcement,
        ),
        ("recipient.cac_restricted_list", r.cac_restricted_list),
        ("recipient.cloud_computing", r.cloud_computing),
        ("data.important_data", facts.data.important_data),
        ("data.us_government_related", parties.government_related),
        ("passive_investment", parties.passive_investment),
        (
            "us_conduct.directed_by_us_person",
            conduct.map_or(Tri::False, |c| c.directed_by_us_person),
        ),
        (
            "us_conduct.evasion",
            conduct.map_or(Tri::False, |c| c.evasion),
        ),
        (
            "data.us_biospecimens.genomic",
            facts.data.us_biospecimens.map_or(Tri::False, |b| b.genomic),
        ),
        (
            "corporate_group.government_request",
            facts
                .corporate_group
                .map_or(Tri::False, |g| g.government_request),
        ),
    ]
}

/// A count that is exact or known only as a range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Range {
    pub(crate) low: u64,
    pub(crate) high: u64,
}

impl Range {
    fn add(&mut self, n: u64) {
        self.low = self.low.max(n);
        self.high = self.high.saturating_add(n);
    }

    fn cap(&mut self, total: Option<u64>) {
        if let Some(total) = total {
            self.high = self.high.min(total).max(self.low);
        }
    }

    fn pick(self, high: bool) -> u64 {
        if high { self.high } else { self.low }
    }
}

/// Everything derived from the inventory, independent of unknown yes/no facts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Inventory {
    pub(crate) domestic_pi: bool,
    pub(crate) domestic_sensitive_pi: bool,
    pub(crate) domestic_minor_pi: bool,
    pub(crate) contains_pi: bool,
    pub(crate) cn_pi: Range,
    pub(crate) cn_sensitive_pi: Range,
    pub(crate) us_sensitive_data: bool,
    pub(crate) us_sensitive_deidentified: bool,
    /// Precise geolocation data of U.S. devices (within 1,000 m, 28 CFR 202.242) is in the
    /// transfer: what makes the Government-Related Location Data List apply (§ 202.222(a)(1)).
    pub(crate) us_precise_geolocation: bool,
    /// Per counter, in the order of [`UsCounter::ALL`].
    pub(crate) us: [Range; 7],
    /// Per counter, whether an inventory item feeds it.
    pub(crate) us_fed: [bool; 7],
}

impl Inventory {
    /// Whether some counter is only known as a range.
    pub(crate) fn has_ranges(&self) -> bool {
        self.cn_pi.low != self.cn_pi.high
            || self.cn_sensitive_pi.low != self.cn_sensitive_pi.high
            || self.us.iter().any(|r| r.low != r.high)
    }

    /// The counters this transfer feeds, with what `prior` holds in each one's window:
    /// China's two when it carries personal information collected in China, each US counter
    /// an inventory item feeds.
    pub(crate) fn counted(&self, prior: &PriorVolumes) -> Vec<CountedVolume> {
        let cn = [
            (
                CnCounter::PersonalInformation,
                self.cn_pi,
                prior.cn.pi_individuals,
            ),
            (
                CnCounter::SensitivePersonalInformation,
                self.cn_sensitive_pi,
                prior.cn.sensitive_pi_individuals,
            ),
        ];
        let cn = cn
            .into_iter()
            .filter(|_| self.domestic_pi)
            .map(|(counter, range, before)| CountedVolume {
                counter: Counter::Cn(counter),
                since: prior.cn.since,
                prior: before,
                transfer: [range.low, range.high],
            });
        let us = UsCounter::ALL
            .into_iter()
            .zip(self.us.iter().zip(&self.us_fed))
            .filter(|(_, (_, fed))| **fed)
            .map(|(counter, (range, _))| CountedVolume {
                counter: Counter::Us(counter),
                since: prior.us.since,
                prior: prior.us.get(counter),
                transfer: [range.low, range.high],
            });
        cn.chain(us).collect()
    }
}

/// Derives the inventory quantities; categories the vocabulary lacks were refused at load.
pub(crate) fn inventory(facts: &TransferFacts, vocabulary: &Vocabulary) -> Inventory {
    let mut inv = Inventory::default();
    let mut us_raw = false;
    for item in &facts.data.inventory {
        let Some(category) = vocabulary.get(&item.category) else {
            continue;
        };
        let is_pi = category.cn.class != CnClass::NotPi && item.form != Form::Anonymised;
        inv.contains_pi |= is_pi;
        if is_pi && item.collected_in == CollectedIn::Cn {
            inv.domestic_pi = true;
            match category.cn.class {
                CnClass::SensitivePi => {
                    inv.domestic_sensitive_pi = true;
                    inv.cn_sensitive_pi.add(item.individuals);
                }
                CnClass::Pi | CnClass::NotPi => inv.cn_pi.add(item.individuals),
            }
            inv.domestic_minor_pi |= category.id == MINOR_CATEGORY;
        }
        if item.collected_in == CollectedIn::Us && category.us.dsp != DspCategory::None {
            inv.us_sensitive_data = true;
            us_raw |= item.form == Form::Raw;
            for &counter in UsCounter::of(category) {
                // Location data stated coarser than 1,000 m is not precise geolocation data
                // (28 CFR 202.242), so it feeds no device count.
                if counter.counts_devices()
                    && facts
                        .data
                        .geolocation_precision_metres
                        .get(&item.category)
                        .is_some_and(|&m| m > PRECISE_GEOLOCATION_METRES)
                {
                    continue;
                }
                inv.us_precise_geolocation |= counter.counts_devices();
                if let Some(fed) = inv.us_fed.get_mut(counter.index()) {
                    *fed = true;
                }
                inv.us[counter.index()].add(if counter.counts_devices() {
                    item.devices.unwrap_or(0)
                } else {
                    item.individuals
                });
            }
        }
    }
    inv.us_sensitive_deidentified = inv.us_sensitive_data && !us_raw;
    let total = facts.data.individuals;
    inv.cn_pi.cap(total);
    inv.cn_sensitive_pi.cap(total);
    // Devices are not persons: the person total does not bound them.
    for (counter, range) in UsCounter::ALL.into_iter().zip(&mut inv.us) {
        if !counter.counts_devices() {
            range.cap(total);
        }
    }
    inv
}

fn date_number(date: Date) -> i64 {
    i64::from(date.year()) * 10_000 + i64::from(date.month()) * 100 + i64::from(date.day())
}

fn long(n: u64) -> Attr {
    Attr::Long(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A context as the judge computes it: attribute names and typed values, in a fixed order.
pub(crate) type Attributes = Vec<(&'static str, Attr)>;

/// The Cedar context holding exactly `attributes`.
pub(crate) fn to_context(attributes: &[(&'static str, Attr)]) -> Result<Context, String> {
    Context::from_pairs(
        attributes
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.to_cedar())),
    )
    .map_err(|e| e.to_string())
}

fn in_place(since: Option<crate::facts::Since>, date: Date) -> bool {
    since.is_some_and(|s| s.since <= date)
}

/// The China context for one world.
pub(crate) fn cn_context(
    facts: &TransferFacts,
    inv: &Inventory,
    prior: &PriorVolumes,
    world: &World,
) -> Attributes {
    let outbound = facts.exporter.jurisdiction == "cn" && facts.recipient.country != "cn";
    let employees_only = !facts.data.subjects.is_empty()
        && facts
            .data
            .subjects
            .iter()
            .all(|s| *s == Subjects::Employees);
    let ftz = facts.exporter.ftz.as_ref();
    let pi = prior
        .cn
        .pi_individuals
        .saturating_add(inv.cn_pi.pick(world.counts_high));
    let sensitive = prior
        .cn
        .sensitive_pi_individuals
        .saturating_add(inv.cn_sensitive_pi.pick(world.counts_high));
    let r = &facts.recipient;
    let mut pairs = vec![
        ("date", Attr::Long(date_number(facts.date))),
        ("outbound", Attr::Bool(outbound)),
        ("domestic_pi", Attr::Bool(inv.domestic_pi)),
        (
            "domestic_sensitive_pi",
            Attr::Bool(inv.domestic_sensitive_pi),
        ),
        ("domestic_minor_pi", Attr::Bool(inv.domestic_minor_pi)),
        ("contains_pi", Attr::Bool(inv.contains_pi)),
        (
            "important_data",
            Attr::Bool(world.tri("data.important_data", facts.data.important_data)),
        ),
        (
            "ciio",
            Attr::Bool(world.tri("exporter.ciio", facts.exporter.ciio)),
        ),
        ("scenario", Attr::Str(facts.scenario.as_str().to_owned())),
        ("employees_only", Attr::Bool(employees_only)),
        ("ftz", Attr::Bool(ftz.is_some())),
        (
            "ftz_listed",
            Attr::Bool(ftz.is_some_and(|f| !f.listed_entries.is_empty())),
        ),
        (
            "foreign_judicial",
            Attr::Bool(world.tri(
                "recipient.foreign_judicial_or_law_enforcement",
                r.foreign_judicial_or_law_enforcement,
            )),
        ),
        (
            "cac_restricted_list",
            Attr::Bool(world.tri("recipient.cac_restricted_list", r.cac_restricted_list)),
        ),
    ];
    for counter in CnCounter::ALL {
        let count = match counter {
            CnCounter::PersonalInformation => pi,
            CnCounter::SensitivePersonalInformation => sensitive,
        };
        pairs.push((counter.name(), long(count)));
    }
    for threshold in CnThreshold::ALL {
        pairs.push((threshold.name(), long(threshold.value())));
    }
    pairs
}

/// The cumulative US counts for one world, in the order of [`UsCounter::ALL`].
pub(crate) fn us_counts(inv: &Inventory, prior: &PriorVolumes, world: &World) -> [u64; 7] {
    UsCounter::ALL.map(|counter| {
        prior
            .us
            .get(counter)
            .saturating_add(inv.us[counter.index()].pick(world.counts_high))
    })
}

/// The US context for one world; the party conclusions come from `parties` (derived or
/// declared, [`crate::parties`]).
pub(crate) fn us_context(
    facts: &TransferFacts,
    parties: &Classification,
    inv: &Inventory,
    prior: &PriorVolumes,
    world: &World,
) -> Attributes {
    let r = &facts.recipient;
    let e = &facts.exporter;
    let padfa_adversary = FOREIGN_ADVERSARIES.contains(&r.country.as_str())
        || world.tri("recipient.padfa_controlled", parties.padfa_controlled);
    let counts = us_counts(inv, prior, world);
    let m = &facts.mechanisms;
    let conduct = facts.us_conduct;
    let biospecimens = facts.data.us_biospecimens;
    let mut pairs: Attributes = vec![
        ("date", Attr::Long(date_number(facts.date))),
        (
            "us_person",
            Attr::Bool(world.tri("exporter.us_person", parties.us_person)),
        ),
        (
            "data_broker",
            Attr::Bool(world.tri("exporter.data_broker", e.data_broker)),
        ),
        ("padfa_adversary", Attr::Bool(padfa_adversary)),
        ("us_sensitive_data", Attr::Bool(inv.us_sensitive_data)),
        (
            "us_sensitive_deidentified",
            Attr::Bool(inv.us_sensitive_deidentified),
        ),
        (
            "covered_recipient",
            Attr::Bool(world.tri("recipient.covered_person", parties.covered_person)),
        ),
        ("foreign_recipient", Attr::Bool(r.country != "us")),
        (
            "transaction",
            Attr::Str(facts.transaction.as_str().to_owned()),
        ),
        (
            "passive_investment",
            Attr::Bool(world.tri("passive_investment", parties.passive_investment)),
        ),
        ("scenario", Attr::Str(facts.scenario.as_str().to_owned())),
        (
            "relationship",
            Attr::Str(r.relationship.as_str().to_owned()),
        ),
        (
            "corporate_operation",
            Attr::Str(facts.corporate_operation().as_str().to_owned()),
        ),
        (
            "government_request",
            Attr::Bool(
                world.tri(
                    "corporate_group.government_request",
                    facts
                        .corporate_group
                        .map_or(Tri::False, |g| g.government_request),
                ),
            ),
        ),
        (
            "government_related",
            Attr::Bool(world.tri("data.us_government_related", parties.government_related)),
        ),
        (
            "claimed_exemptions",
            Attr::Set(
                facts
                    .us_claimed_exemptions
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect(),
            ),
        ),
        (
            "cisa_security_requirements",
            Attr::Bool(in_place(m.us_cisa_security_requirements, facts.date)),
        ),
        (
            "data_compliance_programme",
            Attr::Bool(in_place(m.us_data_compliance_programme, facts.date)),
        ),
        (
            "onward_transfer_contract",
            Attr::Bool(in_place(m.us_onward_transfer_contract, facts.date)),
        ),
        (
            "cloud_computing",
            Attr::Bool(world.tri("recipient.cloud_computing", r.cloud_computing)),
        ),
        (
            "owned_25pct_by_country_of_concern",
            Attr::Bool(world.tri(
                "exporter.owned_25pct_by_country_of_concern",
                parties.owned_25pct,
            )),
        ),
        (
            "directed_by_us_person",
            Attr::Bool(world.tri(
                "us_conduct.directed_by_us_person",
                conduct.map_or(Tri::False, |c| c.directed_by_us_person),
            )),
        ),
        (
            "evasion",
            Attr::Bool(world.tri(
                "us_conduct.evasion",
                conduct.map_or(Tri::False, |c| c.evasion),
            )),
        ),
        (
            "biospecimen_persons",
            long(biospecimens.map_or(0, |b| b.persons)),
        ),
        (
            "biospecimen_genomic",
            Attr::Bool(world.tri(
                "data.us_biospecimens.genomic",
                biospecimens.map_or(Tri::False, |b| b.genomic),
            )),
        ),
    ];
    for (counter, count) in UsCounter::ALL.into_iter().zip(counts) {
        pairs.push((counter.name(), long(count)));
        pairs.push((counter.threshold_name(), long(counter.threshold())));
    }
    pairs
}
