//! The data-driven test vectors (`tests/vectors.toml`): parts with cited datasheet figures and
//! edge cases at every threshold, each checked against its expected answers.

use std::path::Path;

use freeport_chips::{ChipSpec, ChipsPack, Query, classify};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    as_of: String,
    #[serde(default)]
    spec: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    destination: Option<String>,
    #[serde(default)]
    end_user_hq: Option<String>,
    #[serde(default)]
    eccn: Option<String>,
    #[serde(default)]
    tpp: Option<String>,
    #[serde(default)]
    pd: Option<String>,
    #[serde(default)]
    classify: Option<String>,
    #[serde(default)]
    z_item: Option<String>,
    #[serde(default)]
    nac_aca: Option<String>,
    #[serde(default)]
    exception: Option<String>,
    #[serde(default)]
    licence: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Vectors {
    case: Vec<Case>,
}

#[test]
fn every_vector_gives_its_expected_answers() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let vectors: Vectors =
        toml::from_str(&std::fs::read_to_string(dir.join("vectors.toml")).unwrap()).unwrap();
    let pack = ChipsPack::embedded().unwrap();
    let mut failures = Vec::new();
    for case in &vectors.case {
        let text = match (&case.spec, &case.text) {
            (Some(path), None) => std::fs::read_to_string(dir.join(path)).unwrap(),
            (None, Some(text)) => text.clone(),
            _ => panic!("{}: give `spec` or `text`", case.name),
        };
        let spec =
            ChipSpec::parse(&case.name, &text).unwrap_or_else(|e| panic!("{}: {e:?}", case.name));
        let query = Query {
            as_of: case.as_of.parse().unwrap(),
            destination: case.destination.clone(),
            end_user_hq: case.end_user_hq.clone(),
        };
        let result =
            classify(&pack, &spec, &query).unwrap_or_else(|e| panic!("{}: {e:?}", case.name));
        let mut check = |what: &str, expected: &Option<String>, actual: Option<String>| {
            if let Some(expected) = expected
                && actual.as_deref() != Some(expected.as_str())
            {
                failures.push(format!(
                    "{}: {what} expected `{expected}`, got `{}`",
                    case.name,
                    actual.unwrap_or_else(|| "(none)".into())
                ));
            }
        };
        check("eccn", &case.eccn, Some(result.eccn.clone()));
        let measure = |q: freeport_chips::pack::Quantity| {
            result
                .measures
                .iter()
                .find(|m| m.quantity == q)
                .and_then(|m| m.value)
                .map(|v| v.display(4))
        };
        check(
            "tpp",
            &case.tpp,
            measure(freeport_chips::pack::Quantity::Tpp),
        );
        check("pd", &case.pd, measure(freeport_chips::pack::Quantity::Pd));
        for (question, expected) in [
            ("classify", &case.classify),
            ("z_item", &case.z_item),
            ("nac_aca", &case.nac_aca),
            ("exception", &case.exception),
            ("licence", &case.licence),
        ] {
            let actual = result.answer(question).map(|a| match a.definite() {
                Some(o) => o.to_owned(),
                None => format!(
                    "conditional: {:?}",
                    a.cases
                        .iter()
                        .map(|c| (&c.outcome, &c.when))
                        .collect::<Vec<_>>()
                ),
            });
            check(question, expected, actual);
        }
        // Every answer cites its rules, and every compared threshold its provision.
        for answer in &result.answers {
            assert!(
                answer
                    .cases
                    .iter()
                    .all(|c| c.rules.iter().all(|r| !r.citation.is_empty())),
                "{}",
                case.name
            );
        }
        assert!(
            result
                .comparisons
                .iter()
                .all(|c| !c.citation.is_empty() && !c.source.is_empty())
        );
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(vectors.case.len() >= 50);
}
