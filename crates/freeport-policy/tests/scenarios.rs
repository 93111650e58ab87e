//! The data-driven scenario suite: every `rules/tests/*.toml` is a facts file followed by an
//! `[expect]` section with the outcomes, every rule that fired and, for unknown facts, every
//! case. `check()` is the single entry point; `UPDATE=1 cargo nextest run -p freeport-policy`
//! rewrites the `[expect]` sections from the current packs (review the diff before committing).

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions"
)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use freeport_policy::{FactsFormat, Judge, Jurisdiction, PriorVolumes, parse_facts};
use freeport_vocabulary::Vocabulary;

const EXPECT: &str = "\n[expect]\n";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared vocabulary the suite judges with: the one every release embeds.
fn vocabulary() -> &'static Vocabulary {
    Vocabulary::embedded().unwrap()
}

fn judge() -> &'static Judge {
    static JUDGE: OnceLock<Judge> = OnceLock::new();
    JUDGE.get_or_init(|| Judge::embedded(vocabulary()).unwrap())
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("rules/tests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Judges one scenario and renders its `[expect]` section.
fn expectation(name: &str, facts_text: &str) -> (String, BTreeSet<String>) {
    let judge = judge();
    let facts = parse_facts(name, facts_text, FactsFormat::Toml, judge)
        .unwrap_or_else(|e| panic!("{name}: {:?}", miette::Report::new(*e)));
    let prior = match facts.prior_volumes {
        Some(prior) => prior,
        None => PriorVolumes::none(facts.date),
    };
    let decision = judge.decide(&facts, &prior).unwrap();
    let mut fired = BTreeSet::new();
    let mut out = String::new();
    // Party conclusions derived from the party facts (format 2), and any contradiction with a
    // declared one; a format 1 file declares them all and shows none.
    let derived: Vec<String> = decision
        .conclusions
        .iter()
        .filter(|c| c.derived.is_some())
        .map(|c| {
            let value = serde_json::to_value(c.value).unwrap();
            let basis = serde_json::to_value(c.basis).unwrap();
            format!(
                "{:?}",
                format!("{} = {value} ({})", c.fact, basis.as_str().unwrap())
            )
        })
        .collect();
    if !derived.is_empty() {
        writeln!(out, "conclusions = [{}]", derived.join(", ")).unwrap();
    }
    for c in decision
        .conclusions
        .iter()
        .filter(|c| !c.open_on.is_empty())
    {
        writeln!(
            out,
            "open = {:?}",
            format!("{} on {}", c.fact, c.open_on.join(", "))
        )
        .unwrap();
    }
    for c in decision.contradictions() {
        writeln!(
            out,
            "contradiction = {:?}",
            format!("{}: {}", c.fact, c.contradiction.as_deref().unwrap())
        )
        .unwrap();
    }
    for (side, decision) in [("cn", &decision.cn), ("us", &decision.us)] {
        writeln!(out, "{side} = {:?}", decision.outcome).unwrap();
        if !decision.coverage.is_reviewed() {
            let coverage = serde_json::to_value(decision.coverage).unwrap();
            writeln!(
                out,
                "{side}_coverage = {:?}",
                coverage["status"].as_str().unwrap()
            )
            .unwrap();
        }
        let rules: Vec<String> = decision
            .rules
            .iter()
            .map(|r| format!("{:?}", format!("{} ({:?})", r.id, r.role).to_lowercase()))
            .collect();
        writeln!(out, "{side}_rules = [{}]", rules.join(", ")).unwrap();
        // Each law's own outcome, for a pack that judges several (the US pack: 28 CFR Part 202
        // and PADFA).
        if !decision.laws.is_empty() {
            let laws: Vec<String> = decision
                .laws
                .iter()
                .map(|l| format!("{:?}", format!("{} = {}", l.law, l.outcome)))
                .collect();
            writeln!(out, "{side}_laws = [{}]", laws.join(", ")).unwrap();
        }
        // The deadlines that follow, each with its day (or the event it counts from).
        if !decision.due.is_empty() {
            let due: Vec<String> = decision.due.iter().map(render_due).collect();
            writeln!(out, "{side}_due = [\n  {},\n]", due.join(",\n  ")).unwrap();
        }
        fired.extend(decision.rules.iter().map(|r| r.id.clone()));
    }
    if !decision.cases.is_empty() {
        let cases: Vec<String> = decision
            .cases
            .iter()
            .map(|c| {
                let assume: Vec<String> =
                    c.assume.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!(
                    "{:?}",
                    format!("{} -> {} / {}", assume.join(" "), c.cn, c.us)
                )
            })
            .collect();
        writeln!(out, "cases = [\n  {},\n]", cases.join(",\n  ")).unwrap();
    }
    // Remedies are part of the expectation too, so a change in the search shows up here.
    let with_remedies = judge.decide_with_remedies(&facts, &prior).unwrap();
    let remedies: Vec<String> = with_remedies
        .remedies
        .iter()
        .map(|r| {
            let changes: Vec<String> = r
                .changes
                .iter()
                .map(|c| match c.to {
                    Some(to) => format!("{} {} to {to}", c.action, c.category),
                    None => format!("{} {}", c.action, c.category),
                })
                .collect();
            format!(
                "{:?}",
                format!("{} -> {} / {}", changes.join(" + "), r.cn, r.us)
            )
        })
        .collect();
    if !remedies.is_empty() {
        writeln!(out, "remedies = [\n  {},\n]", remedies.join(",\n  ")).unwrap();
    }
    // Remedies that are not cuts: mechanisms put in place, and the deadlines that then follow.
    let mechanism_remedies: Vec<String> = with_remedies
        .mechanism_remedies
        .iter()
        .map(|r| {
            let due: Vec<String> = r
                .due
                .iter()
                .filter_map(|d| d.due.map(|day| format!("{} by {day}", d.what)))
                .collect();
            format!(
                "{:?}",
                format!(
                    "{} -> {} / {}{}{}",
                    r.mechanisms.join(" + "),
                    r.cn,
                    r.us,
                    if r.still_blocking {
                        " (still blocking)"
                    } else {
                        ""
                    },
                    if due.is_empty() {
                        String::new()
                    } else {
                        format!("; due: {}", due.join(", "))
                    }
                )
            )
        })
        .collect();
    if !mechanism_remedies.is_empty() {
        writeln!(
            out,
            "mechanism_remedies = [\n  {},\n]",
            mechanism_remedies.join(",\n  ")
        )
        .unwrap();
    }
    (out, fired)
}

/// One due date as the expectation shows it: the rule, what is due, the day or the event, and `~` for a day
/// counted in working days without a holiday calendar.
fn render_due(d: &freeport_policy::DueDate) -> String {
    // Every deadline is stated in Chinese too: the duty as the pack words it (`@due_zh`) and how
    // the day is counted, with no English sentence left in either.
    for zh in [&d.what_zh, &d.counted_zh] {
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                && !zh.split(|c: char| !c.is_ascii_alphabetic()).any(|w| {
                    ["the", "of", "after", "before", "within", "days", "given"].contains(&w)
                }),
            "`{}` of rule {} is not worded in Chinese: {zh}",
            d.what,
            d.rule
        );
    }
    let when = match d.due {
        Some(day) => format!("{day}{}", if d.approximate { " ~" } else { "" }),
        None => d.counted.clone(),
    };
    format!("{:?}", format!("{} ({}): {when}", d.rule, d.what))
}

/// Runs every scenario; returns the rule ids that fired in any of them.
fn check() -> BTreeSet<String> {
    let update = std::env::var_os("UPDATE").is_some();
    let mut fired = BTreeSet::new();
    let mut failures = Vec::new();
    let files = scenario_files();
    assert!(files.len() > 50, "the suite lost files: {}", files.len());
    for path in files {
        let name = format!(
            "rules/tests/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let (facts_text, expected) = match text.find(EXPECT) {
            Some(at) => (&text[..=at], Some(&text[at + EXPECT.len()..])),
            None => (text.as_str(), None),
        };
        let (actual, ids) = expectation(&name, facts_text);
        fired.extend(ids);
        if expected != Some(actual.as_str()) {
            if update {
                std::fs::write(&path, format!("{facts_text}{}{actual}", &EXPECT[1..])).unwrap();
            } else {
                failures.push(format!(
                    "{name}\n--- expected\n{}\n--- actual\n{actual}",
                    expected.unwrap_or("(no [expect] section)")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) differ (UPDATE=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
    fired
}

#[test]
fn scenarios_match_their_expectations_and_cover_every_rule() {
    let fired = check();
    let judge = judge();
    let mut never = Vec::new();
    for jurisdiction in [Jurisdiction::Cn, Jurisdiction::Us] {
        for rule in judge.pack(jurisdiction).rules() {
            if !fired.contains(&rule.id) {
                never.push(rule.id.clone());
            }
        }
    }
    assert!(never.is_empty(), "rules no scenario fires: {never:?}");
}

/// The judge leaves out policies whose leading guards are false before Cedar evaluates; on
/// every scenario the decision (outcomes, rules, cases, remedies) is byte-identical to Cedar
/// evaluating every policy.
#[test]
fn the_guard_filter_decides_every_scenario_like_full_evaluation() {
    let judge = judge();
    let full = judge.clone().with_full_evaluation();
    for path in scenario_files() {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let facts_text = text.split(EXPECT).next().unwrap();
        let facts = parse_facts(&name, facts_text, FactsFormat::Toml, judge).unwrap();
        let prior = match facts.prior_volumes {
            Some(prior) => prior,
            None => PriorVolumes::none(facts.date),
        };
        let json = |j: &Judge| {
            serde_json::to_string(&j.decide_with_remedies(&facts, &prior).unwrap()).unwrap()
        };
        assert_eq!(json(judge), json(&full), "{name}");
    }
}
