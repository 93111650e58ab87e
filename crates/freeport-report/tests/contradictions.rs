//! No contradictions (issue 17): a table of decisions where the cover's banner and the
//! sections could disagree. Each is read by `Summary::of` — the one function the report uses —
//! rendered in both languages, and the page is checked for the contradictions that used to
//! appear: "the obligations below apply" above sides with none, the PIPIA listed as "to be
//! done" inside the PIPIA, and "no mechanism is required" beside a prohibition.

#![expect(
    clippy::unwrap_used,
    reason = "the shared fixture builder unwraps engine calls"
)]

#[expect(
    dead_code,
    reason = "the shared fixture also builds a US → China transfer this suite does not use"
)]
mod fixture;

use std::sync::OnceLock;

use fixture::{Fixture, with_input};
use freeport_policy::Coverage;
use freeport_report::{
    Lang, MechanismRow, Report, SideReport, SideState, Summary, Verdict, mechanism_status,
    render_html,
};

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(Fixture::build)
}

fn side(
    jurisdiction: &str,
    outcome: &str,
    blocking: bool,
    mechanisms: &[(&str, &str)],
    obligations: &[&str],
) -> SideReport {
    SideReport {
        jurisdiction: jurisdiction.to_owned(),
        outcome: outcome.to_owned(),
        coverage: Coverage::Reviewed,
        blocking,
        mechanisms: mechanisms
            .iter()
            // As `Report::build` reads the judge's statuses (the fixture's report is a PIPIA).
            .map(|(id, status)| MechanismRow {
                id: (*id).to_owned(),
                status: mechanism_status(id, status, true).to_owned(),
            })
            .collect(),
        obligations: obligations.iter().map(|o| (*o).to_owned()).collect(),
        obligations_zh: obligations.iter().map(|o| format!("（{o}）")).collect(),
        decided_by: Vec::new(),
        laws: Vec::new(),
        due: Vec::new(),
    }
}

/// The side boxes of the decision section, China first.
fn boxes(html: &str) -> Vec<&str> {
    let decision = html
        .split("<section id=\"decision\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap();
    decision
        .split("<div class=\"side\">")
        .skip(1)
        .map(|b| b.split("</div>").next().unwrap())
        .collect()
}

struct Words {
    lang: Lang,
    blocked: &'static str,
    obligations_apply: &'static str,
    clear: &'static str,
    no_mechanism_required: &'static str,
    no_obligation: &'static str,
    to_do: &'static str,
    this_report: &'static str,
}

const WORDS: [Words; 2] = [
    Words {
        lang: Lang::En,
        blocked: "The transfer may not go ahead as described",
        obligations_apply: "the mechanisms and obligations below apply",
        clear: "neither country's rules ask anything of it",
        no_mechanism_required: "No mechanism is required.",
        no_obligation: "No obligation follows.",
        to_do: "to be done",
        this_report: "this report (complete once signed)",
    },
    Words {
        lang: Lang::Zh,
        blocked: "按所述方式，该传输不得进行",
        obligations_apply: "须具备下列机制并履行下列义务",
        clear: "两国规则均未提出任何要求",
        no_mechanism_required: "无需任何机制。",
        no_obligation: "无后续义务。",
        to_do: "待履行",
        this_report: "即本报告（签署后完成）",
    },
];

#[test]
fn banners_and_sections_are_read_from_one_summary() {
    let pipia_duties = [("notice_and_separate_consent", "duty"), ("pipia", "duty")];
    let cases: Vec<(&str, SideReport, SideReport, Verdict)> = vec![
        (
            "both sides clear",
            side("cn", "EXEMPT", false, &[], &[]),
            side("us", "NOT_COVERED", false, &[], &[]),
            Verdict::Clear,
        ),
        (
            "exempt from filing, duties remain (the report is the PIPIA)",
            side(
                "cn",
                "EXEMPT",
                false,
                &pipia_duties,
                &["tell each individual"],
            ),
            side("us", "NOT_COVERED", false, &[], &[]),
            Verdict::ObligationsApply,
        ),
        (
            "US prohibited until CISA, no mechanism row",
            side("cn", "EXEMPT", false, &[], &[]),
            side(
                "us",
                "PROHIBITED",
                true,
                &[],
                &["do not proceed until the CISA security requirements are implemented"],
            ),
            Verdict::Blocked,
        ),
        (
            "US prohibited, nothing worded",
            side("cn", "EXEMPT", false, &[], &[]),
            side("us", "PROHIBITED", true, &[], &[]),
            Verdict::Blocked,
        ),
        (
            "China security assessment missing",
            side(
                "cn",
                "SECURITY_ASSESSMENT",
                true,
                &[("cac_security_assessment", "missing"), ("pipia", "duty")],
                &["declare a security assessment"],
            ),
            side("us", "NOT_COVERED", false, &[], &[]),
            Verdict::Blocked,
        ),
        (
            "mechanisms in place on both sides",
            side(
                "cn",
                "STANDARD_CONTRACT_OR_CERTIFICATION",
                false,
                &[("standard_contract_or_certification", "in_place")],
                &[],
            ),
            side(
                "us",
                "RESTRICTED",
                false,
                &[("cisa_security_requirements", "in_place")],
                &["commission an annual independent audit"],
            ),
            Verdict::ObligationsApply,
        ),
    ];
    let base = with_input(fixture(), Report::build);
    for (name, cn, us, verdict) in cases {
        let mut report = base.clone();
        report.decision.sides = vec![cn, us];
        report.summary = Summary::of(&report.decision.sides);
        assert_eq!(report.summary.verdict, verdict, "{name}");
        for words in &WORDS {
            let html = render_html(&report, words.lang).unwrap();
            let at = |needle: &str| html.contains(needle);
            let cover = html.split("<nav>").next().unwrap();
            // The banner says exactly one thing, and it is the summary's.
            let said: Vec<bool> = [words.blocked, words.obligations_apply, words.clear]
                .iter()
                .map(|w| cover.contains(w))
                .collect();
            let expected = match verdict {
                Verdict::Blocked => [true, false, false],
                Verdict::ObligationsApply => [false, true, false],
                Verdict::Clear => [false, false, true],
            };
            assert_eq!(said, expected, "{name} {:?}", words.lang);
            let boxes = boxes(&html);
            assert_eq!(boxes.len(), 2, "{name}");
            for (b, side) in boxes.iter().zip(&report.decision.sides) {
                let state = report.summary.side(&side.jurisdiction);
                let asks = b.contains("<li>") || b.contains("<tbody>");
                match state {
                    // A blocked side never says nothing is required of it.
                    SideState::Blocked => {
                        assert!(!b.contains(words.no_mechanism_required), "{name}: {b}");
                        assert!(!b.contains(words.no_obligation), "{name}: {b}");
                        assert!(b.contains("badge bad"), "{name}");
                    }
                    SideState::ObligationsApply => assert!(asks, "{name}: {b}"),
                    SideState::Clear => {
                        assert!(!asks, "{name}: {b}");
                        assert!(b.contains(words.no_mechanism_required), "{name}");
                        assert!(b.contains(words.no_obligation), "{name}");
                    }
                }
            }
            // "Obligations below apply" only above a side that lists some.
            if verdict == Verdict::ObligationsApply {
                assert!(
                    boxes
                        .iter()
                        .any(|b| b.contains("<li>") || b.contains("<tbody>")),
                    "{name}"
                );
            }
            // The PIPIA is never "to be done" inside the report that is the PIPIA.
            if at("<code>pipia</code>") {
                let row = html
                    .split("<code>pipia</code>")
                    .nth(1)
                    .and_then(|s| s.split("</tr>").next())
                    .unwrap();
                assert!(!row.contains(words.to_do), "{name}: {row}");
                assert!(row.contains(words.this_report), "{name}: {row}");
            }
        }
    }
}

/// On the real fixture (China: security assessment with the PIPIA among its duties): the PIPIA
/// is this report in the decision and no open duty in the risk register; the cover's
/// `blocking` and the summary agree.
#[test]
fn the_pipia_is_this_report_everywhere() {
    let report = with_input(fixture(), Report::build);
    let cn = &report.decision.sides[0];
    let pipia = cn.mechanisms.iter().find(|m| m.id == "pipia").unwrap();
    assert_eq!(pipia.status, "this_report");
    for risk in &report.risks {
        let json = serde_json::to_string(&risk.cause).unwrap();
        assert!(!json.contains("\"pipia\""), "{json}");
    }
    assert_eq!(
        report.cover.blocking,
        report.summary.verdict == Verdict::Blocked
    );
}
