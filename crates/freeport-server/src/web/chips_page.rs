//! `/chips`: the whitelist of verified end users with each listing's status today, and the chips
//! cases both sides decide (issue 19 item 6), over the same `Port` calls as the API
//! (`chips_whitelist`, `chips_cases`), so what a person sees is what their role and tenancy
//! allow. Reviewers decide with `freeport chips registry review` or the API.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_chips::assurance::whitelist::ListingStatus;
use freeport_port::port::chips::{ChipsCaseView, ListingView};
use maud::{Markup, html};

use super::i18n::t;
use super::pages::{case_status_key, head, side_key};
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
                            td { (c.id) }
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
