//! `/statistics` (issue 18 items 4 and 5): decisions over time and the ages of open review cases,
//! drawn as server-rendered SVG (no script, no chart library, prints as it shows), each chart
//! followed by the same numbers as a table for screen readers and for copying.
//!
//! Dates are jiff's. Every signed-in person sees the statistics of what they may see, because the numbers come from
//! the same [`Port::filings`] and [`Port::cases`] calls as their other pages: an exporter its
//! organisation's filings, a reviewer its side's, an auditor all. Below them, for a port that
//! hosts a joint-statistics aggregator, its study registry ([`Port::study_approvals`]): each
//! approved study, by whom, its SHA-256 and its log entry.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_port::port::stats::StudyApprovalView;
use freeport_port::port::{CaseView, FilingSummary};
use freeport_report::Lang;
use freeport_store::docket::{CaseStatus, FilingStatus};
use maud::{Markup, PreEscaped, html};

use super::i18n::t;
use super::{Context, LangSwitch, Web};

/// Weeks shown in the decisions chart (the newest that have filings).
const WEEKS: usize = 12;

/// Age buckets of open cases, in days: `[0, 1)`, `[1, 3)`, … and the last one open-ended.
const AGE_BUCKETS: [(u64, &str); 5] = [
    (1, "stats.age.under_1d"),
    (3, "stats.age.1_3d"),
    (7, "stats.age.3_7d"),
    (14, "stats.age.7_14d"),
    (u64::MAX, "stats.age.over_14d"),
];

/// The three outcomes counted per week, in drawing order, with their colour classes.
const SERIES: [(FilingStatus, &str); 3] = [
    (FilingStatus::Cleared, "cleared"),
    (FilingStatus::InReview, "in_review"),
    (FilingStatus::Refused, "refused"),
];

pub(super) async fn statistics(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, "/statistics");
    let Some(who) = context.who.clone() else {
        return super::redirect("/login");
    };
    let port = Arc::clone(&web.port);
    let loaded = crate::port_call(move || {
        let filings = port.filings(&who)?;
        let cases = if who.role == freeport_store::docket::Role::Exporter {
            Vec::new()
        } else {
            port.cases(&who, Some(CaseStatus::Open))?
        };
        let studies = port.study_approvals(&who)?;
        Ok((filings, cases, studies))
    })
    .await;
    let now = jiff::Timestamp::now().as_second();
    match loaded {
        Ok((filings, cases, studies)) => context.page(
            StatusCode::OK,
            t(context.lang, "stats.title"),
            html! {
                (page(context.lang, &filings, &cases, now))
                (study_registry(context.lang, &studies))
            },
        ),
        Err(e) => context.error(&e),
    }
}

/// Unix seconds of an RFC 3339 timestamp (`2026-12-07T09:18:22Z`).
fn seconds(at: &str) -> Option<i64> {
    at.parse::<jiff::Timestamp>()
        .ok()
        .map(jiff::Timestamp::as_second)
}

/// The Monday (`YYYY-MM-DD`, UTC) of the ISO week holding Unix second `at`.
fn week_of(at: i64) -> String {
    let Ok(day) =
        jiff::Timestamp::from_second(at).map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
    else {
        return String::new();
    };
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(jiff::Span::new().days(back))
        .map_or_else(|_| day.to_string(), |monday| monday.to_string())
}

/// Filings per week and outcome, the newest [`WEEKS`] weeks that have any, oldest first.
fn per_week(filings: &[FilingSummary]) -> Vec<(String, [u64; 3])> {
    let mut weeks: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    for f in filings {
        let Some(at) = seconds(&f.filed_at) else {
            continue;
        };
        let slot = weeks.entry(week_of(at)).or_default();
        if let Some(i) = SERIES.iter().position(|(s, _)| *s == f.status) {
            slot[i] += 1;
        }
    }
    let skip = weeks.len().saturating_sub(WEEKS);
    weeks.into_iter().skip(skip).collect()
}

/// Open cases per side and age bucket; the age counts from the filing.
fn queue_ages(
    cases: &[CaseView],
    filings: &[FilingSummary],
    now: i64,
) -> BTreeMap<String, [u64; 5]> {
    let filed: BTreeMap<&str, i64> = filings
        .iter()
        .filter_map(|f| Some((f.id.as_str(), seconds(&f.filed_at)?)))
        .collect();
    let mut ages: BTreeMap<String, [u64; 5]> = BTreeMap::new();
    for case in cases.iter().filter(|c| c.status == CaseStatus::Open) {
        let Some(at) = filed.get(case.filing.as_str()) else {
            continue;
        };
        let days = u64::try_from((now - at).max(0) / 86_400).unwrap_or(0);
        let bucket = AGE_BUCKETS
            .iter()
            .position(|(limit, _)| days < *limit)
            .unwrap_or(AGE_BUCKETS.len() - 1);
        if let Some(slot) = ages.entry(case.side.clone()).or_default().get_mut(bucket) {
            *slot += 1;
        }
    }
    ages
}

/// Chart geometry.
const WIDTH: u32 = 720;
const HEIGHT: u32 = 240;
const LEFT: u32 = 48;
const BOTTOM: u32 = 36;
const TOP: u32 = 12;

/// A stacked bar chart: one bar per label, its parts in `classes` order, with a y axis of round
/// ticks. `title` labels the figure for assistive technology.
fn bar_chart(title: &str, bars: &[(String, Vec<u64>)], classes: &[&str]) -> Markup {
    let max = bars
        .iter()
        .map(|(_, parts)| parts.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let step = nice_step(max);
    let top_value = max.div_ceil(step) * step;
    let plot_h = f64::from(HEIGHT - BOTTOM - TOP);
    let plot_w = f64::from(WIDTH - LEFT - 8);
    let slot = plot_w / bars.len().max(1) as f64;
    let y = |v: u64| f64::from(HEIGHT - BOTTOM) - plot_h * v as f64 / top_value as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        maud::html!((title)).into_string()
    );
    let mut tick = 0;
    while tick <= top_value {
        let ty = y(tick);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{WIDTH}" y1="{ty:.1}" y2="{ty:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{tick}</text>"#,
            LEFT - 6,
            ty + 4.0
        );
        tick += step;
    }
    for (i, (label, parts)) in bars.iter().enumerate() {
        let w = (slot * 0.7).min(56.0);
        let x = f64::from(LEFT) + slot * i as f64 + (slot - w) / 2.0;
        let mut base = 0;
        for (value, class) in parts.iter().zip(classes) {
            if *value == 0 {
                continue;
            }
            let (y0, y1) = (y(base), y(base + value));
            let _ = write!(
                svg,
                r#"<rect class="{class}" x="{x:.1}" y="{y1:.1}" width="{w:.1}" height="{:.1}"/>"#,
                y0 - y1
            );
            base += value;
        }
        let _ = write!(
            svg,
            r#"<text class="label" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            x + w / 2.0,
            HEIGHT - BOTTOM + 16,
            maud::html!((label)).into_string()
        );
    }
    svg.push_str("</svg>");
    PreEscaped(svg)
}

/// A round tick step (1, 2, 5 × 10ⁿ) giving at most about five ticks up to `max`.
fn nice_step(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if max.div_ceil(step * factor) <= 5 {
                return step * factor;
            }
        }
        step *= 10;
    }
}

fn legend(lang: Lang, items: &[(&str, &'static str)]) -> Markup {
    html! {
        ul.legend {
            @for (class, key) in items {
                li { span class={ "swatch " (class) } aria-hidden="true" {} " " (t(lang, key)) }
            }
        }
    }
}

fn page(lang: Lang, filings: &[FilingSummary], cases: &[CaseView], now: i64) -> Markup {
    let weeks = per_week(filings);
    let series_keys = ["status.cleared", "status.in_review", "status.refused"];
    let bars: Vec<(String, Vec<u64>)> = weeks
        .iter()
        .map(|(week, counts)| (week.get(5..).unwrap_or(week).to_owned(), counts.to_vec()))
        .collect();
    let classes: Vec<&str> = SERIES.iter().map(|(_, c)| *c).collect();
    let ages = queue_ages(cases, filings, now);
    html! {
        p { (t(lang, "stats.scope")) }
        h2 #decisions { (t(lang, "stats.decisions")) }
        @if weeks.is_empty() {
            p { (t(lang, "stats.none")) }
        } @else {
            figure {
                (bar_chart(t(lang, "stats.decisions"), &bars, &classes))
                figcaption {
                    (legend(lang, &[("cleared", series_keys[0]), ("in_review", series_keys[1]), ("refused", series_keys[2])]))
                }
            }
            table {
                thead { tr {
                    th scope="col" { (t(lang, "stats.week")) }
                    @for key in series_keys { th scope="col" { (t(lang, key)) } }
                } }
                tbody {
                    @for (week, counts) in &weeks {
                        tr { th scope="row" { (week) } @for n in counts { td.num { (n) } } }
                    }
                }
            }
        }
        @if !ages.is_empty() {
            h2 #queue { (t(lang, "stats.queue")) }
            @for (side, counts) in &ages {
                @let side_name = t(lang, if side == "cn" { "side.cn" } else { "side.us" });
                @let bars: Vec<(String, Vec<u64>)> = AGE_BUCKETS
                    .iter()
                    .zip(counts)
                    .map(|((_, key), n)| (t(lang, key).to_owned(), vec![*n]))
                    .collect();
                figure {
                    (bar_chart(&format!("{} · {side_name}", t(lang, "stats.queue")), &bars, &["in_review"]))
                    figcaption { (side_name) }
                }
                table {
                    thead { tr {
                        th scope="col" { (side_name) }
                        @for (_, key) in AGE_BUCKETS { th scope="col" { (t(lang, key)) } }
                    } }
                    tbody { tr { th scope="row" { (t(lang, "stats.open_cases")) } @for n in counts { td.num { (n) } } } }
                }
            }
        }
    }
}

/// The study registry of the aggregator the port hosts; nothing when it has approved none.
fn study_registry(lang: Lang, studies: &[StudyApprovalView]) -> Markup {
    html! {
        @if !studies.is_empty() {
            h2 #studies { (t(lang, "stats.studies")) }
            table {
                thead { tr {
                    @for key in ["stats.study", "stats.study_sha256", "stats.aggregator", "stats.approved_by", "stats.approved_at", "stats.log_entry"] {
                        th scope="col" { (t(lang, key)) }
                    }
                } }
                tbody {
                    @for s in studies {
                        tr {
                            th scope="row" { (s.study_id) }
                            td { code { (s.study_sha256) } }
                            td { (t(lang, if s.country == "cn" { "side.cn" } else { "side.us" })) }
                            td { (s.approved_by) }
                            td { (s.approved_at) }
                            td.num { @match s.log_index { Some(i) => (i), None => (t(lang, "stats.queued")) } }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filing(id: &str, at: &str, status: FilingStatus) -> FilingSummary {
        FilingSummary {
            id: id.into(),
            organisation: "acme".into(),
            filed_at: at.into(),
            status,
        }
    }

    #[test]
    fn dates_round_trip_and_weeks_start_on_monday() {
        assert_eq!(seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(seconds("2026-12-07T09:18:22Z"), Some(1_796_635_102));
        assert_eq!(seconds("garbage"), None);
        // 2026-12-07 is a Monday; 2026-12-13 the Sunday of the same week.
        let monday = seconds("2026-12-07T00:00:00Z").unwrap();
        assert_eq!(week_of(monday), "2026-12-07");
        assert_eq!(week_of(monday + 6 * 86_400 + 86_399), "2026-12-07");
        assert_eq!(week_of(monday + 7 * 86_400), "2026-12-14");
        assert_eq!(
            week_of(seconds("2024-03-01T00:00:00Z").unwrap()),
            "2024-02-26"
        );
    }

    #[test]
    fn filings_are_counted_per_week_and_outcome_and_cases_by_age() {
        let filings = [
            filing("a", "2026-11-30T10:00:00Z", FilingStatus::Cleared),
            filing("b", "2026-12-01T10:00:00Z", FilingStatus::Refused),
            filing("c", "2026-12-07T10:00:00Z", FilingStatus::InReview),
            filing("d", "2026-12-08T10:00:00Z", FilingStatus::InReview),
        ];
        assert_eq!(
            per_week(&filings),
            [
                ("2026-11-30".to_owned(), [1, 0, 1]),
                ("2026-12-07".to_owned(), [0, 2, 0])
            ]
        );
        let case = |filing: &str, side: &str| CaseView {
            filing: filing.into(),
            side: side.into(),
            outcome: "RESTRICTED".into(),
            status: CaseStatus::Open,
            decided_by: None,
            decided_at: None,
            conditions: Vec::new(),
            public_reasons: Vec::new(),
            log_index: None,
            signature: None,
        };
        let now = seconds("2026-12-10T10:00:00Z").unwrap();
        let ages = queue_ages(
            &[case("c", "cn"), case("d", "cn"), case("d", "us")],
            &filings,
            now,
        );
        assert_eq!(ages["cn"], [0, 1, 1, 0, 0]);
        assert_eq!(ages["us"], [0, 1, 0, 0, 0]);
    }

    #[test]
    fn the_study_registry_lists_each_approval_and_only_when_there_is_one() {
        assert_eq!(study_registry(Lang::En, &[]).into_string(), "");
        let approval = |country: &str, log_index| StudyApprovalView {
            study_id: "clinical-2026".into(),
            study_sha256: "d7".repeat(32),
            country: country.into(),
            approved_by: "wang".into(),
            approved_at: "2026-12-07T20:00:00Z".into(),
            log_index,
        };
        let html = study_registry(Lang::En, &[approval("cn", Some(2)), approval("us", None)])
            .into_string();
        assert_eq!(
            html.matches("<tr><th scope=\"row\">clinical-2026</th>")
                .count(),
            2,
            "{html}"
        );
        assert!(html.contains(&"d7".repeat(32)), "{html}");
        assert!(html.contains("<td class=\"num\">2</td>"), "{html}");
        assert!(html.contains(t(Lang::En, "stats.queued")), "{html}");
        assert!(html.contains(t(Lang::En, "side.us")), "{html}");
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_step(1), 1);
        assert_eq!(nice_step(7), 2);
        assert_eq!(nice_step(23), 5);
        assert_eq!(nice_step(180), 50);
        assert_eq!(nice_step(1_000), 200);
    }

    #[test]
    fn a_chart_escapes_its_labels() {
        let svg = bar_chart(
            "t<",
            &[("<b>".to_owned(), vec![1, 2])],
            &["cleared", "refused"],
        )
        .into_string();
        assert!(
            svg.contains("&lt;b&gt;") && svg.contains(r#"aria-label="t&lt;""#),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 2);
    }
}
