//! The HTML rendering: one self-contained page (inline CSS; no scripts, fonts, images or links
//! to fetch), a print stylesheet with a page break before each section, and every piece of
//! text escaped. Markup can only be written from `&'static str`, so nothing from the report can
//! reach the page unescaped.

use std::collections::BTreeMap;

use crate::ReportError;
use crate::locale::{Lang, Locale};
use freeport_policy::Coverage;

use crate::model::{
    DeidSummary, DueRow, Frame, MechanismRemedyRow, MechanismRow, Report, RightsChannel,
    RiskFigures, SideReport,
};
use crate::risk::{Level, RiskCause, RiskEntry};
use crate::verdict::{SideState, Verdict};

/// Sections in filing order: `(id, locale key of the heading)`. The browser test checks each
/// `id` is present.
const SECTIONS: [&str; 9] = [
    "cover",
    "decision",
    "inventory",
    "minimisation",
    "recipient",
    "risks",
    "rights",
    "evidence",
    "signoff",
];

/// Renders the report as one HTML page in `lang`.
///
/// # Errors
///
/// [`ReportError::Locale`] if an embedded locale file is malformed (a bug the tests catch).
pub fn render_html(report: &Report, lang: Lang) -> Result<String, ReportError> {
    render_checked(report, lang).map(|(html, _)| html)
}

/// Renders and returns the locale keys that were missing (tests assert there are none).
pub(crate) fn render_checked(
    report: &Report,
    lang: Lang,
) -> Result<(String, std::collections::BTreeSet<String>), ReportError> {
    let locale = Locale::load(lang)?;
    let mut page = Page {
        out: String::with_capacity(64 * 1024),
        l: &locale,
        lang,
        report,
    };
    page.document();
    Ok((page.out, locale.missing()))
}

const CSS: &str = r#"
:root{--ink:#1b1f24;--muted:#57606a;--rule:#d0d7de;--bg-soft:#f6f8fa;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font-size:14px;line-height:1.5}
body.lang-en{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
body.lang-zh{font-family:"Noto Sans CJK SC","Source Han Sans SC","Source Han Sans CN","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei","Noto Sans",system-ui,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px 32px 48px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;margin:32px 0 12px;padding-bottom:4px;border-bottom:2px solid var(--ink)}
h3{font-size:16px;margin:20px 0 8px}
p{margin:6px 0}
code,.mono,pre{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,"Noto Sans Mono CJK SC",monospace;font-size:12px}
td,th,li,p,dd{overflow-wrap:break-word}
.mono,code{overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-all;background:var(--bg-soft);border:1px solid var(--rule);padding:8px;margin:6px 0}
table{border-collapse:collapse;width:100%;margin:8px 0 12px}
th,td{border:1px solid var(--rule);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--bg-soft);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
dl.facts{display:grid;grid-template-columns:minmax(120px,max-content) 1fr;gap:2px 16px;margin:8px 0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
.muted{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;border:1px solid currentColor;font-size:12px;font-weight:600;white-space:nowrap}
.ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}
.coverage{border:2px solid currentColor;border-radius:4px;padding:6px 10px;font-weight:600}
.sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
.side{border:1px solid var(--rule);padding:8px 12px}
.headline{font-size:18px;font-weight:700;margin:8px 0}
nav ol{columns:2;margin:8px 0;padding-left:20px}
.sign td{height:40px}
footer{margin-top:32px;color:var(--muted);font-size:12px}
@page{size:A4;margin:16mm 14mm}
@media print{
body{font-size:10.5pt}
table{font-size:9pt}
main{max-width:none;padding:0}
section{break-before:page}
h2,h3{break-after:avoid}
tr,li,.side,dl.facts{break-inside:avoid}
nav{display:none}
.sides{display:block}
.side{margin-bottom:8px}
a{color:inherit;text-decoration:none}
}
"#;

struct Page<'a> {
    out: String,
    l: &'a Locale,
    lang: Lang,
    report: &'a Report,
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

// `1234567` → `1,234,567` (the same grouping reads in both languages).
use freeport_util::fmt::{thousands as num, thousands_usize as num_usize};

/// A citation as the pack gives it (`PIPL Art. 39; CAC16 Art. 5(4)`), in Chinese for a
/// Chinese report: each part by its whole-text translation (`citation.*`), else as
/// "law, article, item" with the law's Chinese name (`law_name.*`, `citation_form.*`);
/// parts that are identifiers in any language (`28 CFR 202.401`) stay as they are.
fn citation(l: &Locale, lang: Lang, text: &str) -> String {
    if lang == Lang::En {
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

fn ratio(x: f64) -> String {
    format!("{x:.4}")
}

fn range(r: [u64; 2]) -> String {
    if r[0] == r[1] {
        num(r[0])
    } else {
        format!("{}–{}", num(r[0]), num(r[1]))
    }
}

impl Page<'_> {
    // --- markup primitives -------------------------------------------------------------

    fn raw(&mut self, markup: &'static str) {
        self.out.push_str(markup);
    }

    fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text);
    }

    /// `<tag class="class">text</tag>`.
    fn el(&mut self, tag: &'static str, class: &'static str, text: &str) {
        self.out.push('<');
        self.out.push_str(tag);
        if !class.is_empty() {
            self.out.push_str(" class=\"");
            self.out.push_str(class);
            self.out.push('"');
        }
        self.out.push('>');
        self.text(text);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    fn t(&self, key: &str) -> String {
        self.l.get(key).to_owned()
    }

    /// A translated id with a fallback to the id itself (packs may add ids before the locale
    /// files name them).
    fn name(&self, prefix: &str, id: &str) -> String {
        self.l
            .try_get(&format!("{prefix}.{id}"))
            .map_or_else(|| id.to_owned(), str::to_owned)
    }

    fn citation(&self, text: &str) -> String {
        citation(self.l, self.lang, text)
    }

    /// A fired rule's explanation: the pack's own (English) wording, or in a Chinese report
    /// its Chinese (`explain.<rule id>`); `None` when the pack was not supplied or no Chinese
    /// wording exists (the rule is then shown by id and citation only).
    fn explanation(&self, id: &str, english: Option<&str>) -> Option<String> {
        match self.lang {
            Lang::En => english.map(str::to_owned),
            Lang::Zh => self.l.try_get(&format!("explain.{id}")).map(str::to_owned),
        }
    }

    fn category(&self, id: &str) -> String {
        match (self.report.category_names.get(id), self.lang) {
            (Some(n), Lang::En) => n.en.clone(),
            (Some(n), Lang::Zh) => n.zh.clone(),
            (None, _) => id.to_owned(),
        }
    }

    fn category_cell(&mut self, id: &str) {
        let name = self.category(id);
        self.raw("<td>");
        self.text(&name);
        self.raw(" <code>");
        self.text(id);
        self.raw("</code></td>");
    }

    fn th_row(&mut self, keys: &[&str]) {
        self.raw("<thead><tr>");
        for key in keys {
            let label = self.t(key);
            let class = if key.ends_with("_n") { "num" } else { "" };
            self.el("th", class, &label);
        }
        self.raw("</tr></thead>");
    }

    fn td(&mut self, text: &str) {
        self.el("td", "", text);
    }

    fn td_num(&mut self, text: &str) {
        self.el("td", "num", text);
    }

    fn td_code(&mut self, text: &str) {
        self.raw("<td><code>");
        self.text(text);
        self.raw("</code></td>");
    }

    fn fact(&mut self, key: &str, value: &str) {
        let label = self.t(key);
        self.el("dt", "", &label);
        self.el("dd", "", value);
    }

    fn fact_code(&mut self, key: &str, value: &str) {
        let label = self.t(key);
        self.el("dt", "", &label);
        self.raw("<dd class=\"mono\">");
        self.text(value);
        self.raw("</dd>");
    }

    fn section_open(&mut self, id: &'static str, number: usize) {
        self.raw("<section id=\"");
        self.raw(id);
        self.raw("\" data-section=\"");
        self.raw(id);
        self.raw("\">");
        let title = format!("{number}. {}", self.t(&format!("section.{id}")));
        self.el("h2", "", &title);
    }

    fn badge(&mut self, class: &'static str, text: &str) {
        self.raw("<span class=\"badge ");
        self.raw(class);
        self.raw("\">");
        self.text(text);
        self.raw("</span>");
    }

    fn empty(&mut self, key: &str) {
        let text = self.t(key);
        self.el("p", "muted", &text);
    }

    // --- document --------------------------------------------------------------------

    fn document(&mut self) {
        let r = self.report;
        self.raw("<!DOCTYPE html>\n<html lang=\"");
        self.raw(self.lang.tag());
        self.raw("\">\n<head>\n<meta charset=\"utf-8\">\n");
        self.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        self.raw("<meta name=\"color-scheme\" content=\"light\">\n<title>");
        let title = format!("{} — {}", self.t("title"), r.cover.transfer_id);
        self.text(&title);
        self.raw("</title>\n<style>");
        self.raw(CSS);
        self.raw("</style>\n</head>\n<body class=\"");
        self.raw(match self.lang {
            Lang::En => "lang-en",
            Lang::Zh => "lang-zh",
        });
        self.raw("\">\n<main>\n");
        self.cover();
        self.decision();
        self.inventory();
        self.minimisation();
        self.recipient();
        self.risks();
        self.rights();
        self.evidence();
        self.signoff();
        let footer = self.l.fill(
            "footer",
            &[
                ("tool", &r.cover.tool_version),
                ("schema", &r.schema.to_string()),
            ],
        );
        self.el("footer", "", &footer);
        self.raw("\n</main>\n</body>\n</html>\n");
    }

    fn cover(&mut self) {
        let c = &self.report.cover;
        self.raw("<section id=\"cover\" data-section=\"cover\">");
        let title = self.t("title");
        self.el("h1", "", &title);
        let subtitle = self.t(match self.report.frame {
            Frame::CnExport => "subtitle.cn_export",
            Frame::UsExport => "subtitle.us_export",
            Frame::Other => "subtitle.other",
        });
        self.el("p", "muted", &subtitle);
        let (headline_key, class) = match self.report.summary.verdict {
            Verdict::Blocked => ("cover.blocking", "bad"),
            Verdict::ObligationsApply => ("cover.obligations_apply", "warn"),
            Verdict::Clear => ("cover.clear", "ok"),
        };
        let headline = self.t(headline_key);
        self.raw("<p class=\"headline\" data-verdict=\"");
        self.raw(headline_key);
        self.raw("\">");
        self.badge(class, &headline);
        self.raw("</p>");
        let sides = self.report.decision.sides.clone();
        for side in &sides {
            self.coverage_warning(side);
        }
        self.raw("<dl class=\"facts\">");
        self.fact_code("cover.transfer_id", &c.transfer_id);
        let exporter = self.party(&c.exporter.name, &c.exporter.country);
        self.fact("cover.exporter", &exporter);
        let recipient = self.party(&c.recipient.name, &c.recipient.country);
        self.fact("cover.recipient", &recipient);
        let scenario = self.name("scenario", &c.scenario);
        self.fact("cover.scenario", &scenario);
        let transaction = self.name("transaction", &c.transaction);
        self.fact("cover.transaction", &transaction);
        let subjects: Vec<String> = c
            .subjects
            .iter()
            .map(|s| self.name("subjects", s))
            .collect();
        self.fact("cover.subjects", &subjects.join(self.l.get("list_sep")));
        self.fact("cover.transfer_date", &c.transfer_date);
        self.fact("cover.generated_on", &c.generated_on);
        let assessor = c
            .assessor
            .clone()
            .unwrap_or_else(|| self.t("cover.no_assessor"));
        self.fact("cover.assessor", &assessor);
        self.fact_code("cover.tool_version", &c.tool_version);
        for pack in &c.rule_packs {
            let label = self.name("jurisdiction", &pack.jurisdiction);
            let text = self.l.fill(
                "cover.pack_value",
                &[("version", &pack.version), ("hash", &pack.hash)],
            );
            let key = format!("{} {}", self.t("cover.rule_pack"), label);
            self.el("dt", "", &key);
            self.raw("<dd class=\"mono\">");
            self.text(&text);
            // Each title as the pack words it; a report kept before packs carried Chinese
            // titles shows none in Chinese rather than the English one.
            let title = match self.lang {
                Lang::En => pack.title.clone(),
                Lang::Zh => pack.title_zh.clone(),
            };
            if let Some(title) = title {
                self.raw("<br><span class=\"muted\">");
                self.text(&title);
                self.raw("</span>");
            }
            self.raw("</dd>");
        }
        match &c.log {
            Some(log) => {
                let text = self.l.fill(
                    "cover.log_value",
                    &[
                        ("origin", &log.origin),
                        ("size", &num(log.size)),
                        ("index", &num(log.leaf_index)),
                        ("root", &log.root_hash),
                    ],
                );
                self.fact_code("cover.log", &text);
            }
            None => {
                let text = self.t("cover.not_logged");
                self.fact("cover.log", &text);
            }
        }
        self.raw("</dl>");
        // Contents, for reading on screen (hidden in print).
        self.raw("<nav><ol>");
        for id in SECTIONS.iter().skip(1) {
            let label = self.t(&format!("section.{id}"));
            self.raw("<li><a href=\"#");
            self.raw(id);
            self.raw("\">");
            self.text(&label);
            self.raw("</a></li>");
        }
        self.raw("</ol></nav>");
        self.raw("</section>\n");
    }

    fn party(&self, name: &str, country: &str) -> String {
        format!("{name} ({})", self.name("country", country))
    }

    fn outcome_class(&self, side: &SideReport) -> &'static str {
        match self.report.summary.side(&side.jurisdiction) {
            SideState::Blocked => "bad",
            SideState::ObligationsApply => "warn",
            SideState::Clear => "ok",
        }
    }

    fn decision(&mut self) {
        let d = &self.report.decision;
        self.section_open("decision", 1);
        let stage = self.name("stage", &d.stage);
        let intro = self.l.fill("decision.stage", &[("stage", &stage)]);
        self.el("p", "", &intro);
        self.raw("<div class=\"sides\">");
        for side in &d.sides {
            self.side(side);
        }
        self.raw("</div>");
        if let Some(submitted) = &d.submitted {
            let title = self.t("decision.submitted_title");
            self.el("h3", "", &title);
            self.raw("<table>");
            self.th_row(&[
                "col.jurisdiction",
                "col.outcome_submitted",
                "col.outcome_final",
            ]);
            self.raw("<tbody>");
            for (before, after) in submitted.iter().zip(&d.sides) {
                self.raw("<tr>");
                let j = self.name("jurisdiction", &before.jurisdiction);
                self.td(&j);
                let b = self.name("outcome", &before.outcome);
                self.td(&b);
                let a = self.name("outcome", &after.outcome);
                self.td(&a);
                self.raw("</tr>");
            }
            self.raw("</tbody></table>");
        }
        if !d.unknown_cases.is_empty() {
            let title = self.t("decision.unknown_title");
            self.el("h3", "", &title);
            let note = self.t("decision.unknown_note");
            self.el("p", "", &note);
            self.raw("<table>");
            self.th_row(&["col.assumption", "col.outcome_cn", "col.outcome_us"]);
            self.raw("<tbody>");
            for case in &d.unknown_cases {
                self.raw("<tr>");
                let assume: Vec<String> = case
                    .assume
                    .iter()
                    .map(|(k, v)| {
                        let value = self.name("assumed", v.trim_matches('"'));
                        format!("{} = {value}", self.name("fact", k))
                    })
                    .collect();
                let assume = assume.join(self.l.get("list_sep"));
                self.td(&assume);
                let cn = self.name("outcome", &case.cn);
                self.td(&cn);
                let us = self.name("outcome", &case.us);
                self.td(&us);
                self.raw("</tr>");
            }
            self.raw("</tbody></table>");
        }
        self.raw("</section>\n");
    }

    /// The warning of a side whose pack's review does not cover the transfer's date: on the
    /// cover and again in the side's own box, so it cannot be missed in either.
    fn coverage_warning(&mut self, side: &SideReport) {
        let country = self.name("jurisdiction", &side.jurisdiction);
        let version = self
            .report
            .cover
            .rule_packs
            .iter()
            .find(|p| p.jurisdiction == side.jurisdiction)
            .map_or_else(String::new, |p| p.version.clone());
        let date = self.report.cover.transfer_date.clone();
        let (status, text) = match side.coverage {
            Coverage::Reviewed => return,
            Coverage::NotReviewed {
                reviewed_on,
                reviewed_through,
            } => (
                "not_reviewed",
                self.l.fill(
                    "cover.coverage_not_reviewed",
                    &[
                        ("country", &country),
                        ("version", &version),
                        ("reviewed_on", &reviewed_on.to_string()),
                        ("reviewed_through", &reviewed_through.to_string()),
                        ("date", &date),
                    ],
                ),
            ),
            Coverage::BeforePack { judges_from } => (
                "before_pack",
                self.l.fill(
                    "cover.coverage_before_pack",
                    &[
                        ("country", &country),
                        ("version", &version),
                        ("judges_from", &judges_from.to_string()),
                        ("date", &date),
                    ],
                ),
            ),
        };
        self.raw("<p class=\"coverage warn\" role=\"alert\" data-coverage=\"");
        self.raw(status);
        self.raw("\">");
        self.text(&text);
        self.raw("</p>");
    }

    fn side(&mut self, side: &SideReport) {
        self.raw("<div class=\"side\">");
        let j = self.name("jurisdiction", &side.jurisdiction);
        self.el("h3", "", &j);
        let outcome = self.name("outcome", &side.outcome);
        self.raw("<p class=\"headline\">");
        let class = self.outcome_class(side);
        self.badge(class, &outcome);
        self.raw(" <code>");
        self.text(&side.outcome);
        self.raw("</code></p>");
        self.coverage_warning(side);
        // Each law its own outcome (the US: 28 CFR Part 202 and PADFA).
        if !side.laws.is_empty() {
            let label = self.t("decision.by_law");
            self.raw("<p>");
            self.text(&label);
            self.raw("</p><ul>");
            for law in &side.laws {
                let title = match self.lang {
                    Lang::Zh if !law.title_zh.is_empty() => law.title_zh.clone(),
                    _ => law.title.clone(),
                };
                let outcome = self.name("outcome", &law.outcome);
                self.raw("<li>");
                self.text(&title);
                self.raw(": ");
                self.text(&outcome);
                self.raw(" <code>");
                self.text(&law.outcome);
                self.raw("</code></li>");
            }
            self.raw("</ul>");
        }
        if !side.decided_by.is_empty() {
            let label = self.t("decision.decided_by");
            self.raw("<p>");
            self.text(&label);
            self.raw(" ");
            for (i, rule) in side.decided_by.iter().enumerate() {
                if i > 0 {
                    self.raw("; ");
                }
                self.raw("<code>");
                self.text(&rule.id);
                self.raw("</code> (");
                let citation = self.citation(&rule.citation);
                self.text(&citation);
                self.raw(")");
            }
            self.raw("</p>");
        }
        let title = self.t("decision.mechanisms");
        self.el("h3", "", &title);
        let blocked = self.report.summary.side(&side.jurisdiction) == SideState::Blocked;
        if side.mechanisms.is_empty() {
            // A blocked side without a mechanism row: no mechanism is "required" of it, yet
            // none lets it go ahead as described either; say that.
            self.empty(if blocked {
                "decision.blocked_no_mechanism"
            } else {
                "decision.no_mechanisms"
            });
        } else {
            self.raw("<table>");
            self.th_row(&["col.mechanism", "col.status"]);
            self.raw("<tbody>");
            for m in &side.mechanisms {
                self.mechanism_row(m);
            }
            self.raw("</tbody></table>");
        }
        let title = self.t("decision.obligations");
        self.el("h3", "", &title);
        if side.obligations.is_empty() {
            self.empty(if blocked {
                "decision.blocked_no_obligations"
            } else {
                "decision.no_obligations"
            });
        } else {
            let note = self.t("decision.obligations_note");
            self.el("p", "muted", &note);
            self.raw("<ul>");
            // The pack words each obligation in both languages; English stands in for a
            // report built from a decision that carries no Chinese wording.
            let worded = match self.lang {
                Lang::Zh if side.obligations_zh.len() == side.obligations.len() => {
                    &side.obligations_zh
                }
                _ => &side.obligations,
            };
            for o in worded {
                // A rule's obligations are joined with ` | ` in the pack.
                for part in o.split(" | ") {
                    self.el("li", "", part.trim());
                }
            }
            self.raw("</ul>");
        }
        if !side.due.is_empty() {
            let title = self.t("decision.due");
            self.el("h3", "", &title);
            self.due_table(&side.due);
        }
        self.raw("</div>");
    }

    /// Deadlines: the day (or "not known yet" with the event it is counted from), what is due,
    /// how it is counted and where it is written, in the report's language.
    fn due_table(&mut self, due: &[DueRow]) {
        self.raw("<table>");
        self.th_row(&[
            "col.due_on",
            "col.due_what",
            "col.due_counted",
            "col.citation",
        ]);
        self.raw("<tbody>");
        for d in due {
            self.raw("<tr>");
            match &d.due {
                Some(day) if d.approximate => {
                    let text = self.l.fill("decision.due_approximate_day", &[("day", day)]);
                    self.td(&text);
                }
                Some(day) => self.td(day),
                None => {
                    let text = self.t("decision.due_unknown");
                    self.td(&text);
                }
            }
            let (what, counted) = match self.lang {
                Lang::En => (&d.what, &d.counted),
                Lang::Zh => (&d.what_zh, &d.counted_zh),
            };
            self.td(what);
            self.td(counted);
            let citation = self.citation(&d.citation);
            self.td(&citation);
            self.raw("</tr>");
        }
        self.raw("</tbody></table>");
        if due.iter().any(|d| d.approximate) {
            let note = self.t("decision.due_approximate_note");
            self.el("p", "muted", &note);
        }
    }

    fn status_class(status: &str) -> &'static str {
        match status {
            "in_place" | "this_report" => "ok",
            "duty" => "warn",
            _ => "bad",
        }
    }

    fn mechanism_row(&mut self, m: &MechanismRow) {
        self.raw("<tr>");
        let name = self.name("mechanism", &m.id);
        self.raw("<td>");
        self.text(&name);
        self.raw(" <code>");
        self.text(&m.id);
        self.raw("</code></td><td>");
        let status = self.name("status", &m.status);
        self.badge(Self::status_class(&m.status), &status);
        self.raw("</td></tr>");
    }

    fn inventory(&mut self) {
        let inv = &self.report.inventory;
        self.section_open("inventory", 2);
        let title = self.t("inventory.categories");
        self.el("h3", "", &title);
        if inv.categories.is_empty() {
            self.empty("inventory.no_categories");
        } else {
            let has_after = inv.categories.iter().any(|c| c.form_after.is_some());
            // Devices are counted for precise geolocation only; a column of dashes would only
            // take width from the others.
            let has_devices = inv.categories.iter().any(|c| c.devices.is_some());
            self.raw("<table>");
            let mut head = vec![
                "col.category",
                "col.cn_class",
                "col.us_dsp",
                "col.individuals_n",
            ];
            if has_devices {
                head.push("col.devices_n");
            }
            head.extend(["col.collected_in", "col.form"]);
            if has_after {
                head.push("col.form_after");
            }
            self.th_row(&head);
            self.raw("<tbody>");
            for c in &inv.categories {
                self.raw("<tr>");
                self.category_cell(&c.category);
                let class = self.name("cn_class", &c.cn_class);
                self.td(&class);
                let dsp = c
                    .us_dsp
                    .as_ref()
                    .map_or_else(|| self.t("none"), |d| self.name("dsp", d));
                self.td(&dsp);
                self.td_num(&num(c.individuals));
                if has_devices {
                    self.td_num(&c.devices.map_or_else(|| "—".to_owned(), num));
                }
                let collected = self.name("country", &c.collected_in);
                self.td(&collected);
                let form = self.name("form", &c.form);
                self.td(&form);
                if has_after {
                    let after = c
                        .form_after
                        .as_ref()
                        .map_or_else(|| "—".to_owned(), |f| self.name("form", f));
                    self.td(&after);
                }
                self.raw("</tr>");
            }
            self.raw("</tbody></table>");
        }
        let sensitive: Vec<String> = inv
            .sensitive_categories
            .iter()
            .map(|c| self.category(c))
            .collect();
        let text = if sensitive.is_empty() {
            self.t("inventory.no_sensitive")
        } else {
            self.l.fill(
                "inventory.sensitive",
                &[("categories", &sensitive.join(self.l.get("list_sep")))],
            )
        };
        self.el("p", "", &text);
        if let Some(n) = inv.individuals {
            let text = self.l.fill("inventory.individuals", &[("n", &num(n))]);
            self.el("p", "", &text);
        }

        let v = &inv.volumes;
        let title = self.t("inventory.volumes");
        self.el("h3", "", &title);
        if v.prior_known {
            let note = self.t("inventory.prior_note");
            self.el("p", "", &note);
        } else {
            self.empty("inventory.prior_unknown");
        }
        self.raw("<table>");
        self.th_row(&[
            "col.counter",
            "col.window_start",
            "col.prior_n",
            "col.transfer_n",
            "col.cumulative_n",
            "col.threshold",
        ]);
        self.raw("<tbody>");
        // China's counters only for data collected in China: a US export is not China's to
        // count (law-cn-us.md Part C, note 1).
        let cn_rows = if self.report.frame == Frame::CnExport {
            2
        } else {
            0
        };
        for (counter, transfer, prior, threshold) in [
            (
                "pi",
                v.cn_pi_transfer,
                v.cn_pi_prior,
                "inventory.cn_pi_thresholds",
            ),
            (
                "sensitive_pi",
                v.cn_sensitive_transfer,
                v.cn_sensitive_prior,
                "inventory.cn_sensitive_thresholds",
            ),
        ]
        .into_iter()
        .take(cn_rows)
        {
            self.raw("<tr>");
            let label = format!(
                "{} — {}",
                self.name("jurisdiction", "cn"),
                self.name("counter", counter)
            );
            self.td(&label);
            self.td(&v.cn_window_start);
            self.td_num(&num(prior));
            self.td_num(&range(transfer));
            self.td_num(&range([
                prior.saturating_add(transfer[0]),
                prior.saturating_add(transfer[1]),
            ]));
            let threshold = self.t(threshold);
            self.td(&threshold);
            self.raw("</tr>");
        }
        for (counter, c) in &v.us {
            self.raw("<tr>");
            let label = format!(
                "{} — {}",
                self.name("jurisdiction", "us"),
                self.name("counter", counter)
            );
            self.td(&label);
            self.td(v.us_window_start.as_deref().unwrap_or("—"));
            self.td_num(&num(c.prior));
            self.td_num(&range(c.transfer));
            self.td_num(&range([
                c.prior.saturating_add(c.transfer[0]),
                c.prior.saturating_add(c.transfer[1]),
            ]));
            let threshold = self
                .l
                .fill("inventory.us_threshold", &[("n", &num(c.threshold))]);
            self.td(&threshold);
            self.raw("</tr>");
        }
        self.raw("</tbody></table>");
        let note = self.t("inventory.volumes_note");
        self.el("p", "muted", &note);

        let title = self.t("inventory.datasets");
        self.el("h3", "", &title);
        if inv.datasets.is_empty() {
            self.empty("inventory.no_datasets");
        }
        for d in &inv.datasets {
            self.raw("<table>");
            self.raw("<tbody>");
            self.kv_code("col.dataset", &d.path);
            let format = match &d.encoding {
                Some(e) => format!("{} ({e})", d.format),
                None => d.format.clone(),
            };
            self.kv("col.format", &format);
            let rows = if d.sampled {
                self.l
                    .fill("inventory.rows_sampled", &[("n", &num(d.rows))])
            } else {
                num(d.rows)
            };
            self.kv("col.rows", &rows);
            let cols = self.l.fill(
                "inventory.columns_value",
                &[
                    ("classified", &num_usize(d.classified_columns)),
                    ("total", &num_usize(d.columns)),
                ],
            );
            self.kv("col.columns", &cols);
            let key = d.subject_key.clone().unwrap_or_else(|| self.t("none"));
            self.kv("col.subject_key", &key);
            let subjects = self.counts(&d.subjects);
            self.kv("col.subjects", &subjects);
            if !d.devices.is_empty() {
                let devices = self.counts(&d.devices);
                self.kv("col.devices_n", &devices);
            }
            self.kv("col.unkeyed_rows", &num(d.unkeyed_rows));
            let hash = d
                .sha256
                .clone()
                .unwrap_or_else(|| self.t("inventory.not_sealed"));
            self.kv_code("col.sha256", &hash);
            self.raw("</tbody></table>");
        }
        if !inv.scan_errors.is_empty() {
            let title = self.t("inventory.scan_errors");
            self.el("h3", "", &title);
            self.raw("<table>");
            self.th_row(&["col.dataset", "col.where", "col.reason"]);
            self.raw("<tbody>");
            for e in &inv.scan_errors {
                self.raw("<tr>");
                self.td_code(&e.path);
                let at = match (e.line, e.row) {
                    (Some(l), _) => self.l.fill("where.line", &[("n", &num(l))]),
                    (None, Some(r)) => self.l.fill("where.row", &[("n", &num(r))]),
                    (None, None) => "—".to_owned(),
                };
                self.td(&at);
                self.td(&e.reason);
                self.raw("</tr>");
            }
            self.raw("</tbody></table>");
        }
        self.raw("</section>\n");
    }

    fn counts(&self, map: &BTreeMap<String, u64>) -> String {
        if map.is_empty() {
            return "—".to_owned();
        }
        map.iter()
            .map(|(id, n)| format!("{}: {}", self.category(id), num(*n)))
            .collect::<Vec<_>>()
            .join(self.l.get("list_sep"))
    }

    fn kv(&mut self, key: &str, value: &str) {
        let label = self.t(key);
        self.raw("<tr>");
        self.el("th", "", &label);
        self.td(value);
        self.raw("</tr>");
    }

    fn kv_code(&mut self, key: &str, value: &str) {
        let label = self.t(key);
        self.raw("<tr>");
        self.el("th", "", &label);
        self.td_code(value);
        self.raw("</tr>");
    }

    fn minimisation(&mut self) {
        let m = &self.report.minimisation;
        self.section_open("minimisation", 3);
        let scenario = self.name("scenario", &m.scenario);
        let transaction = self.name("transaction", &m.transaction);
        let purpose = self.l.fill(
            "minimisation.purpose",
            &[("scenario", &scenario), ("transaction", &transaction)],
        );
        self.el("p", "", &purpose);
        if let Some(stated) = &m.stated_purpose {
            let stated = self
                .l
                .fill("minimisation.stated_purpose", &[("purpose", stated)]);
            self.el("p", "", &stated);
        }
        let forms: Vec<String> = m
            .forms
            .iter()
            .map(|(f, n)| format!("{}: {}", self.name("form", f), num_usize(*n)))
            .collect();
        if !forms.is_empty() {
            let text = self.l.fill(
                "minimisation.forms",
                &[("forms", &forms.join(self.l.get("list_sep")))],
            );
            self.el("p", "", &text);
        }
        let title = self.t("minimisation.remedies");
        self.el("h3", "", &title);
        if m.remedies.is_empty() {
            self.empty("minimisation.no_remedies");
        } else {
            let note = self.t("minimisation.remedies_note");
            self.el("p", "muted", &note);
            self.raw("<table>");
            self.th_row(&["col.changes", "col.outcome_cn", "col.outcome_us"]);
            self.raw("<tbody>");
            for r in &m.remedies {
                self.raw("<tr>");
                let changes: Vec<String> = r
                    .changes
                    .iter()
                    .map(|(category, action, to)| {
                        let what = if category == "*" {
                            self.t("minimisation.all_categories")
                        } else {
                            self.category(category)
                        };
                        let action = self.name("action", action);
                        match to {
                            Some(n) => self.l.fill(
                                "minimisation.change_to",
                                &[("action", &action), ("category", &what), ("n", &num(*n))],
                            ),
                            None => self.l.fill(
                                "minimisation.change",
                                &[("action", &action), ("category", &what)],
                            ),
                        }
                    })
                    .collect();
                let changes = changes.join(self.l.get("list_sep"));
                self.td(&changes);
                let cn = self.name("outcome", &r.cn);
                self.td(&cn);
                let us = self.name("outcome", &r.us);
                self.td(&us);
                self.raw("</tr>");
            }
            self.raw("</tbody></table>");
        }
        if !m.mechanism_remedies.is_empty() {
            self.mechanism_remedies(&m.mechanism_remedies);
        }
        let title = self.t("minimisation.deid");
        self.el("h3", "", &title);
        if m.deid.is_empty() {
            self.empty("minimisation.no_deid");
        }
        for d in &m.deid {
            self.deid(d);
        }
        self.raw("</section>\n");
    }

    /// Mechanisms that would lighten the outcome: each step as the pack words it, the outcomes
    /// with them in place, and the deadlines that would then follow.
    fn mechanism_remedies(&mut self, remedies: &[MechanismRemedyRow]) {
        let title = self.t("minimisation.mechanism_remedies");
        self.el("h3", "", &title);
        let note = self.t("minimisation.mechanism_remedies_note");
        self.el("p", "muted", &note);
        self.raw("<table>");
        self.th_row(&["col.put_in_place", "col.outcome_cn", "col.outcome_us"]);
        self.raw("<tbody>");
        for r in remedies {
            self.raw("<tr><td><ul>");
            let steps = match self.lang {
                Lang::Zh if r.steps_zh.len() == r.steps.len() => &r.steps_zh,
                _ => &r.steps,
            };
            for ((id, step), citation) in r.mechanisms.iter().zip(steps).zip(&r.citations) {
                let name = self.name("mechanism", id);
                let citation = self.citation(citation);
                let text = self.l.fill(
                    "minimisation.mechanism_step",
                    &[
                        ("mechanism", &name),
                        ("step", step),
                        ("citation", &citation),
                    ],
                );
                self.el("li", "", &text);
            }
            self.raw("</ul></td>");
            let cn = self.name("outcome", &r.cn);
            self.td(&cn);
            let mut us = self.name("outcome", &r.us);
            if r.still_blocking {
                us = self
                    .l
                    .fill("minimisation.still_blocking", &[("outcome", &us)]);
            }
            self.td(&us);
            self.raw("</tr>");
        }
        self.raw("</tbody></table>");
        for r in remedies.iter().filter(|r| !r.due.is_empty()) {
            let names: Vec<String> = r
                .mechanisms
                .iter()
                .map(|id| self.name("mechanism", id))
                .collect();
            let text = self.l.fill(
                "minimisation.mechanism_due",
                &[("mechanisms", &names.join(self.l.get("list_sep")))],
            );
            self.el("p", "", &text);
            self.due_table(&r.due);
        }
    }

    fn deid(&mut self, d: &DeidSummary) {
        self.raw("<table><tbody>");
        self.kv_code("col.dataset", &d.dataset);
        let result = self.name("deid_result", &d.result);
        let class = match d.result.as_str() {
            "anonymised" => "ok",
            "pseudonymised" => "warn",
            _ => "bad",
        };
        let label = self.t("col.deid_result");
        self.raw("<tr>");
        self.el("th", "", &label);
        self.raw("<td>");
        self.badge(class, &result);
        self.raw("</td></tr>");
        let transformation: Vec<String> = d
            .transformation
            .iter()
            .map(|(qi, level)| format!("{qi}: {level}"))
            .collect();
        let transformation = if transformation.is_empty() {
            "—".to_owned()
        } else {
            transformation.join(self.l.get("list_sep"))
        };
        self.kv_code("col.transformation", &transformation);
        self.kv_code(
            "col.metric",
            &format!("{} = {}", d.metric, ratio(d.metric_value)),
        );
        self.kv("col.classes", &num_usize(d.classes));
        let rows = self.l.fill(
            "minimisation.rows_value",
            &[
                ("input", &num_usize(d.input_rows)),
                ("output", &num_usize(d.output_rows)),
                ("suppressed", &num(d.suppressed_rows)),
            ],
        );
        self.kv("col.rows", &rows);
        let threshold = format!(
            "{} ({})",
            ratio(d.max_risk),
            self.risk_source(&d.max_risk_source)
        );
        self.kv("col.max_risk", &threshold);
        self.raw("</tbody></table>");
        self.raw("<table>");
        self.th_row(&["col.risk_measure", "col.before_n", "col.after_n"]);
        self.raw("<tbody>");
        type Get = fn(&RiskFigures) -> String;
        let rows: [(&str, Get); 8] = [
            ("risk_measure.records", |r| num(r.records)),
            ("risk_measure.classes", |r| num(r.classes)),
            ("risk_measure.smallest_class", |r| num(r.smallest_class)),
            ("risk_measure.sample_uniques", |r| ratio(r.sample_uniques)),
            ("risk_measure.prosecutor_highest", |r| {
                ratio(r.prosecutor_highest)
            }),
            ("risk_measure.prosecutor_average", |r| {
                ratio(r.prosecutor_average)
            }),
            ("risk_measure.journalist_highest", |r| {
                ratio(r.journalist_highest)
            }),
            ("risk_measure.marketer", |r| ratio(r.marketer)),
        ];
        for (key, get) in rows {
            self.raw("<tr>");
            let label = self.t(key);
            self.td(&label);
            let before = d.risk_before.as_ref().map_or_else(|| "—".to_owned(), get);
            self.td_num(&before);
            let after = d.risk_after.as_ref().map_or_else(|| "—".to_owned(), get);
            self.td_num(&after);
            self.raw("</tr>");
        }
        self.raw("</tbody></table>");
        if !d.reasons.is_empty() {
            let label = self.t("minimisation.reasons");
            self.el("p", "", &label);
            self.raw("<ul>");
            match self.lang {
                Lang::En => {
                    for reason in &d.reasons {
                        self.el("li", "", reason);
                    }
                }
                // The engine words its reasons in English; a Chinese report states the call
                // from the measured figures.
                Lang::Zh => {
                    let highest = d
                        .risk_after
                        .as_ref()
                        .map_or_else(|| "—".to_owned(), |r| ratio(r.prosecutor_highest));
                    let text = self.l.fill(
                        &format!("deid_reason.{}", d.result),
                        &[("highest", &highest), ("max", &ratio(d.max_risk))],
                    );
                    self.el("li", "", &text);
                }
            }
            self.raw("</ul>");
        }
    }

    /// Where a de-identification's risk threshold comes from, in the report's language: the
    /// engine's two known sources by key, anything else as the engine words it.
    fn risk_source(&self, source: &str) -> String {
        if self.lang == Lang::En {
            return source.to_owned();
        }
        let key = if source == freeport_deid::profile::MAX_RISK_SOURCE {
            "deid_source.default"
        } else if source.starts_with("set in the configuration") {
            "deid_source.configured"
        } else {
            return source.to_owned();
        };
        self.t(key)
    }

    fn recipient(&mut self) {
        let r = &self.report.recipient;
        self.section_open("recipient", 4);
        self.raw("<dl class=\"facts\">");
        self.fact("recipient.name", &r.name);
        let country = self.name("country", &r.country);
        self.fact("recipient.country", &country);
        let relationship = self.name("relationship", &r.relationship);
        self.fact("recipient.relationship", &relationship);
        self.raw("</dl>");
        let destination = self
            .l
            .try_get(&format!("destination.{}", r.country))
            .map_or_else(|| self.t("destination.other"), str::to_owned);
        self.el("p", "", &destination);
        if self.report.frame == Frame::UsExport && ["cn", "hk", "mo"].contains(&r.country.as_str())
        {
            let text = self.t("recipient.cn_rules_for_recipient");
            self.el("p", "", &text);
        }
        for (title, prefix, facts) in [
            ("recipient.facts", "recipient", &r.facts),
            ("recipient.exporter_facts", "exporter", &r.exporter_facts),
        ] {
            let title = self.t(title);
            self.el("h3", "", &title);
            self.raw("<table>");
            self.th_row(&["col.fact", "col.value"]);
            self.raw("<tbody>");
            for (fact, value) in facts {
                self.raw("<tr>");
                let label = self.name("fact", &format!("{prefix}.{fact}"));
                self.td(&label);
                let value_text = self.name("tri", value);
                let class = match (fact.as_str(), value.as_str()) {
                    (_, "unknown") => "warn",
                    ("cloud_computing" | "us_person", _) => "",
                    (_, "true") => "bad",
                    _ => "",
                };
                if class.is_empty() {
                    self.td(&value_text);
                } else {
                    self.raw("<td>");
                    self.badge(class, &value_text);
                    self.raw("</td>");
                }
                self.raw("</tr>");
            }
            self.raw("</tbody></table>");
        }
        if !r.derivations.is_empty() {
            let title = self.t("recipient.derivations");
            self.el("h3", "", &title);
            let note = self.t("recipient.derivations_note");
            self.el("p", "muted", &note);
            for d in &r.derivations {
                let label = self.name("fact", &d.fact);
                let value = self.name("tri", &d.value);
                let basis = self.t(&format!("recipient.basis_{}", d.basis));
                self.raw("<p>");
                self.text(&label);
                self.raw(" <code>");
                self.text(&d.fact);
                self.raw("</code>: <strong>");
                self.text(&value);
                self.raw("</strong> (");
                self.text(&basis);
                self.raw(")");
                if let Some(contradiction) = &d.contradiction {
                    let label = self.t("recipient.contradiction");
                    self.raw(" ");
                    self.badge("bad", &label);
                    self.raw(" ");
                    // The judge words the contradiction in English; a Chinese report states it
                    // from the two values.
                    let text = match self.lang {
                        Lang::En => contradiction.clone(),
                        Lang::Zh => {
                            let declared = d
                                .declared
                                .as_ref()
                                .map_or_else(|| self.t("none"), |v| self.name("tri", v));
                            self.l.fill(
                                "derivation.contradiction",
                                &[("declared", &declared), ("value", &value)],
                            )
                        }
                    };
                    self.text(&text);
                }
                self.raw("</p><ul>");
                for reason in &d.reasons {
                    self.raw("<li>");
                    match self.lang {
                        Lang::En => {
                            self.text(&reason.id);
                            if !reason.citation.is_empty() {
                                self.raw(" <span class=\"muted\">[");
                                self.text(&reason.citation);
                                self.raw("]</span>");
                            }
                        }
                        // The judge's steps are English sentences; a Chinese report gives
                        // each step's provision (the English report and the JSON keep the
                        // words).
                        Lang::Zh => {
                            let citation = self.citation(&reason.citation);
                            let text = self.l.fill("derivation.reason", &[("citation", &citation)]);
                            self.text(&text);
                        }
                    }
                    self.raw("</li>");
                }
                self.raw("</ul>");
            }
        }
        let title = self.t("recipient.mechanisms");
        self.el("h3", "", &title);
        if r.mechanisms_in_place.is_empty() {
            self.empty("recipient.no_mechanisms");
        } else {
            self.raw("<table>");
            self.th_row(&["col.mechanism", "col.since", "col.until"]);
            self.raw("<tbody>");
            for m in &r.mechanisms_in_place {
                self.raw("<tr>");
                let name = self.name("in_place", &m.id);
                self.td(&name);
                self.td(&m.since);
                self.td(m.until.as_deref().unwrap_or("—"));
                self.raw("</tr>");
            }
            self.raw("</tbody></table>");
        }
        self.raw("</section>\n");
    }

    fn level(&mut self, level: Level) {
        let (key, class) = match level {
            Level::Low => ("level.low", "ok"),
            Level::Medium => ("level.medium", "warn"),
            Level::High => ("level.high", "bad"),
        };
        let text = self.t(key);
        self.badge(class, &text);
    }

    fn risks(&mut self) {
        self.section_open("risks", 5);
        let note = self.t("risks.note");
        self.el("p", "muted", &note);
        if self.report.risks.is_empty() {
            self.empty("risks.none");
        } else {
            self.raw("<table>");
            self.th_row(&[
                "col.id",
                "col.risk",
                "col.likelihood",
                "col.impact",
                "col.mitigation",
            ]);
            self.raw("<tbody>");
            for entry in &self.report.risks {
                self.risk_row(entry);
            }
            self.raw("</tbody></table>");
        }
        self.raw("</section>\n");
    }

    fn risk_row(&mut self, entry: &RiskEntry) {
        let kind = entry.cause.kind();
        self.raw("<tr>");
        self.td_code(&entry.id);
        self.raw("<td><strong>");
        let title = self.t(&format!("risk.{kind}.title"));
        self.text(&title);
        self.raw("</strong><br>");
        let cause = self.risk_cause(&entry.cause);
        self.text(&cause);
        self.raw("</td><td>");
        self.level(entry.likelihood);
        self.raw("</td><td>");
        self.level(entry.impact);
        self.raw("</td>");
        let mitigation = self.t(&format!("risk.{kind}.mitigation"));
        self.td(&mitigation);
        self.raw("</tr>");
    }

    fn risk_cause(&self, cause: &RiskCause) -> String {
        let key = format!("risk.{}.cause", cause.kind());
        match cause {
            RiskCause::SensitiveCrossing {
                category,
                individuals,
                form,
                regimes,
            } => {
                let regimes: Vec<String> = regimes
                    .iter()
                    .map(|r| self.name("jurisdiction", r))
                    .collect();
                self.l.fill(
                    &key,
                    &[
                        ("category", &self.category(category)),
                        ("n", &num(*individuals)),
                        ("form", &self.name("form", form)),
                        ("regimes", &regimes.join(self.l.get("list_sep"))),
                    ],
                )
            }
            RiskCause::VolumeNearThreshold {
                jurisdiction,
                counter,
                cumulative,
                threshold,
                window_start,
            } => self.l.fill(
                &key,
                &[
                    ("jurisdiction", &self.name("jurisdiction", jurisdiction)),
                    ("counter", &self.name("counter", counter)),
                    ("n", &num(*cumulative)),
                    ("threshold", &num(*threshold)),
                    ("since", window_start),
                ],
            ),
            RiskCause::MissingMechanism {
                jurisdiction,
                mechanism,
                status,
            } => self.l.fill(
                &key,
                &[
                    ("jurisdiction", &self.name("jurisdiction", jurisdiction)),
                    ("mechanism", &self.name("mechanism", mechanism)),
                    ("status", &self.name("status", status)),
                ],
            ),
            RiskCause::OpenDuty {
                jurisdiction,
                mechanism,
            } => self.l.fill(
                &key,
                &[
                    ("jurisdiction", &self.name("jurisdiction", jurisdiction)),
                    ("mechanism", &self.name("mechanism", mechanism)),
                ],
            ),
            RiskCause::ResidualReidentification {
                dataset,
                highest,
                average,
                max_risk,
                result,
            } => self.l.fill(
                &key,
                &[
                    ("dataset", dataset),
                    ("highest", &ratio(*highest)),
                    ("average", &ratio(*average)),
                    ("max", &ratio(*max_risk)),
                    ("result", &self.name("deid_result", result)),
                ],
            ),
            RiskCause::UnknownFact { fact, cn, us } => {
                let outcomes = |list: &[String]| {
                    list.iter()
                        .map(|o| self.name("outcome", o))
                        .collect::<Vec<_>>()
                        .join(" / ")
                };
                self.l.fill(
                    &key,
                    &[
                        ("fact", &self.name("fact", fact)),
                        ("cn", &outcomes(cn)),
                        ("us", &outcomes(us)),
                    ],
                )
            }
            RiskCause::RecipientFlag { fact, value } => self.l.fill(
                &key,
                &[
                    ("fact", &self.name("fact", &format!("recipient.{fact}"))),
                    ("value", &self.name("tri", value)),
                ],
            ),
            RiskCause::IncompleteCount {
                dataset,
                unkeyed_rows,
                rows,
                sampled,
            } => {
                let sampled = if *sampled {
                    self.t("risk.incomplete_count.sampled")
                } else {
                    String::new()
                };
                self.l.fill(
                    &key,
                    &[
                        ("dataset", dataset),
                        ("unkeyed", &num(*unkeyed_rows)),
                        ("rows", &num(*rows)),
                        ("sampled", &sampled),
                    ],
                )
            }
            RiskCause::ScanFailed { path, reason } => {
                self.l.fill(&key, &[("path", path), ("reason", reason)])
            }
        }
    }

    fn rights(&mut self) {
        self.section_open("rights", 6);
        let recipient = self.report.recipient.name.clone();
        for channel in &self.report.rights {
            self.rights_channel(channel, &recipient);
        }
        self.raw("</section>\n");
    }

    fn rights_channel(&mut self, c: &RightsChannel, recipient: &str) {
        let title = format!(
            "{} — {}",
            self.name("jurisdiction", &c.jurisdiction),
            self.t(&format!("rights.{}.title", c.id))
        );
        self.el("h3", "", &title);
        let categories: Vec<String> = c.categories.iter().map(|id| self.category(id)).collect();
        let text = self.l.fill(
            &format!("rights.{}.text", c.id),
            &[
                ("recipient", recipient),
                ("categories", &categories.join(self.l.get("list_sep"))),
            ],
        );
        self.el("p", "", &text);
        self.raw("<p class=\"muted\">");
        let basis = self.t("rights.basis");
        self.text(&basis);
        self.raw(" ");
        let citation = self.citation(&c.citation);
        self.text(&citation);
        if let Some(m) = &c.mechanism {
            self.raw(" · ");
            let name = self.name("mechanism", &m.id);
            self.text(&name);
            self.raw(" ");
            let status = self.name("status", &m.status);
            self.badge(Self::status_class(&m.status), &status);
        }
        if !c.rules.is_empty() {
            self.raw(" · ");
            let label = self.t("rights.rules");
            self.text(&label);
            self.raw(" ");
            for (i, rule) in c.rules.iter().enumerate() {
                if i > 0 {
                    self.raw(", ");
                }
                self.raw("<code>");
                self.text(rule);
                self.raw("</code>");
            }
        }
        self.raw("</p>");
    }

    fn evidence(&mut self) {
        let e = &self.report.evidence;
        self.section_open("evidence", 7);
        let title = self.t("evidence.rules");
        self.el("h3", "", &title);
        if e.rules.is_empty() {
            self.empty("evidence.no_rules");
        } else {
            self.raw("<table>");
            self.th_row(&[
                "col.stage",
                "col.jurisdiction",
                "col.rule",
                "col.role",
                "col.citation",
                "col.location",
            ]);
            self.raw("<tbody>");
            for rule in &e.rules {
                self.raw("<tr>");
                let stage = self.name("stage", &rule.stage);
                self.td(&stage);
                let j = self.name("jurisdiction", &rule.jurisdiction);
                self.td(&j);
                self.raw("<td><code>");
                self.text(&rule.id);
                self.raw("</code>");
                if let Some(explain) = self.explanation(&rule.id, rule.explain.as_deref()) {
                    self.raw("<br><span class=\"muted\">");
                    self.text(&explain);
                    self.raw("</span>");
                }
                self.raw("</td>");
                let role = self.name("role", &rule.role);
                self.td(&role);
                let cited = self.citation(&rule.citation);
                let citation = match &rule.source {
                    Some(source) => format!("{cited} [{source}]"),
                    None => cited,
                };
                self.td(&citation);
                self.td_code(&rule.location);
                self.raw("</tr>");
            }
            self.raw("</tbody></table>");
        }
        let title = self.t("evidence.findings");
        self.el("h3", "", &title);
        let note = self.t("evidence.findings_note");
        self.el("p", "muted", &note);
        if e.findings.is_empty() {
            self.empty("evidence.no_findings");
        } else {
            self.raw("<table>");
            self.th_row(&[
                "col.dataset",
                "col.column",
                "col.category",
                "col.confidence_n",
                "col.detectors",
                "col.rows_n",
                "col.nulls_n",
                "col.distinct_n",
            ]);
            self.raw("<tbody>");
            for f in &e.findings {
                self.raw("<tr>");
                self.td_code(&f.dataset);
                self.td_code(&f.column);
                self.category_cell(&f.category);
                self.td_num(&format!("{:.2}", f.confidence));
                let detectors: Vec<String> = f
                    .detectors
                    .iter()
                    .map(|d| {
                        if d.detector == "header" {
                            format!("{} → {}", self.t("evidence.header"), d.category)
                        } else {
                            format!(
                                "{} → {} ({}/{})",
                                d.detector,
                                d.category,
                                num(d.matched),
                                num(d.sampled)
                            )
                        }
                    })
                    .collect();
                self.raw("<td class=\"mono\">");
                for (i, d) in detectors.iter().enumerate() {
                    if i > 0 {
                        self.raw("<br>");
                    }
                    self.text(d);
                }
                self.raw("</td>");
                self.td_num(&num(f.rows));
                self.td_num(&num(f.nulls));
                let distinct = if f.distinct_estimated {
                    format!("≈{}", num(f.distinct))
                } else {
                    num(f.distinct)
                };
                self.td_num(&distinct);
                self.raw("</tr>");
            }
            self.raw("</tbody></table>");
        }
        let title = self.t("evidence.receipt");
        self.el("h3", "", &title);
        match &e.receipt {
            Some(receipt) => {
                let note = self.t("evidence.receipt_note");
                self.el("p", "muted", &note);
                self.el("pre", "", receipt);
            }
            None => self.empty("cover.not_logged"),
        }
        self.raw("</section>\n");
    }

    fn signoff(&mut self) {
        self.section_open("signoff", 8);
        let title = self.t("signoff.retention");
        self.el("h3", "", &title);
        if self.report.retention.is_empty() {
            self.empty("signoff.no_retention");
        }
        self.raw("<ul>");
        for r in &self.report.retention {
            let text = self.l.fill(
                "signoff.retention_value",
                &[
                    ("jurisdiction", &self.name("jurisdiction", &r.jurisdiction)),
                    ("years", &r.years.to_string()),
                    ("citation", &self.citation(&r.citation)),
                ],
            );
            self.el("li", "", &text);
        }
        self.raw("</ul>");
        for part in &self.report.filing {
            let title = self.t(&format!("filing.{}.title", part.id));
            self.el("h3", "", &title);
            let basis = format!("{} {}", self.t("rights.basis"), self.citation(&part.basis));
            self.el("p", "muted", &basis);
            self.raw("<table data-filing=\"");
            self.raw(match part.id.as_str() {
                "pipia" => "pipia",
                "cac_filing" => "cac_filing",
                _ => "us_record",
            });
            self.raw("\">");
            self.th_row(&["col.filing_item", "col.filing_state"]);
            self.raw("<tbody>");
            for item in &part.items {
                self.raw("<tr>");
                let label = self.t(&format!("filing.item.{}", item.id));
                self.td(&label);
                let (class, text) = match item.state.as_str() {
                    "answered" if item.at.as_deref() == Some("cover") => {
                        ("ok", self.t("filing.on_cover"))
                    }
                    "answered" => {
                        let section = item.at.as_deref().unwrap_or_default();
                        let number = SECTIONS
                            .iter()
                            .position(|s| *s == section)
                            .map_or_else(String::new, |n| n.to_string());
                        let name = self.t(&format!("section.{section}"));
                        (
                            "ok",
                            self.l
                                .fill("filing.answered", &[("n", &number), ("section", &name)]),
                        )
                    }
                    "in_place" => (
                        "ok",
                        self.l.fill(
                            "filing.in_place",
                            &[("since", item.at.as_deref().unwrap_or_default())],
                        ),
                    ),
                    _ => {
                        let by = self.t(&format!(
                            "filing.by.{}",
                            item.by.as_deref().unwrap_or("exporter")
                        ));
                        ("warn", self.l.fill("filing.to_complete", &[("by", &by)]))
                    }
                };
                self.raw("<td>");
                self.badge(class, &text);
                self.raw("</td></tr>");
            }
            self.raw("</tbody></table>");
        }
        let note = self.t("signoff.note");
        self.el("p", "", &note);
        self.raw("<table class=\"sign\">");
        self.th_row(&["col.role", "col.name", "col.signature", "col.date"]);
        self.raw("<tbody>");
        for role in ["signoff.assessor", "signoff.dpo", "signoff.approver"] {
            self.raw("<tr>");
            let label = self.t(role);
            self.td(&label);
            // The named assessor, when the assessment names one; the rest is signed by hand.
            let name = match (role, &self.report.cover.assessor) {
                ("signoff.assessor", Some(name)) => name.clone(),
                _ => String::new(),
            };
            self.td(&name);
            self.raw("<td></td><td></td></tr>");
        }
        self.raw("</tbody></table>");
        self.raw("</section>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        let mut out = String::new();
        escape_into(&mut out, r#"<script>alert("x")</script> & 'y'"#);
        assert_eq!(
            out,
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'y'"
        );
    }

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
        let locale = Locale::load(Lang::Zh).unwrap();
        for (en, zh) in [
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
            assert_eq!(citation(&locale, Lang::Zh, en), zh);
            assert_eq!(citation(&locale, Lang::En, en), en);
        }
        assert!(locale.missing().is_empty(), "{:?}", locale.missing());
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(num(0), "0");
        assert_eq!(num(999), "999");
        assert_eq!(num(1_000), "1,000");
        assert_eq!(num(1_500_000), "1,500,000");
        assert_eq!(range([3, 3]), "3");
        assert_eq!(range([3, 5]), "3–5");
    }
}
