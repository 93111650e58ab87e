//! `/log`: the transparency log for anyone (issue 18 item 4) — its head, the checkpoint published
//! to verifiers with each witness's verified cosignature and its age, the entries not yet covered,
//! and the entries newest first, a hundred at a time ([`Port::log_view`]).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_port::log_view::{CheckpointView, LogView};
use freeport_report::Lang;
use maud::{Markup, html};
use serde::Deserialize;

use super::i18n::t;
use super::{Context, LangSwitch, Web};

/// Entries per page.
const PAGE: u64 = 50;

/// A cosignature older than this is marked stale: a witness cosigns every new checkpoint, so an
/// old one means no checkpoint since or a witness that stopped answering.
const STALE_AFTER_SECONDS: u64 = 24 * 3600;

/// `?before=N&lang=…`.
#[derive(Debug, Deserialize)]
pub(super) struct LogQuery {
    before: Option<u64>,
    lang: Option<String>,
}

pub(super) async fn log(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(query): Query<LogQuery>,
) -> Response {
    let switch = LangSwitch {
        lang: query.lang.clone(),
    };
    let context = Context::new(&web, &headers, &switch, "/log");
    let port = Arc::clone(&web.port);
    let before = query.before;
    let now = u64::try_from(jiff::Timestamp::now().as_second()).unwrap_or(0);
    match crate::port_call(move || port.log_view(before, PAGE, now)).await {
        Ok(view) => context.page(
            StatusCode::OK,
            t(context.lang, "log.title"),
            page(context.lang, &view),
        ),
        Err(e) => context.error(&e),
    }
}

/// An age in the largest whole unit.
pub(super) fn age(lang: Lang, seconds: u64) -> String {
    let (n, key) = match seconds {
        0..60 => (seconds, "log.age_seconds"),
        60..3600 => (seconds / 60, "log.age_minutes"),
        3600..86_400 => (seconds / 3600, "log.age_hours"),
        _ => (seconds / 86_400, "log.age_days"),
    };
    t(lang, key).replace("{n}", &n.to_string())
}

fn page(lang: Lang, view: &LogView) -> Markup {
    html! {
        dl.facts {
            dt { (t(lang, "log.origin")) } dd { code { (view.origin) } }
            dt { (t(lang, "log.size")) } dd { (view.size) }
            dt { (t(lang, "log.root")) } dd { code.hash { (view.root_hash) } }
        }
        h2 { (t(lang, "log.checkpoint")) }
        @match &view.checkpoint {
            None => p { (t(lang, "log.no_checkpoint")) },
            Some(checkpoint) => (checkpoint_section(lang, checkpoint)),
        }
        h2 { (t(lang, "log.entries")) }
        @if view.entries.is_empty() {
            p { (t(lang, "log.no_entries")) }
        } @else {
            table.entries {
                thead { tr {
                    th scope="col" { (t(lang, "log.index")) }
                    th scope="col" { (t(lang, "log.kind")) }
                    th scope="col" { (t(lang, "log.fields")) }
                    th scope="col" { (t(lang, "log.sha256")) }
                } }
                tbody {
                    @for entry in &view.entries {
                        tr {
                            td { "#" (entry.index) }
                            td { (t(lang, kind_key(&entry.kind))) }
                            td {
                                @for (name, value) in &entry.fields {
                                    span.kv { code { (name) } " " span lang="und" { (value) } }
                                    " "
                                }
                            }
                            td { code.hash { (entry.sha256.get(..16).unwrap_or(&entry.sha256)) "…" } }
                        }
                    }
                }
            }
            @if let Some(older) = view.older {
                p { a href={ "/log?before=" (older) } { (t(lang, "log.older")) } }
            }
        }
    }
}

fn checkpoint_section(lang: Lang, checkpoint: &CheckpointView) -> Markup {
    html! {
        dl.facts {
            dt { (t(lang, "log.covers")) } dd { (checkpoint.size) }
            dt { (t(lang, "log.root")) } dd { code.hash { (checkpoint.root_hash) } }
        }
        @if checkpoint.behind > 0 {
            p.error role="status" { (t(lang, "log.behind").replace("{n}", &checkpoint.behind.to_string())) }
        }
        table {
            thead { tr {
                th scope="col" { (t(lang, "log.witness")) }
                th scope="col" { (t(lang, "log.key")) }
                th scope="col" { (t(lang, "log.cosigned_at")) }
                th scope="col" { (t(lang, "log.age")) }
            } }
            tbody {
                @for c in &checkpoint.cosignatures {
                    tr {
                        td { (c.witness) }
                        td { code { (c.key) } }
                        td { time datetime=(c.at) { (c.at) } }
                        td {
                            (age(lang, c.age_seconds))
                            @if c.age_seconds > STALE_AFTER_SECONDS {
                                " " span.status.refused { (t(lang, "log.stale")) }
                            }
                        }
                    }
                }
                @for name in &checkpoint.missing {
                    tr {
                        td { (name) }
                        td colspan="3" { span.status.refused { (t(lang, "log.missing")) } }
                    }
                }
            }
        }
        details {
            summary { (t(lang, "log.note")) }
            pre { code lang="und" { (checkpoint.text) } }
        }
    }
}

fn kind_key(kind: &str) -> &'static str {
    match kind {
        "decision" => "log.kind.decision",
        "manifest" => "log.kind.manifest",
        "rule_pack" => "log.kind.rule_pack",
        "publication" => "log.kind.publication",
        "attestation" => "log.kind.attestation",
        _ => "log.kind.other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_told_in_their_largest_unit() {
        assert_eq!(age(Lang::En, 5), "5 s ago");
        assert_eq!(age(Lang::En, 125), "2 min ago");
        assert_eq!(age(Lang::En, 7200), "2 h ago");
        assert_eq!(age(Lang::Zh, 3 * 86_400), "3 天前");
    }
}
