//! `/chips/screen`: screening organisation names against the Consolidated Screening List the
//! person downloaded (CSV or JSON, uploaded with the form; the port keeps no copy) and,
//! optionally, a registry file, whose lists are screened too and whose organisations are screened
//! for ownership by listed parties — the same [`Screening::run`] as `freeport chips screen`.
//! Every hit is shown with its score, the tokens that met and how, and the normalisation applied
//! (issue 19 items 2 and 6). Any signed-in account may screen; nothing is stored.

use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_chips::screen::{
    DEFAULT_THRESHOLD, MatchKind, NameResult, NamedText, OwnershipFinding, Screening, Standing,
    normalize::Step,
};
use freeport_report::Lang;
use maud::{Markup, html};

use super::i18n::t;
use super::pages::head;
use super::{Context, LangSwitch, Web, pages, redirect, same_secret};

/// The largest screening form taken: a CSL file as downloaded (about 10 MB as CSV today), a
/// registry and the names, with room to grow.
pub(super) const MAX_SCREENING_BYTES: usize = 48 << 20;
/// The most names screened in one form.
pub(super) const MAX_NAMES: usize = 10_000;

/// What the person sent, kept to show the form again.
#[derive(Debug)]
struct ScreenForm {
    csrf: String,
    names: String,
    threshold: String,
    list: Option<(String, Vec<u8>)>,
    registry: Option<(String, Vec<u8>)>,
}

/// The form as shown: what was typed, and what is wrong (a locale key, or the list loader's
/// message naming the file and line).
#[derive(Debug, Default)]
struct FormState {
    names: String,
    threshold: String,
    problem: Option<&'static str>,
    list_error: Option<String>,
}

async fn read_form(mut multipart: Multipart) -> Result<ScreenForm, &'static str> {
    let mut form = ScreenForm {
        csrf: String::new(),
        names: String::new(),
        threshold: String::new(),
        list: None,
        registry: None,
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| "upload.error.unreadable")?
    {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "csrf" | "names" | "threshold" => {
                let text = field.text().await.map_err(|_| "upload.error.unreadable")?;
                match name.as_str() {
                    "csrf" => form.csrf = text,
                    "names" => form.names = text,
                    _ => form.threshold = text,
                }
            }
            "list" | "registry" => {
                let file = field.file_name().unwrap_or_default().to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| "upload.error.too_large")?
                    .to_vec();
                if !bytes.is_empty() {
                    let slot = if name == "list" {
                        &mut form.list
                    } else {
                        &mut form.registry
                    };
                    *slot = Some((file, bytes));
                }
            }
            _ => {}
        }
    }
    Ok(form)
}

/// `GET /chips/screen`: the form.
pub(super) async fn form(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, "/chips/screen");
    if context.who.is_none() {
        return redirect("/login");
    }
    let state = FormState {
        threshold: DEFAULT_THRESHOLD.to_string(),
        ..FormState::default()
    };
    respond(&context, StatusCode::OK, &state, None)
}

fn respond(
    context: &Context,
    status: StatusCode,
    state: &FormState,
    screening: Option<&Screening>,
) -> Response {
    context.page(
        status,
        t(context.lang, "screen.title"),
        page(context, state, screening),
    )
}

/// The names of the form, one per line, blank lines dropped.
fn names_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A file's name for errors: as the browser sent it, cut to its last part.
fn file_label(name: &str, fallback: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    if last.is_empty() {
        fallback.to_owned()
    } else {
        last.to_owned()
    }
}

/// `POST /chips/screen`.
pub(super) async fn screen(
    State(web): State<Web>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let context = Context::new(&web, &headers, &LangSwitch { lang: None }, "/chips/screen");
    if context.who.is_none() {
        return redirect("/login");
    }
    let form = match multipart {
        Ok(multipart) => read_form(multipart).await,
        Err(_) => Err("upload.error.unreadable"),
    };
    let form = match form {
        Ok(form) => form,
        Err(problem) => {
            let state = FormState {
                threshold: DEFAULT_THRESHOLD.to_string(),
                problem: Some(problem),
                ..FormState::default()
            };
            return respond(&context, StatusCode::BAD_REQUEST, &state, None);
        }
    };
    match &context.csrf {
        Some(expected) if same_secret(expected, &form.csrf) => {}
        _ => {
            return context.page(
                StatusCode::FORBIDDEN,
                t(context.lang, "login.title"),
                pages::message(&context, "login.expired"),
            );
        }
    }
    let mut state = FormState {
        names: form.names.clone(),
        threshold: form.threshold.clone(),
        ..FormState::default()
    };
    let refuse = |mut state: FormState, problem: &'static str| {
        state.problem = Some(problem);
        respond(&context, StatusCode::UNPROCESSABLE_ENTITY, &state, None)
    };
    let threshold = match form.threshold.trim().parse::<u8>() {
        Ok(value @ 1..=100) => value,
        _ => return refuse(state, "screen.error.threshold"),
    };
    let Some((list_name, list_bytes)) = form.list else {
        return refuse(state, "screen.error.no_list");
    };
    let names = names_of(&form.names);
    if names.is_empty() && form.registry.is_none() {
        return refuse(state, "screen.error.no_names");
    }
    if names.len() > MAX_NAMES {
        return refuse(state, "screen.error.too_many_names");
    }
    let Ok(list_text) = String::from_utf8(list_bytes) else {
        return refuse(state, "upload.error.not_utf8");
    };
    let registry = match form.registry {
        Some((name, bytes)) => match String::from_utf8(bytes) {
            Ok(text) => Some((file_label(&name, "registry.toml"), text)),
            Err(_) => return refuse(state, "upload.error.not_utf8"),
        },
        None => None,
    };
    let list_file = file_label(&list_name, "list.csv");
    let screened = tokio::task::spawn_blocking(move || {
        let list = NamedText {
            file: &list_file,
            text: &list_text,
        };
        let registry = registry
            .as_ref()
            .map(|(file, text)| NamedText { file, text });
        Screening::run(list, registry, &names, threshold)
            .map_err(|error| located(&error, list, registry))
    })
    .await;
    match screened {
        Ok(Ok(screening)) => respond(&context, StatusCode::OK, &state, Some(&screening)),
        Ok(Err(message)) => {
            state.list_error = Some(message);
            respond(&context, StatusCode::UNPROCESSABLE_ENTITY, &state, None)
        }
        Err(_) => context.error(&freeport_port::PortError::Internal(
            "the screening stopped".into(),
        )),
    }
}

/// A list or registry error as shown: the file, the line and the loader's message (which never
/// quotes the file's content).
fn located(
    error: &freeport_chips::Error,
    list: NamedText<'_>,
    registry: Option<NamedText<'_>>,
) -> String {
    let (freeport_chips::Error::List(at) | freeport_chips::Error::Spec(at)) = error else {
        return error.to_string();
    };
    let text = [Some(list), registry]
        .into_iter()
        .flatten()
        .find(|f| f.file == at.file())
        .map_or("", |f| f.text);
    match at.offset() {
        Some(offset) => {
            let before = text.get(..offset).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            format!("{}, line {line}: {}", at.file(), at.message())
        }
        None => format!("{}: {}", at.file(), at.message()),
    }
}

fn kind_key(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Exact => "screen.match.exact",
        MatchKind::Typo => "screen.match.typo",
        MatchKind::Abbreviation => "screen.match.abbreviation",
        MatchKind::Joined => "screen.match.joined",
    }
}

fn step_key(step: Step) -> &'static str {
    match step {
        Step::FullWidth => "screen.step.full_width",
        Step::TraditionalToSimplified => "screen.step.traditional_to_simplified",
        Step::ChineseDictionary => "screen.step.chinese_dictionary",
        Step::Pinyin => "screen.step.pinyin",
        Step::LegalForm => "screen.step.legal_form",
        Step::Accents => "screen.step.accents",
        Step::Fold => "screen.step.fold",
    }
}

fn standing_key(standing: Standing) -> &'static str {
    match standing {
        Standing::Listed => "screen.standing.listed",
        Standing::Affiliate => "screen.standing.affiliate",
        Standing::Clear => "screen.standing.clear",
    }
}

fn page(context: &Context, state: &FormState, screening: Option<&Screening>) -> Markup {
    let lang = context.lang;
    html! {
        p.intro { (t(lang, "screen.intro")) }
        form.stacked method="post" action="/chips/screen" enctype="multipart/form-data" novalidate {
            input type="hidden" name="csrf" value=(context.csrf.as_deref().unwrap_or(""));
            div.field {
                label for="screen-list" { (t(lang, "screen.list")) }
                input #screen-list type="file" name="list" accept=".csv,.json,text/csv,application/json"
                    aria-describedby="screen-list-help";
                p #screen-list-help.help { (t(lang, "screen.list_help")) }
            }
            div.field {
                label for="screen-registry" { (t(lang, "screen.registry")) }
                input #screen-registry type="file" name="registry" accept=".toml"
                    aria-describedby="screen-registry-help";
                p #screen-registry-help.help { (t(lang, "screen.registry_help")) }
            }
            div.field {
                label for="screen-names" { (t(lang, "screen.names")) }
                textarea #screen-names name="names" rows="6" aria-describedby="screen-names-help" { (state.names) }
                p #screen-names-help.help { (t(lang, "screen.names_help")) }
            }
            div.field {
                label for="screen-threshold" { (t(lang, "screen.threshold")) }
                input #screen-threshold type="number" name="threshold" min="1" max="100"
                    value=(state.threshold) aria-describedby="screen-threshold-help";
                p #screen-threshold-help.help { (t(lang, "screen.threshold_help")) }
            }
            @if let Some(problem) = state.problem {
                p.error #notice role="alert" { (t(lang, problem)) }
            }
            @if let Some(message) = &state.list_error {
                p.error #notice role="alert" { (t(lang, "screen.error.list")) }
                pre lang="en" { code { (message) } }
            }
            button type="submit" { (t(lang, "screen.submit")) }
        }
        @if let Some(screening) = screening {
            (results(lang, screening))
        }
    }
}

fn results(lang: Lang, screening: &Screening) -> Markup {
    let hits: usize = screening.results.iter().map(|r| r.hits.len()).sum();
    html! {
        section aria-labelledby="screen-results" {
            h2 #screen-results { (t(lang, "screen.results")) }
            p #screen-summary {
                (t(lang, "screen.summary_names")) " " (screening.results.len()) " · "
                (t(lang, "screen.summary_entries")) " " (screening.list_entries) " · "
                (t(lang, "screen.summary_threshold")) " " (screening.threshold) " · "
                (t(lang, "screen.summary_hits")) " " (hits)
            }
            @if screening.needs_attention() {
                p.status.refused { (t(lang, "screen.attention")) }
            } @else {
                p.status.approved { (t(lang, "screen.clear")) }
            }
            @if !screening.results.is_empty() {
                table {
                    (head(lang, &["screen.name", "screen.score", "screen.entry", "screen.matched", "screen.tokens", "screen.normalised"]))
                    tbody {
                        @for r in &screening.results {
                            (name_rows(lang, r))
                        }
                    }
                }
            }
            @if let Some(findings) = &screening.ownership {
                h2 { (t(lang, "screen.ownership")) }
                (ownership(lang, findings))
            }
        }
    }
}

fn name_rows(lang: Lang, result: &NameResult) -> Markup {
    html! {
        @if result.hits.is_empty() {
            tr {
                td lang="und" { (result.name) }
                td { "–" }
                td colspan="4" { (t(lang, "screen.no_hit")) }
            }
        }
        @for hit in &result.hits {
            tr {
                td lang="und" { (result.name) }
                td { strong { (hit.score) } }
                td lang="und" {
                    code { (hit.list) " " (hit.entry_id) }
                    br;
                    (hit.entry_name)
                    br;
                    span.small { (hit.source) }
                }
                td lang="und" {
                    (hit.matched_name)
                    @if hit.alias { " (" (t(lang, "screen.alias")) ")" }
                }
                td {
                    ul {
                        @for m in &hit.matches {
                            li {
                                code lang="und" { (m.query) " ~ " (m.listed) }
                                " " (t(lang, kind_key(m.kind))) " " (format!("{:.2}", m.similarity))
                            }
                        }
                    }
                }
                td {
                    @if hit.query_steps.is_empty() && hit.listed_steps.is_empty() {
                        "–"
                    } @else {
                        ul {
                            @for step in &hit.query_steps {
                                li { (t(lang, "screen.query")) ": " (t(lang, step_key(*step))) }
                            }
                            @for step in &hit.listed_steps {
                                li { (t(lang, "screen.listed")) ": " (t(lang, step_key(*step))) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn ownership(lang: Lang, findings: &[OwnershipFinding]) -> Markup {
    html! {
        table {
            (head(lang, &["screen.organisation", "screen.standing", "screen.owned_by_listed", "screen.why"]))
            tbody {
                @for f in findings {
                    tr {
                        td lang="und" { (f.name) " " code { (f.organisation) } }
                        td { span class={ "status " (if f.standing == Standing::Clear { "approved" } else { "refused" }) } { (t(lang, standing_key(f.standing))) } }
                        td { (f.owned_by_listed) " %" }
                        td lang="en" {
                            ul {
                                @for why in &f.listed_because { li { (why) } }
                                @for o in f.owners.iter().filter(|o| !o.listed_because.is_empty()) {
                                    li { (o.party) " " (o.percent) " %: " (o.listed_because) }
                                }
                            }
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

    #[test]
    fn names_are_one_per_line_without_blanks() {
        assert_eq!(
            names_of(" Huawei Technologies \r\n\n华为技术有限公司\n  \n"),
            vec![
                "Huawei Technologies".to_owned(),
                "华为技术有限公司".to_owned()
            ]
        );
    }

    #[test]
    fn a_file_is_named_by_its_last_part() {
        assert_eq!(
            file_label("C:\\Users\\a\\consolidated.csv", "list.csv"),
            "consolidated.csv"
        );
        assert_eq!(file_label("", "list.csv"), "list.csv");
    }
}
