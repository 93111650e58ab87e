//! Reading a vocabulary file and checking it before anything uses it.

use std::collections::HashMap;
use std::ops::Range;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use crate::Vocabulary;
use crate::category::{Category, CnClassification, UsClassification};

/// A vocabulary file that could not be read or failed a check.
///
/// Every variant points into the file, so the message shows the offending line.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum VocabularyError {
    /// The file is not valid TOML or does not have the vocabulary's shape.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Parse(Box<ParseError>),
    /// The file parses but an entry breaks a rule of the vocabulary.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<InvalidEntry>),
}

/// The file is not valid TOML or does not have the vocabulary's shape.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("cannot read vocabulary: {message}")]
#[diagnostic(code(vocabulary::parse))]
pub struct ParseError {
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("here")]
    span: Option<SourceSpan>,
}

/// An entry breaks a rule of the vocabulary.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("invalid vocabulary entry: {reason}")]
#[diagnostic(code(vocabulary::invalid))]
pub struct InvalidEntry {
    reason: String,
    #[help]
    help: Option<String>,
    #[source_code]
    src: NamedSource<String>,
    #[label("{reason}")]
    span: SourceSpan,
}

impl InvalidEntry {
    /// Which rule is broken, in words.
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Where in the file.
    #[must_use]
    pub const fn span(&self) -> SourceSpan {
        self.span
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: Spanned<String>,
    #[serde(rename = "category", default)]
    categories: Vec<RawCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    id: Spanned<String>,
    name_en: Spanned<String>,
    name_zh: Spanned<String>,
    description: Spanned<String>,
    dpv: Option<Spanned<String>>,
    cn: Spanned<CnClassification>,
    us: Spanned<UsClassification>,
}

/// The DPV namespaces whose terms a category may point at.
const DPV_NAMESPACES: [&str; 2] = ["https://w3id.org/dpv#", "https://w3id.org/dpv/pd#"];

pub(crate) fn parse(name: &str, text: &str) -> Result<Vocabulary, VocabularyError> {
    let source = || NamedSource::new(name, text.to_owned());
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        VocabularyError::Parse(Box::new(ParseError {
            message: e.message().to_owned(),
            src: source(),
            span: e.span().map(SourceSpan::from),
        }))
    })?;
    let invalid = |reason: String, help: Option<&str>, span: Range<usize>| {
        VocabularyError::Invalid(Box::new(InvalidEntry {
            reason,
            help: help.map(str::to_owned),
            src: source(),
            span: span.into(),
        }))
    };

    if raw.version.get_ref().trim().is_empty() {
        return Err(invalid(
            "the vocabulary has no version".to_owned(),
            Some("set `version` to the release this file belongs to, e.g. \"2026.11.0\""),
            raw.version.span(),
        ));
    }

    let mut index = HashMap::with_capacity(raw.categories.len());
    let mut categories = Vec::with_capacity(raw.categories.len());
    for entry in raw.categories {
        let id = entry.id.get_ref();
        if !is_well_formed_id(id) {
            return Err(invalid(
                format!("`{id}` is not a well-formed category id"),
                Some(
                    "ids are two or more dot-separated segments of lowercase ASCII letters, digits and `_`, each starting with a letter, e.g. `id.cn.resident_id`",
                ),
                entry.id.span(),
            ));
        }
        if index.contains_key(id) {
            return Err(invalid(
                format!("category `{id}` is defined twice"),
                Some("every id may appear once; merge the two entries"),
                entry.id.span(),
            ));
        }
        for field in [&entry.name_en, &entry.name_zh, &entry.description] {
            if field.get_ref().trim().is_empty() {
                return Err(invalid(
                    format!("category `{id}` has an empty name or description"),
                    None,
                    field.span(),
                ));
            }
        }
        if let Some(dpv) = &entry.dpv
            && !is_well_formed_dpv_iri(dpv.get_ref())
        {
            return Err(invalid(
                format!("`{}` is not a DPV term IRI", dpv.get_ref()),
                Some(
                    "use `https://w3id.org/dpv#Term` or `https://w3id.org/dpv/pd#Term` with DPV's own spelling, or leave `dpv` out where DPV has no term",
                ),
                dpv.span(),
            ));
        }
        if entry.cn.get_ref().basis.trim().is_empty() {
            return Err(invalid(
                format!("category `{id}` gives no basis for its Chinese classification"),
                Some("cite the provision, e.g. \"PIPL Art. 28; GB/T 35273-2020 Annex B\""),
                entry.cn.span(),
            ));
        }
        if entry.us.get_ref().basis.trim().is_empty() {
            return Err(invalid(
                format!("category `{id}` gives no basis for its US classification"),
                Some("cite the provision, e.g. \"28 CFR 202.234(d); 45 CFR 164.514(b)(2)(i)(A)\""),
                entry.us.span(),
            ));
        }
        index.insert(id.clone(), categories.len());
        categories.push(Category {
            id: entry.id.into_inner(),
            name_en: entry.name_en.into_inner(),
            name_zh: entry.name_zh.into_inner(),
            description: entry.description.into_inner(),
            dpv: entry.dpv.map(Spanned::into_inner),
            cn: entry.cn.into_inner(),
            us: entry.us.into_inner(),
        });
    }
    Ok(Vocabulary {
        version: raw.version.into_inner(),
        categories,
        index,
    })
}

/// `segment(.segment)+`, each segment `[a-z][a-z0-9_]*`.
pub(crate) fn is_well_formed_id(id: &str) -> bool {
    let mut segments = 0;
    for segment in id.split('.') {
        let mut chars = segment.chars();
        let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        if !starts_with_letter
            || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return false;
        }
        segments += 1;
    }
    segments >= 2
}

/// A DPV namespace followed by a term name: an ASCII letter, then ASCII letters and digits.
pub(crate) fn is_well_formed_dpv_iri(iri: &str) -> bool {
    DPV_NAMESPACES.iter().any(|namespace| {
        iri.strip_prefix(namespace).is_some_and(|term| {
            let mut chars = term.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dotted_lowercase_segments() {
        for good in ["person.name", "id.cn.resident_id", "a.b2", "fin.iban"] {
            assert!(is_well_formed_id(good), "{good}");
        }
        for bad in [
            "",
            "person",
            "Person.name",
            "person..name",
            "person.",
            ".name",
            "person.1x",
            "person.na-me",
            "person.名",
        ] {
            assert!(!is_well_formed_id(bad), "{bad}");
        }
    }

    #[test]
    fn dpv_iris_name_a_term_in_a_dpv_namespace() {
        assert!(is_well_formed_dpv_iri("https://w3id.org/dpv/pd#Name"));
        assert!(is_well_formed_dpv_iri(
            "https://w3id.org/dpv#SensitivePersonalData"
        ));
        assert!(is_well_formed_dpv_iri(
            "https://w3id.org/dpv/pd#VehicalLicenseNumber"
        ));
        for bad in [
            "https://w3id.org/dpv/pd#",
            "http://w3id.org/dpv/pd#Name",
            "https://w3id.org/dpv/pd#Name ",
            "https://w3id.org/dpv/pd#Na-me",
            "pd:Name",
            "https://w3id.org/dpv/legal/us#Name",
        ] {
            assert!(!is_well_formed_dpv_iri(bad), "{bad}");
        }
    }

    const ENTRY: &str = r#"
[[category]]
id = "person.name"
name_en = "Name"
name_zh = "姓名"
description = "A person's name."
dpv = "https://w3id.org/dpv/pd#Name"
cn = { class = "pi", important_data_indicator = false, basis = "PIPL Art. 4" }
us = { dsp = "covered_personal_identifier", hipaa = "A", basis = "28 CFR 202.234(d)" }
"#;

    #[test]
    fn a_minimal_file_loads() {
        let text = format!("version = \"1\"\n{ENTRY}");
        let vocabulary = parse("test.toml", &text).unwrap();
        assert_eq!(vocabulary.categories().len(), 1);
        assert!(vocabulary.get("person.name").is_some());
    }

    #[test]
    fn a_duplicate_id_is_refused_with_its_span() {
        let text = format!("version = \"1\"\n{ENTRY}{ENTRY}");
        let error = parse("test.toml", &text).unwrap_err();
        let VocabularyError::Invalid(entry) = error else {
            panic!("expected an invalid-entry error, got {error:?}");
        };
        assert_eq!(entry.reason(), "category `person.name` is defined twice");
        let second = text.rfind("\"person.name\"").unwrap();
        assert_eq!(entry.span().offset(), second);
    }

    #[test]
    fn an_unknown_field_is_a_parse_error() {
        let text = format!("version = \"1\"\n{ENTRY}colour = \"red\"\n");
        assert!(matches!(
            parse("test.toml", &text),
            Err(VocabularyError::Parse(_))
        ));
    }

    #[test]
    fn an_empty_basis_is_refused() {
        let text = format!(
            "version = \"1\"\n{}",
            ENTRY.replace("basis = \"PIPL Art. 4\"", "basis = \" \"")
        );
        let error = parse("test.toml", &text).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("no basis for its Chinese classification"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_class_is_a_parse_error() {
        let text = format!(
            "version = \"1\"\n{}",
            ENTRY.replace("class = \"pi\"", "class = \"secret\"")
        );
        assert!(matches!(
            parse("test.toml", &text),
            Err(VocabularyError::Parse(_))
        ));
    }
}
