//! Reading a facts file (TOML or JSON) and checking it against the vocabulary and the packs
//! before anything is judged. Every error points into the file.

use std::fmt::Write as _;

use miette::{Diagnostic, NamedSource, SourceSpan};

use crate::facts::{FACTS_FORMAT, FACTS_FORMATS, PartyKind, TransactionType, TransferFacts};
use crate::judge::Judge;
use crate::pack::Jurisdiction;
use freeport_vocabulary::DspCategory;

/// The two spellings of the facts format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactsFormat {
    /// TOML, the format people write.
    Toml,
    /// JSON, the format programs write.
    Json,
}

impl FactsFormat {
    /// JSON for `.json` files, TOML otherwise.
    #[must_use]
    pub fn from_path(path: &std::path::Path) -> Self {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            Self::Json
        } else {
            Self::Toml
        }
    }
}

/// A facts file that cannot be judged.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(freeport::facts::invalid))]
pub struct FactsError {
    message: String,
    /// The field, dotted (`data.inventory[2].category`), when known.
    field: Option<String>,
    #[help]
    help: Option<String>,
    #[source_code]
    src: NamedSource<String>,
    #[label("{}", label.as_deref().unwrap_or("here"))]
    span: Option<SourceSpan>,
    label: Option<String>,
    #[related]
    others: Vec<FactsError>,
}

impl FactsError {
    /// The message, without location.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The dotted field path, when known.
    #[must_use]
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// Where in the file.
    #[must_use]
    pub fn span(&self) -> Option<SourceSpan> {
        self.span
    }

    /// The other errors found in the same file.
    #[must_use]
    pub fn others(&self) -> &[Self] {
        &self.others
    }
}

/// One segment of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_owned())
}

fn dotted(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

struct Problem {
    path: Vec<Seg>,
    message: String,
    help: Option<String>,
}

/// Parses and checks a facts file.
///
/// # Errors
///
/// A [`FactsError`] pointing into `text`: malformed TOML or JSON, an unknown field, a missing
/// fact, a negative or fractional count, an unknown category, scenario, zone or list entry, or
/// prior volumes counted over the wrong window. A date outside a pack's reviewed range is not
/// an error: the judge reports it per pack ([`crate::Coverage`]).
pub fn parse_facts(
    name: &str,
    text: &str,
    format: FactsFormat,
    judge: &Judge,
) -> Result<TransferFacts, Box<FactsError>> {
    let src = || NamedSource::new(name, text.to_owned());
    let facts: TransferFacts = match format {
        FactsFormat::Toml => toml::from_str(text).map_err(|e| {
            Box::new(FactsError {
                message: format!("cannot read transfer facts: {}", e.message().trim_end()),
                field: None,
                help: Some("`freeport judge --schema` prints the format".to_owned()),
                src: src(),
                span: e.span().map(SourceSpan::from),
                label: None,
                others: Vec::new(),
            })
        })?,
        FactsFormat::Json => serde_json::from_str(text).map_err(|e| {
            let offset = offset_of(text, e.line(), e.column());
            Box::new(FactsError {
                message: format!("cannot read transfer facts: {e}"),
                field: None,
                help: Some("`freeport judge --schema` prints the format".to_owned()),
                src: src(),
                span: Some(SourceSpan::new(offset.into(), 0)),
                label: None,
                others: Vec::new(),
            })
        })?,
    };
    let problems = check(&facts, judge);
    if problems.is_empty() {
        return Ok(facts);
    }
    let locate = |path: &[Seg]| match format {
        FactsFormat::Toml => locate_toml(text, path),
        FactsFormat::Json => locate_json(text, path),
    };
    let mut errors: Vec<FactsError> = problems
        .into_iter()
        .map(|p| {
            let field = dotted(&p.path);
            FactsError {
                message: format!("`{field}`: {}", p.message),
                span: locate(&p.path),
                label: Some(p.message.clone()),
                field: Some(field),
                help: p.help,
                src: src(),
                others: Vec::new(),
            }
        })
        .collect();
    let mut first = errors.remove(0);
    first.others = errors;
    Err(Box::new(first))
}

/// The semantic checks serde cannot make.
fn check(facts: &TransferFacts, judge: &Judge) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |path: Vec<Seg>, message: String, help: Option<String>| {
        problems.push(Problem {
            path,
            message,
            help,
        });
    };
    if !FACTS_FORMATS.contains(&facts.format) {
        problem(
            vec![key("format")],
            format!("format `{}` is not supported", facts.format),
            Some(format!(
                "this release reads formats 1 and {FACTS_FORMAT}; `freeport judge --schema` documents {FACTS_FORMAT}"
            )),
        );
    }
    let mut countries: Vec<(Vec<Seg>, &str)> = vec![
        (
            vec![key("exporter"), key("jurisdiction")],
            &facts.exporter.jurisdiction,
        ),
        (
            vec![key("recipient"), key("country")],
            &facts.recipient.country,
        ),
    ];
    for (id, party) in &facts.parties {
        let at = |field: &str| vec![key("parties"), key(id), key(field)];
        for (i, c) in party.citizenships.iter().enumerate() {
            let mut path = at("citizenships");
            path.push(Seg::Index(i));
            countries.push((path, c));
        }
        for (field, value) in [
            ("primary_residence", &party.primary_residence),
            ("located_in", &party.located_in),
            ("organised_in", &party.organised_in),
            (
                "principal_place_of_business",
                &party.principal_place_of_business,
            ),
            ("country", &party.country),
        ] {
            if let Some(code) = value {
                countries.push((at(field), code));
            }
        }
    }
    for (path, code) in countries {
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
            problem(
                path,
                format!("`{code}` is not a lowercase ISO 3166-1 alpha-2 code"),
                Some("write two lowercase letters, e.g. `cn`, `us`, `hk`".to_owned()),
            );
        } else if isocountry::CountryCode::for_alpha2_caseless(code).is_err() {
            problem(
                path,
                format!("`{code}` is not an assigned ISO 3166-1 alpha-2 country code"),
                Some(
                    "use the country's assigned code, e.g. `cn`, `us`, `hk`, `mo`, `sg`".to_owned(),
                ),
            );
        }
    }
    if facts.format == 1 {
        check_format_1(facts, &mut problem);
    } else {
        check_format_2(facts, &mut problem);
    }
    if facts.data.us_biospecimens.is_some_and(|b| b.persons == 0) {
        problem(
            vec![key("data"), key("us_biospecimens"), key("persons")],
            "0 persons: biospecimens of nobody".to_owned(),
            Some("remove `[data.us_biospecimens]` when the transfer has none".to_owned()),
        );
    }
    if facts.data.subjects.is_empty() {
        problem(
            vec![key("data"), key("subjects")],
            "missing: say whose data it is".to_owned(),
            Some("e.g. `subjects = [\"customers\"]`".to_owned()),
        );
    }
    let vocabulary = judge.vocabulary();
    let mut seen = std::collections::BTreeSet::new();
    for (i, item) in facts.data.inventory.iter().enumerate() {
        let at = |field: &str| vec![key("data"), key("inventory"), Seg::Index(i), key(field)];
        let Some(category) = vocabulary.get(&item.category) else {
            problem(
                at("category"),
                format!("unknown category `{}`", item.category),
                Some(near_categories(vocabulary, &item.category)),
            );
            continue;
        };
        // Mixed origins (issue 14 item 8): one category may be listed once per place of
        // collection, each entry feeding its own country's counter; twice from the same place
        // would count the same people twice or hide a total.
        if !seen.insert((item.category.as_str(), item.collected_in)) {
            problem(
                at("category"),
                format!(
                    "category `{}` collected in `{}` is listed twice",
                    item.category,
                    item.collected_in.as_str()
                ),
                Some("give one entry per category and place of collection, with its distinct individuals".to_owned()),
            );
        }
        let geolocation = category.us.dsp == DspCategory::PreciseGeolocation;
        match (geolocation, item.devices) {
            (true, None) => problem(
                at("devices"),
                format!(
                    "missing: `{}` is precise geolocation, counted in devices (28 CFR 202.205(c))",
                    item.category
                ),
                Some("add `devices = N`".to_owned()),
            ),
            (false, Some(_)) => problem(
                at("devices"),
                format!(
                    "`{}` is not precise geolocation; only those count devices",
                    item.category
                ),
                Some("remove `devices`".to_owned()),
            ),
            _ => {}
        }
        if let Some(total) = facts.data.individuals
            && item.individuals > total
        {
            problem(
                at("individuals"),
                format!(
                    "{} individuals is more than the transfer's {total} distinct individuals",
                    item.individuals
                ),
                None,
            );
        }
    }
    if let Some(ftz) = &facts.exporter.ftz {
        let lists = judge.pack(Jurisdiction::Cn).ftz_lists();
        match lists.get(&ftz.zone) {
            None => problem(
                vec![key("exporter"), key("ftz"), key("zone")],
                format!("no negative list for zone `{}`", ftz.zone),
                Some(format!(
                    "zones with a list: {}",
                    lists
                        .keys()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
            Some(list) => {
                for (i, entry) in ftz.listed_entries.iter().enumerate() {
                    if !list.entries.iter().any(|e| &e.id == entry) {
                        problem(
                            vec![key("exporter"), key("ftz"), key("listed_entries"), Seg::Index(i)],
                            format!("`{entry}` is not an entry of the {} list", ftz.zone),
                            Some("`freeport rules list` shows the zones; the list file is under rules/cn/ftz/".to_owned()),
                        );
                    }
                }
            }
        }
    }
    for (path, period) in [
        (
            "cn_security_assessment",
            facts.mechanisms.cn_security_assessment,
        ),
        ("cn_certification", facts.mechanisms.cn_certification),
    ] {
        if let Some(p) = period
            && p.until < p.from
        {
            problem(
                vec![key("mechanisms"), key(path), key("until")],
                format!("ends on {} before it starts on {}", p.until, p.from),
                None,
            );
        }
    }
    for category in facts.data.geolocation_precision_metres.keys() {
        let geolocation = vocabulary
            .get(category)
            .is_some_and(|c| c.us.dsp == DspCategory::PreciseGeolocation);
        let listed = facts.data.inventory.iter().any(|i| &i.category == category);
        if !geolocation || !listed {
            problem(
                vec![key("data"), key("geolocation_precision_metres"), key(category)],
                format!(
                    "`{category}` is not a precise-geolocation category of this transfer's inventory"
                ),
                Some("state a precision only for the inventory's precise-geolocation categories (28 CFR 202.242)".to_owned()),
            );
        }
    }
    if let Some(dates) = facts.dates {
        if let (Some(started), Some(ended)) = (dates.transaction_started, dates.transaction_ended)
            && ended < started
        {
            problem(
                vec![key("dates"), key("transaction_ended")],
                format!("the transaction ends on {ended} before it starts on {started}"),
                Some(
                    "`transaction_started` is the first day, `transaction_ended` the last"
                        .to_owned(),
                ),
            );
        }
        // No violation of the transaction's contract becomes known before the transaction
        // starts: a day before the start is a typing error.
        if let (Some(known), Some(started)) = (dates.violation_known, dates.transaction_started)
            && known < started
        {
            problem(
                vec![key("dates"), key("violation_known")],
                format!(
                    "a violation became known on {known}, before the transaction started on {started}"
                ),
                None,
            );
        }
    }
    if let Some(prior) = &facts.prior_volumes {
        let cn = freeport_vocabulary::Window::cn(facts.date).from;
        if prior.cn.since != cn {
            problem(
                vec![key("prior_volumes"), key("cn"), key("since")],
                format!(
                    "China counts since 1 January of the transfer's year ({cn}), not since {}",
                    prior.cn.since
                ),
                Some(
                    "CAC16 Arts 5(4), 7, 8: 自当年1月1日起; the counter resets every 1 January"
                        .to_owned(),
                ),
            );
        }
        let us = freeport_vocabulary::Window::us(facts.date).from;
        if prior.us.since != us {
            problem(
                vec![key("prior_volumes"), key("us"), key("since")],
                format!(
                    "the United States counts over the preceding 12 months (since {us}), not since {}",
                    prior.us.since
                ),
                Some("28 CFR 202.205: at any point in the preceding 12 months".to_owned()),
            );
        }
    }
    let unknowns = crate::context::unknown_facts(facts, &crate::parties::classify(facts)).len();
    if unknowns > crate::judge::MAX_UNKNOWNS {
        problem(
            Vec::new(),
            format!(
                "{unknowns} facts are `unknown`; at most {} can be judged at once",
                crate::judge::MAX_UNKNOWNS
            ),
            None,
        );
    }
    problems
}

type Report<'a> = dyn FnMut(Vec<Seg>, String, Option<String>) + 'a;

/// Format 1: the conclusions are typed in, and format 2's fields are refused by name.
fn check_format_1(facts: &TransferFacts, problem: &mut Report<'_>) {
    let upgrade = || {
        Some(
            "set `format = 2` to describe the parties and let the judge derive their status"
                .to_owned(),
        )
    };
    for (path, present) in [
        (vec![key("parties")], !facts.parties.is_empty()),
        (
            vec![key("exporter"), key("party")],
            facts.exporter.party.is_some(),
        ),
        (
            vec![key("recipient"), key("party")],
            facts.recipient.party.is_some(),
        ),
        (vec![key("investment")], facts.investment.is_some()),
    ] {
        if present {
            problem(
                path,
                "a format 2 field in a format 1 file".to_owned(),
                upgrade(),
            );
        }
    }
    for (path, declared, what) in [
        (
            vec![key("exporter"), key("us_person")],
            facts.exporter.us_person,
            "a U.S. person (28 CFR 202.256)",
        ),
        (
            vec![key("recipient"), key("covered_person")],
            facts.recipient.covered_person,
            "a covered person (28 CFR 202.211)",
        ),
        (
            vec![key("recipient"), key("padfa_controlled")],
            facts.recipient.padfa_controlled,
            "controlled by a foreign adversary (15 U.S.C. 9901(c)(2))",
        ),
        (
            vec![key("exporter"), key("owned_25pct_by_country_of_concern")],
            facts.exporter.owned_25pct_by_country_of_concern,
            "25 % or more owned by a country of concern or covered persons (28 CFR 202.1103)",
        ),
    ] {
        if declared.is_none() {
            problem(
                path,
                format!("missing: format 1 states whether the party is {what}"),
                Some(
                    "give `true`, `false` or `\"unknown\"`, or use format 2 and describe the party"
                        .to_owned(),
                ),
            );
        }
    }
    match (facts.transaction, facts.passive_investment) {
        (TransactionType::Investment, None) => problem(
            vec![key("passive_investment")],
            "missing: an investment must say whether it is passive (28 CFR 202.228(b))".to_owned(),
            Some("set `passive_investment = true`, `false` or `\"unknown\"`".to_owned()),
        ),
        (TransactionType::Investment, Some(_)) | (_, None) => {}
        (_, Some(_)) => problem(
            vec![key("passive_investment")],
            "only an investment can be passive".to_owned(),
            Some("remove `passive_investment`, or set `transaction = \"investment\"`".to_owned()),
        ),
    }
}

/// Format 2: every conclusion is declared or derivable, and the parties hold together.
fn check_format_2(facts: &TransferFacts, problem: &mut Report<'_>) {
    let describe = |side: &str| {
        Some(format!(
            "describe the party under `[parties.ID]` and set `{side}.party = \"ID\"`, or declare the conclusion"
        ))
    };
    if facts.exporter.party.is_none() && facts.exporter.us_person.is_none() {
        problem(
            vec![key("exporter")],
            "missing: `party` (or a declared `us_person`): whether the exporter is a U.S. person (28 CFR 202.256) must follow from something".to_owned(),
            describe("exporter"),
        );
    }
    if facts.exporter.party.is_none() && facts.exporter.owned_25pct_by_country_of_concern.is_none()
    {
        problem(
            vec![key("exporter")],
            "missing: `party` (or a declared `owned_25pct_by_country_of_concern`): who owns the exporter (28 CFR 202.1103) must follow from something".to_owned(),
            describe("exporter"),
        );
    }
    if facts.recipient.party.is_none() {
        for (field, value) in [
            ("covered_person", facts.recipient.covered_person),
            ("padfa_controlled", facts.recipient.padfa_controlled),
        ] {
            if value.is_none() {
                problem(
                    vec![key("recipient")],
                    format!("missing: `party` (or a declared `{field}`)"),
                    describe("recipient"),
                );
            }
        }
    }
    for (side, id) in [
        ("exporter", &facts.exporter.party),
        ("recipient", &facts.recipient.party),
    ] {
        if let Some(id) = id
            && !facts.parties.contains_key(id)
        {
            problem(
                vec![key(side), key("party")],
                format!("no party `{id}` under `[parties]`"),
                Some(known_ids(facts)),
            );
        }
    }
    let investment = facts.transaction == TransactionType::Investment;
    match (&facts.investment, facts.passive_investment, investment) {
        (None, None, true) => problem(
            vec![key("investment")],
            "missing: an investment needs its terms (`[investment]`) or a declared `passive_investment` (28 CFR 202.228(b))".to_owned(),
            Some("add `[investment]` with `vehicle`, `voting_and_equity_percent` and `minority_protections_only`".to_owned()),
        ),
        (Some(_), _, false) => problem(
            vec![key("investment")],
            "only an investment agreement has investment terms".to_owned(),
            Some("remove `[investment]`, or set `transaction = \"investment\"`".to_owned()),
        ),
        (_, Some(_), false) => problem(
            vec![key("passive_investment")],
            "only an investment can be passive".to_owned(),
            Some("remove `passive_investment`, or set `transaction = \"investment\"`".to_owned()),
        ),
        _ => {}
    }
    if let Some(terms) = &facts.investment {
        let lp = terms.vehicle == crate::facts::InvestmentVehicle::LimitedPartner;
        match (lp, terms.limited_partner_without_influence) {
            (true, None) => problem(
                vec![key("investment"), key("vehicle")],
                "missing `limited_partner_without_influence`: a limited partner's investment is passive only without managerial decisions or influence (28 CFR 202.228(b)(1)(iii))".to_owned(),
                Some("add `limited_partner_without_influence = true`, `false` or `\"unknown\"`".to_owned()),
            ),
            (false, Some(_)) => problem(
                vec![key("investment"), key("limited_partner_without_influence")],
                "only a limited partner's investment says this".to_owned(),
                Some("remove it, or set `vehicle = \"limited_partner\"`".to_owned()),
            ),
            _ => {}
        }
        let pct = terms.voting_and_equity_percent.hundredths();
        if !(0..=10_000).contains(&pct) {
            problem(
                vec![key("investment"), key("voting_and_equity_percent")],
                format!(
                    "{} is not a share from 0 to 100 %",
                    terms.voting_and_equity_percent
                ),
                None,
            );
        }
    }
    check_parties(facts, problem);
}

fn known_ids(facts: &TransferFacts) -> String {
    if facts.parties.is_empty() {
        "`[parties]` is empty; describe each party as `[parties.ID]`".to_owned()
    } else {
        format!(
            "parties described: {}",
            facts
                .parties
                .keys()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// The fields each kind of party takes, required and refused, and the relations between
/// parties: ids that exist, of a kind that fits, ownership that adds up and does not loop.
fn check_parties(facts: &TransferFacts, problem: &mut Report<'_>) {
    for (id, party) in &facts.parties {
        let at = |field: &str| vec![key("parties"), key(id), key(field)];
        let kind = party.kind;
        let fields: [(&str, bool); 14] = [
            ("citizenships", !party.citizenships.is_empty()),
            (
                "us_lawful_permanent_resident",
                party.us_lawful_permanent_resident.is_some(),
            ),
            ("us_refugee_or_asylee", party.us_refugee_or_asylee.is_some()),
            ("primary_residence", party.primary_residence.is_some()),
            ("located_in", party.located_in.is_some()),
            ("employee_of", !party.employee_of.is_empty()),
            ("contractor_of", !party.contractor_of.is_empty()),
            ("organised_in", party.organised_in.is_some()),
            (
                "principal_place_of_business",
                party.principal_place_of_business.is_some(),
            ),
            ("owners", !party.owners.is_empty()),
            ("branch_of", party.branch_of.is_some()),
            ("country", party.country.is_some()),
            ("designated", party.designated.is_some()),
            ("name", true),
        ];
        let (required, allowed): (&[&str], &[&str]) = match kind {
            PartyKind::Individual => (
                &[
                    "us_lawful_permanent_resident",
                    "us_refugee_or_asylee",
                    "primary_residence",
                    "located_in",
                    "designated",
                ],
                &["citizenships", "employee_of", "contractor_of"],
            ),
            PartyKind::Entity => (
                &["organised_in", "principal_place_of_business", "designated"],
                &["owners"],
            ),
            PartyKind::Branch => (&["branch_of", "located_in"], &[]),
            PartyKind::Government => (&["country"], &[]),
        };
        for (field, present) in fields {
            if field == "name" {
                continue;
            }
            if required.contains(&field) && !present {
                problem(
                    vec![key("parties"), key(id)],
                    format!("missing `{field}`: every {} states it", kind.as_str()),
                    Some(
                        "`freeport judge --schema` documents each field with its citation"
                            .to_owned(),
                    ),
                );
            } else if present && !required.contains(&field) && !allowed.contains(&field) {
                problem(
                    at(field),
                    format!(
                        "`{field}` does not apply to a party of kind `{}`",
                        kind.as_str()
                    ),
                    Some(format!(
                        "remove it, or change `kind`; a {} takes {}",
                        kind.as_str(),
                        required
                            .iter()
                            .chain(allowed)
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
        if let Some(head) = &party.branch_of {
            refer(
                problem,
                facts,
                id,
                at("branch_of"),
                head,
                &[PartyKind::Entity],
                "the entity a branch belongs to",
            );
        }
        for (field, ids) in [
            ("employee_of", &party.employee_of),
            ("contractor_of", &party.contractor_of),
        ] {
            for (i, target) in ids.iter().enumerate() {
                let mut path = at(field);
                path.push(Seg::Index(i));
                refer(
                    problem,
                    facts,
                    id,
                    path,
                    target,
                    &[PartyKind::Entity, PartyKind::Branch, PartyKind::Government],
                    "an employer or principal",
                );
            }
        }
        let mut total = 0_i64;
        let mut seen = std::collections::BTreeSet::new();
        for (i, owner) in party.owners.iter().enumerate() {
            let path = |field: &str| {
                vec![
                    key("parties"),
                    key(id),
                    key("owners"),
                    Seg::Index(i),
                    key(field),
                ]
            };
            refer(
                problem,
                facts,
                id,
                path("party"),
                &owner.party,
                &[
                    PartyKind::Individual,
                    PartyKind::Entity,
                    PartyKind::Government,
                ],
                "an owner",
            );
            if !seen.insert(owner.party.as_str()) {
                problem(
                    path("party"),
                    format!(
                        "`{}` is listed twice among the owners of `{id}`",
                        owner.party
                    ),
                    Some("give each owner once, with its whole direct share".to_owned()),
                );
            }
            let pct = owner.percent.hundredths();
            if pct <= 0 || pct > 10_000 {
                problem(
                    path("percent"),
                    format!("{} is not a share above 0 and at most 100 %", owner.percent),
                    None,
                );
            }
            total += pct.max(0);
        }
        if total > 10_000 {
            problem(
                at("owners"),
                format!("the owners of `{id}` hold {} in total, more than 100 %", crate::facts::Percent::from_hundredths(total)),
                Some("list each direct owner once with its share; the shares of one entity add up to at most 100".to_owned()),
            );
        }
    }
    // Ownership must not loop: an entity cannot own itself through others.
    for start in facts.parties.keys() {
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(start.as_str(), vec![start.as_str()])];
        let mut looped = None;
        while let Some((at, path)) = stack.pop() {
            let Some(p) = facts.parties.get(at) else {
                continue;
            };
            for owner in &p.owners {
                if owner.party == *start {
                    let mut chain = path.clone();
                    chain.push(start.as_str());
                    looped = Some(chain);
                    break;
                }
                if path.len() <= facts.parties.len() && !path.contains(&owner.party.as_str()) {
                    let mut next = path.clone();
                    next.push(owner.party.as_str());
                    stack.push((owner.party.as_str(), next));
                }
            }
            if looped.is_some() {
                break;
            }
        }
        if let Some(chain) = looped {
            problem(
                vec![key("parties"), key(start), key("owners")],
                format!("`{start}` owns itself through {}", chain.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" ← ")),
                Some("ownership must not loop; describe cross-holdings by their effective direct shares".to_owned()),
            );
        }
    }
}

/// Checks that `target`, named at `path` by party `id`, exists and is of a kind in `fits`.
fn refer(
    problem: &mut Report<'_>,
    facts: &TransferFacts,
    id: &str,
    path: Vec<Seg>,
    target: &str,
    fits: &[PartyKind],
    role: &str,
) {
    match facts.parties.get(target) {
        None => problem(
            path,
            format!("no party `{target}` under `[parties]`"),
            Some(known_ids(facts)),
        ),
        Some(t) if !fits.contains(&t.kind) => problem(
            path,
            format!(
                "`{target}` is a party of kind `{}`, which cannot be {role}",
                t.kind.as_str()
            ),
            None,
        ),
        Some(_) if target == id => {
            problem(path, format!("`{id}` cannot be {role} of itself"), None)
        }
        Some(_) => {}
    }
}

fn near_categories(vocabulary: &freeport_vocabulary::Vocabulary, id: &str) -> String {
    let mut near: Vec<(usize, &str)> = vocabulary
        .categories()
        .iter()
        .map(|c| (edit_distance(id, &c.id), c.id.as_str()))
        .filter(|(d, _)| *d <= 3)
        .collect();
    near.sort();
    match near.as_slice() {
        [] => "`freeport vocab list` shows every category".to_owned(),
        near => format!(
            "did you mean {}?",
            near.iter()
                .take(3)
                .map(|(_, id)| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

/// Levenshtein distance, small inputs only.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(0);
            let left = row.get(j).copied().unwrap_or(0);
            let value = (above + 1)
                .min(left + 1)
                .min(previous + usize::from(ca != *cb));
            previous = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// Byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// The span of the value at `path` in a TOML document, or of the nearest enclosing one.
fn locate_toml(text: &str, path: &[Seg]) -> Option<SourceSpan> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut span = root.span();
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut array: Option<&toml::de::DeArray<'_>> = None;
    for seg in path {
        let value = match seg {
            Seg::Key(k) => table?
                .iter()
                .find(|(key, _)| key.get_ref() == k)
                .map(|(_, v)| v),
            Seg::Index(i) => array?.get(*i),
        };
        let Some(value) = value else { break };
        span = value.span();
        table = None;
        array = None;
        match value.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a),
            _ => {}
        }
    }
    Some(SourceSpan::from(span))
}

/// The span of the value at `path` in a JSON document, or of the nearest enclosing one.
fn locate_json(text: &str, path: &[Seg]) -> Option<SourceSpan> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    let mut found = (pos, json_value_end(bytes, pos)?);
    for seg in path {
        let next = match seg {
            Seg::Key(k) => json_member(bytes, pos, k),
            Seg::Index(i) => json_element(bytes, pos, *i),
        };
        let Some(start) = next else { break };
        pos = start;
        found = (start, json_value_end(bytes, start)?);
    }
    Some(SourceSpan::new(found.0.into(), found.1 - found.0))
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
        pos += 1;
    }
    pos
}

/// End (exclusive) of the JSON value starting at `pos`.
fn json_value_end(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'"' => {
            let mut i = pos + 1;
            loop {
                match bytes.get(i)? {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
        }
        b'{' | b'[' => {
            let mut depth = 0_usize;
            let mut i = pos;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = json_value_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = pos;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}

/// Start of the value of member `key` of the object at `pos`.
fn json_member(bytes: &[u8], pos: usize, key: &str) -> Option<usize> {
    if bytes.get(pos) != Some(&b'{') {
        return None;
    }
    let mut i = skip_ws(bytes, pos + 1);
    while bytes.get(i) == Some(&b'"') {
        let key_end = json_value_end(bytes, i)?;
        let name = std::str::from_utf8(bytes.get(i + 1..key_end - 1)?).ok()?;
        let colon = skip_ws(bytes, key_end);
        let value = skip_ws(bytes, colon + 1);
        if name == key {
            return Some(value);
        }
        let end = json_value_end(bytes, value)?;
        i = skip_ws(bytes, end);
        if bytes.get(i) == Some(&b',') {
            i = skip_ws(bytes, i + 1);
        }
    }
    None
}

/// Start of element `index` of the array at `pos`.
fn json_element(bytes: &[u8], pos: usize, index: usize) -> Option<usize> {
    if bytes.get(pos) != Some(&b'[') {
        return None;
    }
    let mut i = skip_ws(bytes, pos + 1);
    for _ in 0..index {
        let end = json_value_end(bytes, i)?;
        i = skip_ws(bytes, end);
        if bytes.get(i) != Some(&b',') {
            return None;
        }
        i = skip_ws(bytes, i + 1);
    }
    (bytes.get(i) != Some(&b']')).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_are_located() {
        let text = r#"{"a": {"b": [1, {"c": "x"}]}, "d": true}"#;
        let span = locate_json(text, &[key("a"), key("b"), Seg::Index(1), key("c")]).unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "\"x\"");
        let span = locate_json(text, &[key("d")]).unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "true");
    }

    #[test]
    fn toml_paths_are_located() {
        let text =
            "[data]\n[[data.inventory]]\ncategory = \"a\"\n[[data.inventory]]\ncategory = \"zz\"\n";
        let span = locate_toml(
            text,
            &[
                key("data"),
                key("inventory"),
                Seg::Index(1),
                key("category"),
            ],
        )
        .unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "\"zz\"");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("contact.phon", "contact.phone"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
