//! The pieces of markup the report and the port's dashboard both show, in one place so the two
//! look and read alike: a status badge, a table head, citations in the reader's language, the
//! deciding rules, a side's mechanisms and obligations, and the due-dates table. Each is a maud
//! template over the report's typed rows and the report's words ([`Locale`]); maud escapes every
//! value, and [`STYLESHEET`] is the CSS they need (inlined into the report, served with the
//! dashboard's stylesheet).

use maud::{Markup, html};

use crate::locale::{Lang, Locale};
use crate::model::{DueRow, MechanismRow, RuleRef};

/// The CSS of these parts (colours from the page's `--muted`, `--ok`, `--warn` and `--bad`).
pub const STYLESHEET: &str = r".muted{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;border:1px solid currentColor;font-size:12px;font-weight:600;white-space:nowrap}
.ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}
.coverage{border:2px solid currentColor;border-radius:4px;padding:6px 10px;font-weight:600}
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
        thead { tr { @for key in keys { th class=[key.ends_with("_n").then_some("num")] { (l.get(key)) } } } }
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
}
