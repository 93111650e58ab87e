//! The dashboard's words in English and Chinese, from `locales/{en,zh}.toml` embedded at build
//! time (the same keys in both; a test checks), and the choice of language: a `?lang=` switch,
//! remembered in a cookie, else the browser's `Accept-Language`, else English. Outcomes are named
//! with the report's own words (`freeport_report::shared_text`), so a page and a report never
//! call one thing two names.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use freeport_report::Lang;

const EN: &str = include_str!("../../locales/en.toml");
const ZH: &str = include_str!("../../locales/zh.toml");

/// The name of the cookie that remembers a chosen language.
pub const LANG_COOKIE: &str = "fdp_lang";

fn table(text: &str) -> BTreeMap<String, String> {
    // The embedded files are checked by the tests below; a broken one gives no strings, and every
    // key then renders as itself (visible, never a crash).
    toml::from_str(text).unwrap_or_default()
}

fn strings(lang: Lang) -> &'static BTreeMap<String, String> {
    static STRINGS: OnceLock<[BTreeMap<String, String>; 2]> = OnceLock::new();
    let [en, zh] = STRINGS.get_or_init(|| [table(EN), table(ZH)]);
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// The text of `key` in `lang`; a missing key shows as itself.
#[must_use]
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    strings(lang).get(key).map_or(key, String::as_str)
}

/// A code the report names (`outcome.EXEMPT`, `mechanism.pipia`, `status.missing`,
/// `form.raw`, `scenario.…`) in the report's words; one it does not name, as given.
#[must_use]
pub fn report_word(lang: Lang, section: &str, code: &str) -> String {
    freeport_report::shared_text(lang, &format!("{section}.{code}"))
        .map_or_else(|| code.to_owned(), str::to_owned)
}

/// A pack outcome (`EXEMPT`, `RESTRICTED`, …) in the report's words.
#[must_use]
pub fn outcome(lang: Lang, code: &str) -> String {
    report_word(lang, "outcome", code)
}

/// A language tag of the switch or the cookie (`zh`, `en`).
#[must_use]
pub fn parse_tag(tag: &str) -> Option<Lang> {
    let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
    if primary.eq_ignore_ascii_case("zh") {
        Some(Lang::Zh)
    } else if primary.eq_ignore_ascii_case("en") {
        Some(Lang::En)
    } else {
        None
    }
}

/// The language to answer in: the first of `switch`, `cookie` that names one, else the
/// `Accept-Language` entry of highest quality that is Chinese or English, else English.
#[must_use]
pub fn choose(switch: Option<&str>, cookie: Option<&str>, accept: Option<&str>) -> Lang {
    if let Some(lang) = switch
        .and_then(parse_tag)
        .or_else(|| cookie.and_then(parse_tag))
    {
        return lang;
    }
    let mut best: Option<(u16, Lang)> = None;
    for entry in accept.unwrap_or("").split(',') {
        let mut parts = entry.split(';');
        let Some(lang) = parts.next().and_then(parse_tag) else {
            continue;
        };
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(1000, |q| {
                q.parse::<f32>()
                    .map_or(0, |q| (q.clamp(0.0, 1.0) * 1000.0).round() as u16)
            });
        if quality > 0 && best.is_none_or(|(b, _)| quality > b) {
            best = Some((quality, lang));
        }
    }
    best.map_or(Lang::En, |(_, lang)| lang)
}

/// The short tag for links and cookies.
#[must_use]
pub fn tag(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_and_no_empty_text() {
        let (en, zh) = (table(EN), table(ZH));
        assert!(!en.is_empty(), "en.toml does not parse");
        assert_eq!(
            en.keys().collect::<Vec<_>>(),
            zh.keys().collect::<Vec<_>>(),
            "locales/en.toml and locales/zh.toml differ in keys"
        );
        for (key, text) in en.iter().chain(&zh) {
            assert!(!text.trim().is_empty(), "{key} is empty");
        }
    }

    #[test]
    fn chinese_texts_are_chinese() {
        // Identifiers the Chinese page may show as they are.
        let allowed = ["API", "SHA-256", "fdp_", "English", "CSV", "JSON", "TOML"];
        for (key, text) in table(ZH) {
            let mut rest = text.clone();
            for word in allowed {
                rest = rest.replace(word, "");
            }
            let latin_words = rest
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 1)
                .count();
            assert_eq!(latin_words, 0, "{key} = {text:?} holds Latin words");
        }
    }

    #[test]
    fn the_language_is_the_switch_then_the_cookie_then_the_browsers_choice() {
        let cases = [
            (Some("zh"), Some("en"), Some("en-US"), Lang::Zh),
            (None, Some("zh"), Some("en-US"), Lang::Zh),
            (None, Some("fr"), Some("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh),
            (None, None, Some("fr-FR, en;q=0.5, zh;q=0.7"), Lang::Zh),
            (None, None, Some("zh;q=0, en;q=0.1"), Lang::En),
            (None, None, Some("de"), Lang::En),
            (None, None, None, Lang::En),
            (None, None, Some("zh-Hant-TW"), Lang::Zh),
        ];
        for (switch, cookie, accept, want) in cases {
            assert_eq!(
                choose(switch, cookie, accept),
                want,
                "{switch:?} {cookie:?} {accept:?}"
            );
        }
    }

    #[test]
    fn outcomes_use_the_reports_words() {
        assert_eq!(outcome(Lang::Zh, "EXEMPT"), "免于申报");
        assert_eq!(outcome(Lang::En, "RESTRICTED"), "Restricted transaction");
        assert_eq!(outcome(Lang::En, "SOMETHING_NEW"), "SOMETHING_NEW");
    }
}
