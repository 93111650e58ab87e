//! Name normalisation for screening: one organisation name in any script becomes a list of
//! comparable tokens, and the steps taken are recorded for the explanation.
//!
//! In order: NFKC (full-width letters and the ideographic space fold to ASCII), lower case,
//! traditional → simplified characters (OpenCC's `TSCharacters.txt`, first candidate), then per
//! run of Han characters the longest dictionary word at each position (`data/zh-en.tsv`: legal
//! forms dropped, generic words translated, place names romanised), the remaining characters
//! to pinyin without tones, consecutive syllables joined into one token (华为 → `huawei`); other
//! text is split on anything but letters and digits, accents removed (NFKD), legal forms and
//! stop words dropped, common plurals folded (technologies → technology).
//! Source of the approach: /work/shared/reference/export-controls.md §9 ("Fuzzy matching",
//! "Chinese-name transliteration finding" [M]).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// OpenCC's traditional → simplified character table: BYVoid/OpenCC
/// `data/dictionary/TSCharacters.txt` at commit 5249273a (2026-08-06), Apache-2.0.
const TS_CHARACTERS: &str = include_str!("../../data/opencc-TSCharacters.txt");
/// The Chinese corporate dictionary (see the file's header).
const ZH_EN: &str = include_str!("../../data/zh-en.tsv");

/// English legal-form words, dropped.
const LEGAL_FORMS: [&str; 32] = [
    "co",
    "company",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "jsc",
    "pjsc",
    "ojsc",
    "cjsc",
    "ooo",
    "oao",
    "bv",
    "nv",
    "pte",
    "pty",
    "lp",
    "llp",
    "kk",
    "sdn",
    "bhd",
    "srl",
    "spa",
    "fze",
    "fzco",
];
/// English words that carry no identity, dropped.
const STOP_WORDS: [&str; 4] = ["the", "of", "and", "for"];
/// Plurals and variants folded to one form.
const FOLDS: [(&str, &str); 16] = [
    ("technologies", "technology"),
    ("electronics", "electronic"),
    ("microelectronics", "microelectronic"),
    ("optoelectronics", "optoelectronic"),
    ("systems", "system"),
    ("materials", "material"),
    ("industries", "industry"),
    ("holdings", "holding"),
    ("instruments", "instrument"),
    ("communications", "communication"),
    ("networks", "network"),
    ("sciences", "science"),
    ("centre", "center"),
    ("semiconductors", "semiconductor"),
    ("institutes", "institute"),
    ("macao", "macau"),
];

/// A normalisation step that changed the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Full-width or compatibility characters folded (NFKC).
    FullWidth,
    /// Traditional characters made simplified.
    TraditionalToSimplified,
    /// Chinese words translated or romanised from the dictionary.
    ChineseDictionary,
    /// Han characters written as pinyin.
    Pinyin,
    /// Legal-form words removed (有限公司, Co., Ltd.).
    LegalForm,
    /// Accents removed.
    Accents,
    /// Plurals and spelling variants folded.
    Fold,
}

impl Step {
    /// In words.
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Self::FullWidth => "full-width characters folded",
            Self::TraditionalToSimplified => "traditional → simplified",
            Self::ChineseDictionary => "Chinese words translated",
            Self::Pinyin => "Han characters → pinyin",
            Self::LegalForm => "legal forms removed",
            Self::Accents => "accents removed",
            Self::Fold => "plurals folded",
        }
    }
}

/// Where a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Latin text as written.
    Latin,
    /// Han characters, as pinyin.
    Pinyin,
    /// A Chinese word, translated or romanised.
    Dictionary,
}

/// A normalised name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Normalized {
    /// Tokens in name order.
    pub tokens: Vec<(String, Origin)>,
    /// The steps that changed something.
    pub steps: BTreeSet<Step>,
}

impl Normalized {
    /// The tokens joined by spaces.
    #[must_use]
    pub fn key(&self) -> String {
        self.tokens
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A dictionary word: its characters, whether it is a legal form, its English tokens.
type Word = (Vec<char>, bool, Vec<String>);

#[derive(Debug)]
struct Tables {
    t2s: FxHashMap<char, char>,
    /// Chinese word → (kind is legal, English tokens); longest first per first character.
    dict: FxHashMap<char, Vec<Word>>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t2s = FxHashMap::default();
        for line in TS_CHARACTERS.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split('\t');
            let (Some(from), Some(to)) = (parts.next(), parts.next()) else {
                continue;
            };
            let (Some(from), Some(to)) = (
                from.chars().next(),
                to.split(' ').next().and_then(|t| t.chars().next()),
            ) else {
                continue;
            };
            if from != to {
                t2s.insert(from, to);
            }
        }
        let mut dict: FxHashMap<char, Vec<Word>> = FxHashMap::default();
        for line in ZH_EN
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let mut parts = line.split('\t');
            let (Some(zh), Some(kind), english) =
                (parts.next(), parts.next(), parts.next().unwrap_or(""))
            else {
                continue;
            };
            let chars: Vec<char> = zh.chars().collect();
            let Some(&first) = chars.first() else {
                continue;
            };
            let english = english.split_whitespace().map(str::to_owned).collect();
            dict.entry(first)
                .or_default()
                .push((chars, kind == "legal", english));
        }
        for words in dict.values_mut() {
            words.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        Tables { t2s, dict }
    })
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Normalises one name.
#[must_use]
pub fn normalize(name: &str) -> Normalized {
    let tables = tables();
    let mut out = Normalized::default();
    let folded: String = name.nfkc().collect();
    if folded != name
        && name
            .chars()
            .any(|c| matches!(c as u32, 0xFF01..=0xFF5E | 0x3000))
    {
        out.steps.insert(Step::FullWidth);
    }
    let lowered = folded.to_lowercase();
    let mut simplified = String::with_capacity(lowered.len());
    for c in lowered.chars() {
        match tables.t2s.get(&c) {
            Some(&s) => {
                out.steps.insert(Step::TraditionalToSimplified);
                simplified.push(s);
            }
            None => simplified.push(c),
        }
    }
    let chars: Vec<char> = simplified.chars().collect();
    let mut i = 0;
    let mut latin = String::new();
    while i < chars.len() {
        let Some(&c) = chars.get(i) else { break };
        if is_han(c) {
            flush_latin(&mut latin, &mut out);
            let start = i;
            while chars.get(i).is_some_and(|&c| is_han(c)) {
                i += 1;
            }
            han_run(chars.get(start..i).unwrap_or_default(), tables, &mut out);
        } else {
            latin.push(c);
            i += 1;
        }
    }
    flush_latin(&mut latin, &mut out);
    out
}

fn han_run(run: &[char], tables: &Tables, out: &mut Normalized) {
    let mut syllables = String::new();
    let mut i = 0;
    let flush = |syllables: &mut String, out: &mut Normalized| {
        if !syllables.is_empty() {
            out.steps.insert(Step::Pinyin);
            out.tokens.push((std::mem::take(syllables), Origin::Pinyin));
        }
    };
    while i < run.len() {
        let rest = run.get(i..).unwrap_or_default();
        let word = rest
            .first()
            .and_then(|c| tables.dict.get(c))
            .and_then(|words| words.iter().find(|(zh, _, _)| rest.starts_with(zh)));
        if let Some((zh, legal, english)) = word {
            flush(&mut syllables, out);
            out.steps.insert(if *legal {
                Step::LegalForm
            } else {
                Step::ChineseDictionary
            });
            for token in english {
                out.tokens.push((token.clone(), Origin::Dictionary));
            }
            i += zh.len();
            continue;
        }
        if let Some(&c) = rest.first() {
            match pinyin::ToPinyin::to_pinyin(&c) {
                Some(p) => {
                    let plain: String = p
                        .plain()
                        .nfkd()
                        .filter(|c| c.is_ascii_alphanumeric())
                        .collect();
                    syllables.push_str(&plain);
                }
                None => {
                    flush(&mut syllables, out);
                }
            }
        }
        i += 1;
    }
    flush(&mut syllables, out);
}

fn flush_latin(latin: &mut String, out: &mut Normalized) {
    if latin.is_empty() {
        return;
    }
    let text = std::mem::take(latin);
    let stripped: String = text.nfkd().filter(|c| !is_combining_mark(*c)).collect();
    if stripped != text.nfkd().collect::<String>() {
        out.steps.insert(Step::Accents);
    }
    // Dots join abbreviations (`S.A.`, `F.Z.E.`, `Co.`) rather than separate words.
    let stripped = stripped.replace('.', "");
    for word in stripped.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if LEGAL_FORMS.contains(&word) {
            out.steps.insert(Step::LegalForm);
            continue;
        }
        if STOP_WORDS.contains(&word) {
            continue;
        }
        let token = match FOLDS.iter().find(|(from, _)| *from == word) {
            Some((_, to)) => {
                out.steps.insert(Step::Fold);
                (*to).to_owned()
            }
            None => word.to_owned(),
        };
        out.tokens.push((token, Origin::Latin));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> String {
        normalize(name).key()
    }

    #[test]
    fn chinese_and_english_names_meet() {
        assert_eq!(key("Huawei Technologies Co., Ltd."), "huawei technology");
        assert_eq!(key("华为技术有限公司"), "huawei technology");
        assert_eq!(key("華為技術有限公司"), "huawei technology");
        assert_eq!(key("Ｈｕａｗｅｉ　Ｔｅｃｈ"), "huawei tech");
        assert_eq!(key("北京华为技术有限公司"), "beijing huawei technology");
        assert_eq!(key("Société Générale S.A."), "societe generale");
    }

    #[test]
    fn steps_are_recorded() {
        let n = normalize("華為技術有限公司");
        let steps: Vec<&str> = n.steps.iter().map(|s| s.describe()).collect();
        assert_eq!(
            steps,
            [
                "traditional → simplified",
                "Chinese words translated",
                "Han characters → pinyin",
                "legal forms removed"
            ]
        );
        let n = normalize("Ｈｕａｗｅｉ　Ｔｅｃｈ");
        assert!(n.steps.contains(&Step::FullWidth));
    }
}
