//! The report on a fixture built from real engine calls: snapshots of the JSON and of the HTML
//! in both languages, byte-identical output, escaping, and no cell value anywhere.

#![expect(
    clippy::unwrap_used,
    reason = "the shared fixture builder unwraps engine calls"
)]

mod fixture;

use std::sync::OnceLock;

use fixture::{Fixture, customers_tsv, patients_csv, with_input};
use freeport_report::{Lang, Report, render_html, render_json};

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(Fixture::build)
}

fn report() -> Report {
    with_input(fixture(), Report::build)
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("report_json", render_json(&report()).unwrap());
}

#[test]
fn html_en_snapshot() {
    insta::assert_snapshot!("report_en_html", render_html(&report(), Lang::En).unwrap());
}

#[test]
fn html_zh_snapshot() {
    insta::assert_snapshot!("report_zh_html", render_html(&report(), Lang::Zh).unwrap());
}

#[test]
fn same_input_gives_byte_identical_output() {
    // A second fixture: scan, judge, de-identify and log all run again.
    let again = Fixture::build();
    let a = report();
    let b = with_input(&again, Report::build);
    assert_eq!(render_json(&a).unwrap(), render_json(&b).unwrap());
    for lang in [Lang::En, Lang::Zh] {
        assert_eq!(
            render_html(&a, lang).unwrap(),
            render_html(&b, lang).unwrap()
        );
    }
}

#[test]
fn no_cell_value_appears_in_any_output() {
    let mut cells: Vec<String> = Vec::new();
    for (path, separator) in [(patients_csv(), ','), (customers_tsv(), '\t')] {
        let text = std::fs::read_to_string(path).unwrap();
        // Data rows only: column names are not values and do appear.
        for line in text.lines().skip(1) {
            cells.extend(line.split(separator).map(str::to_owned));
        }
    }
    // Short cells (sex, two-digit ages, three-character diagnosis codes) occur in ordinary
    // numbers and words; every cell of five characters or more is specific to the data.
    cells.retain(|c| c.chars().count() >= 5);
    cells.sort_unstable();
    cells.dedup();
    assert!(cells.len() > 500, "the check must look at real values");
    let report = report();
    let outputs = [
        render_json(&report).unwrap(),
        render_html(&report, Lang::En).unwrap(),
        render_html(&report, Lang::Zh).unwrap(),
    ];
    for output in &outputs {
        for cell in &cells {
            assert!(
                !output.contains(cell.as_str()),
                "cell value `{cell}` leaked into the report"
            );
        }
    }
}

#[test]
fn sections_come_in_filing_order() {
    let html = render_html(&report(), Lang::En).unwrap();
    let mut last = 0;
    for id in [
        "cover",
        "decision",
        "inventory",
        "minimisation",
        "recipient",
        "risks",
        "rights",
        "evidence",
        "signoff",
    ] {
        let at = html
            .find(&format!("<section id=\"{id}\""))
            .unwrap_or_else(|| panic!("section `{id}` missing"));
        assert!(at > last, "section `{id}` out of order");
        last = at;
    }
}

#[test]
fn html_is_self_contained_and_escaped() {
    for lang in [Lang::En, Lang::Zh] {
        let html = render_html(&report(), lang).unwrap();
        for external in [
            "<script", "<link", "<img", "src=", "@import", "url(", "http://", "https://",
        ] {
            assert!(
                !html.contains(external),
                "`{external}` in the {lang:?} page"
            );
        }
        assert!(html.contains("@media print"));
        // The assessor's name holds `<` and `>`.
        assert!(html.contains("Compliance Office &lt;dpo@example.org&gt;"));
        assert!(!html.contains("<dpo@example.org>"));
    }
}

#[test]
fn chinese_report_uses_chinese_names() {
    let html = render_html(&report(), Lang::Zh).unwrap();
    let vocabulary = fixture().vocabulary;
    let diagnosis = vocabulary.get("person.name").unwrap();
    assert!(html.contains(&diagnosis.name_zh));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("Noto Sans CJK SC"));
}

#[test]
fn risk_register_is_derived_from_the_inputs() {
    let report = report();
    let kinds: Vec<&str> = report.risks.iter().map(|r| r.cause.kind()).collect();
    // Prior 7,900 sensitive + this transfer's patients ≥ 8,000 of 10,000.
    assert!(kinds.contains(&"volume_near_threshold"), "{kinds:?}");
    // The example leaves CIIO status unknown and it changes the China outcome.
    assert!(kinds.contains(&"unknown_fact"), "{kinds:?}");
    // De-identification ran: its measured risk is on the register.
    assert!(kinds.contains(&"residual_reidentification"), "{kinds:?}");
    // Health data leaves China.
    assert!(kinds.contains(&"sensitive_crossing"), "{kinds:?}");
    // Ids follow register order.
    for (i, r) in report.risks.iter().enumerate() {
        assert_eq!(r.id, format!("R{}", i + 1));
    }
}

#[test]
fn every_outcome_and_mechanism_of_the_packs_has_a_name_in_both_languages() {
    use freeport_policy::{Jurisdiction, RulePack};
    let en: toml::Table = toml::from_str(include_str!("../locales/en.toml")).unwrap();
    let zh: toml::Table = toml::from_str(include_str!("../locales/zh.toml")).unwrap();
    for jurisdiction in [Jurisdiction::Cn, Jurisdiction::Us] {
        let pack = RulePack::embedded(jurisdiction).unwrap();
        let mut ids: Vec<(&str, String)> = pack
            .outcomes()
            .iter()
            .map(|o| ("outcome", o.clone()))
            .collect();
        for rule in pack.rules() {
            ids.extend(rule.mechanisms.iter().map(|m| ("mechanism", m.clone())));
        }
        for (table, id) in ids {
            for (lang, locale) in [("en", &en), ("zh", &zh)] {
                assert!(
                    locale[table].get(&id).is_some(),
                    "{lang}.toml has no `{table}.{id}`"
                );
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever the parties are called, their names add text and never markup: the page has
    /// exactly as many `<` as with plain names.
    #[test]
    fn user_text_never_becomes_markup(name in "\\PC{0,40}", id in "[<>&\"' a-z]{0,20}") {
        let base = report();
        let baseline = render_html(&base, Lang::En).unwrap().matches('<').count();
        let mut changed = base.clone();
        changed.cover.recipient.name = name.clone();
        changed.recipient.name = name.clone();
        changed.cover.exporter.name = name;
        changed.cover.transfer_id = id;
        let html = render_html(&changed, Lang::En).unwrap();
        proptest::prop_assert_eq!(html.matches('<').count(), baseline);
    }
}

/// A transfer dated past both packs' review: the report is still built, and every side says,
/// on the cover and in its own box, in both languages, that its pack was not reviewed for the
/// date; one dated before the US pack's first day says the US side was not judged.
#[test]
fn a_date_outside_a_packs_review_is_flagged_in_both_languages() {
    use freeport_policy::{Coverage, Judge, PriorVolumes};
    let f = fixture();
    let judge = Judge::embedded(f.vocabulary).unwrap();
    for (day, cn, us) in [
        ("2028-03-01", Some("not_reviewed"), Some("not_reviewed")),
        ("2024-05-01", None, Some("before_pack")),
    ] {
        let mut facts = f.facts.clone();
        facts.date = day.parse().unwrap();
        let prior = PriorVolumes::none(facts.date);
        let decision = judge.decide_with_remedies(&facts, &prior).unwrap();
        let report = with_input(f, |input| {
            let mut input = *input;
            input.facts = &facts;
            input.decision = &decision;
            input.after_deid = None;
            Report::build(&input)
        });
        let coverage = |i: usize| match report.decision.sides[i].coverage {
            Coverage::Reviewed => None,
            Coverage::NotReviewed { .. } => Some("not_reviewed"),
            Coverage::BeforePack { .. } => Some("before_pack"),
        };
        assert_eq!((coverage(0), coverage(1)), (cn, us), "{day}");
        let json = render_json(&report).unwrap();
        let expected = usize::from(cn.is_some()) + usize::from(us.is_some());
        assert_eq!(json.matches("\"coverage\"").count(), expected, "{day}");
        for (lang, not_reviewed, not_judged) in [
            (Lang::En, "Not reviewed for this date", "Not judged"),
            (Lang::Zh, "未就此日期复核", "未作评判"),
        ] {
            let html = render_html(&report, lang).unwrap();
            // Once on the cover and once in the side's box.
            assert_eq!(
                html.matches("data-coverage=").count(),
                2 * expected,
                "{day} {lang:?}"
            );
            if us == Some("before_pack") {
                assert!(html.contains(not_judged), "{day} {lang:?}");
            } else {
                assert!(html.contains(not_reviewed), "{day} {lang:?}");
                assert!(html.contains("2027-12-31"), "{day} {lang:?}");
            }
        }
    }
}

/// Facts format 2: the parties described, their status derived. The recipient section shows
/// each derivation with its reasons and a contradicted declaration, in both languages, and the
/// US box each law's own outcome.
#[test]
fn party_derivations_and_each_laws_outcome_are_shown() {
    use freeport_policy::{Judge, Party, PartyKind, PriorVolumes, Tri};
    let f = fixture();
    let judge = Judge::embedded(f.vocabulary).unwrap();
    let entity = |country: &str| Party {
        kind: PartyKind::Entity,
        name: None,
        citizenships: Vec::new(),
        us_lawful_permanent_resident: None,
        us_refugee_or_asylee: None,
        primary_residence: None,
        located_in: None,
        employee_of: Vec::new(),
        contractor_of: Vec::new(),
        organised_in: Some(country.to_owned()),
        principal_place_of_business: Some(country.to_owned()),
        owners: Vec::new(),
        branch_of: None,
        country: None,
        designated: Some(Tri::False),
    };
    let mut facts = f.facts.clone();
    facts.format = 2;
    facts.parties.insert("hospital".to_owned(), entity("cn"));
    facts.parties.insert("university".to_owned(), entity("us"));
    facts.exporter.party = Some("hospital".to_owned());
    facts.exporter.us_person = None;
    facts.exporter.owned_25pct_by_country_of_concern = None;
    facts.recipient.party = Some("university".to_owned());
    // Declared covered, but a U.S.-organised university is a U.S. person: a contradiction.
    facts.recipient.covered_person = Some(Tri::True);
    facts.recipient.padfa_controlled = None;
    let prior = PriorVolumes::none(facts.date);
    let decision = judge.decide_with_remedies(&facts, &prior).unwrap();
    let report = with_input(f, |input| {
        let mut input = *input;
        input.facts = &facts;
        input.decision = &decision;
        input.after_deid = None;
        Report::build(&input)
    });
    let derived: Vec<(&str, &str, bool)> = report
        .recipient
        .derivations
        .iter()
        .map(|d| (d.fact.as_str(), d.value.as_str(), d.contradiction.is_some()))
        .collect();
    assert_eq!(
        derived,
        [
            ("exporter.us_person", "false", false),
            ("exporter.owned_25pct_by_country_of_concern", "false", false),
            ("recipient.covered_person", "false", true),
            ("recipient.padfa_controlled", "false", false),
        ]
    );
    assert_eq!(report.recipient.facts["covered_person"], "false");
    let us = &report.decision.sides[1];
    let laws: Vec<(&str, &str)> = us
        .laws
        .iter()
        .map(|l| (l.law.as_str(), l.outcome.as_str()))
        .collect();
    assert_eq!(laws, [("dsp", "NOT_COVERED"), ("padfa", "NOT_COVERED")]);
    for (lang, title, contradiction, law) in [
        (
            Lang::En,
            "How the parties' status was derived",
            "contradicts the declaration",
            "28 CFR Part 202 (Data Security Program)",
        ),
        (
            Lang::Zh,
            "当事方身份的推导",
            "与声明相矛盾",
            "28 CFR 第 202 部分（数据安全计划）",
        ),
    ] {
        let html = render_html(&report, lang).unwrap();
        for needle in [title, contradiction, law, "28 CFR 202.256(a)"] {
            assert!(html.contains(needle), "{lang:?}: {needle}");
        }
    }
}

/// Every rule of both packs has its explanation in Chinese (`explain.<id>` in zh.toml): a rule
/// added to a pack without one fails here.
#[test]
fn every_rule_is_explained_in_chinese() {
    use freeport_policy::{Jurisdiction, RulePack};
    let zh: toml::Table = toml::from_str(include_str!("../locales/zh.toml")).unwrap();
    let explain = zh["explain"].as_table().unwrap();
    for jurisdiction in [Jurisdiction::Cn, Jurisdiction::Us] {
        let pack = RulePack::embedded(jurisdiction).unwrap();
        for rule in pack.rules() {
            let text = explain.get(&rule.id).and_then(|v| v.as_str());
            assert!(
                text.is_some_and(|t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))),
                "zh.toml has no Chinese `explain.\"{}\"`",
                rule.id
            );
        }
    }
}

/// The visible text of `html` without what is an identifier in any language: `<code>`,
/// `<pre>`, `.mono` elements, the stylesheet and the tags themselves.
fn prose(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    let mut skip: Vec<&str> = Vec::new();
    while let Some(open) = rest.find('<') {
        if skip.is_empty() {
            text.push_str(&rest[..open]);
        }
        let after = &rest[open..];
        let close = after.find('>').unwrap();
        let tag = &after[1..close];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '>'])
            .next()
            .unwrap_or_default();
        let identifier =
            matches!(name, "code" | "pre" | "style" | "title") || tag.contains("class=\"mono\"");
        if tag.starts_with('/') {
            if skip.last() == Some(&name) {
                skip.pop();
            }
        } else if identifier || (!skip.is_empty() && skip.last() == Some(&name)) {
            skip.push(name);
        }
        text.push(' ');
        rest = &after[close + 1..];
    }
    text.push_str(rest);
    text.replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

/// Runs of three or more Latin words in a row (a word: two letters or more, one of them lower
/// case — `CFR`, `PADFA` and numbers are identifiers, not words), outside CJK text.
fn latin_sentences(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let flush = |run: &mut Vec<&str>, found: &mut Vec<String>| {
        if run.len() >= 3 {
            found.push(run.join(" "));
        }
        run.clear();
    };
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '\'')) {
        if token.is_empty() {
            continue;
        }
        let word = token.chars().filter(char::is_ascii_alphabetic).count() >= 2
            && token.chars().any(|c| c.is_ascii_lowercase())
            && token.chars().all(|c| c.is_ascii_alphabetic() || c == '\'');
        if word {
            run.push(token);
        } else {
            flush(&mut run, &mut found);
        }
    }
    flush(&mut run, &mut found);
    found
}

/// Chinese means Chinese: outside identifiers (`<code>`, `<pre>`, `.mono`) and the names the
/// report quotes (parties, assessor, the exporter's stated purpose, the product's name), the
/// Chinese report holds no Latin-script sentence — rule explanations, the engines' reasons,
/// citations and pack titles included. The English report, checked the same way, is full of
/// them (so the check can fail).
#[test]
fn the_chinese_report_has_no_latin_sentence() {
    let report = report();
    let mut names: Vec<String> = vec![
        report.cover.exporter.name.clone(),
        report.cover.recipient.name.clone(),
        "Free Data Port".to_owned(),
    ];
    names.extend(report.cover.assessor.clone());
    names.extend(report.minimisation.stated_purpose.clone());
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let check = |lang: Lang| {
        let mut text = prose(&render_html(&report, lang).unwrap());
        for name in &names {
            text = text.replace(name.as_str(), " ");
        }
        latin_sentences(&text)
    };
    let zh = check(Lang::Zh);
    assert!(
        zh.is_empty(),
        "Latin sentences in the Chinese report: {zh:#?}"
    );
    assert!(check(Lang::En).len() > 50);
    // The detector itself.
    assert_eq!(
        latin_sentences("依据 28 CFR Part 202 与 PADFA；the recipient must not"),
        ["the recipient must not"]
    );
}

/// The right frame for the direction: a US → China transfer is the US record (28 CFR
/// 202.1101) with China's rules as they apply to the recipient — no PIPIA, no China export
/// volumes, no China retention — in both languages, and Chinese throughout.
#[test]
fn a_us_to_china_transfer_is_framed_by_the_us_record() {
    let us_cn = fixture::UsToChina::build(fixture());
    let report = us_cn.with_input(Report::build);
    assert_eq!(report.frame, freeport_report::Frame::UsExport);
    assert!(
        report.decision.sides[0]
            .mechanisms
            .iter()
            .all(|m| m.id != "pipia")
    );
    let retention: Vec<&str> = report
        .retention
        .iter()
        .map(|r| r.jurisdiction.as_str())
        .collect();
    assert!(!retention.contains(&"cn"), "{retention:?}");
    for (lang, record, not_pipia, recipient_rules, cn_counter) in [
        (
            Lang::En,
            "Record of a transaction under 28 CFR Part 202 (28 CFR 202.1101)",
            "Personal-information protection impact assessment (PIPL",
            "China's rules as they apply to the recipient:",
            "China — personal information",
        ),
        (
            Lang::Zh,
            "28 CFR Part 202 交易记录（28 CFR 202.1101）",
            "个人信息保护影响评估（",
            "中国规则对境内接收方的适用",
            "中国 — 个人信息",
        ),
    ] {
        let html = render_html(&report, lang).unwrap();
        assert!(html.contains(record), "{lang:?}");
        assert!(!html.contains(not_pipia), "{lang:?}");
        assert!(html.contains(recipient_rules), "{lang:?}");
        assert!(!html.contains(cn_counter), "{lang:?}");
    }
    let mut text = prose(&render_html(&report, Lang::Zh).unwrap());
    for name in [
        report.cover.exporter.name.as_str(),
        report.cover.recipient.name.as_str(),
        "Compliance Office <dpo@example.org>",
        "Free Data Port",
    ] {
        text = text.replace(name, " ");
    }
    if let Some(purpose) = &report.minimisation.stated_purpose {
        text = text.replace(purpose.as_str(), " ");
    }
    let latin = latin_sentences(&text);
    assert!(latin.is_empty(), "{latin:#?}");
    insta::assert_snapshot!(
        "report_us_cn_zh_html",
        render_html(&report, Lang::Zh).unwrap()
    );
}

/// Filing content: the PIPIA's items for a China export (answered by a section, or to be
/// completed by a named role), the US record's items where 28 CFR 202 covers the transaction
/// (and not where it does not), the named assessor in the sign-off table.
#[test]
fn filing_items_are_answered_or_to_be_completed_by_someone() {
    let report = report();
    let parts: Vec<&str> = report.filing.iter().map(|p| p.id.as_str()).collect();
    // China: security assessment (no standard contract); US: not covered.
    assert_eq!(parts, ["pipia"]);
    for item in &report.filing[0].items {
        match item.state.as_str() {
            "answered" | "in_place" => assert!(item.at.is_some(), "{item:?}"),
            _ => assert!(item.by.is_some(), "{item:?}"),
        }
    }
    let states = |id: &str| {
        report.filing[0]
            .items
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.state.clone())
            .unwrap()
    };
    assert_eq!(states("rights_channels"), "answered");
    assert_eq!(states("storage_place_and_period"), "to_complete");
    for (lang, to_complete, assessor) in [
        (
            Lang::En,
            "to be completed by the recipient",
            "<td>Compliance Office &lt;dpo@example.org&gt;</td>",
        ),
        (
            Lang::Zh,
            "待出境方（附境外接收方的说明）补充",
            "<td>Compliance Office &lt;dpo@example.org&gt;</td>",
        ),
    ] {
        let html = render_html(&report, lang).unwrap();
        let signoff = html.split("<section id=\"signoff\"").nth(1).unwrap();
        assert!(signoff.contains("data-filing=\"pipia\""), "{lang:?}");
        assert!(!signoff.contains("data-filing=\"us_record\""), "{lang:?}");
        assert!(signoff.contains(assessor), "{lang:?}");
        if lang == Lang::Zh {
            assert!(signoff.contains(to_complete), "{lang:?}");
        } else {
            assert!(signoff.contains("to be completed by"), "{lang:?}");
        }
    }
    // US → China: 28 CFR 202 covers it (exempt under 202.506, records still kept): the US
    // record, no PIPIA.
    let us_cn = fixture::UsToChina::build(fixture()).with_input(Report::build);
    let parts: Vec<&str> = us_cn.filing.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(parts, ["us_record"]);
}

/// A kept report (its JSON) reads back into the same model, and renders to the same bytes in
/// JSON and in both languages; the bound form (log fields empty) plus the log is the report.
#[test]
fn a_kept_report_renders_again_byte_for_byte() {
    use freeport_report::{bound_json, sha256_hex};
    assert!(report().log().is_some(), "the fixture is logged");
    for report in [
        report(),
        fixture::UsToChina::build(fixture()).with_input(Report::build),
    ] {
        let json = render_json(&report).unwrap();
        let again = Report::from_json(&json).unwrap();
        assert_eq!(again, report);
        assert_eq!(render_json(&again).unwrap(), json);
        for lang in [Lang::En, Lang::Zh] {
            assert_eq!(
                render_html(&again, lang).unwrap(),
                render_html(&report, lang).unwrap()
            );
        }
        // The bound form: what the manifest and the log carry the hash of.
        let bound = bound_json(&report).unwrap();
        assert!(bound.contains("\"log\": null") && bound.contains("\"receipt\": null"));
        let kept = Report::from_json(&bound).unwrap();
        assert_eq!(kept.clone().with_log(report.log()), report);
        assert_eq!(kept.log(), None);
        assert_eq!(sha256_hex(bound.as_bytes()).len(), 64);
        assert_eq!(
            sha256_hex(bound.as_bytes()) == sha256_hex(json.as_bytes()),
            report.log().is_none()
        );
    }
}

/// A kept report of another schema, or not a report at all, is refused with a reason.
#[test]
fn a_kept_report_of_another_schema_is_refused() {
    let json = render_json(&report()).unwrap();
    let other = json.replacen(
        &format!("\"schema\": {}", freeport_report::SCHEMA_VERSION),
        "\"schema\": 1",
        1,
    );
    let error = Report::from_json(&other).unwrap_err().to_string();
    assert!(error.contains("schema 1"), "{error}");
    let error = Report::from_json("{}").unwrap_err().to_string();
    assert!(error.contains("cannot be read"), "{error}");
}

#[test]
fn a_project_file_override_is_shown_with_its_justification_in_both_languages() {
    let mut overridden = Fixture::build();
    let dataset = &mut overridden.scan.datasets[0];
    let column = dataset
        .columns
        .iter_mut()
        .find(|c| c.category.is_some())
        .unwrap();
    let name = column.name.clone();
    column.overridden = Some(freeport_scan::project::ColumnOverride {
        was: column.category.clone(),
        becomes: "not_personal_data".to_owned(),
        justification: "Ward codes, not people".to_owned(),
        source: "freeport.toml:7".to_owned(),
    });
    column.category = None;
    let report = with_input(&overridden, Report::build);
    let row = &report.inventory.overrides[..];
    assert_eq!(row.len(), 1, "{row:?}");
    assert_eq!(row[0].column, name);
    assert!(
        render_json(&report)
            .unwrap()
            .contains("Ward codes, not people")
    );
    for (lang, heading, becomes) in [
        (
            Lang::En,
            "Classifications overridden by the project file",
            "not personal data",
        ),
        (Lang::Zh, "项目文件覆盖的分类", "非个人数据"),
    ] {
        let html = render_html(&report, lang).unwrap();
        for text in [
            heading,
            becomes,
            "Ward codes, not people",
            "freeport.toml:7",
        ] {
            assert!(html.contains(text), "{lang:?}: `{text}` missing");
        }
    }
    // Without an override the section is absent, and the JSON has no `overrides` key.
    let plain = report_json_without_overrides();
    assert!(!plain.contains("\"overrides\""));
}

fn report_json_without_overrides() -> String {
    render_json(&report()).unwrap()
}
