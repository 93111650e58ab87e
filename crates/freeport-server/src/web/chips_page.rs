//! `/chips`: the whitelist of verified end users with each listing's status today, and the chips
//! cases both sides decide (issue 19 item 6), over the same `Port` calls as the API
//! (`chips_whitelist`, `chips_cases`), so what a person sees is what their role and tenancy
//! allow. `/chips/cases/{id}` shows one case — what it rests on, each side's decision and public
//! reasons — with the decision form of a reviewer whose side is open, signed by the port with the
//! key it holds for them (`Port::chips_decide_with_port_key`; a reviewer holding their own key
//! decides with `freeport chips registry review`). `/chips/screen` is in [`super::screen_page`].

use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_chips::assurance::whitelist::ListingStatus;
use freeport_port::custody::DecisionForm;
use freeport_port::port::chips::{ChipsCaseView, ListingView};
use freeport_port::{Port, PortError, Principal};
use freeport_store::docket::CaseStatus;
use maud::{Markup, html};

use super::actions::{DecideState, DecisionFields, DecisionPage, post_decision_to};
use super::i18n::t;
use super::pages::{
    case_status_key, conditions_and_reasons, decided_by, decision_form, head, side_key,
};
use super::{Context, LangSwitch, Web, redirect};

fn listing_key(status: ListingStatus) -> &'static str {
    match status {
        ListingStatus::Listed => "listing.listed",
        ListingStatus::Suspended => "listing.suspended",
        ListingStatus::Expired => "listing.expired",
        ListingStatus::Removed => "listing.removed",
    }
}

fn kind_key(kind: &str) -> &'static str {
    match kind {
        "whitelist_application" => "chips_kind.whitelist_application",
        "re_evaluation" => "chips_kind.re_evaluation",
        _ => "chips_kind.anomaly",
    }
}

fn case_key(status: &str) -> &'static str {
    match status {
        "approved" => "chips_case.approved",
        "refused" => "chips_case.refused",
        _ => "chips_case.in_review",
    }
}

pub(super) async fn chips(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, "/chips");
    let Some(who) = context.who.clone() else {
        return redirect("/login");
    };
    let port = Arc::clone(&web.port);
    let loaded =
        crate::port_call(move || Ok((port.chips_whitelist(&who, None)?, port.chips_cases(&who)?)))
            .await;
    match loaded {
        Ok((list, cases)) => context.page(
            StatusCode::OK,
            t(context.lang, "chips.title"),
            page(&context, &list, &cases),
        ),
        Err(e) => context.error(&e),
    }
}

fn page(context: &Context, list: &[ListingView], cases: &[ChipsCaseView]) -> Markup {
    let lang = context.lang;
    html! {
        p.intro { (t(lang, "chips.intro")) }
        p { a href="/chips/screen" { (t(lang, "chips.screen_link")) } }
        h2 { (t(lang, "chips.whitelist")) }
        @if list.is_empty() {
            p { (t(lang, "chips.whitelist_none")) }
        } @else {
            table {
                (head(lang, &["chips.organisation", "chips.class", "chips.status", "chips.listed_on", "chips.reevaluate_by", "chips.valid_until"]))
                tbody {
                    @for l in list {
                        tr {
                            td { (l.listing.organisation) }
                            td { (l.listing.product_class) }
                            td {
                                (t(lang, listing_key(l.status)))
                                @if let Some(removal) = &l.listing.removal {
                                    ul.reasons aria-label=(t(lang, "chips.removed")) {
                                        @for r in &removal.reasons { li lang="und" { (r) } }
                                    }
                                }
                            }
                            td { time datetime=(l.listing.listed_on) { (l.listing.listed_on) } }
                            td { time datetime=(l.listing.reevaluate_by) { (l.listing.reevaluate_by) } }
                            td { time datetime=(l.listing.valid_until) { (l.listing.valid_until) } }
                        }
                    }
                }
            }
        }
        h2 { (t(lang, "chips.cases")) }
        @if cases.is_empty() {
            p { (t(lang, "chips.cases_none")) }
        } @else {
            table {
                (head(lang, &["chips.case", "chips.kind", "chips.organisation", "chips.class", "chips.case_status"]))
                tbody {
                    @for c in cases {
                        tr {
                            td { a href={ "/chips/cases/" (c.id) } { (c.id) } }
                            td { (t(lang, kind_key(c.kind_name()))) }
                            td { (c.organisation) }
                            td { (c.product_class) }
                            td {
                                (t(lang, case_key(&c.status)))
                                ul {
                                    @for side in &c.sides {
                                        li { (t(lang, side_key(&side.side))) ": " (t(lang, case_status_key(side.status))) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What a signed-in person may do on a chips case's page.
#[derive(Debug, Default)]
struct CaseActions {
    /// The decision form of a reviewer whose side is open.
    decide: Option<DecideState>,
    /// A notice above the form (the port refused it, the case was decided meanwhile).
    notice: Option<&'static str>,
}

fn case_actions(who: &Principal, case: &ChipsCaseView, holds_key: bool) -> CaseActions {
    let open_side = case.status == "in_review"
        && who.side().is_some_and(|side| {
            case.sides
                .iter()
                .any(|s| s.side == side.as_str() && s.status == CaseStatus::Open)
        });
    CaseActions {
        decide: open_side.then(|| {
            if holds_key {
                DecideState::empty()
            } else {
                DecideState::OwnKey
            }
        }),
        notice: None,
    }
}

/// The case as `who` may see it (404 beyond their tenancy), and whether the port holds `who`'s
/// signing key.
async fn load_case(
    web: &Web,
    who: Principal,
    id: String,
) -> Result<(ChipsCaseView, bool, Principal), PortError> {
    let port = Arc::clone(&web.port);
    crate::port_call(move || {
        let case = port.chips_case(&who, &id)?;
        let holds = who.side().is_some() && port.held_key(&who.account)?.is_some();
        Ok((case, holds, who))
    })
    .await
}

fn case_response(
    context: &Context,
    status: StatusCode,
    case: &ChipsCaseView,
    actions: &CaseActions,
) -> Response {
    context.page(
        status,
        &format!("{} {}", t(context.lang, "chips.case"), case.id),
        case_page(context, case, actions),
    )
}

/// `GET /chips/cases/{id}`.
pub(super) async fn case(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, &format!("/chips/cases/{id}"));
    let Some(who) = context.who.clone() else {
        return redirect("/login");
    };
    match load_case(&web, who, id).await {
        Ok((case, holds, who)) => case_response(
            &context,
            StatusCode::OK,
            &case,
            &case_actions(&who, &case, holds),
        ),
        Err(e) => context.error(&e),
    }
}

/// Chips cases' decision form.
struct ChipsCasePage;

impl DecisionPage for ChipsCasePage {
    type View = ChipsCaseView;
    type Actions = CaseActions;

    fn path(id: &str) -> String {
        format!("/chips/cases/{id}")
    }

    async fn load(
        web: &Web,
        who: Principal,
        id: String,
    ) -> Result<(ChipsCaseView, bool, Principal), PortError> {
        load_case(web, who, id).await
    }

    fn actions(who: &Principal, case: &ChipsCaseView, holds_key: bool) -> CaseActions {
        case_actions(who, case, holds_key)
    }

    fn slots(actions: &mut CaseActions) -> (&mut Option<DecideState>, &mut Option<&'static str>) {
        (&mut actions.decide, &mut actions.notice)
    }

    fn decide(
        port: &Port,
        who: &Principal,
        id: &str,
        form: &DecisionForm,
    ) -> Result<(), PortError> {
        port.chips_decide_with_port_key(who, id, form).map(|_| ())
    }

    fn respond(
        context: &Context,
        status: StatusCode,
        case: &ChipsCaseView,
        actions: &CaseActions,
    ) -> Response {
        case_response(context, status, case, actions)
    }
}

/// `POST /chips/cases/{id}/decision`: as a filing's decision form.
pub(super) async fn post_decision(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<DecisionFields>,
) -> Response {
    post_decision_to::<ChipsCasePage>(web, headers, id, fields).await
}

/// A detail value as shown: text as itself, anything else as compact JSON.
fn detail_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn case_page(context: &Context, case: &ChipsCaseView, actions: &CaseActions) -> Markup {
    let lang = context.lang;
    html! {
        p { a href="/chips" { (t(lang, "chips.back")) } }
        dl.facts {
            dt { (t(lang, "chips.kind")) } dd { (t(lang, kind_key(case.kind_name()))) }
            dt { (t(lang, "chips.organisation")) } dd { (case.organisation) }
            dt { (t(lang, "chips.class")) } dd { (case.product_class) }
            dt { (t(lang, "chips.subject")) } dd { code lang="und" { (case.subject) } }
            dt { (t(lang, "chips.opened")) }
            dd { (case.opened_by) " · " time datetime=(case.opened_at) { (case.opened_at) } }
            dt { (t(lang, "chips.case_status")) } dd { (t(lang, case_key(&case.status))) }
        }
        @if let Some(detail) = case.detail.as_object().filter(|d| !d.is_empty()) {
            h2 { (t(lang, "chips.detail")) }
            dl.facts {
                @for (key, value) in detail {
                    dt { code lang="und" { (key) } }
                    dd lang="und" { (detail_text(value)) }
                }
            }
        }
        h2 { (t(lang, "chips.evidence")) }
        p.help { (t(lang, "chips.evidence_help")) }
        ul { @for sha in &case.evidence { li { code.hash { (sha) } } } }
        h2 { (t(lang, "chips.sides")) }
        table {
            (head(lang, &["filing.side", "chips.case_status", "filing.decided_by"]))
            tbody {
                @for side in &case.sides {
                    tr {
                        th scope="row" { (t(lang, side_key(&side.side))) }
                        td { span class={ "status " (side.status.as_str()) } { (t(lang, case_status_key(side.status))) } }
                        td { (decided_by(lang, side)) }
                    }
                }
            }
        }
        (conditions_and_reasons(lang, &case.sides))
        @if let Some(notice) = actions.notice {
            p.error #notice role="alert" { (t(lang, notice)) }
        }
        @if let Some(decide) = &actions.decide {
            (decision_form(
                context,
                &format!("/chips/cases/{}/decision", case.id),
                &format!("freeport chips registry review {} --approve | --approve-with-conditions TEXT | --refuse --reason TEXT --key YOUR.key --port URL --token …", case.id),
                decide,
            ))
        }
    }
}
