//! The shared vocabulary of data categories that the scanner, both countries' rule packs,
//! the de-identifier and the reports all speak.
//!
//! Each [`Category`] carries its English and Chinese names, its W3C DPV term where DPV has
//! one, and how each country's law treats it: the PIPL personal-information class with its
//! basis and whether it can indicate important data, and the 28 CFR 202 sensitive-data
//! category and HIPAA Safe Harbor identifier with theirs.
//!
//! The default vocabulary is `vocabulary.toml` in this crate, embedded at build time:
//!
//! ```
//! let vocabulary = freeport_vocabulary::Vocabulary::embedded()?;
//! let ssn = vocabulary.get("id.us.ssn").ok_or("no SSN category")?;
//! assert_eq!(ssn.us.hipaa.as_str(), "G");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod category;
mod law;
mod load;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use category::{
    Category, CnClass, CnClassification, DspCategory, HipaaIdentifier, UsClassification,
};
pub use law::{
    CnCounter, CnThreshold, CollectedIn, Counter, Form, Jurisdiction, Threshold, UsCounter, Window,
};
pub use load::{InvalidEntry, ParseError, VocabularyError};

/// What an override says an entry becomes when it is not personal data at all (a contested
/// inventory entry at the port, a column in a project file's `[classification]`): it is left
/// out when judged.
pub const NOT_PERSONAL_DATA: &str = "not_personal_data";

/// The vocabulary file compiled into every build.
const EMBEDDED_TOML: &str = include_str!("../vocabulary.toml");
/// The name errors in the embedded file are reported under.
const EMBEDDED_NAME: &str = "freeport-vocabulary/vocabulary.toml";

/// A checked set of data categories, in file order.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    version: String,
    categories: Vec<Category>,
    index: HashMap<String, usize>,
}

impl Vocabulary {
    /// The vocabulary built into this release.
    ///
    /// # Errors
    ///
    /// Only if the embedded file is broken, which the test suite rules out; the error then
    /// points at the offending line.
    pub fn embedded() -> Result<&'static Self, VocabularyError> {
        static EMBEDDED: OnceLock<Result<Vocabulary, VocabularyError>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| Self::from_toml(EMBEDDED_NAME, EMBEDDED_TOML))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Reads and checks a vocabulary in TOML form; `name` labels the file in errors.
    ///
    /// # Errors
    ///
    /// A [`VocabularyError`] with a span into `text` if the TOML is malformed, has unknown
    /// fields, or an entry breaks a rule: ids unique and well-formed, names and bases
    /// non-empty, DPV IRIs well-formed.
    pub fn from_toml(name: &str, text: &str) -> Result<Self, VocabularyError> {
        load::parse(name, text)
    }

    /// The release of the vocabulary, recorded with every decision that used it.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.version
    }

    /// All categories, in file order.
    #[must_use]
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The category with this id, if any.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Category> {
        self.index.get(id).and_then(|&i| self.categories.get(i))
    }
}
