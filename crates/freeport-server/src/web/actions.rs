//! The forms on a filing's page: a question or answer on the case (the exporter, a reviewer of a
//! side under review), the exporter's contest of a classification, and a reviewer's decision,
//! signed by the port with the key it holds for that reviewer ([`freeport_port::custody`]).
//!
//! Each form is checked here first so every refusal is shown next to its field in the page's
//! language, with what the person typed kept; the port then checks everything again (the same
//! calls the API makes). A decision that goes through redirects to the filing (post, redirect,
//! get), so a reload never decides twice.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use freeport_port::custody::DecisionForm;
use freeport_port::port::{
    ContestRulingRequest, ErrorKind, FilingView, NewContest, Ruling, TextProblem, Verdict,
    personal_data_in,
};
use freeport_port::{PortError, Principal};
use freeport_store::docket::{CaseStatus, FilingStatus, Role};
use serde::Deserialize;

use super::attach::AttachState;
use super::{Context, LangSwitch, Web, i18n, pages, same_secret};

/// What a signed-in person may do on a filing's page, with what they typed when a form came
/// back refused.
#[derive(Debug, Default)]
pub(super) struct FilingActions {
    /// The question/answer form (none where the person may not write).
    pub message: Option<MessageState>,
    /// The decision form of a reviewer whose side's case is open.
    pub decide: Option<DecideState>,
    /// The exporter's contest form, while the filing is under review.
    pub contest: Option<ContestState>,
    /// The exporter's form to attach a document, while the filing is under review.
    pub attach: Option<AttachState>,
    /// A reviewer of a side with a live case rules on pending contests: the refused ruling's
    /// contest and problem (a locale key), if one came back.
    pub rule: Option<Option<(u64, &'static str)>>,
    /// A notice above the forms (a refused form, a case decided meanwhile).
    pub notice: Option<&'static str>,
}

/// The question/answer form.
#[derive(Debug, Default)]
pub(super) struct MessageState {
    pub body: String,
    pub error: Option<&'static str>,
}

/// The contest form: which inventory entry (`category@place`), what it should be, where it was
/// found, why; with each field's problem as a locale key.
#[derive(Debug, Default)]
pub(super) struct ContestState {
    pub entry: String,
    pub becomes: String,
    pub source: String,
    pub justification: String,
    pub errors: BTreeMap<&'static str, &'static str>,
    /// The port's reason for refusing a field, as it gave it.
    pub refusal: Option<String>,
}

/// The decision form.
#[derive(Debug)]
pub(super) enum DecideState {
    /// The port holds the reviewer's key: the form.
    Sign {
        verdict: String,
        conditions: String,
        reasons: String,
        /// Field name → locale key of what is wrong with it.
        errors: BTreeMap<&'static str, &'static str>,
    },
    /// The reviewer holds their own key: they decide with `freeport review`.
    OwnKey,
}

impl DecideState {
    /// An empty form.
    pub(super) fn empty() -> Self {
        Self::Sign {
            verdict: String::new(),
            conditions: String::new(),
            reasons: String::new(),
            errors: BTreeMap::new(),
        }
    }
}

/// The forms `who` sees on `view`, empty.
pub(super) fn actions_for(who: &Principal, view: &FilingView, holds_key: bool) -> FilingActions {
    let may_write = !view.cases.is_empty()
        && matches!(
            who.role,
            Role::Exporter | Role::CnReviewer | Role::UsReviewer
        );
    let open_side = who.side().is_some_and(|side| {
        view.cases
            .iter()
            .any(|c| c.side == side.as_str() && c.status == CaseStatus::Open)
    });
    let exporter_in_review = who.role == Role::Exporter && view.status == FilingStatus::InReview;
    FilingActions {
        message: may_write.then(MessageState::default),
        decide: open_side.then(|| {
            if holds_key {
                DecideState::empty()
            } else {
                DecideState::OwnKey
            }
        }),
        contest: exporter_in_review.then(ContestState::default),
        attach: exporter_in_review.then(AttachState::default),
        rule: (view.status == FilingStatus::InReview
            && who.side().is_some_and(|side| {
                view.cases
                    .iter()
                    .any(|c| c.side == side.as_str() && c.status != CaseStatus::Closed)
            }))
        .then_some(None),
        notice: None,
    }
}

/// The filing as `who` may see it, and whether the port holds `who`'s signing key.
pub(super) async fn load(
    web: &Web,
    who: Principal,
    id: String,
) -> Result<(FilingView, bool, Principal), PortError> {
    let port = Arc::clone(&web.port);
    crate::port_call(move || {
        let view = port.filing(&who, &id)?;
        let holds = who.side().is_some() && port.held_key(&who.account)?.is_some();
        Ok((view, holds, who))
    })
    .await
}

/// Renders the filing page with `actions`.
pub(super) fn page(
    context: &Context,
    status: StatusCode,
    view: &FilingView,
    actions: &FilingActions,
) -> Response {
    context.page(
        status,
        &format!("{} {}", i18n::t(context.lang, "filing.title"), view.id),
        pages::filing(context, view, actions),
    )
}

/// A text field's problem, as a locale key: the port's own checks ([`TextProblem`], and for
/// published text [`personal_data_in`]). Carriage returns from the browser's line ends are
/// allowed (they are normalised before the port sees the text).
fn text_problem(text: &str, published: bool) -> Option<&'static str> {
    match TextProblem::of(&text.replace("\r\n", "\n")) {
        Some(TextProblem::Empty) => Some("form.error.empty"),
        Some(TextProblem::TooLong) => Some("form.error.too_long"),
        Some(TextProblem::Control) => Some("form.error.control"),
        None if published && personal_data_in(text).is_some() => Some("form.error.personal_data"),
        None => None,
    }
}

/// A port refusal of a form, as the notice shown above it.
fn refusal_notice(error: &PortError) -> Option<(StatusCode, &'static str)> {
    match error.kind() {
        ErrorKind::Conflict => Some((StatusCode::CONFLICT, "form.error.conflict")),
        ErrorKind::Invalid => Some((StatusCode::UNPROCESSABLE_ENTITY, "form.error.refused")),
        _ => None,
    }
}

/// A form posted to `path`: its page context and the signed-in person, once the session's CSRF
/// token matched; else the answer (to sign in, or 403 for a stale or forged form).
pub(super) fn signed_form(
    web: &Web,
    headers: &HeaderMap,
    path: &str,
    csrf: &str,
) -> Result<(Context, Principal), Box<Response>> {
    let context = Context::new(web, headers, &LangSwitch { lang: None }, path);
    let Some(who) = context.who.clone() else {
        return Err(Box::new(super::redirect("/login")));
    };
    match &context.csrf {
        Some(expected) if same_secret(expected, csrf) => Ok((context, who)),
        _ => Err(Box::new(context.page(
            StatusCode::FORBIDDEN,
            i18n::t(context.lang, "login.title"),
            pages::message(&context, "login.expired"),
        ))),
    }
}

/// The question/answer form's fields.
#[derive(Debug, Deserialize)]
pub(super) struct MessageFields {
    csrf: String,
    #[serde(default)]
    body: String,
}

pub(super) async fn post_message(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<MessageFields>,
) -> Response {
    let path = format!("/filings/{id}");
    let (context, who) = match signed_form(&web, &headers, &path, &fields.csrf) {
        Ok(signed) => signed,
        Err(refused) => return *refused,
    };
    let body = fields.body.replace("\r\n", "\n");
    if let Some(problem) = text_problem(&body, false) {
        return match load(&web, who, id).await {
            Ok((view, holds, who)) => {
                let mut actions = actions_for(&who, &view, holds);
                actions.message = Some(MessageState {
                    body,
                    error: Some(problem),
                });
                page(&context, StatusCode::UNPROCESSABLE_ENTITY, &view, &actions)
            }
            Err(e) => context.error(&e),
        };
    }
    let port = Arc::clone(&web.port);
    let (caller, filing, text) = (who.clone(), id.clone(), body.clone());
    match crate::port_call(move || port.post_message(&caller, &filing, &text)).await {
        Ok(message) => redirect_to(&format!("{path}#message-{}", message.seq)),
        Err(error) => match (refusal_notice(&error), load(&web, who, id).await) {
            (Some((status, notice)), Ok((view, holds, who))) => {
                let mut actions = actions_for(&who, &view, holds);
                actions.notice = Some(notice);
                if let Some(form) = &mut actions.message {
                    form.body = body;
                }
                page(&context, status, &view, &actions)
            }
            _ => context.error(&error),
        },
    }
}

/// The contest form's fields.
#[derive(Debug, Deserialize)]
pub(super) struct ContestFields {
    csrf: String,
    /// `category@place`, one of the filing's inventory entries.
    #[serde(default)]
    entry: String,
    #[serde(default)]
    becomes: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    justification: String,
}

/// The contest the fields ask for, or each field's problem.
fn read_contest(
    fields: &ContestFields,
) -> Result<NewContest, BTreeMap<&'static str, &'static str>> {
    let mut errors = BTreeMap::new();
    let (category, place) = fields
        .entry
        .split_once('@')
        .map_or(("", ""), |(c, p)| (c.trim(), p.trim()));
    if category.is_empty() || place.is_empty() {
        errors.insert("entry", "contest.error.entry");
    }
    let becomes = fields.becomes.trim();
    if becomes.is_empty() {
        errors.insert("becomes", "form.error.empty");
    }
    let justification = fields.justification.replace("\r\n", "\n");
    if let Some(problem) = text_problem(&justification, false) {
        errors.insert("justification", problem);
    }
    let source = fields.source.trim();
    if errors.is_empty() {
        Ok(NewContest {
            category: category.to_owned(),
            collected_in: Some(place.to_owned()),
            source: (!source.is_empty()).then(|| source.to_owned()),
            becomes: becomes.to_owned(),
            justification,
        })
    } else {
        Err(errors)
    }
}

/// The field of the contest form a port refusal names (the port's own field names).
fn contest_field(field: &str) -> Option<&'static str> {
    match field {
        "category" | "collected_in" => Some("entry"),
        "becomes" => Some("becomes"),
        "source" => Some("source"),
        "justification" => Some("justification"),
        _ => None,
    }
}

pub(super) async fn post_contest(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<ContestFields>,
) -> Response {
    let path = format!("/filings/{id}");
    let (context, who) = match signed_form(&web, &headers, &path, &fields.csrf) {
        Ok(signed) => signed,
        Err(refused) => return *refused,
    };
    let kept =
        |errors: BTreeMap<&'static str, &'static str>, refusal: Option<String>| ContestState {
            entry: fields.entry.clone(),
            becomes: fields.becomes.clone(),
            source: fields.source.clone(),
            justification: fields.justification.clone(),
            errors,
            refusal,
        };
    let contest = match read_contest(&fields) {
        Ok(contest) => contest,
        Err(errors) => {
            return match load(&web, who, id).await {
                Ok((view, holds, who)) => {
                    let mut actions = actions_for(&who, &view, holds);
                    if actions.contest.is_some() {
                        actions.contest = Some(kept(errors, None));
                    }
                    page(&context, StatusCode::UNPROCESSABLE_ENTITY, &view, &actions)
                }
                Err(e) => context.error(&e),
            };
        }
    };
    let port = Arc::clone(&web.port);
    let (caller, filing) = (who.clone(), id.clone());
    match crate::port_call(move || port.contest(&caller, &filing, &contest)).await {
        Ok(view) => redirect_to(&format!("{path}#contest-{}", view.seq)),
        Err(error) => {
            let field = match &error {
                PortError::Invalid { field, reason } => {
                    contest_field(field).map(|f| (f, reason.clone()))
                }
                _ => None,
            };
            match (refusal_notice(&error), load(&web, who, id).await) {
                (Some((status, notice)), Ok((view, holds, who))) => {
                    let mut actions = actions_for(&who, &view, holds);
                    match field {
                        Some((field, reason)) if actions.contest.is_some() => {
                            actions.contest = Some(kept(
                                BTreeMap::from([(field, "contest.error.refused")]),
                                Some(reason),
                            ));
                        }
                        _ => actions.notice = Some(notice),
                    }
                    page(&context, status, &view, &actions)
                }
                _ => context.error(&error),
            }
        }
    }
}

/// A ruling's fields.
#[derive(Debug, Deserialize)]
pub(super) struct RulingFields {
    csrf: String,
    #[serde(default)]
    ruling: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn post_ruling(
    State(web): State<Web>,
    headers: HeaderMap,
    Path((id, seq)): Path<(String, u64)>,
    Form(fields): Form<RulingFields>,
) -> Response {
    let path = format!("/filings/{id}");
    let (context, who) = match signed_form(&web, &headers, &path, &fields.csrf) {
        Ok(signed) => signed,
        Err(refused) => return *refused,
    };
    let reason = fields.reason.replace("\r\n", "\n");
    let ruling = match fields.ruling.as_str() {
        "accept" => Some(Ruling::Accept),
        "reject" => Some(Ruling::Reject),
        _ => None,
    };
    let problem = match ruling {
        None => Some("form.error.ruling"),
        Some(_) => text_problem(&reason, true),
    };
    let refused = |problem: &'static str, status: StatusCode, who: Principal, id: String| {
        let (web, context) = (&web, &context);
        async move {
            match load(web, who, id).await {
                Ok((view, holds, who)) => {
                    let mut actions = actions_for(&who, &view, holds);
                    if actions.rule.is_some() {
                        actions.rule = Some(Some((seq, problem)));
                    } else {
                        actions.notice = Some(problem);
                    }
                    page(context, status, &view, &actions)
                }
                Err(e) => context.error(&e),
            }
        }
    };
    let (Some(ruling), None) = (ruling, problem) else {
        let problem = problem.unwrap_or("form.error.ruling");
        return refused(problem, StatusCode::UNPROCESSABLE_ENTITY, who, id).await;
    };
    let port = Arc::clone(&web.port);
    let (caller, filing) = (who.clone(), id.clone());
    let request = ContestRulingRequest { ruling, reason };
    match crate::port_call(move || port.rule_contest(&caller, &filing, seq, &request)).await {
        Ok(_) => redirect_to(&format!("{path}#contest-{seq}")),
        Err(error) => match refusal_notice(&error) {
            Some((status, notice)) => refused(notice, status, who, id).await,
            None => context.error(&error),
        },
    }
}

/// The decision form's fields.
#[derive(Debug, Deserialize)]
pub(super) struct DecisionFields {
    csrf: String,
    #[serde(default)]
    verdict: String,
    /// One condition per line.
    #[serde(default)]
    conditions: String,
    /// One public reason per line.
    #[serde(default)]
    reasons: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The decision the fields ask for, or each field's problem.
fn read_decision(
    fields: &DecisionFields,
) -> Result<DecisionForm, BTreeMap<&'static str, &'static str>> {
    let mut errors = BTreeMap::new();
    let verdict = match fields.verdict.as_str() {
        "approve" => Some(Verdict::Approve),
        "approve_with_conditions" => Some(Verdict::ApproveWithConditions),
        "refuse" => Some(Verdict::Refuse),
        _ => {
            errors.insert("verdict", "form.error.verdict");
            None
        }
    };
    let conditions = lines(&fields.conditions);
    let reasons = lines(&fields.reasons);
    let first_problem = |items: &[String]| items.iter().find_map(|t| text_problem(t, true));
    match verdict {
        Some(Verdict::ApproveWithConditions) if conditions.is_empty() => {
            errors.insert("conditions", "form.error.conditions_required");
        }
        Some(Verdict::Approve | Verdict::Refuse) if !conditions.is_empty() => {
            errors.insert("conditions", "form.error.conditions_only_with");
        }
        _ => {}
    }
    if verdict == Some(Verdict::Refuse) && reasons.is_empty() {
        errors.insert("reasons", "form.error.reasons_required");
    }
    if let Some(problem) = first_problem(&conditions) {
        errors.entry("conditions").or_insert(problem);
    }
    if let Some(problem) = first_problem(&reasons) {
        errors.entry("reasons").or_insert(problem);
    }
    match verdict {
        Some(verdict) if errors.is_empty() => Ok(DecisionForm {
            verdict,
            conditions,
            public_reasons: reasons,
        }),
        _ => Err(errors),
    }
}

/// A page with a reviewer's decision form: filings and chips cases. One post handler
/// ([`post_decision_to`]) checks the form, asks the port to decide and answers, for both.
pub(super) trait DecisionPage {
    /// The case as shown.
    type View;
    /// The forms on its page.
    type Actions;
    /// The case's page, whose form posts to `{path}/decision`.
    fn path(id: &str) -> String;
    /// The case as `who` may see it, whether the port holds `who`'s key, and `who`.
    async fn load(
        web: &Web,
        who: Principal,
        id: String,
    ) -> Result<(Self::View, bool, Principal), PortError>;
    /// The forms `who` sees, empty.
    fn actions(who: &Principal, view: &Self::View, holds_key: bool) -> Self::Actions;
    /// The decision form and the notice above it.
    fn slots(actions: &mut Self::Actions) -> (&mut Option<DecideState>, &mut Option<&'static str>);
    /// Decides `who`'s side with the key the port holds for them.
    fn decide(
        port: &freeport_port::Port,
        who: &Principal,
        id: &str,
        form: &DecisionForm,
    ) -> Result<(), PortError>;
    /// The page.
    fn respond(
        context: &Context,
        status: StatusCode,
        view: &Self::View,
        actions: &Self::Actions,
    ) -> Response;
}

/// `POST {path}/decision` of any [`DecisionPage`]: each field checked first (shown next to it,
/// with what was typed), then decided by the port; post, redirect, get.
pub(super) async fn post_decision_to<P: DecisionPage>(
    web: Web,
    headers: HeaderMap,
    id: String,
    fields: DecisionFields,
) -> Response {
    let path = P::path(&id);
    let (context, who) = match signed_form(&web, &headers, &path, &fields.csrf) {
        Ok(signed) => signed,
        Err(refused) => return *refused,
    };
    let typed = |errors: BTreeMap<&'static str, &'static str>| DecideState::Sign {
        verdict: fields.verdict.clone(),
        conditions: fields.conditions.clone(),
        reasons: fields.reasons.clone(),
        errors,
    };
    let (status, notice, errors) = match read_decision(&fields) {
        Ok(form) => {
            let port = Arc::clone(&web.port);
            let (caller, case) = (who.clone(), id.clone());
            match crate::port_call(move || P::decide(&port, &caller, &case, &form)).await {
                Ok(()) => return redirect_to(&path),
                Err(error) => match refusal_notice(&error) {
                    Some((status, notice)) => (status, Some(notice), BTreeMap::new()),
                    None => return context.error(&error),
                },
            }
        }
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, None, errors),
    };
    match P::load(&web, who, id).await {
        Ok((view, holds, who)) => {
            let mut actions = P::actions(&who, &view, holds);
            let (decide, shown_notice) = P::slots(&mut actions);
            *shown_notice = notice;
            if matches!(decide, Some(DecideState::Sign { .. })) {
                *decide = Some(typed(errors));
            }
            P::respond(&context, status, &view, &actions)
        }
        Err(e) => context.error(&e),
    }
}

/// Filings' decision form.
struct FilingPage;

impl DecisionPage for FilingPage {
    type View = FilingView;
    type Actions = FilingActions;

    fn path(id: &str) -> String {
        format!("/filings/{id}")
    }

    async fn load(
        web: &Web,
        who: Principal,
        id: String,
    ) -> Result<(FilingView, bool, Principal), PortError> {
        load(web, who, id).await
    }

    fn actions(who: &Principal, view: &FilingView, holds_key: bool) -> FilingActions {
        actions_for(who, view, holds_key)
    }

    fn slots(actions: &mut FilingActions) -> (&mut Option<DecideState>, &mut Option<&'static str>) {
        (&mut actions.decide, &mut actions.notice)
    }

    fn decide(
        port: &freeport_port::Port,
        who: &Principal,
        id: &str,
        form: &DecisionForm,
    ) -> Result<(), PortError> {
        port.decide_with_port_key(who, id, form).map(|_| ())
    }

    fn respond(
        context: &Context,
        status: StatusCode,
        view: &FilingView,
        actions: &FilingActions,
    ) -> Response {
        page(context, status, view, actions)
    }
}

pub(super) async fn post_decision(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<DecisionFields>,
) -> Response {
    post_decision_to::<FilingPage>(web, headers, id, fields).await
}

/// The filing page, as `GET /filings/{id}` answers.
pub(super) async fn filing(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, &format!("/filings/{id}"));
    let Some(who) = context.who.clone() else {
        return super::redirect("/login");
    };
    match load(&web, who, id).await {
        Ok((view, holds, who)) => page(
            &context,
            StatusCode::OK,
            &view,
            &actions_for(&who, &view, holds),
        ),
        Err(e) => context.error(&e),
    }
}

/// A 303 to a path of this site.
pub(super) fn redirect_to(location: &str) -> Response {
    match axum::http::HeaderValue::from_str(location) {
        Ok(value) => (
            StatusCode::SEE_OTHER,
            [(axum::http::header::LOCATION, value)],
        )
            .into_response(),
        Err(_) => super::redirect("/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use freeport_port::port::MAX_TEXT_CHARS;

    fn fields(verdict: &str, conditions: &str, reasons: &str) -> DecisionFields {
        DecisionFields {
            csrf: String::new(),
            verdict: verdict.into(),
            conditions: conditions.into(),
            reasons: reasons.into(),
        }
    }

    #[test]
    fn a_decision_form_is_refused_field_by_field() {
        let cases: [(DecisionFields, &[(&str, &str)]); 6] = [
            (fields("", "", ""), &[("verdict", "form.error.verdict")]),
            (
                fields("approve_with_conditions", " \n ", ""),
                &[("conditions", "form.error.conditions_required")],
            ),
            (
                fields("approve", "keep records", ""),
                &[("conditions", "form.error.conditions_only_with")],
            ),
            (
                fields("refuse", "", ""),
                &[("reasons", "form.error.reasons_required")],
            ),
            (
                fields("refuse", "", "Call 13800138000 for details"),
                &[("reasons", "form.error.personal_data")],
            ),
            (
                fields(
                    "approve_with_conditions",
                    &"x".repeat(MAX_TEXT_CHARS + 1),
                    "",
                ),
                &[("conditions", "form.error.too_long")],
            ),
        ];
        for (form, expected) in cases {
            let errors = read_decision(&form).unwrap_err();
            let got: Vec<(&str, &str)> = errors.into_iter().collect();
            assert_eq!(got, expected, "{form:?}");
        }
    }

    #[test]
    fn a_good_decision_form_reads_one_item_per_line() {
        let form = read_decision(&fields(
            "approve_with_conditions",
            "Keep the annex current.\r\n\r\n  Report onward transfers.  \n",
            "",
        ))
        .unwrap();
        assert_eq!(form.verdict, Verdict::ApproveWithConditions);
        assert_eq!(
            form.conditions,
            ["Keep the annex current.", "Report onward transfers."]
        );
        assert!(form.public_reasons.is_empty());
    }
}
