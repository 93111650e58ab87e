//! Bad facts files: each is refused with the field named and a span pointing at the value.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions"
)]

use std::path::Path;
use std::sync::OnceLock;

use freeport_policy::{FactsError, FactsFormat, Judge, parse_facts};
use freeport_vocabulary::Vocabulary;

fn judge() -> &'static Judge {
    static JUDGE: OnceLock<Judge> = OnceLock::new();
    JUDGE.get_or_init(|| Judge::embedded(Vocabulary::embedded().unwrap()).unwrap())
}

fn base() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/tests/cn-pi-100000.toml");
    let text = std::fs::read_to_string(path).unwrap();
    text.split("\n[expect]\n").next().unwrap().to_owned() + "\n"
}

fn error(text: &str) -> Box<FactsError> {
    parse_facts("facts.toml", text, FactsFormat::Toml, judge()).unwrap_err()
}

/// The text the error's span covers.
fn spanned<'a>(text: &'a str, error: &FactsError) -> &'a str {
    let span = error.span().expect("a span");
    &text[span.offset()..span.offset() + span.len()]
}

#[test]
fn the_base_file_is_valid() {
    parse_facts("facts.toml", &base(), FactsFormat::Toml, judge()).unwrap();
}

#[test]
fn an_unknown_category_is_named_with_a_suggestion() {
    let text = base().replace("category = \"person.name\"", "category = \"person.nam\"");
    let e = error(&text);
    assert_eq!(e.field(), Some("data.inventory[0].category"));
    assert_eq!(spanned(&text, &e), "\"person.nam\"");
    let help = miette::Diagnostic::help(e.as_ref()).unwrap().to_string();
    assert!(help.contains("`person.name`"), "{help}");
}

#[test]
fn an_unknown_scenario_is_refused_at_its_value() {
    let text = base().replace("scenario = \"other\"", "scenario = \"tourism\"");
    let e = error(&text);
    assert!(e.message().contains("tourism"), "{}", e.message());
    assert_eq!(spanned(&text, &e), "\"tourism\"");
}

#[test]
fn a_missing_fact_is_refused() {
    let text = base().replace("ciio = false\n", "");
    let e = error(&text);
    assert!(
        e.message().contains("missing field `ciio`"),
        "{}",
        e.message()
    );
}

#[test]
fn negative_and_fractional_counts_are_refused() {
    for bad in ["-5", "12.5"] {
        let text = base().replace("individuals = 100_000", &format!("individuals = {bad}"));
        let e = error(&text);
        assert_eq!(spanned(&text, &e), bad, "{}", e.message());
    }
}

/// Before the packs' horizon moved, every transfer dated after 2026-12-31 was refused here
/// (`date` "outside the cn rule pack"). A date is never a facts error now: the judge says per
/// pack whether its review covers it (tests/coverage.rs).
#[test]
fn no_date_is_refused_for_lying_outside_a_pack() {
    for date in ["2027-01-01", "2031-06-30", "2019-01-01"] {
        let text = base().replace("date = \"2026-06-01\"", &format!("date = \"{date}\""));
        parse_facts("facts.toml", &text, FactsFormat::Toml, judge())
            .unwrap_or_else(|e| panic!("{date}: {:?}", miette::Report::new(*e)));
    }
}

#[test]
fn a_bare_toml_date_is_read() {
    let text = base().replace("date = \"2026-06-01\"", "date = 2026-06-01");
    parse_facts("facts.toml", &text, FactsFormat::Toml, judge()).unwrap();
}

#[test]
fn prior_volumes_from_the_wrong_window_are_refused() {
    let text = base()
        + "[prior_volumes.cn]\nsince = \"2025-01-01\"\npi_individuals = 5\nsensitive_pi_individuals = 0\n\n[prior_volumes.us]\nsince = \"2025-06-02\"\ncovered_personal_identifiers = 0\nprecise_geolocation_devices = 0\nbiometric = 0\nhuman_omic = 0\nhuman_genomic = 0\npersonal_health = 0\npersonal_financial = 0\n";
    let e = error(&text);
    assert_eq!(e.field(), Some("prior_volumes.cn.since"));
    assert_eq!(spanned(&text, &e), "\"2025-01-01\"");
    let us = e.others().first().unwrap();
    assert_eq!(us.field(), Some("prior_volumes.us.since"));
    assert!(
        us.message().contains("since 2025-06-01"),
        "{}",
        us.message()
    );
}

#[test]
fn geolocation_needs_devices_and_others_refuse_them() {
    let text = base().replace(
        "category = \"person.name\"",
        "category = \"location.precise\"",
    );
    let e = error(&text);
    assert_eq!(e.field(), Some("data.inventory[0].devices"));
    let text = base().replace("form = \"raw\"", "form = \"raw\"\ndevices = 3");
    let e = error(&text);
    assert_eq!(e.field(), Some("data.inventory[0].devices"));
}

#[test]
fn an_unknown_field_is_refused() {
    let text = base().replace("ciio = false", "ciio = false\ncolour = \"red\"");
    let e = error(&text);
    assert!(e.message().contains("colour"), "{}", e.message());
}

#[test]
fn an_unknown_zone_or_entry_is_refused() {
    let text = base().replace(
        "owned_25pct_by_country_of_concern = false",
        "owned_25pct_by_country_of_concern = false\nftz = { zone = \"tianjin\", listed_entries = [\"tianjin.nope\"] }",
    );
    let e = error(&text);
    assert_eq!(e.field(), Some("exporter.ftz.listed_entries[0]"));
    assert_eq!(spanned(&text, &e), "\"tianjin.nope\"");
}

#[test]
fn json_errors_point_into_the_json() {
    let facts = parse_facts("facts.toml", &base(), FactsFormat::Toml, judge()).unwrap();
    let mut value = serde_json::to_value(&facts).unwrap();
    value["data"]["inventory"][0]["category"] = "nope.nope".into();
    let text = serde_json::to_string_pretty(&value).unwrap();
    let e = parse_facts("facts.json", &text, FactsFormat::Json, judge()).unwrap_err();
    assert_eq!(e.field(), Some("data.inventory[0].category"));
    assert_eq!(spanned(&text, &e), "\"nope.nope\"");
}

#[test]
fn json_and_toml_read_the_same_facts() {
    let facts = parse_facts("facts.toml", &base(), FactsFormat::Toml, judge()).unwrap();
    let text = serde_json::to_string(&facts).unwrap();
    let again = parse_facts("facts.json", &text, FactsFormat::Json, judge()).unwrap();
    assert_eq!(facts, again);
}

#[test]
fn bad_biospecimen_counts_are_refused_at_the_value() {
    let with = |persons: &str| {
        base() + &format!("\n[data.us_biospecimens]\npersons = {persons}\ngenomic = true\n")
    };
    for bad in ["-5", "12.5", "\"many\""] {
        let text = with(bad);
        let e = error(&text);
        assert_eq!(spanned(&text, &e), bad, "{}", e.message());
    }
    // Zero is a number but says nothing: the section must go instead.
    let text = with("0");
    let e = error(&text);
    assert_eq!(e.field(), Some("data.us_biospecimens.persons"));
    assert_eq!(spanned(&text, &e), "0");
    // `genomic` is a yes/no fact like the others.
    let text = base() + "\n[data.us_biospecimens]\npersons = 10\ngenomic = \"maybe\"\n";
    let e = error(&text);
    assert_eq!(spanned(&text, &e), "\"maybe\"", "{}", e.message());
    let text = base() + "\n[data.us_biospecimens]\npersons = 10\n";
    assert!(error(&text).message().contains("genomic"));
}

#[test]
fn the_us_conduct_statement_needs_both_facts_with_tri_values() {
    let text = base() + "\n[us_conduct]\ndirected_by_us_person = true\n";
    let e = error(&text);
    assert!(e.message().contains("evasion"), "{}", e.message());
    let text = base() + "\n[us_conduct]\ndirected_by_us_person = \"maybe\"\nevasion = false\n";
    let e = error(&text);
    assert_eq!(spanned(&text, &e), "\"maybe\"", "{}", e.message());
    let text = base() + "\n[us_conduct]\ndirected_by_us_person = \"unknown\"\nevasion = false\n";
    parse_facts("facts.toml", &text, FactsFormat::Toml, judge()).unwrap();
}

/// Issue 15, item 9: a recipient country `zz` (user-assigned, no country) passed silently.
#[test]
fn an_unassigned_country_code_is_refused_at_its_value() {
    let text = base().replace("country = \"us\"", "country = \"zz\"");
    let e = error(&text);
    assert_eq!(e.field(), Some("recipient.country"));
    assert_eq!(spanned(&text, &e), "\"zz\"");
    assert!(e.message().contains("not an assigned"), "{}", e.message());
}

/// Issue 14, "bad input": dates out of order are refused at the field, with both days named.
#[test]
fn transaction_dates_out_of_order_are_refused_at_the_field() {
    let text = base()
        + "[dates]\ntransaction_started = \"2026-06-01\"\ntransaction_ended = \"2026-05-01\"\nviolation_known = \"2026-04-01\"\n";
    let e = error(&text);
    assert_eq!(e.field(), Some("dates.transaction_ended"));
    assert_eq!(spanned(&text, &e), "\"2026-05-01\"");
    assert!(
        e.message()
            .contains("ends on 2026-05-01 before it starts on 2026-06-01"),
        "{}",
        e.message()
    );
    let known = e.others().first().unwrap();
    assert_eq!(known.field(), Some("dates.violation_known"));
}

/// Each deadline date is a date: anything else is refused at its value.
#[test]
fn a_deadline_date_that_is_not_a_date_is_refused() {
    let text = base() + "[dates]\noffer_rejected = \"last week\"\n";
    let e = error(&text);
    assert!(e.message().contains("a date such as"), "{}", e.message());
}

/// Issue 14 item 8: a category may be listed once per place of collection; twice from the same
/// place is refused at the second entry.
#[test]
fn a_category_twice_from_the_same_place_is_refused() {
    let entry = "\n[[data.inventory]]\ncategory = \"person.name\"\nindividuals = 5\ncollected_in = \"cn\"\nform = \"raw\"\n";
    let text = base() + entry;
    let e = error(&text);
    assert_eq!(e.field(), Some("data.inventory[1].category"));
    assert!(
        e.message()
            .contains("`person.name` collected in `cn` is listed twice"),
        "{}",
        e.message()
    );
    let elsewhere = base() + &entry.replace("\"cn\"", "\"us\"");
    parse_facts("facts.toml", &elsewhere, FactsFormat::Toml, judge()).unwrap();
}
