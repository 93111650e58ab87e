//! The dashboard's pages as maud templates: one layout, then one function per page. Every text
//! is a locale key ([`t`]); data (ids, organisations, times, a reviewer's own words) is shown as
//! given, escaped by maud.

use freeport_policy::CountedVolume;
use freeport_port::port::{
    AssessmentUpload, AttachmentKind, CaseView, FilingSummary, FilingView, NOT_PERSONAL_DATA,
    Publication, QueueItem,
};
use freeport_report::parts;
use freeport_report::{DueRow, Lang, Locale, MechanismRow, RuleRef};
use freeport_store::docket::{CaseStatus, ContestStatus, FilingStatus, Role};
use maud::{DOCTYPE, Markup, html};

use super::Context;
use super::actions::{ContestState, DecideState, FilingActions};
use super::attach::AttachState;
use super::i18n::{self, t};
use super::upload::UploadState;

fn role_key(role: Role) -> &'static str {
    match role {
        Role::Exporter => "role.exporter",
        Role::CnReviewer => "role.cn_reviewer",
        Role::UsReviewer => "role.us_reviewer",
        Role::Auditor => "role.auditor",
        Role::Admin => "role.admin",
    }
}

fn filing_status_key(status: FilingStatus) -> &'static str {
    match status {
        FilingStatus::Cleared => "status.cleared",
        FilingStatus::InReview => "status.in_review",
        FilingStatus::Refused => "status.refused",
    }
}

pub(super) fn case_status_key(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Open => "case.open",
        CaseStatus::Approved => "case.approved",
        CaseStatus::ApprovedWithConditions => "case.approved_with_conditions",
        CaseStatus::Refused => "case.refused",
        CaseStatus::Closed => "case.closed",
    }
}

pub(super) fn side_key(side: &str) -> &'static str {
    if side == "cn" { "side.cn" } else { "side.us" }
}

fn kind_key(kind: &str) -> &'static str {
    match kind {
        "reasons" => "kind.reasons",
        "rules" => "kind.rules",
        "subsidy_notice" => "kind.subsidy_notice",
        "procurement_notice" => "kind.procurement_notice",
        _ => "kind.other",
    }
}

/// A table's header row of locale keys.
pub(super) fn head(lang: Lang, keys: &[&'static str]) -> Markup {
    html! { thead { tr { @for key in keys { th scope="col" { (t(lang, key)) } } } } }
}

/// The page around `body`: navigation, the language switch, who is signed in.
pub(super) fn layout(context: &Context, title: &str, body: Markup) -> Markup {
    let lang = context.lang;
    let other = match lang {
        Lang::En => Lang::Zh,
        Lang::Zh => Lang::En,
    };
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t(lang, "site.name")) }
                link rel="stylesheet" href="/assets/dashboard.css";
                // No icon to fetch: browsers otherwise ask for /favicon.ico on every page.
                link rel="icon" href="data:,";
            }
            body {
                a.skip href="#main" { (t(lang, "nav.skip")) }
                header.site {
                    a.brand href="/" { (t(lang, "site.name")) }
                    nav aria-label=(t(lang, "nav.main")) {
                        ul {
                            li { a href="/publications" { (t(lang, "nav.publications")) } }
                            li { a href="/log" { (t(lang, "nav.log")) } }
                            li { a href="/verify" { (t(lang, "nav.verify")) } }
                            @if let Some(who) = &context.who {
                                li { a href="/filings" { (t(lang, "nav.filings")) } }
                                @if who.side().is_some() {
                                    li { a href="/queue" { (t(lang, "nav.queue")) } }
                                }
                                li { a href="/statistics" { (t(lang, "nav.statistics")) } }
                                li { a href="/chips" { (t(lang, "nav.chips")) } }
                            }
                        }
                    }
                    div.account {
                        a href={ (context.path) "?lang=" (i18n::tag(other)) }
                            hreflang=(other.tag()) lang=(other.tag()) { (t(lang, "nav.language")) }
                        @if let (Some(who), Some(csrf)) = (&context.who, &context.csrf) {
                            span.who {
                                (t(lang, "nav.signed_in_as")) " " strong { (who.account) }
                                " (" (t(lang, role_key(who.role))) ")"
                            }
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { (t(lang, "nav.logout")) }
                            }
                        } @else {
                            a href="/login" { (t(lang, "nav.login")) }
                        }
                    }
                }
                main id="main" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// A page that only says something (errors, an expired form).
pub(super) fn message(context: &Context, key: &'static str) -> Markup {
    html! { p.notice role="status" { (t(context.lang, key)) } }
}

pub(super) fn login(context: &Context, nonce: &str, problem: Option<&'static str>) -> Markup {
    let lang = context.lang;
    html! {
        form.login method="post" action="/login" novalidate {
            input type="hidden" name="csrf" value=(nonce);
            div.field {
                label for="token" { (t(lang, "login.token")) }
                input #token type="password" name="token" required autocomplete="off"
                    aria-describedby="token-help"
                    aria-invalid=[problem.map(|_| "true")];
                p #token-help.help { (t(lang, "login.token_help")) }
                @if let Some(problem) = problem {
                    p.error role="alert" { (t(lang, problem)) }
                }
            }
            button type="submit" { (t(lang, "login.submit")) }
        }
    }
}

pub(super) fn publications(context: &Context, list: &[Publication]) -> Markup {
    let lang = context.lang;
    html! {
        p.intro { (t(lang, "publications.intro")) }
        @if list.is_empty() {
            p { (t(lang, "publications.none")) }
        } @else {
            table {
                (head(lang, &["publications.kind", "publications.title_col", "publications.published_at", "publications.log"]))
                tbody {
                    @for p in list {
                        tr {
                            td { (t(lang, kind_key(&p.kind))) }
                            td {
                                @if p.kind == "reasons" {
                                    (p.filing.as_deref().unwrap_or("")) " · "
                                    (t(lang, side_key(p.side.as_deref().unwrap_or(""))))
                                    @if let Some(outcome) = &p.outcome {
                                        " · " (i18n::outcome(lang, outcome))
                                    }
                                    @if !p.public_reasons.is_empty() {
                                        ul.reasons aria-label=(t(lang, "publications.reasons")) {
                                            @for r in &p.public_reasons { li lang="und" { (r) } }
                                        }
                                    }
                                } @else if let (Lang::Zh, Some(title)) = (lang, &p.title_zh) {
                                    span lang="zh" { (title) }
                                } @else {
                                    span lang=(p.language) { (p.title) }
                                }
                            }
                            td { time datetime=(p.published_at) { (p.published_at) } }
                            td { @if let Some(i) = p.log_index { "#" (i) } }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn filings(
    context: &Context,
    list: &[FilingSummary],
    upload: Option<&UploadState>,
) -> Markup {
    let lang = context.lang;
    let exporter = context
        .who
        .as_ref()
        .is_some_and(|w| w.role == Role::Exporter);
    let auditor = context
        .who
        .as_ref()
        .is_some_and(|w| matches!(w.role, Role::Auditor | Role::Admin));
    html! {
        @if auditor {
            p { a href="/audit/bundle" download { (t(lang, "download.audit_bundle")) } " — " (t(lang, "download.audit_bundle_help")) }
        }
        @if exporter {
            (upload_form(context, upload))
        }
        @if list.is_empty() {
            p { (t(lang, "filings.none")) }
        } @else {
            table {
                (head(lang, &["filings.id", "filings.organisation", "filings.filed_at", "filings.status"]))
                tbody {
                    @for f in list {
                        tr {
                            td { a href={ "/filings/" (f.id) } { (f.id) } }
                            td { (f.organisation) }
                            td { time datetime=(f.filed_at) { (f.filed_at) } }
                            td { span class={ "status " (f.status.as_str()) } { (t(lang, filing_status_key(f.status))) } }
                        }
                    }
                }
            }
        }
    }
}

/// What a refused upload had wrong: the refusal, or the findings with field, line and column.
fn upload_problems(lang: Lang, state: &UploadState) -> Markup {
    html! {
        @if let Some(problem) = state.problem {
            p.error role="alert" { (t(lang, problem)) }
        }
        @if !state.findings.is_empty() {
            div.error role="alert" {
                p { (t(lang, "upload.refused")) " " code lang="und" { (state.file_name) } }
                ul {
                    @for f in &state.findings {
                        li {
                            @if let Some(field) = &f.field { code { (field) } " " }
                            @if let Some((line, column)) = f.line {
                                (t(lang, "upload.at").replace("{l}", &line.to_string()).replace("{c}", &column.to_string())) " "
                            }
                            span lang="en" { (f.message) }
                        }
                    }
                }
            }
        }
    }
}

/// The exporter's uploads: a transfer facts file, or the files of a `freeport assess` run, each
/// with what a refused one had wrong.
fn upload_form(context: &Context, state: Option<&UploadState>) -> Markup {
    let lang = context.lang;
    let facts_state = state.filter(|s| !s.assessment);
    let assessment_state = state.filter(|s| s.assessment);
    let refused =
        |s: Option<&UploadState>| s.is_some_and(|s| s.problem.is_some() || !s.findings.is_empty());
    let invalid = refused(facts_state);
    let csrf = context.csrf.as_deref().unwrap_or("");
    html! {
        section.upload aria-labelledby="upload-title" {
            h2 #upload-title { (t(lang, "upload.title")) }
            p { a href="/filings/new" { (t(lang, "form.link")) } }
            form.stacked method="post" action="/filings" enctype="multipart/form-data" novalidate {
                input type="hidden" name="csrf" value=(csrf);
                div.field {
                    label for="facts-file" {
                        (t(lang, "upload.label")) " (" code lang="und" { "TOML" } ", " code lang="und" { "JSON" } ")"
                    }
                    input #facts-file type="file" name="facts" accept=".toml,.json,application/json"
                        required aria-describedby="facts-help"
                        aria-invalid=[invalid.then_some("true")];
                    p #facts-help.help { (t(lang, "upload.help")) }
                    @if let Some(state) = facts_state {
                        (upload_problems(lang, state))
                    }
                }
                button type="submit" { (t(lang, "upload.submit")) }
            }
            form.stacked method="post" action="/filings/assessment" enctype="multipart/form-data" novalidate {
                input type="hidden" name="csrf" value=(csrf);
                div.field {
                    label for="assessment-files" { (t(lang, "upload.assessment.label")) }
                    input #assessment-files type="file" name="assessment" multiple
                        accept=".json,.tlog-proof,.txt" required aria-describedby="assessment-help"
                        aria-invalid=[refused(assessment_state).then_some("true")];
                    p #assessment-help.help {
                        (t(lang, "upload.assessment.help")) " "
                        @for (n, (_, file)) in AssessmentUpload::FILES.iter().enumerate() {
                            @if n > 0 { ", " }
                            code lang="und" { (file) }
                        }
                    }
                    @if let Some(state) = assessment_state {
                        (upload_problems(lang, state))
                    }
                }
                button type="submit" { (t(lang, "upload.assessment.submit")) }
            }
        }
    }
}

/// A reviewer's ruling on pending contest `seq`: accept (an override) or reject, with a public
/// reason.
fn ruling_form(
    context: &Context,
    view: &FilingView,
    seq: u64,
    error: Option<&'static str>,
) -> Markup {
    let lang = context.lang;
    let id = format!("ruling-{seq}");
    html! {
        form.stacked method="post" action={ "/filings/" (view.id) "/contests/" (seq) "/ruling" } novalidate {
            input type="hidden" name="csrf" value=(context.csrf.as_deref().unwrap_or(""));
            fieldset {
                legend { (t(lang, "ruling.legend")) }
                label { input type="radio" name="ruling" value="accept" required; " " (t(lang, "ruling.accept")) }
                label { input type="radio" name="ruling" value="reject"; " " (t(lang, "ruling.reject")) }
            }
            div.field {
                label for=(id) { (t(lang, "ruling.reason")) }
                textarea id=(id) name="reason" rows="2" required aria-invalid=[error.map(|_| "true")] {}
                @if let Some(e) = error { p.error role="alert" { (t(lang, e)) } }
            }
            button type="submit" { (t(lang, "ruling.submit")) }
        }
    }
}

const fn contest_status_key(status: ContestStatus) -> &'static str {
    match status {
        ContestStatus::Pending => "contest.status.pending",
        ContestStatus::Accepted => "contest.status.accepted",
        ContestStatus::Rejected => "contest.status.rejected",
    }
}

/// The filing's contested classifications with their rulings, and the exporter's form to contest
/// one of its inventory entries while the filing is under review.
fn contests(
    context: &Context,
    view: &FilingView,
    form: Option<&ContestState>,
    rule: Option<Option<(u64, &'static str)>>,
) -> Markup {
    let lang = context.lang;
    let entries: Vec<(String, String)> = view.facts["data"]["inventory"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let category = e["category"].as_str()?;
            let place = e["collected_in"].as_str().unwrap_or("cn");
            Some((
                format!("{category}@{place}"),
                format!("{category} ({place})"),
            ))
        })
        .collect();
    let error = |field: &str| form.and_then(|f| f.errors.get(field).copied());
    html! {
        @if !view.contests.is_empty() || form.is_some() {
            h2 #contests { (t(lang, "contest.title")) }
        }
        @if !view.contests.is_empty() {
            table {
                (head(lang, &["contest.entry", "contest.becomes", "contest.status", "contest.reason"]))
                tbody {
                    @for c in &view.contests {
                        tr id={ "contest-" (c.seq) } {
                            td {
                                code lang="und" { (c.category) } " (" (c.collected_in) ")"
                                @if let Some(source) = &c.source { br; code lang="und" { (source) } }
                            }
                            td { code lang="und" { (c.becomes) } }
                            td { (t(lang, contest_status_key(c.status))) }
                            td {
                                @if let Some(reason) = &c.reason { span lang="und" { (reason) } }
                                @if let (Some(refused), ContestStatus::Pending) = (rule, c.status) {
                                    (ruling_form(context, view, c.seq, refused.filter(|(seq, _)| *seq == c.seq).map(|(_, e)| e)))
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(form) = form {
            form.stacked method="post" action={ "/filings/" (view.id) "/contests" } novalidate {
                input type="hidden" name="csrf" value=(context.csrf.as_deref().unwrap_or(""));
                p.help { (t(lang, "contest.help")) }
                div.field {
                    label for="contest-entry" { (t(lang, "contest.entry")) }
                    select #contest-entry name="entry" required aria-invalid=[error("entry").map(|_| "true")] {
                        @for (value, label) in &entries {
                            option value=(value) selected[*value == form.entry] { (label) }
                        }
                    }
                    @if let Some(e) = error("entry") { p.error role="alert" { (t(lang, e)) } }
                }
                div.field {
                    label for="contest-becomes" { (t(lang, "contest.becomes")) }
                    input #contest-becomes type="text" name="becomes" list="contest-categories" required
                        value=(form.becomes) aria-describedby="contest-becomes-help"
                        aria-invalid=[error("becomes").map(|_| "true")];
                    datalist #contest-categories {
                        option value=(NOT_PERSONAL_DATA) {}
                    }
                    p #contest-becomes-help.help {
                        (t(lang, "contest.becomes_help")) " " code lang="und" { (NOT_PERSONAL_DATA) }
                    }
                    @if let Some(e) = error("becomes") { p.error role="alert" { (t(lang, e)) } }
                }
                div.field {
                    label for="contest-source" { (t(lang, "contest.source")) }
                    input #contest-source type="text" name="source" value=(form.source)
                        placeholder="airports.csv:name"
                        aria-invalid=[error("source").map(|_| "true")];
                    @if let Some(e) = error("source") { p.error role="alert" { (t(lang, e)) } }
                }
                div.field {
                    label for="contest-justification" { (t(lang, "contest.justification")) }
                    textarea #contest-justification name="justification" rows="3" required
                        aria-describedby="contest-justification-help"
                        aria-invalid=[error("justification").map(|_| "true")] { (form.justification) }
                    p #contest-justification-help.help { (t(lang, "contest.justification_help")) }
                    @if let Some(e) = error("justification") { p.error role="alert" { (t(lang, e)) } }
                }
                @if let Some(reason) = &form.refusal {
                    p.error role="alert" { span lang="en" { (reason) } }
                }
                button type="submit" { (t(lang, "contest.submit")) }
            }
        }
    }
}

pub(super) fn filing(context: &Context, view: &FilingView, actions: &FilingActions) -> Markup {
    let lang = context.lang;
    html! {
        dl.facts {
            dt { (t(lang, "filings.organisation")) } dd { (view.organisation) }
            dt { (t(lang, "filing.filed_by")) } dd { (view.filed_by) }
            dt { (t(lang, "filings.filed_at")) } dd { time datetime=(view.filed_at) { (view.filed_at) } }
            dt { (t(lang, "filings.status")) }
            dd { span class={ "status " (view.status.as_str()) } { (t(lang, filing_status_key(view.status))) } }
            @if let Some(index) = view.log_index {
                dt { (t(lang, "filing.cleared_log")) }
                dd {
                    "#" (index) " · "
                    a href={ "/filings/" (view.id) "/receipt" } download { (t(lang, "download.receipt")) }
                }
            }
            @if let Some(from) = &view.assessment {
                dt { (t(lang, "filing.assessment")) }
                dd {
                    code lang="und" { (from.exporter_transfer) } " · "
                    (t(lang, "filing.assessment.entry")
                        .replace("{n}", &from.log_index.to_string())
                        .replace("{s}", &from.checkpoint_size.to_string())) " "
                    code lang="und" { (from.log_origin) }
                    br;
                    (t(lang, "filing.assessment.report")) " "
                    code lang="und" title=(from.report_sha256) { (from.report_sha256.get(..16).unwrap_or("")) "…" }
                }
            }
        }
        table {
            (head(lang, &["filing.side", "filing.outcome", "filing.review", "filing.decided_by"]))
            tbody {
                @for side in ["cn", "us"] {
                    @let case = view.cases.iter().find(|c| c.side == side);
                    @let code = view.decision[side]["outcome"].as_str().unwrap_or("");
                    tr {
                        th scope="row" { (t(lang, side_key(side))) }
                        td { (i18n::outcome(lang, code)) }
                        td {
                            @match case {
                                Some(c) => span class={ "status " (c.status.as_str()) } { (t(lang, case_status_key(c.status))) },
                                None => (t(lang, "filing.not_needed")),
                            }
                        }
                        td { @if let Some(c) = case { (decided_by(lang, c)) } }
                    }
                }
            }
        }
        (transfer(lang, &view.facts))
        @for side in ["cn", "us"] {
            (side_decision(lang, side, &view.decision[side]))
        }
        (volumes(lang, &view.decision["volumes"]))
        (remedies(lang, &view.decision["remedies"]))
        (documents(context, view, actions.attach.as_ref()))
        (conditions_and_reasons(lang, &view.cases))
        @if let Some(notice) = actions.notice {
            p.error #notice role="alert" { (t(lang, notice)) }
        }
        @if let Some(decide) = &actions.decide {
            (decision_form(
                context,
                &format!("/filings/{}/decision", view.id),
                &format!("freeport review {} --approve | --approve-with-conditions TEXT | --refuse --reason TEXT --key YOUR.key --port URL --token …", view.id),
                decide,
            ))
        }
        (contests(context, view, actions.contest.as_ref(), actions.rule))
        h2 { (t(lang, "filing.messages")) }
        @if view.messages.is_empty() {
            p { (t(lang, "filing.no_messages")) }
        } @else {
            ol.messages {
                @for m in &view.messages {
                    li id={ "message-" (m.seq) } {
                        strong { (m.author) } " · " time datetime=(m.at) { (m.at) }
                        p lang="und" { (m.body) }
                    }
                }
            }
        }
        @if let Some(form) = &actions.message {
            form.stacked method="post" action={ "/filings/" (view.id) "/messages" } novalidate {
                input type="hidden" name="csrf" value=(context.csrf.as_deref().unwrap_or(""));
                div.field {
                    label for="message-body" { (t(lang, "message.label")) }
                    textarea #message-body name="body" rows="4" required
                        aria-describedby="message-help"
                        aria-invalid=[form.error.map(|_| "true")] { (form.body) }
                    p #message-help.help { (t(lang, "message.help")) }
                    @if let Some(error) = form.error {
                        p.error role="alert" { (t(lang, error)) }
                    }
                }
                button type="submit" { (t(lang, "message.submit")) }
            }
        }
        @if !view.earlier.is_empty() {
            h2 { (t(lang, "filing.earlier")) }
            table {
                (head(lang, &["filings.id", "filing.date", "filing.counterparty", "filings.status"]))
                tbody {
                    @for e in &view.earlier {
                        tr {
                            td { a href={ "/filings/" (e.id) } { (e.id) } }
                            td { (e.date) }
                            td { (e.counterparty) }
                            td { (t(lang, filing_status_key(e.status))) }
                        }
                    }
                }
            }
        }
    }
}

/// The transfer as filed: parties, date, scenario and the inventory.
fn transfer(lang: Lang, facts: &serde_json::Value) -> Markup {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
    let count = |v: &serde_json::Value| v.as_u64().map_or_else(String::new, |n| n.to_string());
    let inventory = facts["data"]["inventory"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    html! {
        h2 { (t(lang, "filing.transfer")) }
        dl.facts {
            dt { (t(lang, "filing.date")) } dd { (text(&facts["date"])) }
            dt { (t(lang, "filing.scenario")) } dd { (i18n::report_word(lang, "scenario", &text(&facts["scenario"]))) }
            dt { (t(lang, "filing.exporter")) } dd { (text(&facts["exporter"]["name"])) }
            dt { (t(lang, "filing.counterparty")) }
            dd { (text(&facts["recipient"]["name"])) " (" (text(&facts["recipient"]["country"]).to_uppercase()) ")" }
            dt { (t(lang, "filing.individuals")) } dd { (count(&facts["data"]["individuals"])) }
        }
        @if !inventory.is_empty() {
            table {
                caption { (t(lang, "filing.inventory")) }
                (head(lang, &["filing.category", "filing.individuals", "filing.collected_in", "filing.form"]))
                tbody {
                    @for entry in &inventory {
                        tr {
                            td { code { (text(&entry["category"])) } }
                            td.number { (count(&entry["individuals"])) }
                            td { (text(&entry["collected_in"]).to_uppercase()) }
                            td { (i18n::report_word(lang, "form", &text(&entry["form"]))) }
                        }
                    }
                }
            }
        }
    }
}

/// A part of the judgement's JSON as `freeport judge` prints it, read into typed rows; a part
/// the judgement does not hold (a judgement stored before it existed) is shown as absent.
fn rows<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Vec<T> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// One side's decision at filing: the deciding rules with citations, the mechanisms and their
/// state, the obligations and the due dates, each drawn by the report's own part
/// ([`freeport_report::parts`]) so the page and the report read alike.
fn side_decision(lang: Lang, side: &str, decision: &serde_json::Value) -> Markup {
    let rules: Vec<RuleRef> = rows(&decision["rules"]);
    let mechanisms: Vec<MechanismRow> = rows(&decision["mechanisms"]);
    let obligations: Vec<String> = rows(&decision["obligations"]);
    let obligations_zh: Vec<String> = rows(&decision["obligations_zh"]);
    let due: Vec<DueRow> = rows(&decision["due"]);
    let words = Locale::shared(lang);
    let l = &words;
    html! {
        section.side aria-labelledby={ "side-" (side) } {
            h2 #{ "side-" (side) } {
                (t(lang, side_key(side))) " · " (i18n::outcome(lang, decision["outcome"].as_str().unwrap_or("")))
            }
            @if !rules.is_empty() {
                h3 { (t(lang, "filing.rules")) }
                p { (parts::rules_cited(l, &rules)) }
            }
            @if !mechanisms.is_empty() {
                h3 { (t(lang, "filing.mechanisms")) }
                (parts::mechanisms(l, &mechanisms))
            }
            @if !obligations.is_empty() {
                h3 { (t(lang, "filing.obligations")) }
                (parts::obligations(l, &obligations, &obligations_zh))
            }
            @if !due.is_empty() {
                h3 { (t(lang, "filing.due")) }
                (parts::due_table(l, &due))
            }
        }
    }
}

/// The organisation's cumulative volumes in each counting window this transfer falls in,
/// against the thresholds that matter, as the judge counted them for the current judgement:
/// the report's own chart and table ([`parts::volumes`]). A judgement stored before decisions
/// reported their volumes shows none.
fn volumes(lang: Lang, counted: &serde_json::Value) -> Markup {
    let counted: Vec<CountedVolume> = rows(counted);
    let bars: Vec<parts::VolumeRow> = counted.iter().map(parts::VolumeRow::from).collect();
    let words = Locale::shared(lang);
    html! {
        @if !bars.is_empty() {
            section aria-labelledby="volumes" {
                h2 #volumes { (t(lang, "filing.volumes")) }
                (parts::volumes(&words, &bars))
                p.muted { (freeport_report::shared_text(lang, "inventory.volumes_note").unwrap_or_default()) }
            }
        }
    }
}

/// What would lighten the outcome: each set of changes with the outcomes it reaches.
fn remedies(lang: Lang, remedies: &serde_json::Value) -> Markup {
    let list = remedies.as_array().cloned().unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
    html! {
        @if !list.is_empty() {
            h2 { (t(lang, "filing.remedies")) }
            ul.remedies {
                @for remedy in &list {
                    li {
                        @for (i, change) in remedy["changes"].as_array().cloned().unwrap_or_default().iter().enumerate() {
                            @if i > 0 { "; " }
                            code { (text(&change["category"])) } " "
                            (t(lang, remedy_action_key(&text(&change["action"]))))
                            @if let Some(to) = change["to"].as_u64() { " " (to) }
                        }
                        " → " (t(lang, "side.cn")) " " (i18n::outcome(lang, &text(&remedy["cn"])))
                        ", " (t(lang, "side.us")) " " (i18n::outcome(lang, &text(&remedy["us"])))
                    }
                }
            }
        }
    }
}

fn remedy_action_key(action: &str) -> &'static str {
    match action {
        "reduce" => "remedy.reduce",
        "anonymise" => "remedy.anonymise",
        "pseudonymise" => "remedy.pseudonymise",
        "drop" => "remedy.drop",
        _ => "remedy.change",
    }
}

fn attachment_kind_key(kind: AttachmentKind) -> &'static str {
    match kind {
        AttachmentKind::StandardContract => "attachment.standard_contract",
        AttachmentKind::Pipia => "attachment.pipia",
        AttachmentKind::CisaSecurityAttestation => "attachment.cisa_security_attestation",
        AttachmentKind::ComplianceProgramme => "attachment.compliance_programme",
        AttachmentKind::Licence => "attachment.licence",
        AttachmentKind::Other => "attachment.other",
    }
}

/// The documents each side under review needs, whether one is attached, every attachment with
/// its SHA-256 (what a decision binds) and, for those who may have it, a link to download it;
/// then the exporter's form to attach one while the filing is under review.
fn documents(context: &Context, view: &FilingView, form: Option<&AttachState>) -> Markup {
    let lang = context.lang;
    let may_download = context
        .who
        .as_ref()
        .is_some_and(|w| matches!(w.role, Role::Exporter | Role::CnReviewer | Role::UsReviewer));
    let error = |field: &str| form.and_then(|f| f.errors.get(field).copied());
    html! {
        @if !view.documents.is_empty() || !view.attachments.is_empty() || form.is_some() {
            h2 #documents { (t(lang, "documents.title")) }
            @if !view.documents.is_empty() {
                table {
                    (head(lang, &["filing.side", "documents.document", "documents.attached"]))
                    tbody {
                        @for d in &view.documents {
                            tr {
                                td { (t(lang, side_key(&d.side))) }
                                td { (t(lang, attachment_kind_key(d.kind))) }
                                td {
                                    @if d.attached.is_empty() {
                                        span.status.refused { (t(lang, "documents.missing")) }
                                    } @else {
                                        @for n in &d.attached { "#" (n) " " }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !view.attachments.is_empty() {
                table {
                    (head(lang, &["documents.number", "documents.document", "documents.file", "documents.sha256"]))
                    tbody {
                        @for a in &view.attachments {
                            tr id={ "attachment-" (a.seq) } {
                                td { "#" (a.seq) }
                                td { (t(lang, attachment_kind_key(a.kind))) }
                                td {
                                    @if may_download {
                                        a href={ "/filings/" (view.id) "/attachments/" (a.seq) } download {
                                            code lang="und" { (a.file_name) }
                                        }
                                    } @else {
                                        code lang="und" { (a.file_name) }
                                    }
                                    " (" (a.bytes) " " (t(lang, "documents.bytes")) ")"
                                }
                                td { code.hash lang="und" { (a.sha256) } }
                            }
                        }
                    }
                }
            }
            @if let Some(form) = form {
                form.stacked method="post" action={ "/filings/" (view.id) "/attachments" }
                    enctype="multipart/form-data" novalidate {
                    input type="hidden" name="csrf" value=(context.csrf.as_deref().unwrap_or(""));
                    p.help { (t(lang, "attach.help")) }
                    div.field {
                        label for="attach-kind" { (t(lang, "attach.kind")) }
                        select #attach-kind name="kind" required aria-invalid=[error("kind").map(|_| "true")] {
                            option value="" selected[form.kind.is_empty()] { (t(lang, "attach.choose")) }
                            @for kind in AttachmentKind::ALL {
                                option value=(kind.as_str()) selected[form.kind == kind.as_str()] {
                                    (t(lang, attachment_kind_key(kind)))
                                }
                            }
                        }
                        @if let Some(e) = error("kind") { p.error role="alert" { (t(lang, e)) } }
                    }
                    div.field {
                        label for="attach-document" { (t(lang, "attach.document")) }
                        input #attach-document type="file" name="document" required
                            aria-describedby="attach-document-help"
                            aria-invalid=[error("document").map(|_| "true")];
                        p #attach-document-help.help { (t(lang, "attach.document_help")) }
                        @if let Some(e) = error("document") {
                            p.error role="alert" {
                                @if !form.file_name.is_empty() {
                                    code lang="und" { (form.file_name) } ": "
                                }
                                (t(lang, e))
                            }
                        }
                    }
                    button type="submit" { (t(lang, "attach.submit")) }
                }
            }
        }
    }
}

/// Each decided side's conditions and public reasons, under headings naming the side (a filing's
/// and a chips case's page).
pub(super) fn conditions_and_reasons(lang: Lang, cases: &[CaseView]) -> Markup {
    html! {
        @for case in cases {
            @if !case.conditions.is_empty() {
                h2 { (t(lang, side_key(&case.side))) " · " (t(lang, "filing.conditions")) }
                ul { @for c in &case.conditions { li lang="und" { (c) } } }
            }
            @if !case.public_reasons.is_empty() {
                h2 { (t(lang, side_key(&case.side))) " · " (t(lang, "filing.public_reasons")) }
                ul { @for r in &case.public_reasons { li lang="und" { (r) } } }
            }
        }
    }
}

/// Who decided a side, the key that signed (name and key id: a fingerprint a verifier can match
/// against the registered verifier key) and the decision's log entry.
pub(super) fn decided_by(lang: Lang, case: &CaseView) -> Markup {
    let signers = case
        .signature
        .as_deref()
        .map(freeport_tlog::note::note_signers)
        .unwrap_or_default();
    html! {
        @if let Some(by) = &case.decided_by {
            (by)
            @for (name, id) in &signers {
                br;
                span.small { (t(lang, "decision.key")) " " code { (name) "+" (format!("{id:08x}")) } }
            }
            @if let Some(index) = case.log_index {
                br;
                span.small { (t(lang, "decision.log_entry")) " #" (index) }
            }
        }
    }
}

/// A reviewer's decision form posting to `action` (the port signs with the key it holds for
/// them), or `own_key_command`, how to decide with their own key. Filings and chips cases share
/// it.
pub(super) fn decision_form(
    context: &Context,
    action: &str,
    own_key_command: &str,
    state: &DecideState,
) -> Markup {
    let lang = context.lang;
    html! {
        section.decide aria-labelledby="decide-title" {
            h2 #decide-title { (t(lang, "decide.title")) }
            @match state {
                DecideState::OwnKey => {
                    p { (t(lang, "decide.own_key")) }
                    pre { code lang="und" { (own_key_command) } }
                }
                DecideState::Sign { verdict, conditions, reasons, errors } => {
                    form.stacked method="post" action=(action) novalidate {
                        input type="hidden" name="csrf" value=(context.csrf.as_deref().unwrap_or(""));
                        fieldset aria-describedby=[errors.get("verdict").map(|_| "verdict-error")] {
                            legend { (t(lang, "decide.verdict")) }
                            @for (value, key) in [
                                ("approve", "decide.approve"),
                                ("approve_with_conditions", "decide.approve_with_conditions"),
                                ("refuse", "decide.refuse"),
                            ] {
                                label.choice {
                                    input type="radio" name="verdict" value=(value)
                                        checked[verdict == value];
                                    " " (t(lang, key))
                                }
                            }
                            @if let Some(error) = errors.get("verdict") {
                                p #verdict-error.error role="alert" { (t(lang, error)) }
                            }
                        }
                        div.field {
                            label for="decide-conditions" { (t(lang, "decide.conditions")) }
                            textarea #decide-conditions name="conditions" rows="3"
                                aria-describedby="decide-conditions-help"
                                aria-invalid=[errors.get("conditions").map(|_| "true")] { (conditions) }
                            p #decide-conditions-help.help { (t(lang, "decide.conditions_help")) }
                            @if let Some(error) = errors.get("conditions") {
                                p.error role="alert" { (t(lang, error)) }
                            }
                        }
                        div.field {
                            label for="decide-reasons" { (t(lang, "decide.reasons")) }
                            textarea #decide-reasons name="reasons" rows="3"
                                aria-describedby="decide-reasons-help"
                                aria-invalid=[errors.get("reasons").map(|_| "true")] { (reasons) }
                            p #decide-reasons-help.help { (t(lang, "decide.reasons_help")) }
                            @if let Some(error) = errors.get("reasons") {
                                p.error role="alert" { (t(lang, error)) }
                            }
                        }
                        p.help { (t(lang, "decide.signing")) }
                        button type="submit" { (t(lang, "decide.submit")) }
                    }
                }
            }
        }
    }
}

pub(super) fn queue(context: &Context, queue: &[QueueItem], now: i64) -> Markup {
    let lang = context.lang;
    html! {
        @if queue.is_empty() {
            p { (t(lang, "queue.none")) }
        } @else {
            p { (t(lang, "queue.order")) }
            table {
                (head(lang, &["queue.filing", "queue.side", "queue.outcome", "queue.due", "queue.filed_at", "queue.waiting", "queue.status"]))
                tbody {
                    @for item in queue {
                        @let c = &item.case;
                        @let waiting = item.filed_at
                            .parse::<jiff::Timestamp>()
                            .ok()
                            .map(|at| u64::try_from(now - at.as_second()).unwrap_or(0));
                        tr {
                            td { a href={ "/filings/" (c.filing) } { (c.filing) } }
                            td { (t(lang, side_key(&c.side))) }
                            td { (i18n::outcome(lang, &c.outcome)) }
                            td {
                                @if let Some(due) = &item.due {
                                    time datetime=(due.date) { (due.date) }
                                    @if due.approximate { " " span.small { (t(lang, "queue.approximate")) } }
                                    br;
                                    span.small { code lang="und" { (due.rule) } }
                                } @else {
                                    "–"
                                }
                            }
                            td { time datetime=(item.filed_at) { (item.filed_at) } }
                            td { @if let Some(seconds) = waiting { (super::log_page::age(lang, seconds)) } }
                            td { (t(lang, case_status_key(c.status))) }
                        }
                    }
                }
            }
        }
    }
}
