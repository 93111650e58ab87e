//! Report strings per language, from `locales/*.toml` embedded at build time: nested tables
//! flatten to dotted keys (`section.cover`), and `{name}` placeholders are filled at render time.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use crate::ReportError;

const EN: &str = include_str!("../locales/en.toml");
const ZH: &str = include_str!("../locales/zh.toml");

/// The language of a rendered report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The BCP 47 tag for `<html lang>`.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh-CN",
        }
    }

    fn file(self) -> (&'static str, &'static str) {
        match self {
            Self::En => ("en.toml", EN),
            Self::Zh => ("zh.toml", ZH),
        }
    }
}

/// Tables only `zh.toml` has: the Chinese for what the rule packs and engines word in English
/// (rule explanations, citations, the de-identification engine's reasons, the judge's party
/// derivations). An English report quotes the packs and engines themselves. Pack and law
/// titles come from the packs in both languages (`title_zh`).
#[cfg(test)]
pub(crate) const ZH_ONLY: [&str; 7] = [
    "explain",
    "citation",
    "citation_form",
    "law_name",
    "deid_reason",
    "deid_source",
    "derivation",
];

/// One language's strings, as the report and the pages that show the same things (the port's
/// dashboard, through [`crate::parts`]) word them.
#[derive(Debug)]
pub struct Locale {
    lang: Lang,
    strings: &'static BTreeMap<String, String>,
    /// Keys asked for and not found; tests assert this stays empty.
    missing: RefCell<BTreeSet<String>>,
}

/// Both embedded locale files, parsed once per process.
fn tables() -> &'static [Result<BTreeMap<String, String>, ReportError>; 2] {
    static TABLES: std::sync::OnceLock<[Result<BTreeMap<String, String>, ReportError>; 2]> =
        std::sync::OnceLock::new();
    TABLES.get_or_init(|| [flatten("en.toml", EN), flatten("zh.toml", ZH)])
}

fn table(lang: Lang) -> &'static Result<BTreeMap<String, String>, ReportError> {
    let [en, zh] = tables();
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

impl Locale {
    pub(crate) fn load(lang: Lang) -> Result<Self, ReportError> {
        match table(lang) {
            Ok(strings) => Ok(Self {
                lang,
                strings,
                missing: RefCell::default(),
            }),
            Err(ReportError::Locale { file, reason }) => Err(ReportError::Locale {
                file,
                reason: reason.clone(),
            }),
            Err(other) => Err(ReportError::Locale {
                file: lang.file().0,
                reason: other.to_string(),
            }),
        }
    }

    /// The report's words in `lang` for another renderer (the port's dashboard). The embedded
    /// files are checked by this crate's tests; a broken one gives no strings, and every key
    /// then renders as itself (visible, never a crash).
    #[must_use]
    pub fn shared(lang: Lang) -> Self {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        Self {
            lang,
            strings: table(lang).as_ref().unwrap_or(&EMPTY),
            missing: RefCell::default(),
        }
    }

    /// The language of these words.
    #[must_use]
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The string for `key`; a missing key renders as itself (and is recorded), so a gap shows
    /// instead of breaking the report.
    pub(crate) fn get<'a>(&'a self, key: &'a str) -> &'a str {
        match self.strings.get(key) {
            Some(text) => text,
            None => {
                self.missing.borrow_mut().insert(key.to_owned());
                key
            }
        }
    }

    /// The string for `key` if there is one, without recording a miss (for optional
    /// translations of ids, e.g. a mechanism the locale does not name yet).
    pub(crate) fn try_get(&self, key: &str) -> Option<&str> {
        self.strings.get(key).map(String::as_str)
    }

    /// A translated id with a fallback to the id itself (packs may add ids before the locale
    /// files name them).
    pub(crate) fn name(&self, prefix: &str, id: &str) -> String {
        self.try_get(&format!("{prefix}.{id}"))
            .map_or_else(|| id.to_owned(), str::to_owned)
    }

    /// The string for `key` with `{name}` placeholders replaced.
    pub(crate) fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        // One pass over the template, so a value that itself holds `{...}` (a party's name) is
        // never expanded again.
        let template = self.get(key);
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let (before, after) = rest.split_at(open);
            out.push_str(before);
            let name_end = after.find('}');
            let value = name_end.and_then(|end| {
                let name = after.get(1..end)?;
                args.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v, end))
            });
            match value {
                Some((value, end)) => {
                    out.push_str(value);
                    rest = after.get(end + 1..).unwrap_or_default();
                }
                None => {
                    out.push('{');
                    rest = after.get(1..).unwrap_or_default();
                }
            }
        }
        out.push_str(rest);
        out
    }

    pub(crate) fn missing(&self) -> BTreeSet<String> {
        self.missing.borrow().clone()
    }
}

fn flatten(file: &'static str, text: &str) -> Result<BTreeMap<String, String>, ReportError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| ReportError::Locale {
        file,
        reason: e.to_string(),
    })?;
    let mut out = BTreeMap::new();
    walk(file, "", &table, &mut out)?;
    Ok(out)
}

fn walk(
    file: &'static str,
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, String>,
) -> Result<(), ReportError> {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            toml::Value::Table(t) => walk(file, &full, t, out)?,
            _ => {
                return Err(ReportError::Locale {
                    file,
                    reason: format!("`{full}` is not a string or a table"),
                });
            }
        }
    }
    Ok(())
}

/// The report's string for `key` (`outcome.EXEMPT`, `mechanism.cac_security_assessment`, …) in
/// `lang`: other renderers (the port's dashboard) print the same words for the same things.
#[must_use]
pub fn shared_text(lang: Lang, key: &str) -> Option<&'static str> {
    // The embedded files are checked by this crate's tests; a broken one gives no strings.
    table(lang).as_ref().ok()?.get(key).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_locales_have_exactly_the_same_keys() {
        let en = flatten("en.toml", EN).unwrap();
        let zh = flatten("zh.toml", ZH).unwrap();
        let zh_only = |k: &&String| {
            ZH_ONLY
                .iter()
                .any(|t| k.strip_prefix(t).is_some_and(|r| r.starts_with('.')))
        };
        let en_keys: BTreeSet<_> = en.keys().collect();
        let zh_keys: BTreeSet<_> = zh.keys().filter(|k| !zh_only(k)).collect();
        let only_en: Vec<_> = en_keys.difference(&zh_keys).collect();
        let only_zh: Vec<_> = zh_keys.difference(&en_keys).collect();
        assert!(
            only_en.is_empty() && only_zh.is_empty(),
            "only in en.toml: {only_en:?}; only in zh.toml: {only_zh:?}"
        );
    }

    #[test]
    fn placeholders_match_between_languages() {
        let en = flatten("en.toml", EN).unwrap();
        let zh = flatten("zh.toml", ZH).unwrap();
        let names = |s: &str| -> BTreeSet<String> {
            s.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
                .collect()
        };
        for (key, text) in &en {
            assert_eq!(
                names(text),
                names(zh.get(key).map_or("", String::as_str)),
                "placeholders of `{key}` differ"
            );
        }
    }

    #[test]
    fn chinese_strings_are_chinese() {
        // Guards against an English string pasted into zh.toml: every zh string that is prose
        // (has a letter) holds at least one CJK character, unless it is the same as English
        // (ids, units, proper names such as "PIPL").
        let en = flatten("en.toml", EN).unwrap();
        let zh = flatten("zh.toml", ZH).unwrap();
        for (key, text) in &zh {
            let has_cjk = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            // Placeholders are names, not prose.
            let mut words = String::new();
            let mut in_placeholder = false;
            for c in text.chars() {
                match c {
                    '{' => in_placeholder = true,
                    '}' => in_placeholder = false,
                    c if !in_placeholder => words.push(c),
                    _ => {}
                }
            }
            let prose = words.chars().filter(|c| c.is_ascii_alphabetic()).count() > 3;
            assert!(
                has_cjk || !prose || en.get(key) == Some(text),
                "`{key}` in zh.toml: {text}"
            );
        }
    }

    #[test]
    fn fill_replaces_every_placeholder() {
        let strings = Box::leak(Box::new(BTreeMap::from([(
            "a".to_owned(),
            "{x} and {y}".to_owned(),
        )])));
        let locale = Locale {
            lang: Lang::En,
            strings,
            missing: RefCell::default(),
        };
        assert_eq!(locale.fill("a", &[("x", "1"), ("y", "2")]), "1 and 2");
        assert_eq!(locale.fill("a", &[("x", "{y}"), ("y", "2")]), "{y} and 2");
        assert_eq!(locale.fill("a", &[("x", "1")]), "1 and {y}");
        assert_eq!(locale.get("b"), "b");
        assert_eq!(locale.missing(), BTreeSet::from(["b".to_owned()]));
    }
}
