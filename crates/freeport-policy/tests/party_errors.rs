//! Bad party facts (facts format 2): each is refused with the field named and a span at the
//! value, or — where the law lets the judge go on — judged with the contradiction reported.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::Path;
use std::sync::OnceLock;

use freeport_policy::{Basis, FactsFormat, Judge, PriorVolumes, Tri, parse_facts};
use freeport_vocabulary::Vocabulary;

fn judge() -> &'static Judge {
    static JUDGE: OnceLock<Judge> = OnceLock::new();
    JUDGE.get_or_init(|| Judge::embedded(Vocabulary::embedded().unwrap()).unwrap())
}

/// A format 2 scenario of the suite: a U.S. exporter, a Singapore recipient owned 30 % by the
/// PRC government, 20 % by a Chinese company and 50 % by a Singapore investor.
fn base() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/tests/us-211-aggregate-50.toml");
    let text = std::fs::read_to_string(path).unwrap();
    text.split("\n[expect]\n").next().unwrap().to_owned() + "\n"
}

fn replaced(from: &str, to: &str) -> String {
    let text = base();
    assert!(text.contains(from), "the base file lacks {from:?}");
    text.replacen(from, to, 1)
}

#[test]
fn the_base_file_is_valid() {
    parse_facts("facts.toml", &base(), FactsFormat::Toml, judge()).unwrap();
}

/// Each bad input: the edit, the field the error names, the text its span covers, and a
/// phrase of the message.
#[test]
fn bad_party_facts_are_refused_naming_the_field() {
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "{ party = \"sgco\", percent = 50 }",
            "{ party = \"sgco\", percent = 60 }",
            "parties.recipient.owners",
            "[{ party = \"prc\", percent = 30 }, { party = \"cnco\", percent = 20 }, { party = \"sgco\", percent = 60 }]",
            "110 % in total, more than 100 %",
        ),
        (
            "{ party = \"cnco\", percent = 20 }",
            "{ party = \"nobody\", percent = 20 }",
            "parties.recipient.owners[1].party",
            "\"nobody\"",
            "no party `nobody`",
        ),
        (
            "{ party = \"cnco\", percent = 20 }",
            "{ party = \"cnco\", percent = 0 }",
            "parties.recipient.owners[1].percent",
            "0",
            "not a share above 0",
        ),
        (
            "{ party = \"cnco\", percent = 20 }",
            "{ party = \"cnco\", percent = -20 }",
            "parties.recipient.owners[1].percent",
            "-20",
            "not a share above 0",
        ),
        (
            "{ party = \"cnco\", percent = 20 }",
            "{ party = \"prc\", percent = 20 }",
            "parties.recipient.owners[1].party",
            "\"prc\"",
            "listed twice",
        ),
        (
            "party = \"recipient\"\n",
            "party = \"buyer\"\n",
            "recipient.party",
            "\"buyer\"",
            "no party `buyer`",
        ),
        (
            "organised_in = \"sg\"\nprincipal_place_of_business = \"sg\"\ndesignated = false\nowners",
            "organised_in = \"zz\"\nprincipal_place_of_business = \"sg\"\ndesignated = false\nowners",
            "parties.recipient.organised_in",
            "\"zz\"",
            "not an assigned ISO 3166-1",
        ),
        (
            "kind = \"government\"\nname = \"Government of the PRC\"\ncountry = \"cn\"\n",
            "kind = \"government\"\nname = \"Government of the PRC\"\ncountry = \"cn\"\norganised_in = \"cn\"\n",
            "parties.prc.organised_in",
            "\"cn\"",
            "does not apply to a party of kind `government`",
        ),
        (
            "format = 2\n",
            "format = 1\n",
            "parties",
            "",
            "a format 2 field in a format 1 file",
        ),
        (
            "format = 2\n",
            "format = 3\n",
            "format",
            "3",
            "format `3` is not supported",
        ),
    ];
    for (from, to, field, span, message) in cases {
        let text = replaced(from, to);
        let e = parse_facts("facts.toml", &text, FactsFormat::Toml, judge())
            .expect_err(&format!("{to:?} must be refused"));
        // The error named may be among the related ones (several problems in one file).
        let all: Vec<&freeport_policy::FactsError> =
            std::iter::once(e.as_ref()).chain(e.others()).collect();
        let found = all
            .iter()
            .find(|e| e.field() == Some(*field))
            .unwrap_or_else(|| {
                panic!(
                    "{to:?}: no error at `{field}`: {:?}",
                    all.iter()
                        .map(|e| (e.field(), e.message()))
                        .collect::<Vec<_>>()
                )
            });
        assert!(found.message().contains(message), "{}", found.message());
        if !span.is_empty() {
            let s = found.span().expect("a span");
            assert_eq!(&text[s.offset()..s.offset() + s.len()], *span, "{field}");
        }
    }
}

#[test]
fn ownership_that_loops_is_refused() {
    let text = base().replacen(
        "[parties.cnco]\nkind = \"entity\"\nname = \"Holding Co. (Beijing)\"\norganised_in = \"cn\"\nprincipal_place_of_business = \"cn\"\ndesignated = false\n",
        "[parties.cnco]\nkind = \"entity\"\nname = \"Holding Co. (Beijing)\"\norganised_in = \"cn\"\nprincipal_place_of_business = \"cn\"\ndesignated = false\nowners = [{ party = \"recipient\", percent = 10 }]\n",
        1,
    );
    let e = parse_facts("facts.toml", &text, FactsFormat::Toml, judge()).unwrap_err();
    let all: Vec<_> = std::iter::once(e.as_ref()).chain(e.others()).collect();
    assert!(
        all.iter().any(|e| e.field() == Some("parties.cnco.owners")
            && e.message().contains("owns itself through")),
        "{:?}",
        all.iter().map(|e| e.message()).collect::<Vec<_>>()
    );
}

#[test]
fn a_missing_attribute_is_named_with_the_party() {
    let text = replaced("designated = false\nowners", "owners");
    let e = parse_facts("facts.toml", &text, FactsFormat::Toml, judge()).unwrap_err();
    assert_eq!(e.field(), Some("parties.recipient"));
    assert!(
        e.message().contains("missing `designated`"),
        "{}",
        e.message()
    );
}

#[test]
fn format_2_needs_a_party_or_a_declaration() {
    let text = replaced("party = \"exporter\"\n", "");
    let e = parse_facts("facts.toml", &text, FactsFormat::Toml, judge()).unwrap_err();
    assert_eq!(e.field(), Some("exporter"));
    assert!(e.message().contains("U.S. person"), "{}", e.message());
    // A declaration instead is enough, and is labelled declared.
    let text = replaced(
        "party = \"exporter\"\n",
        "us_person = true\nowned_25pct_by_country_of_concern = false\n",
    );
    let facts = parse_facts("facts.toml", &text, FactsFormat::Toml, judge()).unwrap();
    let decision = judge()
        .decide(&facts, &PriorVolumes::none(facts.date))
        .unwrap();
    let us_person = &decision.conclusions[0];
    assert_eq!(us_person.fact, "exporter.us_person");
    assert_eq!(
        (us_person.value, us_person.basis),
        (Tri::True, Basis::Declared)
    );
    assert!(us_person.derived.is_none() && us_person.reasons.is_empty());
}

/// A person both a U.S. citizen and declared not a U.S. person: the law answers (28 CFR
/// 202.256(a), Example 2), so the judge goes on with the derived value and reports the
/// contradiction in the decision.
#[test]
fn a_declaration_the_party_facts_contradict_is_reported_not_accepted() {
    let text = replaced(
        "[parties.exporter]\nkind = \"entity\"\nname = \"Example Inc.\"\norganised_in = \"us\"\nprincipal_place_of_business = \"us\"\ndesignated = false\n",
        "[parties.exporter]\nkind = \"individual\"\ncitizenships = [\"us\", \"cn\"]\nus_lawful_permanent_resident = false\nus_refugee_or_asylee = false\nprimary_residence = \"cn\"\nlocated_in = \"cn\"\ndesignated = false\n",
    )
    .replacen("party = \"exporter\"\n", "party = \"exporter\"\nus_person = false\n", 1);
    let facts = parse_facts("facts.toml", &text, FactsFormat::Toml, judge()).unwrap();
    let decision = judge()
        .decide(&facts, &PriorVolumes::none(facts.date))
        .unwrap();
    let c = decision.contradictions().next().expect("a contradiction");
    assert_eq!(c.fact, "exporter.us_person");
    assert_eq!(
        (c.value, c.declared, c.derived),
        (Tri::True, Some(Tri::False), Some(Tri::True))
    );
    assert!(
        c.reasons.iter().any(|r| r.text.contains("U.S. citizen")),
        "{:?}",
        c.reasons
    );
    assert_eq!(decision.us.outcome, "RESTRICTED");
}

/// The same facts written as JSON: a bad owner id is refused with the span at the value.
#[test]
fn json_party_errors_point_into_the_json() {
    let value: toml::Value = toml::from_str(&base()).unwrap();
    let mut json = serde_json::to_value(value).unwrap();
    json["parties"]["recipient"]["owners"][1]["party"] = serde_json::json!("nobody");
    let text = serde_json::to_string_pretty(&json).unwrap();
    let e = parse_facts("facts.json", &text, FactsFormat::Json, judge()).unwrap_err();
    assert_eq!(e.field(), Some("parties.recipient.owners[1].party"));
    let span = e.span().unwrap();
    assert_eq!(
        &text[span.offset()..span.offset() + span.len()],
        "\"nobody\""
    );
}
