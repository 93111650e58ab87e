//! The pieces of markup the report and the port's dashboard both show, in one place so the two
//! look and read alike: a status badge, a table head, citations in the reader's language, the
//! deciding rules, a side's mechanisms and obligations, and the due-dates table. Each is a maud
//! template over the report's typed rows and the report's words ([`Locale`]); maud escapes every
//! value, and [`STYLESHEET`] is the CSS they need (inlined into the report, served with the
//! dashboard's stylesheet).

use std::fmt::Write as _;

use freeport_util::fmt::thousands as num;
use freeport_vocabulary::{CnCounter, Counter};
use maud::{Markup, PreEscaped, html};

use crate::locale::{Lang, Locale};
use crate::model::{DueRow, MechanismRow, RuleRef};

/// The CSS of these parts (colours from the page's `--muted`, `--ok`, `--warn` and `--bad`).
pub const STYLESHEET: &str = r".muted{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;border:1px solid currentColor;font-size:12px;font-weight:600;white-space:nowrap}
.ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}
.coverage{border:2px solid currentColor;border-radius:4px;padding:6px 10px;font-weight:600}
td.num{white-space:nowrap}
.volumes{margin:8px 0;padding:0}
.volumes li{list-style:none;margin:0 0 6px}
.volume{display:block;width:100%;max-width:640px;height:auto}
.volume .track{fill:#eef1f4}.volume .prior{fill:#57606a}.volume .transfer{fill:#0969da}
.volume .range{fill:#0969da;fill-opacity:.35}.volume .limit{stroke:var(--bad);stroke-width:2}
.volume text{font-size:11px;fill:var(--ink,#1b1f24)}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.swatch.prior{background:#57606a}.swatch.transfer{background:#0969da}.swatch.range{background:#0969da;opacity:.35}
.swatch.limit{background:var(--bad);width:3px}
";

/// `text` in a coloured badge; `class` is `ok`, `warn` or `bad`.
#[must_use]
pub fn badge(class: &'static str, text: &str) -> Markup {
    html! { span class={ "badge " (class) } { (text) } }
}

/// A table's head row of locale keys; a key ending in `_n` heads a column of numbers.
#[must_use]
pub fn head(l: &Locale, keys: &[&str]) -> Markup {
    html! {
        thead { tr { @for key in keys { th scope="col" class=[key.ends_with("_n").then_some("num")] { (l.get(key)) } } } }
    }
}

/// The badge colour of a mechanism's status.
#[must_use]
pub fn status_class(status: &str) -> &'static str {
    match status {
        "in_place" | "this_report" => "ok",
        "duty" => "warn",
        _ => "bad",
    }
}

/// The rules that decided an outcome, each by id with its citation in the reader's language:
/// `<code>id</code> (citation); …`.
#[must_use]
pub fn rules_cited(l: &Locale, rules: &[RuleRef]) -> Markup {
    html! {
        @for (i, rule) in rules.iter().enumerate() {
            @if i > 0 { "; " }
            code { (rule.id) } " (" (citation(l, &rule.citation)) ")"
        }
    }
}

/// The mechanisms a side needs, by name and id, with their status as a badge.
#[must_use]
pub fn mechanisms(l: &Locale, rows: &[MechanismRow]) -> Markup {
    html! {
        table {
            (head(l, &["col.mechanism", "col.status"]))
            tbody {
                @for m in rows {
                    tr {
                        td { (l.name("mechanism", &m.id)) " " code { (m.id) } }
                        td { (badge(status_class(&m.status), &l.name("status", &m.status))) }
                    }
                }
            }
        }
    }
}

/// A side's obligations as a list, in Chinese when the pack words each one in Chinese (English
/// stands in otherwise); a rule's obligations are joined with ` | ` in the pack.
#[must_use]
pub fn obligations(l: &Locale, english: &[String], chinese: &[String]) -> Markup {
    let worded = match l.lang() {
        Lang::Zh if chinese.len() == english.len() => chinese,
        _ => english,
    };
    html! {
        ul {
            @for o in worded {
                @for part in o.split(" | ") { li { (part.trim()) } }
            }
        }
    }
}

/// Deadlines: the day (or "not known yet"), what is due, how it is counted and where it is
/// written, in the reader's language; a note when any day is approximate.
#[must_use]
pub fn due_table(l: &Locale, due: &[DueRow]) -> Markup {
    html! {
        table {
            (head(l, &["col.due_on", "col.due_what", "col.due_counted", "col.citation"]))
            tbody {
                @for d in due {
                    @let (what, counted) = match l.lang() {
                        Lang::En => (&d.what, &d.counted),
                        Lang::Zh => (&d.what_zh, &d.counted_zh),
                    };
                    tr {
                        td {
                            @match &d.due {
                                Some(day) if d.approximate => {
                                    (l.fill("decision.due_approximate_day", &[("day", day)]))
                                }
                                Some(day) => (day),
                                None => (l.get("decision.due_unknown")),
                            }
                        }
                        td { (what) }
                        td { (counted) }
                        td { (citation(l, &d.citation)) }
                    }
                }
            }
        }
        @if due.iter().any(|d| d.approximate) {
            p.muted { (l.get("decision.due_approximate_note")) }
        }
    }
}

/// A citation as the pack gives it (`PIPL Art. 39; CAC16 Art. 5(4)`), in Chinese for a
/// Chinese reader: each part by its whole-text translation (`citation.*`), else as
/// "law, article, item" with the law's Chinese name (`law_name.*`, `citation_form.*`);
/// parts that are identifiers in any language (`28 CFR 202.401`) stay as they are.
#[must_use]
pub fn citation(l: &Locale, text: &str) -> String {
    if l.lang() == Lang::En {
        return text.to_owned();
    }
    text.split("; ")
        .map(|part| citation_part(l, part.trim()))
        .collect::<Vec<_>>()
        .join("；")
}

fn citation_part(l: &Locale, part: &str) -> String {
    if let Some(whole) = l.try_get(&format!("citation.{part}")) {
        return whole.to_owned();
    }
    let (law, rest) = part.split_once(' ').unwrap_or((part, ""));
    let Some(name) = l.try_get(&format!("law_name.{law}")) else {
        return part.to_owned();
    };
    let article = |n: &str| n.parse::<u32>().ok().map(cn_number);
    if rest.is_empty() {
        return name.to_owned();
    }
    if let Some(range) = rest.strip_prefix("Arts. ")
        && let Some((from, to)) = range.split_once('-')
        && let (Some(from), Some(to)) = (article(from), article(to))
    {
        return l.fill(
            "citation_form.articles",
            &[("law", name), ("from", &from), ("to", &to)],
        );
    }
    if let Some(number) = rest.strip_prefix("Art. ") {
        let (n, item) = match number.split_once('(') {
            Some((n, item)) => (n, item.strip_suffix(')')),
            None => (number, None),
        };
        match (article(n), item.map(article)) {
            (Some(n), None) => {
                return l.fill("citation_form.article", &[("law", name), ("n", &n)]);
            }
            (Some(n), Some(Some(k))) => {
                return l.fill("citation_form.item", &[("law", name), ("n", &n), ("k", &k)]);
            }
            _ => {}
        }
    }
    part.to_owned()
}

/// `n` in Chinese numerals as article numbers are written (1–999; larger stay in digits).
fn cn_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: u32| DIGITS.get(d as usize).copied().unwrap_or_default();
    match n {
        0..=9 => digit(n).to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { digit(n % 10) }),
        20..=99 => format!(
            "{}十{}",
            digit(n / 10),
            if n.is_multiple_of(10) {
                ""
            } else {
                digit(n % 10)
            }
        ),
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", digit(rest)),
                10..=19 => format!("一{}", cn_number(rest)),
                _ => cn_number(rest),
            };
            format!("{}百{tail}", digit(n / 100))
        }
        _ => n.to_string(),
    }
}

/// One counter's row in the volumes chart and table: the window's start, what was sent before
/// inside it, and the transfer's own count as `[low, high]` (the judge's
/// `freeport_policy::CountedVolume`, or the report's row of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeRow {
    /// The counter.
    pub counter: Counter,
    /// First day of its window (`YYYY-MM-DD`).
    pub since: String,
    /// Sent before inside the window (others than this transfer's people).
    pub prior: u64,
    /// The transfer's own count, `[low, high]`.
    pub transfer: [u64; 2],
}

impl From<&freeport_policy::CountedVolume> for VolumeRow {
    fn from(v: &freeport_policy::CountedVolume) -> Self {
        Self {
            counter: v.counter,
            since: v.since.to_string(),
            prior: v.prior,
            transfer: v.transfer,
        }
    }
}

impl VolumeRow {
    fn cumulative(&self) -> [u64; 2] {
        self.transfer.map(|n| self.prior.saturating_add(n))
    }
}

/// `a` or `a–b`.
fn range(r: [u64; 2]) -> String {
    if r[0] == r[1] {
        num(r[0])
    } else {
        format!("{}–{}", num(r[0]), num(r[1]))
    }
}

/// A counter's thresholds in words: what reaching each one asks for, and where it is set.
fn thresholds_text(l: &Locale, counter: Counter) -> String {
    match counter {
        Counter::Cn(CnCounter::PersonalInformation) => {
            l.get("inventory.cn_pi_thresholds").to_owned()
        }
        Counter::Cn(CnCounter::SensitivePersonalInformation) => {
            l.get("inventory.cn_sensitive_thresholds").to_owned()
        }
        Counter::Us(us) => l.fill("inventory.us_threshold", &[("n", &num(us.threshold()))]),
    }
}

/// `China — personal information (not sensitive)`.
fn counter_label(l: &Locale, counter: Counter) -> String {
    format!(
        "{} — {}",
        l.name("jurisdiction", counter.jurisdiction().as_str()),
        l.name("counter", counter.name())
    )
}

/// Cumulative volumes in each counting window against the thresholds that matter: one bar per
/// counter (sent before, this transfer, and the part only known as a range), each threshold as
/// a red line, drawn as SVG on the counter's own scale; then the same numbers as a table.
#[must_use]
pub fn volumes(l: &Locale, rows: &[VolumeRow]) -> Markup {
    html! {
        @if !rows.is_empty() {
            ul.volumes {
                @for row in rows {
                    li {
                        (counter_label(l, row.counter))
                        (volume_bar(l, row))
                    }
                }
            }
            p.muted.legend {
                span.swatch.prior aria-hidden="true" {} (l.get("col.prior_n")) " · "
                span.swatch.transfer aria-hidden="true" {} (l.get("col.transfer_n")) " · "
                span.swatch.range aria-hidden="true" {} (l.get("volumes.range")) " · "
                span.swatch.limit aria-hidden="true" {} (l.get("col.threshold"))
            }
        }
        table {
            (head(l, &[
                "col.counter",
                "col.window_start",
                "col.prior_n",
                "col.transfer_n",
                "col.cumulative_n",
                "col.threshold",
            ]))
            tbody {
                @for row in rows {
                    tr {
                        td { (counter_label(l, row.counter)) }
                        td { time datetime=(row.since) { (row.since) } }
                        td.num { (num(row.prior)) }
                        td.num { (range(row.transfer)) }
                        td.num { (range(row.cumulative())) }
                        td { (thresholds_text(l, row.counter)) }
                    }
                }
            }
        }
    }
}

/// Width and height of one counter's bar, in SVG user units.
const BAR_W: f64 = 640.0;
const BAR_H: f64 = 34.0;

/// One counter's bar: the scale runs from 0 to a tenth beyond the larger of its highest
/// threshold and the cumulative high end, so every threshold and the whole bar show.
fn volume_bar(l: &Locale, row: &VolumeRow) -> Markup {
    let thresholds = row.counter.thresholds();
    let [low, high] = row.cumulative();
    let top = thresholds
        .iter()
        .map(|t| t.value)
        .chain([high, 1])
        .max()
        .unwrap_or(1) as f64
        * 1.1;
    let x = |n: u64| (n as f64 / top * BAR_W).min(BAR_W);
    let (track_y, track_h) = (14.0, 14.0);
    let reached = thresholds.iter().filter(|t| t.reached_by(high)).count();
    let label = l.fill(
        "volumes.bar_label",
        &[
            ("counter", &counter_label(l, row.counter)),
            ("n", &range(row.cumulative())),
            (
                "limits",
                &thresholds
                    .iter()
                    .map(|t| num(t.value))
                    .collect::<Vec<_>>()
                    .join(l.get("list_sep")),
            ),
            ("reached", &reached.to_string()),
        ],
    );
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="volume" viewBox="0 0 {BAR_W} {BAR_H}" role="img" aria-label="{}">"#,
        html!((label)).into_string()
    );
    let _ = write!(
        svg,
        r#"<rect class="track" x="0" y="{track_y}" width="{BAR_W}" height="{track_h}"/>"#
    );
    let parts = [
        ("prior", 0, row.prior),
        ("transfer", row.prior, low),
        ("range", low, high),
    ];
    for (class, from, to) in parts {
        if to > from {
            let _ = write!(
                svg,
                r#"<rect class="{class}" x="{:.1}" y="{track_y}" width="{:.1}" height="{track_h}"/>"#,
                x(from),
                (x(to) - x(from)).max(1.0)
            );
        }
    }
    for t in &thresholds {
        let tx = x(t.value);
        let anchor = if tx > BAR_W * 0.85 { "end" } else { "middle" };
        let sign = if t.inclusive { "≥" } else { ">" };
        let _ = write!(
            svg,
            r#"<line class="limit" x1="{tx:.1}" x2="{tx:.1}" y1="10" y2="{}"/><text x="{tx:.1}" y="9" text-anchor="{anchor}">{sign} {}</text>"#,
            track_y + track_h + 4.0,
            num(t.value)
        );
    }
    svg.push_str("</svg>");
    PreEscaped(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_numbers_in_chinese_numerals() {
        for (n, text) in [
            (1, "一"),
            (10, "十"),
            (13, "十三"),
            (20, "二十"),
            (39, "三十九"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (1259, "1259"),
        ] {
            assert_eq!(cn_number(n), text);
        }
    }

    #[test]
    fn citations_are_chinese_in_a_chinese_report() {
        let zh = Locale::load(Lang::Zh).unwrap();
        let en = Locale::load(Lang::En).unwrap();
        for (english, chinese) in [
            ("PIPL Art. 39", "《个人信息保护法》第三十九条"),
            (
                "CAC16 Art. 5(4); NDSMR Art. 35(4)",
                "《促进和规范数据跨境流动规定》第五条第四项；《网络数据安全管理条例》第三十五条第四项",
            ),
            (
                "CAC16 Art. 8; CAC13",
                "《促进和规范数据跨境流动规定》第八条；《个人信息出境标准合同办法》",
            ),
            ("CAC20 Arts. 1-3", "《个人信息出境认证办法》第一条至第三条"),
            (
                "28 CFR 202.401(a); 28 CFR 202.1001",
                "28 CFR 202.401(a)；28 CFR 202.1001",
            ),
            (
                "CSL Art. 37 (Art. 39 as amended, from 2026-01-01)",
                "《网络安全法》第三十七条（2026年1月1日起施行的修正文本为第三十九条）",
            ),
        ] {
            assert_eq!(citation(&zh, english), chinese);
            assert_eq!(citation(&en, english), english);
        }
        assert!(zh.missing().is_empty(), "{:?}", zh.missing());
    }

    #[test]
    fn values_are_escaped() {
        let en = Locale::load(Lang::En).unwrap();
        let rules = [RuleRef {
            id: "<script>".to_owned(),
            citation: "a & \"b\"".to_owned(),
        }];
        assert_eq!(
            rules_cited(&en, &rules).into_string(),
            "<code>&lt;script&gt;</code> (a &amp; &quot;b&quot;)"
        );
        assert_eq!(
            badge("ok", "<b>").into_string(),
            "<span class=\"badge ok\">&lt;b&gt;</span>"
        );
    }

    #[test]
    fn obligations_fall_back_to_english_when_the_chinese_is_incomplete() {
        let zh = Locale::load(Lang::Zh).unwrap();
        let english = ["keep records | file within 10 days".to_owned()];
        assert_eq!(
            obligations(&zh, &english, &[]).into_string(),
            "<ul><li>keep records</li><li>file within 10 days</li></ul>"
        );
        assert_eq!(
            obligations(&zh, &english, &["保存记录".to_owned()]).into_string(),
            "<ul><li>保存记录</li></ul>"
        );
    }

    fn row(counter: Counter, prior: u64, transfer: [u64; 2]) -> VolumeRow {
        VolumeRow {
            counter,
            since: "2026-01-01".to_owned(),
            prior,
            transfer,
        }
    }

    #[test]
    fn numbers_and_ranges_read_alike_in_both_languages() {
        assert_eq!(range([3, 3]), "3");
        assert_eq!(range([3, 5]), "3–5");
        assert_eq!(range([1_000, 25_000]), "1,000–25,000");
    }

    #[test]
    fn a_bar_draws_each_part_and_each_threshold_on_its_own_scale() {
        let en = Locale::load(Lang::En).unwrap();
        let pi = Counter::Cn(CnCounter::PersonalInformation);
        let svg = volume_bar(&en, &row(pi, 40_000, [50_000, 70_000])).into_string();
        for class in ["track", "prior", "transfer", "range"] {
            assert_eq!(
                svg.matches(&format!(r#"class="{class}""#)).count(),
                1,
                "{svg}"
            );
        }
        // Both of China's thresholds on this counter, "at or over".
        assert_eq!(svg.matches(r#"class="limit""#).count(), 2);
        assert!(
            svg.contains("≥ 100,000") && svg.contains("≥ 1,000,000"),
            "{svg}"
        );
        // The aria label says how many are reached (110,000 at the high end: one).
        assert!(svg.contains("1 reached"), "{svg}");
        // Known exactly and nothing before: no range, no prior.
        let exact = volume_bar(&en, &row(pi, 0, [5, 5])).into_string();
        assert!(!exact.contains(r#"class="range""#) && !exact.contains(r#"class="prior""#));
        // A US threshold is "more than", and a count over every threshold stays in the box.
        let us = Counter::Us(freeport_vocabulary::UsCounter::HumanGenomic);
        let over = volume_bar(&en, &row(us, 0, [5_000, 5_000])).into_string();
        assert!(over.contains("> 100</text>"), "{over}");
        for width in over
            .split("width=\"")
            .skip(2)
            .filter_map(|w| w.split('"').next())
        {
            let w: f64 = width.parse().unwrap();
            assert!(w <= BAR_W, "{over}");
        }
    }

    #[test]
    fn the_volumes_table_is_in_the_reader_s_language_with_its_numbers() {
        let zh = Locale::load(Lang::Zh).unwrap();
        let rows = [row(
            Counter::Cn(CnCounter::SensitivePersonalInformation),
            9_000,
            [500, 1_500],
        )];
        let html = volumes(&zh, &rows).into_string();
        assert!(html.contains("中国 — 敏感个人信息"), "{html}");
        assert!(html.contains("9,500–10,500"), "{html}");
        assert!(html.contains(r#"<time datetime="2026-01-01">"#), "{html}");
        assert!(html.contains(r#"th scope="col""#), "{html}");
        // Nothing to draw: the table alone, no empty list.
        let none = volumes(&zh, &[]).into_string();
        assert!(!none.contains("<ul") && none.contains("<table"));
    }
}
