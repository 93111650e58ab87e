//! The HTML rendering: one self-contained page (inline CSS; no scripts, fonts, images or links
//! to fetch), a print stylesheet with a page break before each section, written as maud
//! templates. maud escapes every value; the only markup not written in a template is this
//! crate's own CSS, so nothing from the report can reach the page unescaped. The parts the
//! port's dashboard shows too (badges, table heads, citations, mechanisms, obligations, due
//! dates) come from [`crate::parts`].

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::ReportError;
use crate::locale::{Lang, Locale};
use crate::parts::{self, badge, citation};
use freeport_policy::Coverage;
use freeport_vocabulary::{CnCounter, Counter, NOT_PERSONAL_DATA, UsCounter};

use crate::model::{
    DeidSummary, Frame, MechanismRemedyRow, Report, RightsChannel, RiskFigures, SideReport,
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
    let page = Page {
        l: &locale,
        lang,
        report,
    };
    let html = page.document().into_string();
    Ok((html, locale.missing()))
}

/// The page's own CSS, around the shared parts' [`parts::STYLESHEET`].
const CSS_BEFORE: &str = r#"
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
"#;

const CSS_AFTER: &str = r#".sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
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

// `1234567` → `1,234,567` (the same grouping reads in both languages).
use freeport_util::fmt::{thousands as num, thousands_usize as num_usize};

fn ratio(x: f64) -> String {
    format!("{x:.4}")
}

struct Page<'a> {
    l: &'a Locale,
    lang: Lang,
    report: &'a Report,
}

impl Page<'_> {
    // --- small parts -------------------------------------------------------------------

    fn t(&self, key: &str) -> String {
        self.l.get(key).to_owned()
    }

    /// A translated id with a fallback to the id itself (packs may add ids before the locale
    /// files name them).
    fn name(&self, prefix: &str, id: &str) -> String {
        self.l.name(prefix, id)
    }

    fn citation(&self, text: &str) -> String {
        citation(self.l, text)
    }

    fn list(&self, items: &[String]) -> String {
        items.join(self.l.get("list_sep"))
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

    fn category_cell(&self, id: &str) -> Markup {
        html! { td { (self.category(id)) " " code { (id) } } }
    }

    fn head(&self, keys: &[&str]) -> Markup {
        parts::head(self.l, keys)
    }

    fn fact(&self, key: &str, value: &str) -> Markup {
        html! { dt { (self.l.get(key)) } dd { (value) } }
    }

    fn fact_code(&self, key: &str, value: &str) -> Markup {
        html! { dt { (self.l.get(key)) } dd.mono { (value) } }
    }

    /// A row of a two-column key/value table.
    fn kv(&self, key: &str, value: &str) -> Markup {
        html! { tr { th { (self.l.get(key)) } td { (value) } } }
    }

    fn kv_code(&self, key: &str, value: &str) -> Markup {
        html! { tr { th { (self.l.get(key)) } td { code { (value) } } } }
    }

    /// A numbered section of the report, with its heading.
    fn section(&self, id: &'static str, number: usize, body: &Markup) -> Markup {
        let title = format!("{number}. {}", self.t(&format!("section.{id}")));
        html! {
            section id=(id) data-section=(id) { h2 { (title) } (body) }
            "\n"
        }
    }

    fn empty(&self, key: &str) -> Markup {
        html! { p.muted { (self.l.get(key)) } }
    }

    // --- document --------------------------------------------------------------------

    fn document(&self) -> Markup {
        let r = self.report;
        let title = format!("{} — {}", self.t("title"), r.cover.transfer_id);
        let footer = self.l.fill(
            "footer",
            &[
                ("tool", &r.cover.tool_version),
                ("schema", &r.schema.to_string()),
            ],
        );
        let body_class = match self.lang {
            Lang::En => "lang-en",
            Lang::Zh => "lang-zh",
        };
        html! {
            (DOCTYPE) "\n"
            html lang=(self.lang.tag()) {
                "\n"
                head {
                    "\n"
                    meta charset="utf-8";
                    "\n"
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    "\n"
                    meta name="color-scheme" content="light";
                    "\n"
                    title { (title) }
                    "\n"
                    style {
                        (PreEscaped(CSS_BEFORE))
                        (PreEscaped(parts::STYLESHEET))
                        (PreEscaped(CSS_AFTER))
                    }
                    "\n"
                }
                "\n"
                body class=(body_class) {
                    "\n"
                    main {
                        "\n"
                        (self.cover())
                        (self.decision())
                        (self.inventory())
                        (self.minimisation())
                        (self.recipient())
                        (self.risks())
                        (self.rights())
                        (self.evidence())
                        (self.signoff())
                        footer { (footer) }
                        "\n"
                    }
                    "\n"
                }
                "\n"
            }
            "\n"
        }
    }

    fn cover(&self) -> Markup {
        let c = &self.report.cover;
        let subtitle = self.t(match self.report.frame {
            Frame::CnExport => "subtitle.cn_export",
            Frame::UsExport => "subtitle.us_export",
            Frame::Other => "subtitle.other",
        });
        let (headline_key, class) = match self.report.summary.verdict {
            Verdict::Blocked => ("cover.blocking", "bad"),
            Verdict::ObligationsApply => ("cover.obligations_apply", "warn"),
            Verdict::Clear => ("cover.clear", "ok"),
        };
        let subjects: Vec<String> = c
            .subjects
            .iter()
            .map(|s| self.name("subjects", s))
            .collect();
        let assessor = c
            .assessor
            .clone()
            .unwrap_or_else(|| self.t("cover.no_assessor"));
        html! {
            section id="cover" data-section="cover" {
                h1 { (self.t("title")) }
                p.muted { (subtitle) }
                p.headline data-verdict=(headline_key) { (badge(class, &self.t(headline_key))) }
                @for side in &self.report.decision.sides {
                    (self.coverage_warning(side))
                }
                dl.facts {
                    (self.fact_code("cover.transfer_id", &c.transfer_id))
                    (self.fact("cover.exporter", &self.party(&c.exporter.name, &c.exporter.country)))
                    (self.fact("cover.recipient", &self.party(&c.recipient.name, &c.recipient.country)))
                    (self.fact("cover.scenario", &self.name("scenario", &c.scenario)))
                    (self.fact("cover.transaction", &self.name("transaction", &c.transaction)))
                    (self.fact("cover.subjects", &self.list(&subjects)))
                    (self.fact("cover.transfer_date", &c.transfer_date))
                    (self.fact("cover.generated_on", &c.generated_on))
                    (self.fact("cover.assessor", &assessor))
                    (self.fact_code("cover.tool_version", &c.tool_version))
                    @for pack in &c.rule_packs {
                        // Each title as the pack words it; a report kept before packs carried
                        // Chinese titles shows none in Chinese rather than the English one.
                        @let title = match self.lang {
                            Lang::En => &pack.title,
                            Lang::Zh => &pack.title_zh,
                        };
                        dt { (self.t("cover.rule_pack")) " " (self.name("jurisdiction", &pack.jurisdiction)) }
                        dd.mono {
                            (self.l.fill("cover.pack_value", &[("version", &pack.version), ("hash", &pack.hash)]))
                            @if let Some(title) = title {
                                br;
                                span.muted { (title) }
                            }
                        }
                    }
                    @match &c.log {
                        Some(log) => {
                            (self.fact_code("cover.log", &self.l.fill(
                                "cover.log_value",
                                &[
                                    ("origin", &log.origin),
                                    ("size", &num(log.size)),
                                    ("index", &num(log.leaf_index)),
                                    ("root", &log.root_hash),
                                ],
                            )))
                        }
                        None => (self.fact("cover.log", &self.t("cover.not_logged"))),
                    }
                }
                // Contents, for reading on screen (hidden in print).
                nav {
                    ol {
                        @for id in SECTIONS.iter().skip(1) {
                            li { a href={ "#" (id) } { (self.t(&format!("section.{id}"))) } }
                        }
                    }
                }
            }
            "\n"
        }
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

    fn decision(&self) -> Markup {
        let d = &self.report.decision;
        let intro = self.l.fill(
            "decision.stage",
            &[("stage", &self.name("stage", &d.stage))],
        );
        let body = html! {
            p { (intro) }
            div.sides {
                @for side in &d.sides { (self.side(side)) }
            }
            @if let Some(submitted) = &d.submitted {
                h3 { (self.t("decision.submitted_title")) }
                table {
                    (self.head(&["col.jurisdiction", "col.outcome_submitted", "col.outcome_final"]))
                    tbody {
                        @for (before, after) in submitted.iter().zip(&d.sides) {
                            tr {
                                td { (self.name("jurisdiction", &before.jurisdiction)) }
                                td { (self.name("outcome", &before.outcome)) }
                                td { (self.name("outcome", &after.outcome)) }
                            }
                        }
                    }
                }
            }
            @if !d.unknown_cases.is_empty() {
                h3 { (self.t("decision.unknown_title")) }
                p { (self.t("decision.unknown_note")) }
                table {
                    (self.head(&["col.assumption", "col.outcome_cn", "col.outcome_us"]))
                    tbody {
                        @for case in &d.unknown_cases {
                            @let assume: Vec<String> = case
                                .assume
                                .iter()
                                .map(|(k, v)| {
                                    let value = self.name("assumed", v.trim_matches('"'));
                                    format!("{} = {value}", self.name("fact", k))
                                })
                                .collect();
                            tr {
                                td { (self.list(&assume)) }
                                td { (self.name("outcome", &case.cn)) }
                                td { (self.name("outcome", &case.us)) }
                            }
                        }
                    }
                }
            }
        };
        self.section("decision", 1, &body)
    }

    /// The warning of a side whose pack's review does not cover the transfer's date: on the
    /// cover and again in the side's own box, so it cannot be missed in either.
    fn coverage_warning(&self, side: &SideReport) -> Markup {
        let country = self.name("jurisdiction", &side.jurisdiction);
        let version = self
            .report
            .cover
            .rule_packs
            .iter()
            .find(|p| p.jurisdiction == side.jurisdiction)
            .map_or_else(String::new, |p| p.version.clone());
        let date = &self.report.cover.transfer_date;
        let (status, text) = match side.coverage {
            Coverage::Reviewed => return html! {},
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
                        ("date", date),
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
                        ("date", date),
                    ],
                ),
            ),
        };
        html! { p.coverage.warn role="alert" data-coverage=(status) { (text) } }
    }

    fn side(&self, side: &SideReport) -> Markup {
        let blocked = self.report.summary.side(&side.jurisdiction) == SideState::Blocked;
        html! {
            div.side {
                h3 { (self.name("jurisdiction", &side.jurisdiction)) }
                p.headline {
                    (badge(self.outcome_class(side), &self.name("outcome", &side.outcome)))
                    " " code { (side.outcome) }
                }
                (self.coverage_warning(side))
                // Each law its own outcome (the US: 28 CFR Part 202 and PADFA).
                @if !side.laws.is_empty() {
                    p { (self.t("decision.by_law")) }
                    ul {
                        @for law in &side.laws {
                            @let title = match self.lang {
                                Lang::Zh if !law.title_zh.is_empty() => &law.title_zh,
                                _ => &law.title,
                            };
                            li { (title) ": " (self.name("outcome", &law.outcome)) " " code { (law.outcome) } }
                        }
                    }
                }
                @if !side.decided_by.is_empty() {
                    p { (self.t("decision.decided_by")) " " (parts::rules_cited(self.l, &side.decided_by)) }
                }
                h3 { (self.t("decision.mechanisms")) }
                @if side.mechanisms.is_empty() {
                    // A blocked side without a mechanism row: no mechanism is "required" of
                    // it, yet none lets it go ahead as described either; say that.
                    (self.empty(if blocked {
                        "decision.blocked_no_mechanism"
                    } else {
                        "decision.no_mechanisms"
                    }))
                } @else {
                    (parts::mechanisms(self.l, &side.mechanisms))
                }
                h3 { (self.t("decision.obligations")) }
                @if side.obligations.is_empty() {
                    (self.empty(if blocked {
                        "decision.blocked_no_obligations"
                    } else {
                        "decision.no_obligations"
                    }))
                } @else {
                    p.muted { (self.t("decision.obligations_note")) }
                    (parts::obligations(self.l, &side.obligations, &side.obligations_zh))
                }
                @if !side.due.is_empty() {
                    h3 { (self.t("decision.due")) }
                    (parts::due_table(self.l, &side.due))
                }
            }
        }
    }

    fn inventory(&self) -> Markup {
        let inv = &self.report.inventory;
        let sensitive: Vec<String> = inv
            .sensitive_categories
            .iter()
            .map(|c| self.category(c))
            .collect();
        let sensitive = if sensitive.is_empty() {
            self.t("inventory.no_sensitive")
        } else {
            self.l.fill(
                "inventory.sensitive",
                &[("categories", &self.list(&sensitive))],
            )
        };
        let body = html! {
            h3 { (self.t("inventory.categories")) }
            @if inv.categories.is_empty() {
                (self.empty("inventory.no_categories"))
            } @else {
                (self.categories())
            }
            p { (sensitive) }
            @if let Some(n) = inv.individuals {
                p { (self.l.fill("inventory.individuals", &[("n", &num(n))])) }
            }
            (self.volumes())
            h3 { (self.t("inventory.datasets")) }
            @if inv.datasets.is_empty() {
                (self.empty("inventory.no_datasets"))
            }
            @for d in &inv.datasets {
                table {
                    tbody {
                        (self.kv_code("col.dataset", &d.path))
                        (self.kv("col.format", &match &d.encoding {
                            Some(e) => format!("{} ({e})", d.format),
                            None => d.format.clone(),
                        }))
                        (self.kv("col.rows", &if d.sampled {
                            self.l.fill("inventory.rows_sampled", &[("n", &num(d.rows))])
                        } else {
                            num(d.rows)
                        }))
                        (self.kv("col.columns", &self.l.fill(
                            "inventory.columns_value",
                            &[
                                ("classified", &num_usize(d.classified_columns)),
                                ("total", &num_usize(d.columns)),
                            ],
                        )))
                        (self.kv("col.subject_key", &d.subject_key.clone().unwrap_or_else(|| self.t("none"))))
                        (self.kv("col.subjects", &self.counts(&d.subjects)))
                        @if !d.devices.is_empty() {
                            (self.kv("col.devices_n", &self.counts(&d.devices)))
                        }
                        (self.kv("col.unkeyed_rows", &num(d.unkeyed_rows)))
                        (self.kv_code("col.sha256", &d.sha256.clone().unwrap_or_else(|| self.t("inventory.not_sealed"))))
                    }
                }
            }
            @if !inv.scan_errors.is_empty() {
                h3 { (self.t("inventory.scan_errors")) }
                table {
                    (self.head(&["col.dataset", "col.where", "col.reason"]))
                    tbody {
                        @for e in &inv.scan_errors {
                            @let at = match (e.line, e.row) {
                                (Some(l), _) => self.l.fill("where.line", &[("n", &num(l))]),
                                (None, Some(r)) => self.l.fill("where.row", &[("n", &num(r))]),
                                (None, None) => "—".to_owned(),
                            };
                            tr {
                                td { code { (e.path) } }
                                td { (at) }
                                td { (e.reason) }
                            }
                        }
                    }
                }
            }
            @if !inv.overrides.is_empty() {
                h3 { (self.t("inventory.overrides")) }
                p { (self.t("inventory.overrides_note")) }
                table {
                    (self.head(&["col.dataset", "col.column", "col.was", "col.becomes", "col.justification", "col.source"]))
                    tbody {
                        @for o in &inv.overrides {
                            tr {
                                td { code { (o.path) } }
                                td { code { (o.column) } }
                                @match o.was.as_deref() {
                                    Some(c) => (self.category_cell(c)),
                                    None => td { (self.t("none")) },
                                }
                                @if o.becomes == NOT_PERSONAL_DATA {
                                    td { (self.t("inventory.not_personal_data")) }
                                } @else {
                                    (self.category_cell(&o.becomes))
                                }
                                td lang="und" { (o.justification) }
                                td { code { (o.source) } }
                            }
                        }
                    }
                }
            }
        };
        self.section("inventory", 2, &body)
    }

    /// The data inventory's categories table.
    fn categories(&self) -> Markup {
        let inv = &self.report.inventory;
        let has_after = inv.categories.iter().any(|c| c.form_after.is_some());
        // Devices are counted for precise geolocation only; a column of dashes would only take
        // width from the others.
        let has_devices = inv.categories.iter().any(|c| c.devices.is_some());
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
        html! {
            table {
                (self.head(&head))
                tbody {
                    @for c in &inv.categories {
                        tr {
                            (self.category_cell(&c.category))
                            td { (self.name("cn_class", &c.cn_class)) }
                            td { (c.us_dsp.as_ref().map_or_else(|| self.t("none"), |d| self.name("dsp", d))) }
                            td.num { (num(c.individuals)) }
                            @if has_devices {
                                td.num { (c.devices.map_or_else(|| "—".to_owned(), num)) }
                            }
                            td { (self.name("country", &c.collected_in)) }
                            td { (self.name("form", &c.form)) }
                            @if has_after {
                                td { (c.form_after.as_ref().map_or_else(|| "—".to_owned(), |f| self.name("form", f))) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Volumes against the thresholds of each counting window.
    fn volumes(&self) -> Markup {
        let v = &self.report.inventory.volumes;
        // China's counters only for data collected in China: a US export is not China's to
        // count (law-cn-us.md Part C, note 1).
        let cn = [
            (
                CnCounter::PersonalInformation,
                v.cn_pi_transfer,
                v.cn_pi_prior,
            ),
            (
                CnCounter::SensitivePersonalInformation,
                v.cn_sensitive_transfer,
                v.cn_sensitive_prior,
            ),
        ]
        .into_iter()
        .filter(|_| self.report.frame == Frame::CnExport)
        .map(|(counter, transfer, prior)| parts::VolumeRow {
            counter: Counter::Cn(counter),
            since: v.cn_window_start.clone(),
            prior,
            transfer,
        });
        let us = v.us.iter().filter_map(|(name, c)| {
            let counter = UsCounter::ALL.into_iter().find(|u| u.name() == name)?;
            Some(parts::VolumeRow {
                counter: Counter::Us(counter),
                since: v.us_window_start.clone().unwrap_or_default(),
                prior: c.prior,
                transfer: c.transfer,
            })
        });
        let rows: Vec<parts::VolumeRow> = cn.chain(us).collect();
        html! {
            h3 { (self.t("inventory.volumes")) }
            @if v.prior_known {
                p { (self.t("inventory.prior_note")) }
            } @else {
                (self.empty("inventory.prior_unknown"))
            }
            (parts::volumes(self.l, &rows))
            p.muted { (self.t("inventory.volumes_note")) }
        }
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

    fn minimisation(&self) -> Markup {
        let m = &self.report.minimisation;
        let purpose = self.l.fill(
            "minimisation.purpose",
            &[
                ("scenario", &self.name("scenario", &m.scenario)),
                ("transaction", &self.name("transaction", &m.transaction)),
            ],
        );
        let forms: Vec<String> = m
            .forms
            .iter()
            .map(|(f, n)| format!("{}: {}", self.name("form", f), num_usize(*n)))
            .collect();
        let body = html! {
            p { (purpose) }
            @if let Some(stated) = &m.stated_purpose {
                p { (self.l.fill("minimisation.stated_purpose", &[("purpose", stated)])) }
            }
            @if !forms.is_empty() {
                p { (self.l.fill("minimisation.forms", &[("forms", &self.list(&forms))])) }
            }
            h3 { (self.t("minimisation.remedies")) }
            @if m.remedies.is_empty() {
                (self.empty("minimisation.no_remedies"))
            } @else {
                p.muted { (self.t("minimisation.remedies_note")) }
                table {
                    (self.head(&["col.changes", "col.outcome_cn", "col.outcome_us"]))
                    tbody {
                        @for r in &m.remedies {
                            @let changes: Vec<String> = r
                                .changes
                                .iter()
                                .map(|(category, action, to)| self.change(category, action, *to))
                                .collect();
                            tr {
                                td { (self.list(&changes)) }
                                td { (self.name("outcome", &r.cn)) }
                                td { (self.name("outcome", &r.us)) }
                            }
                        }
                    }
                }
            }
            @if !m.mechanism_remedies.is_empty() {
                (self.mechanism_remedies(&m.mechanism_remedies))
            }
            h3 { (self.t("minimisation.deid")) }
            @if m.deid.is_empty() {
                (self.empty("minimisation.no_deid"))
            }
            @for d in &m.deid {
                (self.deid(d))
            }
        };
        self.section("minimisation", 3, &body)
    }

    /// One change of a remedy: what it does to which category (all of them for `*`).
    fn change(&self, category: &str, action: &str, to: Option<u64>) -> String {
        let what = if category == "*" {
            self.t("minimisation.all_categories")
        } else {
            self.category(category)
        };
        let action = self.name("action", action);
        match to {
            Some(n) => self.l.fill(
                "minimisation.change_to",
                &[("action", &action), ("category", &what), ("n", &num(n))],
            ),
            None => self.l.fill(
                "minimisation.change",
                &[("action", &action), ("category", &what)],
            ),
        }
    }

    /// Mechanisms that would lighten the outcome: each step as the pack words it, the outcomes
    /// with them in place, and the deadlines that would then follow.
    fn mechanism_remedies(&self, remedies: &[MechanismRemedyRow]) -> Markup {
        html! {
            h3 { (self.t("minimisation.mechanism_remedies")) }
            p.muted { (self.t("minimisation.mechanism_remedies_note")) }
            table {
                (self.head(&["col.put_in_place", "col.outcome_cn", "col.outcome_us"]))
                tbody {
                    @for r in remedies {
                        @let steps = match self.lang {
                            Lang::Zh if r.steps_zh.len() == r.steps.len() => &r.steps_zh,
                            _ => &r.steps,
                        };
                        @let us = self.name("outcome", &r.us);
                        tr {
                            td {
                                ul {
                                    @for ((id, step), citation) in r.mechanisms.iter().zip(steps).zip(&r.citations) {
                                        li {
                                            (self.l.fill(
                                                "minimisation.mechanism_step",
                                                &[
                                                    ("mechanism", &self.name("mechanism", id)),
                                                    ("step", step),
                                                    ("citation", &self.citation(citation)),
                                                ],
                                            ))
                                        }
                                    }
                                }
                            }
                            td { (self.name("outcome", &r.cn)) }
                            td {
                                @if r.still_blocking {
                                    (self.l.fill("minimisation.still_blocking", &[("outcome", &us)]))
                                } @else {
                                    (us)
                                }
                            }
                        }
                    }
                }
            }
            @for r in remedies.iter().filter(|r| !r.due.is_empty()) {
                @let names: Vec<String> = r
                    .mechanisms
                    .iter()
                    .map(|id| self.name("mechanism", id))
                    .collect();
                p { (self.l.fill("minimisation.mechanism_due", &[("mechanisms", &self.list(&names))])) }
                (parts::due_table(self.l, &r.due))
            }
        }
    }

    fn deid(&self, d: &DeidSummary) -> Markup {
        let class = match d.result.as_str() {
            "anonymised" => "ok",
            "pseudonymised" => "warn",
            _ => "bad",
        };
        let transformation: Vec<String> = d
            .transformation
            .iter()
            .map(|(qi, level)| format!("{qi}: {level}"))
            .collect();
        let transformation = if transformation.is_empty() {
            "—".to_owned()
        } else {
            self.list(&transformation)
        };
        let rows = self.l.fill(
            "minimisation.rows_value",
            &[
                ("input", &num_usize(d.input_rows)),
                ("output", &num_usize(d.output_rows)),
                ("suppressed", &num(d.suppressed_rows)),
            ],
        );
        let threshold = format!(
            "{} ({})",
            ratio(d.max_risk),
            self.risk_source(&d.max_risk_source)
        );
        type Get = fn(&RiskFigures) -> String;
        let measures: [(&str, Get); 8] = [
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
        let figure =
            |figures: Option<&RiskFigures>, get: Get| figures.map_or_else(|| "—".to_owned(), get);
        html! {
            table {
                tbody {
                    (self.kv_code("col.dataset", &d.dataset))
                    tr {
                        th { (self.t("col.deid_result")) }
                        td { (badge(class, &self.name("deid_result", &d.result))) }
                    }
                    (self.kv_code("col.transformation", &transformation))
                    (self.kv_code("col.metric", &format!("{} = {}", d.metric, ratio(d.metric_value))))
                    (self.kv("col.classes", &num_usize(d.classes)))
                    (self.kv("col.rows", &rows))
                    (self.kv("col.max_risk", &threshold))
                }
            }
            table {
                (self.head(&["col.risk_measure", "col.before_n", "col.after_n"]))
                tbody {
                    @for (key, get) in measures {
                        tr {
                            td { (self.t(key)) }
                            td.num { (figure(d.risk_before.as_ref(), get)) }
                            td.num { (figure(d.risk_after.as_ref(), get)) }
                        }
                    }
                }
            }
            @if !d.reasons.is_empty() {
                p { (self.t("minimisation.reasons")) }
                ul {
                    @match self.lang {
                        Lang::En => {
                            @for reason in &d.reasons { li { (reason) } }
                        }
                        // The engine words its reasons in English; a Chinese report states the
                        // call from the measured figures.
                        Lang::Zh => {
                            li {
                                (self.l.fill(
                                    &format!("deid_reason.{}", d.result),
                                    &[
                                        ("highest", &figure(d.risk_after.as_ref(), |r| ratio(r.prosecutor_highest))),
                                        ("max", &ratio(d.max_risk)),
                                    ],
                                ))
                            }
                        }
                    }
                }
            }
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

    fn recipient(&self) -> Markup {
        let r = &self.report.recipient;
        let destination = self
            .l
            .try_get(&format!("destination.{}", r.country))
            .map_or_else(|| self.t("destination.other"), str::to_owned);
        let body = html! {
            dl.facts {
                (self.fact("recipient.name", &r.name))
                (self.fact("recipient.country", &self.name("country", &r.country)))
                (self.fact("recipient.relationship", &self.name("relationship", &r.relationship)))
            }
            p { (destination) }
            @if self.report.frame == Frame::UsExport && ["cn", "hk", "mo"].contains(&r.country.as_str()) {
                p { (self.t("recipient.cn_rules_for_recipient")) }
            }
            @for (title, prefix, facts) in [
                ("recipient.facts", "recipient", &r.facts),
                ("recipient.exporter_facts", "exporter", &r.exporter_facts),
            ] {
                h3 { (self.t(title)) }
                table {
                    (self.head(&["col.fact", "col.value"]))
                    tbody {
                        @for (fact, value) in facts {
                            @let value_text = self.name("tri", value);
                            tr {
                                td { (self.name("fact", &format!("{prefix}.{fact}"))) }
                                @match (fact.as_str(), value.as_str()) {
                                    (_, "unknown") => td { (badge("warn", &value_text)) },
                                    ("cloud_computing" | "us_person", _) => td { (value_text) },
                                    (_, "true") => td { (badge("bad", &value_text)) },
                                    _ => td { (value_text) },
                                }
                            }
                        }
                    }
                }
            }
            @if !r.derivations.is_empty() {
                h3 { (self.t("recipient.derivations")) }
                p.muted { (self.t("recipient.derivations_note")) }
                @for d in &r.derivations {
                    @let value = self.name("tri", &d.value);
                    p {
                        (self.name("fact", &d.fact)) " " code { (d.fact) } ": "
                        strong { (value) }
                        " (" (self.t(&format!("recipient.basis_{}", d.basis))) ")"
                        @if let Some(contradiction) = &d.contradiction {
                            " " (badge("bad", &self.t("recipient.contradiction"))) " "
                            // The judge words the contradiction in English; a Chinese report
                            // states it from the two values.
                            @match self.lang {
                                Lang::En => (contradiction),
                                Lang::Zh => {
                                    (self.l.fill(
                                        "derivation.contradiction",
                                        &[
                                            ("declared", &d.declared.as_ref().map_or_else(|| self.t("none"), |v| self.name("tri", v))),
                                            ("value", &value),
                                        ],
                                    ))
                                }
                            }
                        }
                    }
                    ul {
                        @for reason in &d.reasons {
                            li {
                                @match self.lang {
                                    Lang::En => {
                                        (reason.id)
                                        @if !reason.citation.is_empty() {
                                            " " span.muted { "[" (reason.citation) "]" }
                                        }
                                    }
                                    // The judge's steps are English sentences; a Chinese
                                    // report gives each step's provision (the English report
                                    // and the JSON keep the words).
                                    Lang::Zh => {
                                        (self.l.fill("derivation.reason", &[("citation", &self.citation(&reason.citation))]))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (self.t("recipient.mechanisms")) }
            @if r.mechanisms_in_place.is_empty() {
                (self.empty("recipient.no_mechanisms"))
            } @else {
                table {
                    (self.head(&["col.mechanism", "col.since", "col.until"]))
                    tbody {
                        @for m in &r.mechanisms_in_place {
                            tr {
                                td { (self.name("in_place", &m.id)) }
                                td { (m.since) }
                                td { (m.until.as_deref().unwrap_or("—")) }
                            }
                        }
                    }
                }
            }
        };
        self.section("recipient", 4, &body)
    }

    fn level(&self, level: Level) -> Markup {
        let (key, class) = match level {
            Level::Low => ("level.low", "ok"),
            Level::Medium => ("level.medium", "warn"),
            Level::High => ("level.high", "bad"),
        };
        badge(class, &self.t(key))
    }

    fn risks(&self) -> Markup {
        let body = html! {
            p.muted { (self.t("risks.note")) }
            @if self.report.risks.is_empty() {
                (self.empty("risks.none"))
            } @else {
                table {
                    (self.head(&[
                        "col.id",
                        "col.risk",
                        "col.likelihood",
                        "col.impact",
                        "col.mitigation",
                    ]))
                    tbody {
                        @for entry in &self.report.risks { (self.risk_row(entry)) }
                    }
                }
            }
        };
        self.section("risks", 5, &body)
    }

    fn risk_row(&self, entry: &RiskEntry) -> Markup {
        let kind = entry.cause.kind();
        html! {
            tr {
                td { code { (entry.id) } }
                td {
                    strong { (self.t(&format!("risk.{kind}.title"))) }
                    br;
                    (self.risk_cause(&entry.cause))
                }
                td { (self.level(entry.likelihood)) }
                td { (self.level(entry.impact)) }
                td { (self.t(&format!("risk.{kind}.mitigation"))) }
            }
        }
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
                        ("regimes", &self.list(&regimes)),
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

    fn rights(&self) -> Markup {
        let body = html! {
            @for channel in &self.report.rights {
                (self.rights_channel(channel, &self.report.recipient.name))
            }
        };
        self.section("rights", 6, &body)
    }

    fn rights_channel(&self, c: &RightsChannel, recipient: &str) -> Markup {
        let title = format!(
            "{} — {}",
            self.name("jurisdiction", &c.jurisdiction),
            self.t(&format!("rights.{}.title", c.id))
        );
        let categories: Vec<String> = c.categories.iter().map(|id| self.category(id)).collect();
        let text = self.l.fill(
            &format!("rights.{}.text", c.id),
            &[
                ("recipient", recipient),
                ("categories", &self.list(&categories)),
            ],
        );
        html! {
            h3 { (title) }
            p { (text) }
            p.muted {
                (self.t("rights.basis")) " " (self.citation(&c.citation))
                @if let Some(m) = &c.mechanism {
                    " · " (self.name("mechanism", &m.id)) " "
                    (badge(parts::status_class(&m.status), &self.name("status", &m.status)))
                }
                @if !c.rules.is_empty() {
                    " · " (self.t("rights.rules")) " "
                    @for (i, rule) in c.rules.iter().enumerate() {
                        @if i > 0 { ", " }
                        code { (rule) }
                    }
                }
            }
        }
    }

    fn evidence(&self) -> Markup {
        let e = &self.report.evidence;
        let body = html! {
            h3 { (self.t("evidence.rules")) }
            @if e.rules.is_empty() {
                (self.empty("evidence.no_rules"))
            } @else {
                table {
                    (self.head(&[
                        "col.stage",
                        "col.jurisdiction",
                        "col.rule",
                        "col.role",
                        "col.citation",
                        "col.location",
                    ]))
                    tbody {
                        @for rule in &e.rules {
                            @let cited = self.citation(&rule.citation);
                            tr {
                                td { (self.name("stage", &rule.stage)) }
                                td { (self.name("jurisdiction", &rule.jurisdiction)) }
                                td {
                                    code { (rule.id) }
                                    @if let Some(explain) = self.explanation(&rule.id, rule.explain.as_deref()) {
                                        br;
                                        span.muted { (explain) }
                                    }
                                }
                                td { (self.name("role", &rule.role)) }
                                td {
                                    @match &rule.source {
                                        Some(source) => { (cited) " [" (source) "]" }
                                        None => (cited),
                                    }
                                }
                                td { code { (rule.location) } }
                            }
                        }
                    }
                }
            }
            h3 { (self.t("evidence.findings")) }
            p.muted { (self.t("evidence.findings_note")) }
            @if e.findings.is_empty() {
                (self.empty("evidence.no_findings"))
            } @else {
                table {
                    (self.head(&[
                        "col.dataset",
                        "col.column",
                        "col.category",
                        "col.confidence_n",
                        "col.detectors",
                        "col.rows_n",
                        "col.nulls_n",
                        "col.distinct_n",
                    ]))
                    tbody {
                        @for f in &e.findings {
                            tr {
                                td { code { (f.dataset) } }
                                td { code { (f.column) } }
                                (self.category_cell(&f.category))
                                td.num { (format!("{:.2}", f.confidence)) }
                                td.mono {
                                    @for (i, d) in f.detectors.iter().enumerate() {
                                        @if i > 0 { br; }
                                        @if d.detector == "header" {
                                            (self.t("evidence.header")) " → " (d.category)
                                        } @else {
                                            (d.detector) " → " (d.category)
                                            " (" (num(d.matched)) "/" (num(d.sampled)) ")"
                                        }
                                    }
                                }
                                td.num { (num(f.rows)) }
                                td.num { (num(f.nulls)) }
                                td.num {
                                    @if f.distinct_estimated { "≈" }
                                    (num(f.distinct))
                                }
                            }
                        }
                    }
                }
            }
            h3 { (self.t("evidence.receipt")) }
            @match &e.receipt {
                Some(receipt) => {
                    p.muted { (self.t("evidence.receipt_note")) }
                    pre { (receipt) }
                }
                None => (self.empty("cover.not_logged")),
            }
        };
        self.section("evidence", 7, &body)
    }

    /// A filing item's state: answered on the cover or in a numbered section, a mechanism in
    /// place since a day, or to be completed by someone.
    fn filing_state(
        &self,
        state: &str,
        at: Option<&str>,
        by: Option<&str>,
    ) -> (&'static str, String) {
        match state {
            "answered" if at == Some("cover") => ("ok", self.t("filing.on_cover")),
            "answered" => {
                let section = at.unwrap_or_default();
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
                self.l
                    .fill("filing.in_place", &[("since", at.unwrap_or_default())]),
            ),
            _ => {
                let by = self.t(&format!("filing.by.{}", by.unwrap_or("exporter")));
                ("warn", self.l.fill("filing.to_complete", &[("by", &by)]))
            }
        }
    }

    fn signoff(&self) -> Markup {
        let body = html! {
            h3 { (self.t("signoff.retention")) }
            @if self.report.retention.is_empty() {
                (self.empty("signoff.no_retention"))
            }
            ul {
                @for r in &self.report.retention {
                    li {
                        (self.l.fill(
                            "signoff.retention_value",
                            &[
                                ("jurisdiction", &self.name("jurisdiction", &r.jurisdiction)),
                                ("years", &r.years.to_string()),
                                ("citation", &self.citation(&r.citation)),
                            ],
                        ))
                    }
                }
            }
            @for part in &self.report.filing {
                h3 { (self.t(&format!("filing.{}.title", part.id))) }
                p.muted { (self.t("rights.basis")) " " (self.citation(&part.basis)) }
                table data-filing=(match part.id.as_str() {
                    "pipia" => "pipia",
                    "cac_filing" => "cac_filing",
                    _ => "us_record",
                }) {
                    (self.head(&["col.filing_item", "col.filing_state"]))
                    tbody {
                        @for item in &part.items {
                            @let (class, text) = self.filing_state(&item.state, item.at.as_deref(), item.by.as_deref());
                            tr {
                                td { (self.t(&format!("filing.item.{}", item.id))) }
                                td { (badge(class, &text)) }
                            }
                        }
                    }
                }
            }
            p { (self.t("signoff.note")) }
            table.sign {
                (self.head(&["col.role", "col.name", "col.signature", "col.date"]))
                tbody {
                    @for role in ["signoff.assessor", "signoff.dpo", "signoff.approver"] {
                        tr {
                            td { (self.t(role)) }
                            // The named assessor, when the assessment names one; the rest is
                            // signed by hand.
                            td {
                                @if let ("signoff.assessor", Some(name)) = (role, &self.report.cover.assessor) {
                                    (name)
                                }
                            }
                            td {}
                            td {}
                        }
                    }
                }
            }
        };
        self.section("signoff", 8, &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(num(0), "0");
        assert_eq!(num(999), "999");
        assert_eq!(num(1_000), "1,000");
        assert_eq!(num(1_500_000), "1,500,000");
    }
}
